"""Nerve and vessel facts mended after the session-29 audit, as the info panel shows them."""

from __future__ import annotations

import re

import pytest

from calfexplorer.atlas import Atlas
from calfexplorer.ui.explore.info_html import structure_html


def _text(text: str) -> str:
    return " ".join(text.split())


def _plain(html: str) -> str:
    return _text(re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    ("nerve", "words"),
    [
        ("deep_fibular_nerve", "first web space"),
        ("superficial_fibular_nerve", "dorsum of the foot"),
        ("femoral_nerve", "front and the lower inner side of the thigh"),
        ("obturator_nerve", "inner side of the thigh"),
    ],
)
def test_mixed_nerves_whose_skin_the_lesion_map_colours_say_so_on_their_page(
    atlas: Atlas, nerve: str, words: str
) -> None:
    n = atlas.get(nerve)
    assert n.skin_territory is not None and len(n.skin_territory.refs) >= 2
    page = _plain(structure_html(atlas, nerve))
    assert "Skin it supplies" in page and words in page


@pytest.mark.parametrize("nerve", ["deep_fibular_nerve", "superficial_fibular_nerve"])
def test_fibular_roots_are_not_cited_to_the_source_that_gives_other_roots(
    atlas: Atlas, nerve: str
) -> None:
    """The page cites a nerve's refs for its roots (L4 to S1); Elsevier's Quick Facts give
    L4/L5 to S2 and L5 to S2, so they belong to the disputes only."""
    n = atlas.get(nerve)
    assert n.roots == ["L4", "L5", "S1"]
    assert "th_elsevier_quickfacts" not in n.refs
    assert any("th_elsevier_quickfacts" in d.refs for d in n.disputed)
    web = [r for r in n.refs if atlas.references[r].url]
    assert len(web) >= 2


def test_two_popliteal_or_femoral_veins_are_common_not_occasional(atlas: Atlas) -> None:
    """The popliteal vein was 'single (occasionally doubled)'; dissections and venograms find
    two deep veins in the fossa in a third or more of limbs, and a doubled femoral vein as
    often, which an ultrasound search for a clot has to allow for."""
    popliteal = atlas.get("popliteal_vein")
    assert "occasionally doubled" not in popliteal.description
    for vein in ("popliteal_vein", "femoral_vein"):
        note = next(n for n in atlas.get(vein).notes if n.title.startswith("Variation"))
        assert re.search(r"\b(31|42|41)%", note.text) and len(note.refs) >= 2
        assert all(atlas.references[r].kind == "article" for r in note.refs)


@pytest.mark.parametrize(
    "artery",
    ["superior_gluteal_artery", "inferior_gluteal_artery", "medial_plantar_artery",
     "lateral_plantar_artery"],
)
def test_an_artery_s_course_cites_two_pages_on_that_artery(atlas: Atlas, artery: str) -> None:
    """Their only web sources were pages on other structures (Kenhub's sciatic nerve; IMAIOS
    entries for the deep femoral and posterior tibial arteries)."""
    name = atlas.get(artery).name.lower()
    own = [r for r in atlas.get(artery).refs
           if atlas.references[r].url and name in atlas.references[r].citation.lower()]
    assert len(own) >= 2
