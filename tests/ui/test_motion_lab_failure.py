"""A motion lab that cannot be prepared (damaged files it reads) says so in the window and
closes; the rest of the window goes on."""

from __future__ import annotations

from typing import Any

import pytest


def test_a_lab_that_cannot_be_prepared_says_why_and_closes(
    main_window: Any, qtbot: Any, monkeypatch: Any
) -> None:
    window = main_window
    if window.scene is None:
        pytest.skip("no OpenGL: no 3D view, nothing to prepare")

    def damaged(*_args: Any, **_kwargs: Any) -> None:
        raise ValueError("binding.npz: arrays of the wrong shape")

    monkeypatch.setattr(window.scene, "load_posing", damaged)
    dock = window.mode_docks["motion"]
    dock.show()
    qtbot.waitUntil(lambda: window.motion.failed is not None and not dock.isVisible())
    box = window.motion.failure_box
    assert box.isVisible() and box.text() == "The motion lab could not be prepared."
    assert "binding.npz: arrays of the wrong shape" in box.informativeText()
    assert "reinstalling CalfExplorer restores the files" in box.informativeText()  # built-in
    # a damaged data folder was blamed on the pack or the install: validate names it
    assert "'calfexplorer validate' names what is wrong there" in box.informativeText()
    box.close()
    window.select("soleus")  # the explorer goes on
    assert window.state.selected == "soleus"


def test_a_preset_from_the_search_when_the_lab_cannot_be_prepared_says_why(
    main_window: Any, qtbot: Any, monkeypatch: Any
) -> None:
    """A preset found in the search poses the leg at once, readying it in the window's thread:
    where that failed, the error ran out of the pose's signal as a traceback on the terminal."""
    window = main_window
    if window.scene is None:
        pytest.skip("no OpenGL: no 3D view, nothing to prepare")
    import calfexplorer.scene.posing as posing

    def damaged(*_args: Any, **_kwargs: Any) -> None:
        raise ImportError("cannot import name 'PackLegPoser' (a damaged install)")

    monkeypatch.setattr(posing, "poser_for", damaged)
    window.search.preset_chosen.emit("deep_squat")
    qtbot.waitUntil(lambda: window.motion.failed is not None)
    box = window.motion.failure_box
    assert box.isVisible() and "a damaged install" in box.informativeText()
    assert not window.scene.posing_ready
    box.close()
    window.select("soleus")  # the explorer goes on
    assert window.state.selected == "soleus"
