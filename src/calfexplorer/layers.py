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
#: Layers that "peel outermost visible layer" may hide, outermost first (bones are never peeled).
PEEL_ORDER: tuple[Layer, ...] = ("superficial", "deep", "tendons", "vessels", "nerves")
