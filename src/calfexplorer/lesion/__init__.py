"""The lesion model: cut a nerve at a level, or a spinal root, and compute what is lost.

Pure Python (no Qt, no VTK)::

    from calfexplorer.lesion import open_lesion_model
    model, problems = open_lesion_model(atlas)
    result = model.compute(Lesion(cuts=(model.cut("common_fibular_nerve", "fibular_neck"),)))
    result.movement("ankle", "dorsiflexion").status   # "lost"
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from calfexplorer.lesion.data import LesionData, load_lesion_data
from calfexplorer.lesion.model import (
    Cut,
    Lesion,
    LesionError,
    LesionModel,
    LesionResult,
    MovementEffect,
    MuscleLoss,
    MyotomeEffect,
    ReflexEffect,
    SkinEffect,
)

if TYPE_CHECKING:
    from pathlib import Path

    from calfexplorer.atlas import Atlas, AtlasProblem


def open_lesion_model(
    atlas: Atlas, data_dir: Path | str | None = None
) -> tuple[LesionModel, list[AtlasProblem]]:
    """The lesion model over ``atlas`` and the lesion data in ``data_dir``, with its problems."""
    data, problems = load_lesion_data(atlas, data_dir)
    return LesionModel(atlas, data), problems


__all__ = [
    "Cut",
    "Lesion",
    "LesionData",
    "LesionError",
    "LesionModel",
    "LesionResult",
    "MovementEffect",
    "MuscleLoss",
    "MyotomeEffect",
    "ReflexEffect",
    "SkinEffect",
    "load_lesion_data",
    "open_lesion_model",
]
