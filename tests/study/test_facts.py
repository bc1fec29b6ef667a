"""The study facts a window builds from the app's data files, when one of them is broken."""

from __future__ import annotations


def test_the_study_facts_load_with_broken_geometry_parameters(atlas, tmp_path, monkeypatch):
    """A user's broken data/geometry file (validate names it): the Study panel still opens,
    every structure taken as drawn (the view's askable check still leaves out what is not)."""
    from calfexplorer.study.facts import StudyFacts
    from data_copy import data_copy

    data = data_copy(tmp_path, monkeypatch)
    (data / "geometry" / "muscles.yaml").write_text("muscles: [unclosed\n", encoding="utf-8")
    facts = StudyFacts.with_lesions(atlas)
    assert facts.structures and not facts.not_drawn
