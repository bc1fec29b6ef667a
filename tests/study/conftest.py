"""Fixtures: a small atlas (tests/study/data) loaded by the real loader, and its study facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from calfexplorer.atlas.loader import load_atlas
from calfexplorer.study.facts import StudyFacts
from calfexplorer.study.questions import QuestionFactory

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def atlas():
    atlas, problems = load_atlas(DATA)
    assert problems == [], problems
    return atlas


@pytest.fixture(scope="session")
def facts(atlas) -> StudyFacts:
    return StudyFacts(atlas)


@pytest.fixture(scope="session")
def factory(facts) -> QuestionFactory:
    return QuestionFactory(facts)
