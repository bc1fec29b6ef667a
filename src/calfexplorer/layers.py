"""The display layers every part of the app shares (atlas, state, scene, window)."""

from __future__ import annotations

from typing import Literal

Layer = Literal[
    "regions", "superficial", "deep", "tendons", "vessels", "nerves", "attachments", "bones"
]

#: Display layers, from the outside in, then "regions" (the see-through volumes of the
#: compartments, the popliteal fossa and the tarsal tunnel; retinacula and fasciae too:
#: ``Atlas.layer_of``), last so the window's Ctrl+1..7 layer keys keep their meaning.
LAYERS: tuple[Layer, ...] = (
    "superficial",
    "deep",
    "tendons",
    "vessels",
    "nerves",
    "attachments",
    "bones",
    "regions",
)
#: Layers that start switched off (and "Show all" leaves off): the regions' volumes are for when
#: a student asks for them (the Regions switch, or selecting a region, turns them on).
OFF_AT_START: tuple[Layer, ...] = ("regions",)


def starting_layers() -> dict[str, bool]:
    """Each layer's switch as a new view starts it."""
    return {layer: layer not in OFF_AT_START for layer in LAYERS}


#: Layers that "peel outermost visible layer" may hide, outermost first (bones are never peeled).
PEEL_ORDER: tuple[Layer, ...] = ("superficial", "deep", "tendons", "vessels", "nerves")
