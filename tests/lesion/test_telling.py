"""The muscles that tell a lesion from those most like it (what its card's picture must show)."""

from __future__ import annotations

from calfexplorer.lesion.report import DENERVATED_HEX as FULL
from calfexplorer.lesion.report import PARTLY_DENERVATED_HEX as PART
from calfexplorer.lesion.report import telling_muscles

COLOURS = {
    "common_high": {"tibialis_anterior": FULL, "fibularis_longus": FULL},
    "common_low": {"tibialis_anterior": FULL, "fibularis_longus": FULL},  # the same muscles
    "deep": {"tibialis_anterior": FULL},
    "root": {"tibialis_anterior": PART},
    "skin": {},  # a skin nerve's: no picture
}


def test_the_nearest_lesion_that_differs_tells_which_muscles() -> None:
    assert telling_muscles(COLOURS, "common_high") == {"fibularis_longus"}  # vs deep
    assert telling_muscles(COLOURS, "deep") == {"fibularis_longus", "tibialis_anterior"}
    assert telling_muscles(COLOURS, "root") == {"tibialis_anterior"}  # another colour


def test_a_lesion_alone_in_its_kind_is_told_by_nothing() -> None:
    assert telling_muscles({"a": {"soleus": FULL}, "b": {"soleus": FULL}, "c": {}}, "a") == set()
