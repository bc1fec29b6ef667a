"""The display layers every part of the app shares (atlas, state, scene, window)."""

from __future__ import annotations

from typing import Literal

Layer = Literal["superficial", "deep", "tendons", "vessels", "nerves", "attachments", "bones"]

#: Display layers, from the outside in.
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
