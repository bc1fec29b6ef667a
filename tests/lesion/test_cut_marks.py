"""Where the 3D view marks a nerve lesion's cut, and what it draws cut off."""

from __future__ import annotations

import pytest

from calfexplorer.atlas import Atlas
from calfexplorer.lesion import open_lesion_model
from calfexplorer.lesion.cut_marks import cut_marks, cut_off_nerves
from calfexplorer.lesion.model import Lesion, LesionModel


@pytest.fixture(scope="module")
def model(atlas: Atlas) -> LesionModel:
    model, problems = open_lesion_model(atlas)
    assert problems == []
    return model


def test_every_level_of_every_nerve_places_its_mark(model: LesionModel) -> None:
    """Each level says where on the drawn nerve the cut lies, upper levels above lower ones."""
    for nerve in model.nerves():
        along = [e.along for e in model.levels(nerve)]
        assert all(a is not None and 0 <= a <= 1 for a in along), nerve
        assert along == sorted(along), nerve


def test_a_common_fibular_cut_is_marked_at_the_fibular_neck_and_cuts_off_its_branches(
        atlas: Atlas, model: LesionModel) -> None:
    result = model.compute(Lesion((model.cut("common_fibular_nerve", "fibular_neck"),)))
    [mark] = cut_marks(model, result)
    assert mark.nerve == "common_fibular_nerve"
    assert mark.label == "Cut: at the neck of the fibula"
    off = cut_off_nerves(atlas, result)
    assert {"deep_fibular_nerve", "superficial_fibular_nerve"} <= off
    assert "common_fibular_nerve" not in off  # (only its part below the mark)
    assert "lateral_sural_cutaneous_nerve" not in off  # (it leaves above the neck)


def test_a_sciatic_cut_takes_every_branch_below_it(atlas: Atlas, model: LesionModel) -> None:
    result = model.compute(Lesion((model.cut("sciatic_nerve", "gluteal"),)))
    off = cut_off_nerves(atlas, result)
    # (branches of branches the lesion data does not name, found through the atlas)
    assert {"tibial_nerve", "common_fibular_nerve", "sural_nerve",
            "medial_sural_cutaneous_nerve", "lateral_sural_cutaneous_nerve"} <= off


def test_a_root_lesion_marks_no_nerve(atlas: Atlas, model: LesionModel) -> None:
    """A root lies off the 3D leg and every nerve carries several roots: none is cut."""
    result = model.compute(Lesion((), ("L5",)))
    assert cut_marks(model, result) == ()
    assert cut_off_nerves(atlas, result) == frozenset()
