"""The Study dock when progress cannot be saved: a full disk, a read-only or a newer progress
file. The file is never moved or changed, the dock says what is wrong and what to do, the user
goes on answering, and the answers reach the file once the problem is gone."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from calfexplorer.study import ProgressStore, Scope
from calfexplorer.study.kinds import CardKey
from calfexplorer.study.scheduler import Scheduler, new_card, now_utc, rating_for
from calfexplorer.study.store import SAVE_ACTION, SCHEMA_VERSION, default_path
from study.store_trouble import Trouble


@pytest.fixture
def trouble(monkeypatch) -> Trouble:
    return Trouble(monkeypatch)


def _good_progress() -> bytes:
    """A healthy progress file in the user's folder with one answer; returns its bytes."""
    path = default_path()
    with ProgressStore.open(path) as store:
        key = CardKey("soleus", "name_it")
        now = now_utc()
        card, _ = Scheduler().review(new_card(key, now), rating_for(True), now)
        store.record_answer(key, card, True, 3, "soleus", now)
    return path.read_bytes()


def _answers_in_file() -> int:
    conn = sqlite3.connect(f"{default_path().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    finally:
        conn.close()


def _nothing_moved() -> bool:
    return not list(default_path().parent.glob("progress.sqlite.corrupt-*"))


def _open_study(window, qtbot):
    """Show the Study dock as the user does (Modes > Study); returns (dock, host, panel)."""
    dock = window.mode_docks["study"]
    dock.show()
    dock.raise_()
    host = window.study
    panel = host.panel
    qtbot.waitUntil(panel.isVisible, timeout=5000)  # a panel made on show is shown queued
    panel.scope_picker.set_scope(Scope.of(kinds=["name_it"], structure_kinds=["muscle"]))
    panel.length_box.setValue(3)
    return dock, host, panel


def _start(panel, qtbot) -> None:
    with qtbot.waitSignal(panel.question_shown, timeout=5000):
        qtbot.mouseClick(panel.start_button, Qt.MouseButton.LeftButton)
    assert panel.question is not None


def _answer(panel, qtbot) -> None:
    with qtbot.waitSignal(panel.answered, timeout=5000):
        qtbot.keyClick(panel, Qt.Key.Key_1)


def _next(panel, qtbot) -> None:
    with qtbot.waitSignal(panel.question_shown, timeout=5000):
        qtbot.keyClick(panel, Qt.Key.Key_Space)


def _readable(banner, qtbot) -> None:
    """Every line of the banner is on screen once its layout has settled: nothing cut off at
    the side or the bottom."""
    assert banner.isVisible()
    labels = [x for x in (banner.title, banner.text, banner.unsaved) if x.isVisible() and x.text()]

    def laid_out() -> bool:
        return banner.width() <= banner.parentWidget().width() and all(
            x.height() >= x.heightForWidth(x.width()) and x.geometry().right() <= banner.width()
            for x in labels
        )

    qtbot.waitUntil(laid_out, timeout=5000)


def _shot(dock, tmp_path: Path, name: str) -> None:
    """A picture of the dock, kept with the test's files to look at when it fails."""
    assert dock.grab().save(str(tmp_path / f"{name}.png"))


def test_full_disk_at_start_keeps_the_progress_file_and_saves_answers_later(
    main_window, qtbot, trouble, tmp_path
):
    before = _good_progress()
    trouble.open_full = True
    dock, host, panel = _open_study(main_window, qtbot)
    banner = host.store_banner
    qtbot.waitUntil(banner.isVisible, timeout=5000)
    assert "disk is full" in banner.text.text()
    assert "unharmed" in banner.text.text()
    assert banner.save_button.isVisible() and banner.save_button.text() == SAVE_ACTION
    # The progress made before still counts: one card is no longer new.
    total = len(panel.scope().cards(panel.facts))
    assert f"<b>{total - 1}</b> new" in panel.counts_label.text()

    _start(panel, qtbot)
    _answer(panel, qtbot)
    qtbot.waitUntil(lambda: "1 answer kept in memory only" in banner.unsaved.text())
    _readable(banner, qtbot)
    _shot(dock, tmp_path, "full-disk")
    assert default_path().read_bytes() == before and _nothing_moved()

    qtbot.mouseClick(banner.save_button, Qt.MouseButton.LeftButton)  # still full
    assert "Still not saved" in banner.title.text()
    assert default_path().read_bytes() == before

    trouble.fix()  # space is back
    qtbot.mouseClick(banner.save_button, Qt.MouseButton.LeftButton)
    assert "being saved again" in banner.title.text()
    assert "1 answer kept in memory was saved" in banner.text.text()
    _readable(banner, qtbot)
    _shot(dock, tmp_path, "saved")
    assert _answers_in_file() == 2
    _next(panel, qtbot)
    _answer(panel, qtbot)  # straight into the file now
    assert _answers_in_file() == 3
    qtbot.mouseClick(banner.close_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()


def test_read_only_progress_file_still_starts_a_session_and_saves_when_writable(
    main_window, qtbot, trouble, tmp_path
):
    before = _good_progress()
    trouble.read_only = True
    dock, host, panel = _open_study(main_window, qtbot)
    banner = host.store_banner
    assert not banner.isVisible()  # opening only reads: nothing to say yet

    _start(panel, qtbot)  # was: nothing happened, the error went to stderr
    assert "read-only" in banner.text.text() and banner.isVisible()
    _answer(panel, qtbot)
    assert "1 answer kept in memory only" in banner.unsaved.text()
    _readable(banner, qtbot)
    _shot(dock, tmp_path, "read-only")
    assert default_path().read_bytes() == before

    trouble.fix()  # the file is writable again: the next answer saves the ones before it
    _next(panel, qtbot)
    _answer(panel, qtbot)
    assert "being saved again" in banner.title.text()
    assert _answers_in_file() == 3


def test_full_disk_mid_session_is_shown_and_the_session_goes_on(
    main_window, qtbot, trouble, tmp_path
):
    dock, host, panel = _open_study(main_window, qtbot)
    banner = host.store_banner
    _start(panel, qtbot)
    _answer(panel, qtbot)
    assert not banner.isVisible() and _answers_in_file() == 1
    trouble.full_on_commit = True
    _next(panel, qtbot)
    _answer(panel, qtbot)
    assert banner.isVisible() and "disk is full" in banner.text.text()
    assert panel.question_view.answered  # the answer was graded and shown
    trouble.fix()
    qtbot.mouseClick(banner.save_button, Qt.MouseButton.LeftButton)
    assert _answers_in_file() == 2


def test_closing_with_answers_not_yet_saved_asks_first_and_saves_them_once_it_can(
    main_window, qtbot, trouble
):
    """The disk full mid-session: closing the window asks before losing the answer kept in
    memory; kept open, space freed, closing again saves it without asking."""
    dock, host, panel = _open_study(main_window, qtbot)
    _start(panel, qtbot)
    _answer(panel, qtbot)
    trouble.full_on_commit = True
    _next(panel, qtbot)
    _answer(panel, qtbot)
    asked: list[tuple[int, str]] = []

    def keep_open(unsaved: int, why: str) -> bool:
        asked.append((unsaved, why))
        return False

    main_window.confirm_losing_answers = keep_open
    main_window.close()
    assert main_window.isVisible() and asked and asked[0][0] == 1
    assert "disk is full" in asked[0][1]
    assert _answers_in_file() == 1
    trouble.fix()  # space is back
    main_window.close()
    assert len(asked) == 1 and not main_window.isVisible()  # saved, not asked again
    assert _answers_in_file() == 2


def test_progress_file_from_a_newer_version_is_left_untouched(main_window, qtbot, tmp_path):
    _good_progress()
    conn = sqlite3.connect(default_path())
    conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()
    before = default_path().read_bytes()
    dock, host, panel = _open_study(main_window, qtbot)
    banner = host.store_banner
    assert banner.isVisible()
    assert "made by a newer CalfExplorer" in banner.text.text()
    assert not banner.save_button.isVisible()  # saving into it can never work
    _start(panel, qtbot)
    _answer(panel, qtbot)
    _readable(banner, qtbot)
    _shot(dock, tmp_path, "newer")
    panel.close_store()
    assert default_path().read_bytes() == before and _nothing_moved()


def test_the_question_before_losing_answers_names_them_and_keeps_the_window_by_default(
    main_window, qtbot
):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from calfexplorer.ui.main_window import MainWindow

    seen: list[str] = []

    def answer(press_default: bool) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, lambda: answer(press_default))
            return
        seen.append(f"{box.text()} {box.informativeText()}")
        button = box.defaultButton() if press_default else next(
            b for b in box.buttons() if b.text().startswith("Close and lose"))
        button.click()

    for press_default, closes in ((True, False), (False, True)):
        QTimer.singleShot(0, lambda p=press_default: answer(p))
        assert MainWindow.confirm_losing_answers(main_window, 2, "The disk is full.") is closes
    assert "2 answers from this study session could not be saved" in seen[0]
    assert "The disk is full." in seen[0]


def test_progress_rows_that_cannot_be_read_are_told_in_the_dock(qtbot, main_window):
    """A date edited into nonsense made the app crash (segfault) as the Study dock opened."""
    before = _good_progress()
    conn = sqlite3.connect(default_path())
    conn.execute("UPDATE reviews SET reviewed_at = 'garbage'")
    conn.commit()
    conn.close()
    edited = default_path().read_bytes()
    assert edited != before
    _dock, host, panel = _open_study(main_window, qtbot)
    banner = host.store_banner
    qtbot.waitUntil(banner.isVisible)
    assert banner.title.text() == "Part of your progress could not be read"
    told = banner.text.text().replace("\u200b", "")
    assert "1 entry in" in told and "is left out: that card counts as new" in told
    assert panel.start_session()  # and the user goes on studying
    assert _nothing_moved()


def test_a_panel_that_cannot_be_built_says_so_in_its_dock(qtbot, main_window, monkeypatch):
    from calfexplorer.ui.study.dock import StudyHost

    tries = []

    def broken(self):
        tries.append(1)
        raise ValueError("made up for the test")

    monkeypatch.setattr(StudyHost, "build_panel", broken)
    host = main_window.study
    for _ in range(3):  # the menu entry, as a user tries again: one try, one message
        main_window.mode_actions["study"].trigger()
        qtbot.waitUntil(lambda: host._failure is not None and host._failure.isVisible())
        main_window.mode_actions["study"].trigger()  # (from the front: closes it)
        qtbot.waitUntil(lambda: not main_window.mode_docks["study"].isVisible())
    assert "This panel could not open: ValueError: made up for the test" in host._failure.text()
    assert len(tries) == 1 and len(host.findChildren(QLabel)) == 1
    assert main_window.isVisible()


def test_closing_after_only_starting_a_session_on_a_newer_file_asks_nothing(main_window, qtbot):
    """Nothing answered, a file that can never be saved into: the close asked to 'fix that'
    for a self-rating or session end there was none of."""
    _good_progress()
    conn = sqlite3.connect(default_path())
    conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()
    dock, host, panel = _open_study(main_window, qtbot)
    _start(panel, qtbot)  # no answer given
    asked = []
    main_window.confirm_losing_answers = lambda unsaved, why: asked.append(unsaved) or False
    main_window.close()
    assert not asked and not main_window.isVisible()
