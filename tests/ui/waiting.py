"""Waiting on conditions, never on the clock: a drained event queue, quiet timers, timer ticks.

A fixed ``qtbot.wait(ms)`` is long enough on a quiet machine and too short on a loaded one;
these helpers wait until the thing a test needs has happened, however long that takes.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractEventDispatcher, QEventLoop, QObject, QTimer

#: Rounds of event handling after which a queue that never empties counts as a failure.
MAX_ROUNDS = 10_000


def drain_events() -> None:
    """Handle events until none is left: nothing posted, no timer due, no window event read.

    Raises AssertionError when events keep coming (something reposts itself for ever).
    """
    dispatcher = QAbstractEventDispatcher.instance()
    flags = QEventLoop.ProcessEventsFlag.AllEvents
    for _ in range(MAX_ROUNDS):
        if not dispatcher.processEvents(flags):
            return
    raise AssertionError(f"the event queue did not empty in {MAX_ROUNDS} rounds")


def pending_timers(root: QObject) -> list[QTimer]:
    """The single-shot timers under ``root`` still to fire (deferred work not yet done)."""
    return [t for t in root.findChildren(QTimer) if t.isActive() and t.isSingleShot()]


def wait_until_quiet(qtbot, root: QObject, timeout: int = 10_000) -> None:
    """Wait until ``root`` has no deferred work left: its single-shot timers have fired and
    the event queue is empty (the layouts and paints they caused are done)."""

    def quiet() -> bool:
        drain_events()
        return not pending_timers(root)

    qtbot.waitUntil(quiet, timeout=timeout)


def wait_for_ticks(qtbot, interval_ms: int, ticks: int = 3, timeout: int = 10_000) -> None:
    """Wait until a timer of ``interval_ms`` has fired ``ticks`` times.

    Any timer of the same interval started before this one, had it kept running, would have
    fired at least ``ticks - 1`` times by then (Qt fires due timers in order), however slowly
    the machine runs: a check that something stopped then does not depend on the clock.
    """
    fired = [0]
    timer = QTimer()
    timer.setInterval(interval_ms)
    timer.timeout.connect(lambda: fired.__setitem__(0, fired[0] + 1))
    timer.start()
    try:
        qtbot.waitUntil(lambda: fired[0] >= ticks, timeout=timeout)
    finally:
        timer.stop()


def open_lab_with(qtbot, window, sid: str) -> None:
    """Open the motion lab, wait until it can pose the leg, select ``sid`` and wait until the
    window is quiet (a drag's starting point)."""
    scene = window.scene
    window.mode_docks["motion"].toggleViewAction().trigger()
    qtbot.waitUntil(lambda: window.motion.built and scene.posing_ready and scene.warmed_up,
                    timeout=60_000)
    window.select(sid)
    wait_until_quiet(qtbot, window)
