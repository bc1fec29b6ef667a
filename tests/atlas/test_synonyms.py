"""Synonyms that are pieces of a longer name (an unquoted comma split them) are caught."""

from __future__ import annotations

import pytest

from calfexplorer.atlas import Atlas
from calfexplorer.atlas.synonyms import fragment_reason
from calfexplorer.search import NameIndex

from .data_folder import BASE, DataFolder

TIBIA = "    description: The shin bone.\n"


def _with_synonyms(data: DataFolder, flow: str) -> None:
    data.write("structures/base.yaml", BASE.replace(TIBIA, TIBIA + f"    synonyms: {flow}\n", 1))


def test_an_unquoted_comma_is_reported_and_the_pieces_dropped(data: DataFolder) -> None:
    _with_synonyms(
        data,
        "[shin bone, superficial femoral vein (obsolete, misleading clinical term), "
        "superior medial and lateral, middle, and lateral genicular]",
    )
    atlas, problems = data.load()
    fragment = "looks like a fragment of a longer name"
    quote = "quote a synonym that contains a comma"
    where = "structures/base.yaml, line 7: entry 'tibia', field 'synonyms"
    assert [str(p) for p in problems] == [
        f"{where}[1]': synonym 'superficial femoral vein (obsolete' {fragment} "
        f"(unbalanced parentheses); {quote}",
        f"{where}[2]': synonym 'misleading clinical term)' {fragment} "
        f"(unbalanced parentheses); {quote}",
        f"{where}[3]': synonym 'superior medial and lateral' {fragment} "
        f"(only words of position, no name); {quote}",
        f"{where}[4]': synonym 'middle' {fragment} (only words of position, no name); {quote}",
        f"{where}[5]': synonym 'and lateral genicular' {fragment} (it starts with 'and'); {quote}",
    ]
    assert atlas.get("tibia").synonyms == ["shin bone"]  # the entry stays, the pieces go


def test_quoted_synonyms_with_commas_are_whole(data: DataFolder) -> None:
    _with_synonyms(
        data,
        '["superficial femoral vein (obsolete, misleading clinical term)", '
        '"superior medial genicular artery", "os tibiae"]',
    )
    atlas, problems = data.load()
    assert problems == []
    assert atlas.get("tibia").synonyms[0] == (
        "superficial femoral vein (obsolete, misleading clinical term)"
    )


@pytest.mark.parametrize(
    ("synonym", "reason"),
    [
        ("shin bone", None),
        ("quadriceps femoris (part)", None),
        ("The long flexor", None),  # a capital: a name that starts with an article
        ("a. poplitea", None),  # a Latin abbreviation (arteria), not the article
        ("v. saphena magna", None),
        ("medial hamstring", None),
        ("EDL", None),
        ("tailor's muscle", None),
        ("clinical term)", "unbalanced parentheses"),
        ("a) b (c", "unbalanced parentheses"),
        ("of the toes", "it starts with 'of'"),
        ("superior medial and", "it ends with 'and'"),
        ("deep", "only words of position, no name"),
        ("--", "no words"),
    ],
)
def test_fragment_rule(synonym: str, reason: str | None) -> None:
    assert fragment_reason(synonym) == reason


def test_the_real_synonyms_split_by_commas_are_whole_again(atlas: Atlas) -> None:
    assert atlas.get("femoral_vein").synonyms == [
        "superficial femoral vein (obsolete, misleading clinical term)"
    ]
    assert atlas.get("femoral_artery").synonyms == [
        "common femoral artery (proximal part)",
        "superficial femoral artery (part below the deep femoral origin, clinical term)",
    ]
    assert "middle genicular artery" in atlas.get("genicular_arteries").synonyms
    for structure in atlas.structures.values():
        assert [s for s in structure.synonyms if fragment_reason(s)] == [], structure.id
    hits = NameIndex(atlas).search("middle", 10)
    assert all(h.matched.lower() != "middle" for h in hits)
