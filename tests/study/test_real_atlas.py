"""The engine on the real knowledge base: every card asks a sound question, fast, without Qt."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from calfexplorer.study.facts import StudyFacts
from calfexplorer.study.questions import QuestionFactory


@pytest.fixture(scope="module")
def real():
    from calfexplorer.atlas import load_atlas

    atlas, _ = load_atlas()
    if not atlas.muscles():
        pytest.skip("the real atlas has no muscles yet")
    facts = StudyFacts(atlas)
    return facts, QuestionFactory(facts)


def test_every_real_card_makes_a_sound_question(real):
    facts, factory = real
    assert {m for m in facts.of_kind("muscle")} <= {c.structure_id for c in facts.cards}
    for card in facts.cards:
        for seed in range(2):
            q = factory.make(card, random.Random(seed))
            if q.mode == "pick":
                continue
            assert 2 <= len(q.choices) <= 4, q
            assert sum(c.id in q.correct_ids for c in q.choices) == 1, q
            assert len({c.text for c in q.choices}) == len(q.choices), q
            if card.kind == "synergist":
                true = {r.other for r in facts.synergists[card.structure_id]}
                assert not {c.id for c in q.choices if c.id not in q.correct_ids} & true
            if card.kind == "antagonist":
                true = {r.other for r in facts.antagonists[card.structure_id]}
                assert not {c.id for c in q.choices if c.id not in q.correct_ids} & true


def test_real_typed_names(real):
    facts, _ = real
    vocab = facts.all_names
    assert vocab.match("peroneus longus").ids == {"fibularis_longus"}
    assert vocab.match("soleus").ids == {"soleus"}
    assert "popliteus" not in (vocab.match("soleus").ids)
    assert "fibularis_longus" not in vocab.match("fibularis brevis").ids
    assert vocab.match("achilles tendon").ids == {"calcaneal_tendon"}


def test_study_imports_neither_qt_nor_vtk():
    code = (
        "import sys, calfexplorer.study, calfexplorer.study.anki, calfexplorer.study.stats;"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'vtkmodules', 'vtk', 'pyqtgraph', 'superqt')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
