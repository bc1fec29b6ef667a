"""Study mode asks to find or name only what the 3D view draws."""

from __future__ import annotations

import random

import pytest

from calfexplorer.study.kinds import CardKey
from calfexplorer.study.questions import QuestionFactory


def test_study_never_asks_to_find_or_name_what_is_not_drawn(main_window) -> None:
    window = main_window
    if window.scene is None:
        pytest.skip("no OpenGL: no 3D view")
    host = window.study
    _ = host.panel
    factory = QuestionFactory(host.panel.facts)
    for kind in ("find_it", "name_it"):
        not_drawn = factory.make(CardKey("sacrum", kind), random.Random(0))  # not in the view
        drawn = factory.make(CardKey("soleus", kind), random.Random(0))
        assert not host._can_show(not_drawn)
        assert host._can_show(drawn)
