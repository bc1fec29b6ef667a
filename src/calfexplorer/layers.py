"""The display layers every part of the app shares (atlas, state, scene, window)."""

from __future__ import annotations

from typing import Literal

Layer = Literal[
    "regions", "superficial", "deep", "tendons", "vessels", "nerves", "attachments", "bones"
]

#: Display layers, from the outside in. "regions" (compartments, the popliteal fossa, the tarsal
#: tunnel, retinacula and fasciae: ``Atlas.layer_of``) is not listed yet: the window shows a
#: switch for every layer here and has no meshes for regions so far.
LAYERS: tuple[Layer, ...] = (
    "superficial",
    "deep",
    "tendons",
    "vessels",
    "nerves",
    "attachments",
    "bones",
)
#: Layers that "peel outermost visible layer" may hide, outermost first (bones are never peeled).
PEEL_ORDER: tuple[Layer, ...] = ("superficial", "deep", "tendons", "vessels", "nerves")
