"""Study and the Anki export over a data folder a user broke: what the data still holds is asked
and exported, what a problem emptied is left out (it stopped the export and froze a session)."""

from __future__ import annotations

import random

import pytest

from calfexplorer.atlas import load_atlas
from calfexplorer.study import Scope, StudyFacts
from calfexplorer.study.anki import export_deck
from calfexplorer.study.kinds import CardKey
from calfexplorer.study.questions import QuestionFactory
from data_copy import data_copy


@pytest.fixture
def misspelt_nerve(tmp_path):
    """The gastrocnemius's nerve misspelt: the entry is kept without that reference."""
    data = data_copy(tmp_path)
    f = data / "structures" / "leg_posterior.yaml"
    text = f.read_text(encoding="utf-8")
    start = text.index("  - id: gastrocnemius\n")
    end = text.index("nerves: [tibial_nerve]", start)
    f.write_text(text[:end] + "nerves: [tibal_nerve]" + text[end + 22:], encoding="utf-8")
    atlas, problems = load_atlas(data)
    assert any("tibal_nerve" in str(p) for p in problems)
    return StudyFacts.with_lesions(atlas)


def test_a_fact_emptied_by_a_data_problem_is_not_asked(misspelt_nerve):
    facts = misspelt_nerve
    cards = set(facts.cards)
    assert CardKey("gastrocnemius", "innervation") not in cards
    roots = CardKey("gastrocnemius", "roots")
    assert roots in cards  # the roots are still there: asked, without the nerve as a hint
    q = QuestionFactory(facts).make(roots, random.Random(0))
    assert q.choices and q.hint is None


def test_the_anki_export_goes_on_without_what_a_data_problem_emptied(misspelt_nerve, tmp_path):
    scope = Scope.of(compartments=["posterior_superficial"])
    report = export_deck(misspelt_nerve, tmp_path / "deck.apkg", scope)
    assert report.notes > 20 and (tmp_path / "deck.apkg").is_file()
