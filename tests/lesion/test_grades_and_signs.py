"""What a lesion's page and 3D colours tell at a glance: the two grades of denervated muscle
apart, and a root lesion's heel walking as weak, not lost."""

from __future__ import annotations

import math

import pytest

from calfexplorer.atlas import Atlas
from calfexplorer.lesion import open_lesion_model
from calfexplorer.lesion.model import Lesion, LesionModel
from calfexplorer.lesion.report import DENERVATED_HEX, PARTLY_DENERVATED_HEX


@pytest.fixture(scope="module")
def model(atlas: Atlas) -> LesionModel:
    model, problems = open_lesion_model(atlas)
    assert problems == []
    return model


def _lab(code: str) -> tuple[float, float, float]:
    rgb = [int(code.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    xyz = [sum(m * c for m, c in zip(row, lin, strict=True)) for row in (
        (0.4124, 0.3576, 0.1805), (0.2126, 0.7152, 0.0722), (0.0193, 0.1192, 0.9505))]
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116
         for t in (xyz[0] / 0.95047, xyz[1], xyz[2] / 1.08883)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def test_the_two_grades_of_denervated_muscle_differ_at_a_glance() -> None:
    """The partly denervated muscles' pale vermilion looked like the fully denervated ones
    (CIELAB distance 24): at least 40 apart."""
    assert math.dist(_lab(DENERVATED_HEX), _lab(PARTLY_DENERVATED_HEX)) > 40


def test_a_root_lesion_says_walking_on_the_heels_is_harder_not_impossible(
        model: LesionModel) -> None:
    """L4 and L5 each leave tibialis anterior part of its supply: the summary said the
    patient "cannot walk on the heels"."""
    for root in ("L4", "L5"):
        signs = {sid for sid, *_ in model.compute(Lesion((), (root,))).signs}
        assert "weak_heel_walking" in signs and "cannot_walk_on_heels" not in signs, root
    cut = model.compute(Lesion((model.cut("deep_fibular_nerve", "upper_leg"),)))
    assert "cannot_walk_on_heels" in {sid for sid, *_ in cut.signs}
