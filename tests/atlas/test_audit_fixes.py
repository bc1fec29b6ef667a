"""Facts corrected after the data audit (issue #15), as the info panel shows them."""

from __future__ import annotations

import re

from calfexplorer.atlas import Atlas


def _text(text: str) -> str:
    return " ".join(text.split())


def test_the_tibia_says_popliteus_inserts_on_its_back_not_arises(atlas: Atlas) -> None:
    text = _text(atlas.get("tibia").description)
    arising = re.findall(r"([^;.]*) arise from its back", text)
    assert arising and all("popliteus" not in clause.lower() for clause in arising)
    assert "popliteus (which arises from the lateral femoral condyle) inserts on its back" in text
    popliteus = atlas.get("popliteus")  # and the muscle's own record agrees
    assert [a.bone for a in popliteus.origins] == ["femur"]
    assert [a.bone for a in popliteus.insertions] == ["tibia"]


def test_plantaris_absence_gives_the_dissection_range_and_the_wider_quoted_one(
    atlas: Atlas,
) -> None:
    note = next(n for n in atlas.get("plantaris").clinical if n.title == "Absence and variation")
    text = _text(note.text)
    assert "about 5 to 10%" in text and "8 to 12%" not in text
    assert len(note.refs) >= 2
    assert [_text(d.text) for d in note.disputed] == [
        "Older and some current accounts give a wider range, with absence in up to about 20% "
        "of people."
    ]
    assert len(note.disputed[0].refs) >= 2
    kinds = {atlas.references[r].kind for r in note.refs}
    assert "article" in kinds  # dissection series, not only web pages
