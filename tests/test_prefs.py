"""Stored preferences are checked before use: bad ones fall back to defaults, with a log line."""

from __future__ import annotations

import logging

import pytest

from calfexplorer.ui.prefs import Prefs, clean_prefs, log_complaints
from calfexplorer.views import VIEWS


def test_good_values_pass_through_as_stored_by_an_ini_file():
    stored = {"prefs/fade": "0.4", "prefs/xray": "0", "prefs/labels": "false",
              "prefs/view": "medial"}
    assert clean_prefs(stored) == (Prefs(0.4, 0.0, False, "medial"), [])


def test_nothing_stored_keeps_the_window_values():
    assert clean_prefs({}) == (Prefs(None, None, None, "posterior"), [])


@pytest.mark.parametrize(
    ("key", "raw", "field", "value", "complaint"),
    [
        ("prefs/fade", "abc", "fade", 0.25, "prefs/fade='abc' is not a number"),
        ("prefs/fade", "nan", "fade", 0.25, "prefs/fade='nan' is not a number"),
        ("prefs/fade", ["0.1", "0.2"], "fade", 0.25, "is not a number"),
        ("prefs/xray", "1e300", "xray", 1.0, "prefs/xray='1e300' is outside 0..1; using 1"),
        ("prefs/xray", "inf", "xray", 1.0, "outside 0..1"),
        ("prefs/fade", "-3", "fade", 0.0, "prefs/fade='-3' is outside 0..1; using 0"),
        ("prefs/labels", "maybe", "labels", True, "prefs/labels='maybe' is not true or false"),
        ("prefs/view", "underneath", "view", "posterior", "prefs/view='underneath' is not one of"),
    ],
)
def test_a_bad_value_falls_back_and_is_reported(key, raw, field, value, complaint):
    prefs, complaints = clean_prefs({key: raw})
    assert getattr(prefs, field) == value
    assert len(complaints) == 1 and complaint in complaints[0]


def test_complaints_go_to_the_log_naming_the_file(caplog):
    _, complaints = clean_prefs({"prefs/fade": "abc"})
    with caplog.at_level(logging.WARNING, logger="calfexplorer.ui.prefs"):
        log_complaints(complaints, "/home/u/.config/CalfExplorer/settings.ini")
    assert caplog.messages == [
        "settings /home/u/.config/CalfExplorer/settings.ini: prefs/fade='abc' is not a number; "
        "using the default 0.25"
    ]


def test_views_are_the_windows_views():
    from calfexplorer.ui.main_window import VIEW_KEYS

    assert tuple(VIEW_KEYS) == VIEWS


def test_the_model_choice_is_checked() -> None:
    assert clean_prefs({"prefs/model": "builtin"})[0].model == "builtin"
    assert clean_prefs({"prefs/model": "bodyparts3d"})[0].model == "bodyparts3d"
    prefs, complaints = clean_prefs({"prefs/model": "zygote"})
    assert prefs.model is None  # the pack when installed
    assert complaints and "prefs/model='zygote'" in complaints[0]


def test_one_list_of_views_names_the_scene_s_directions() -> None:
    """The view names were written in five places (the command line, render, the settings,
    the window's keys and the scene)."""
    from calfexplorer.scene.camera import VIEWS as DIRECTIONS

    assert tuple(DIRECTIONS) == VIEWS
