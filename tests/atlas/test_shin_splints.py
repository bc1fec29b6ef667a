"""Shin splints as a massage therapist looks them up: the page names the muscles along the
painful border, and the disputes over which tissue is to blame are shown with their sources."""

from __future__ import annotations

import pytest

from calfexplorer.atlas import Atlas, load_atlas
from calfexplorer.search import NameIndex
from calfexplorer.ui.explore.info_html import structure_html


@pytest.fixture(scope="module")
def real() -> Atlas:
    atlas, problems = load_atlas()  # the app's own data (this folder's conftest has a small one)
    assert not problems
    return atlas


def test_the_shin_splints_page_names_the_muscles_along_the_border(real: Atlas) -> None:
    """The tibia's note on shin splints said where it hurts, not which muscles lie there: a
    therapist who treats the calf for it found neither the soleus nor the long toe flexor."""
    hits = NameIndex(real).search("shin splints")
    assert hits[0].id == "tibia"
    page = structure_html(real, "tibia")
    at = page.index("The muscles along the painful border")
    note = page[at:at + 3000]
    for muscle in ("soleus", "flexor digitorum longus", "tibialis posterior"):
        assert muscle in note
    # both disputes, each with its own source number
    assert "Some reviews still count the tibialis posterior" in note
    assert "bone stress reaction" in note
