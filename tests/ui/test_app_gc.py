"""Start-up pauses the garbage collector and resumes it at the first frame."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QObject, Signal

from calfexplorer.ui import app


class _Viewport(QObject):
    frame_rendered = Signal()


@pytest.fixture
def paused_gc() -> Iterator[None]:
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.enable()


def test_the_first_frame_resumes_the_collector(qtbot, paused_gc) -> None:  # noqa: ANN001
    viewport = _Viewport()
    app._resume_gc_after_first_frame(SimpleNamespace(viewport=viewport))
    assert not gc.isenabled()
    viewport.frame_rendered.emit()
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0  # start-up objects are left out of later collections
    gc.disable()
    viewport.frame_rendered.emit()  # only the first frame resumes it
    assert not gc.isenabled()


def test_without_a_3d_view_the_event_loop_resumes_it(qtbot, paused_gc) -> None:  # noqa: ANN001
    app._resume_gc_after_first_frame(SimpleNamespace(viewport=None))
    assert not gc.isenabled()
    qtbot.waitUntil(gc.isenabled, timeout=2000)
