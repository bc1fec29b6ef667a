"""Soak the explorer window: many mixed user actions, then count what went wrong and what grew.

Run: ``xvfb-run -a .venv/bin/python benchmarks/soak_window.py --actions 1000 --seed 1``
(without a display it re-runs itself under ``xvfb-run``). Prints numbers; exits 1 when a
Python exception, a Qt critical message or a VTK error occurred, 2 when the window crashed
(the soak runs in a child process, so a crash is reported with the action it happened in).

The same seed gives the same actions: clicks in 3D on structures, searches, peel and restore,
isolate, hide, show all, undo and redo, study sessions answered, motion-lab slider drags,
presets and actions, view changes and camera drags, layer toggles. Each action is let finish
(its frames drawn, an action played out) before the next. The first actions do each kind once,
so the panels built on first use exist before memory is first measured (after action 10).

``tests/ui/test_soak.py`` runs a short soak with the same :class:`SoakDriver`.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Longest an action may take to finish (frames drawn, animation over) before it counts as hung.
SETTLE_TIMEOUT_S = 60.0
#: Longest a step within an action (a panel built, a slider step drawn) may take.
STEP_TIMEOUT_S = 20.0
#: Memory is first measured after this many actions (the panels built on first use exist).
WARM_UP_ACTIONS = 10
#: Qt messages of these kinds count as errors; warnings are only counted.
QT_ERRORS = ("critical", "fatal")


# --------------------------------------------------------------------------- problems
@dataclass
class Problems:
    """What went wrong during a soak: Python exceptions, Qt messages, VTK messages, hangs."""

    exceptions: list[str] = field(default_factory=list)
    qt: Counter = field(default_factory=Counter)
    qt_messages: list[str] = field(default_factory=list)
    vtk: Counter = field(default_factory=Counter)
    vtk_messages: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    #: The action under way (set by the driver), named with each problem.
    during: str = "start-up"

    @property
    def errors(self) -> int:
        """Problems that fail the soak (Qt and VTK warnings are only reported)."""
        qt_errors = sum(self.qt[kind] for kind in QT_ERRORS)
        return len(self.exceptions) + qt_errors + self.vtk["error"] + len(self.hangs)


@contextmanager
def watch_problems() -> Iterator[Problems]:
    """Count Python exceptions (``sys.excepthook``: uncaught ones, also those raised in Qt
    slots and VTK observers), Qt messages and VTK errors and warnings while the block runs.
    Each is still passed on to the handler that was there before."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler
    from vtkmodules.vtkCommonCore import vtkCommand, vtkOutputWindow

    problems = Problems()
    previous_hook = sys.excepthook

    def hook(kind, value, tb) -> None:  # noqa: ANN001 - sys.excepthook's signature
        text = "".join(traceback.format_exception(kind, value, tb))
        problems.exceptions.append(f"during {problems.during}:\n{text}")
        if previous_hook is not sys.__excepthook__:  # pytest-qt's: it fails the test
            previous_hook(kind, value, tb)

    kinds = {
        QtMsgType.QtDebugMsg: "debug",
        QtMsgType.QtInfoMsg: "info",
        QtMsgType.QtWarningMsg: "warning",
        QtMsgType.QtCriticalMsg: "critical",
        QtMsgType.QtFatalMsg: "fatal",
    }
    previous_handler: Any = None

    def on_qt_message(mode, context, message: str) -> None:  # noqa: ANN001
        kind = kinds.get(mode, str(mode))
        problems.qt[kind] += 1
        if kind not in ("debug", "info"):
            problems.qt_messages.append(f"Qt {kind} during {problems.during}: {message}")
        if previous_handler is not None:
            previous_handler(mode, context, message)
        elif kind not in ("debug", "info"):
            print(f"Qt {kind}: {message}", file=sys.stderr)

    output = vtkOutputWindow.GetInstance()

    def on_vtk(kind: str) -> Callable[..., None]:
        def observe(_caller, _event, text=None) -> None:  # noqa: ANN001
            problems.vtk[kind] += 1
            message = str(text or "").strip()
            problems.vtk_messages.append(f"VTK {kind} during {problems.during}: {message}")

        observe.CallDataType = 13  # VTK_STRING: the message text comes with the event
        return observe

    tags = [
        output.AddObserver(vtkCommand.ErrorEvent, on_vtk("error")),
        output.AddObserver(vtkCommand.WarningEvent, on_vtk("warning")),
    ]
    sys.excepthook = hook
    previous_handler = qInstallMessageHandler(on_qt_message)
    try:
        yield problems
    finally:
        qInstallMessageHandler(previous_handler)
        sys.excepthook = previous_hook
        for tag in tags:
            output.RemoveObserver(tag)


# -------------------------------------------------------------------------- measures
def rss_mib() -> float:
    """Resident memory of this process in MiB (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass(frozen=True)
class Census:
    """Counts a leak would make grow: memory, Python objects, VTK objects, props, widgets."""

    rss_mib: float
    python_objects: int
    vtk_by_type: dict[str, int]
    props: int
    widgets: int

    @property
    def vtk_objects(self) -> int:
        """Python-held VTK objects (the wrappers the garbage collector tracks)."""
        return sum(self.vtk_by_type.values())


def census(window: Any) -> Census:
    """Collect garbage, then count (memory last, after a full heap trim: the window trims at
    rest only once more than 32 MiB is free, see calfexplorer.ui.heap)."""
    from PySide6.QtWidgets import QApplication
    from vtkmodules.vtkCommonCore import vtkObjectBase

    from calfexplorer.ui.heap import release_unused_heap

    gc.collect()
    objects = gc.get_objects()
    vtk = Counter(type(o).__name__ for o in objects if isinstance(o, vtkObjectBase))
    props = 0
    renderers = window.scene.render_window.GetRenderers()
    renderers.InitTraversal()
    for _ in range(renderers.GetNumberOfItems()):
        props += renderers.GetNextItem().GetViewProps().GetNumberOfItems()
    count = len(objects)
    del objects
    release_unused_heap()
    return Census(rss_mib(), count, dict(vtk), props, len(QApplication.allWidgets()))


# ---------------------------------------------------------------------------- driver
def wait_until(app: Any, done: Callable[[], bool], timeout: float) -> bool:
    """Handle events until ``done()``; False if it still is not after ``timeout`` seconds."""
    from PySide6.QtCore import QEventLoop, QTimer

    wake = QTimer()  # WaitForMoreEvents returns at the latest on its tick: no busy loop
    wake.start(10)
    end = time.monotonic() + timeout
    try:
        app.processEvents()
        while not done():
            if time.monotonic() > end:
                return False
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        return True
    finally:
        wake.stop()


@dataclass
class SoakReport:
    """Actions done by kind, seconds per action, the problems, and counts along the way."""

    actions: Counter = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    start: Census | None = None
    warm: Census | None = None
    end: Census | None = None


class SoakDriver:
    """Drives a shown :class:`~calfexplorer.ui.main_window.MainWindow` as a user would,
    one random action at a time (seeded), letting each finish before the next."""

    def __init__(self, window: Any, seed: int) -> None:
        from PySide6.QtWidgets import QApplication

        self.app = QApplication.instance()
        self.window = window
        self.rng = random.Random(seed)
        atlas = window.atlas
        self.ids = [i for i in window.scene.ids if i in atlas or atlas.attachment(i)]
        self.names = sorted({atlas.name_of(i) for i in self.ids})
        self.problems = Problems()
        self.kinds: dict[str, Callable[[], None]] = {
            "click in 3D": self.click_3d,
            "search": self.search,
            "peel": self.peel,
            "restore layer": self.unpeel,
            "isolate": self.isolate,
            "hide": self.hide,
            "show all": self.show_all,
            "undo/redo": self.undo,
            "study": self.study,
            "motion lab": self.motion,
            "view": self.view,
            "layer toggle": self.layer,
        }
        #: The panels built on first use come first, so memory is measured after them.
        first = ["study", "motion lab"]
        rest = [k for k in self.kinds if k not in first]
        self.rng.shuffle(rest)
        self._round = first + rest

    # -------------------------------------------------------------------- running
    def run(
        self,
        actions: int,
        problems: Problems,
        on_action: Callable[[int, str], None] | None = None,
    ) -> SoakReport:
        """Do ``actions`` actions (each kind once first, then at random) and report."""
        report = SoakReport(problems=problems)
        self.problems = problems
        self.settle()
        report.start = census(self.window)
        kinds = list(self.kinds)
        for n in range(1, actions + 1):
            kind = self._round[n - 1] if n <= len(self._round) else self.rng.choice(kinds)
            problems.during = f"action {n} ({kind})"
            if on_action is not None:
                on_action(n, kind)
            began = time.perf_counter()
            try:
                self.kinds[kind]()
            except Exception:  # noqa: BLE001 - counted like any uncaught exception
                sys.excepthook(*sys.exc_info())
            if not self.settle():
                problems.hangs.append(f"{problems.during}: still busy after {SETTLE_TIMEOUT_S} s")
            report.seconds.append(time.perf_counter() - began)
            report.actions[kind] += 1
            if n == WARM_UP_ACTIONS:
                report.warm = census(self.window)
        problems.during = "the end"
        report.end = census(self.window)
        return report

    def settle(self, timeout: float = SETTLE_TIMEOUT_S) -> bool:
        """Handle events until the action is over: its frames drawn, no action playing."""
        viewport, motion = self.window.viewport, self.window.motion

        def over() -> bool:
            playing = motion.built and motion.panel.playing is not None
            return not viewport.drawing_pending and not playing

        app = self.app
        return wait_until(app, over, timeout) and wait_until(app, over, timeout)  # none queued

    def _wait(self, done: Callable[[], bool], timeout: float = STEP_TIMEOUT_S) -> None:
        """Wait for a step within an action (a panel built, a frame drawn)."""
        if not wait_until(self.app, done, timeout):
            self.problems.hangs.append(f"{self.problems.during}: a step waited {timeout} s")

    # ------------------------------------------------------------------- helpers
    def _click(self, widget: Any, pos: Any = None) -> bool:
        """A real left click on a shown, enabled widget (at ``pos``, default its centre)."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        if widget is None or not widget.isVisible() or not widget.isEnabled():
            return False
        if pos is None:
            pos = widget.rect().center()
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
        return True

    def _press(self, action: Any) -> None:
        """Press the toolbar button of a window action (trigger it if it has none shown)."""
        from PySide6.QtWidgets import QToolBar

        for bar in self.window.findChildren(QToolBar):
            button = bar.widgetForAction(action)
            if button is not None and self._click(button):
                return
        if action.isEnabled():
            action.trigger()

    def _select_something(self) -> None:
        if self.window.state.selected is None:
            self.window.select(self.rng.choice(self.ids))

    def _point_on(self, structure_id: str) -> Any:
        """Widget position of a structure's centre in the 3D view, or None when off screen."""
        viewport, scene = self.window.viewport, self.window.scene
        if not scene.is_shown(structure_id):
            return None
        pos = viewport.widget_point(*scene.project(structure_id))
        return pos if viewport.rect().contains(pos) else None

    def _click_3d_on(self, structure_id: str) -> None:
        pos = self._point_on(structure_id)
        if pos is None:
            shown = [i for i in self.ids if self.window.scene.is_shown(i)]
            pos = self._point_on(self.rng.choice(shown)) if shown else None
        self._click(self.window.viewport, pos)  # None: the centre of the view

    def _open_dock(self, mode: str) -> Any:
        """Show a mode's dock in front of its tab group (as clicking its tab); its host."""
        dock = self.window.mode_docks[mode]
        if not dock.isVisible():
            dock.toggleViewAction().trigger()
        dock.raise_()
        host = dock.widget()
        self._wait(lambda: host.built)
        return host

    def _close_dock(self, mode: str) -> None:
        dock = self.window.mode_docks[mode]
        if dock.isVisible():
            dock.toggleViewAction().trigger()

    # ------------------------------------------------------------------- actions
    def click_3d(self) -> None:
        """Click a structure in the 3D view (whatever is in front there gets picked)."""
        self._click_3d_on(self.rng.choice(self.ids))

    def search(self) -> None:
        """Type part of a name (sometimes with a typo) into the search box and press Return."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        name = self.rng.choice(self.names)
        query = name[: self.rng.randint(min(3, len(name)), len(name))]
        if len(query) > 4 and self.rng.random() < 0.3:  # two letters swapped
            i = self.rng.randrange(len(query) - 1)
            query = query[:i] + query[i + 1] + query[i] + query[i + 2 :]
        self.window.focus_search()
        edit = self.window.search.edit
        QTest.keyClicks(edit, query)
        QTest.keyClick(edit, Qt.Key.Key_Return)

    def peel(self) -> None:
        """Peel the outermost visible layer."""
        self._press(self.window.act_peel)

    def unpeel(self) -> None:
        """Put the last peeled layer back."""
        self._press(self.window.act_unpeel)

    def isolate(self) -> None:
        """Show only the selection (selecting something first when nothing is)."""
        self._select_something()
        self._press(self.window.act_isolate)

    def hide(self) -> None:
        """Hide the selection (selecting something first when nothing is)."""
        self._select_something()
        self._press(self.window.act_hide)

    def show_all(self) -> None:
        """Show every structure and layer."""
        self._press(self.window.act_show_all)

    def undo(self) -> None:
        """Undo the last visibility change, sometimes redo it."""
        self._press(self.window.act_undo)
        if self.rng.random() < 0.3:
            self._press(self.window.act_redo)

    def study(self) -> None:
        """One step of a study session: start one, answer (click, type, pick or give up),
        go on; now and then close the dock."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        if self.rng.random() < 0.08:
            self._close_dock("study")
            return
        panel = self._open_dock("study").panel
        view = panel.question_view
        page = panel.pages.currentWidget()
        if page is panel.summary_page:
            panel.go_on()  # the score read: back to the choices
        elif page is not panel.question_page or panel.question is None:
            if not self._click(panel.start_button):
                panel.start_session()
        elif view.answered:
            if not self._click(view.next_button):
                panel.go_on()
        elif panel.wants_pick:
            if self.rng.random() < 0.2:
                self._click(view.give_up_button)
            else:  # the right structure more often than not
                right = self.rng.random() < 0.6
                target = panel.question.structure_id if right else self.rng.choice(self.ids)
                self._click_3d_on(target)
        elif view.typed.isVisible() and self.rng.random() < 0.4:
            q = panel.question
            text = q.answer_text if self.rng.random() < 0.6 else self.rng.choice(self.names)
            view.typed.setFocus()
            QTest.keyClicks(view.typed, text)
            QTest.keyClick(view.typed, Qt.Key.Key_Return)
        else:
            shown = [b for b in view.choices if b.isVisible()]
            if shown:
                self._click(self.rng.choice(shown))

    def motion(self) -> None:
        """One step in the motion lab: drag a slider, a preset, play an action (and maybe
        stop it), colour by length; now and then close the dock."""
        if self.rng.random() < 0.08:
            self._close_dock("motion")
            return
        panel = self._open_dock("motion").panel
        scene = self.window.scene
        self._wait(lambda: scene.posing_ready)
        roll = self.rng.random()
        if roll < 0.55:
            self._drag(self.rng.choice(list(panel.sliders.values())))
        elif roll < 0.75:
            self._click(self.rng.choice(list(panel.preset_buttons.values())))
        elif roll < 0.9:
            self._click(self.rng.choice(list(panel.action_buttons.values())))
            if self.rng.random() < 0.5:  # stop it a few frames in
                poses = [0]
                count = lambda _pose: poses.__setitem__(0, poses[0] + 1)  # noqa: E731
                self.window.state.pose_changed.connect(count)
                self._wait(lambda: poses[0] >= 5 or panel.playing is None)
                self.window.state.pose_changed.disconnect(count)
                self._click(panel.stop_button)
        else:
            self._click(panel.colour_check)

    def _drag(self, slider: Any) -> None:
        """Hold a slider and move it a few steps, a frame drawn for each, then let go."""
        viewport = self.window.viewport
        steps = self.rng.randint(3, 15)
        direction = self.rng.choice((-1, 1))
        slider.setSliderDown(True)
        for _ in range(steps):
            frames, before = viewport.frames_rendered, slider.value()
            slider.setValue(before + direction * self.rng.randint(1, 4))
            if slider.value() != before:  # not at the end of its range: a new pose to draw
                self._wait(lambda f=frames: viewport.frames_rendered > f)
        slider.setSliderDown(False)

    def view(self) -> None:
        """A view preset, reset, focus on the selection (animated), or a camera drag."""
        roll = self.rng.random()
        w = self.window
        if roll < 0.4:
            self._press(w.view_actions[self.rng.choice(list(w.view_actions))])
        elif roll < 0.55:
            self._press(w.act_reset)
        elif roll < 0.7:
            self._select_something()
            self._press(w.act_focus)
        else:
            self._rotate()

    def _rotate(self) -> None:
        """Drag the camera round with the left button (press, a few moves, release)."""
        from PySide6.QtCore import QPoint, QPointF, Qt
        from PySide6.QtGui import QMouseEvent

        viewport = self.window.viewport
        left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
        pos = viewport.rect().center()
        dx, dy = self.rng.randint(-40, 40), self.rng.randint(-25, 25)

        def send(kind: Any, at: Any, button: Any, buttons: Any) -> None:
            event = QMouseEvent(kind, QPointF(at), QPointF(viewport.mapToGlobal(at)), button,
                                buttons, Qt.KeyboardModifier.NoModifier)
            self.app.sendEvent(viewport, event)

        send(QMouseEvent.Type.MouseButtonPress, pos, left, left)
        for step in range(1, 6):
            at = pos + QPoint(dx * step // 5, dy * step // 5)
            send(QMouseEvent.Type.MouseMove, at, none, left)
            self.app.processEvents()
        send(QMouseEvent.Type.MouseButtonRelease, at, left, none)

    def layer(self) -> None:
        """Toggle one layer's visibility from the Layers toolbar."""
        actions = self.window.layer_actions
        self._press(actions[self.rng.choice(list(actions))])


# ---------------------------------------------------------------------------- script
def _window() -> tuple[Any, Any]:
    from calfexplorer.ui.app import import_before_qt

    import_before_qt()  # as the app does
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication([])
    QCoreApplication.setOrganizationName("CalfExplorerSoak")
    from calfexplorer.ui.main_window import MainWindow

    window = MainWindow.create(show_problems=False)
    window.resize(1500, 950)
    window.show()
    window.activateWindow()
    wait_until(app, lambda: window.viewport is None or window.scene.warmed_up, 60)
    return app, window


def _growth(label: str, before: float, after: float, unit: str = "") -> str:
    pct = 100.0 * (after - before) / before if before else float("nan")
    return f"{label:<40} {before:10.1f}{unit} -> {after:10.1f}{unit}   {pct:+6.1f} %"


def print_report(report: SoakReport, seed: int) -> None:
    """The soak's numbers, and each problem found."""
    p = report.problems
    n = len(report.seconds)
    done = ", ".join(f"{k} {v}" for k, v in sorted(report.actions.items()))
    print(f"actions: {n} (seed {seed}): {done}")
    if report.seconds:
        ms = sorted(s * 1000 for s in report.seconds)
        print(f"{'time per action':<40} median {statistics.median(ms):.0f} ms, "
              f"max {ms[-1]:.0f} ms, all {sum(ms) / 1000:.0f} s")
    print(f"{'Python exceptions':<40} {len(p.exceptions)}")
    qt = ", ".join(f"{k} {v}" for k, v in sorted(p.qt.items())) or "none"
    print(f"{'Qt messages':<40} {qt}")
    vtk = ", ".join(f"{k} {v}" for k, v in sorted(p.vtk.items())) or "none"
    print(f"{'VTK messages':<40} {vtk}")
    print(f"{'actions that did not finish':<40} {len(p.hangs)}")
    start, warm, end = report.start, report.warm or report.start, report.end
    if start and warm and end:
        print(_growth("resident memory, start -> end", start.rss_mib, end.rss_mib, " MiB"))
        label = f"resident memory, action {WARM_UP_ACTIONS} -> end"
        print(_growth(label, warm.rss_mib, end.rss_mib, " MiB") + "   (target < +5 %)")
        print(_growth(f"Python objects, action {WARM_UP_ACTIONS} -> end",
                      warm.python_objects, end.python_objects))
        print(_growth(f"VTK objects held in Python, {WARM_UP_ACTIONS} -> end",
                      warm.vtk_objects, end.vtk_objects))
        grown = {
            t: end.vtk_by_type.get(t, 0) - warm.vtk_by_type.get(t, 0)
            for t in set(end.vtk_by_type) | set(warm.vtk_by_type)
        }
        grown = {t: d for t, d in grown.items() if d}
        if grown:
            listed = ", ".join(f"{t} {d:+d}" for t, d in sorted(grown.items(), key=lambda x: -x[1]))
            print(f"{'  by type':<40} {listed}")
        print(_growth(f"props in the renderers, {WARM_UP_ACTIONS} -> end", warm.props, end.props))
        print(_growth(f"Qt widgets, {WARM_UP_ACTIONS} -> end", warm.widgets, end.widgets))
    for text in p.exceptions:
        print("\nPython exception:\n" + text.rstrip())
    for text in [*p.qt_messages, *p.vtk_messages, *p.hangs][:20]:
        print(text)


def _run_child(args: argparse.Namespace) -> int:
    """The soak itself (in the child process)."""
    import faulthandler

    faulthandler.enable()  # a crash prints where Python was
    progress = open(args.progress, "a") if args.progress else None  # noqa: SIM115

    def on_action(n: int, kind: str) -> None:
        if progress is not None:
            progress.write(f"{n} {kind}\n")
            progress.flush()

    app, window = _window()
    if window.viewport is None:
        print(f"soak_window: error: no 3D view ({window.gl_problem})", file=sys.stderr)
        return 1
    with watch_problems() as problems:
        report = SoakDriver(window, args.seed).run(args.actions, problems, on_action)
        window.close()
        app.processEvents()
    print_report(report, args.seed)
    if progress is not None:
        progress.close()
    return 1 if problems.errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--progress", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    if args.child:
        return _run_child(args)
    user = Path(tempfile.mkdtemp(prefix="calfexplorer-soak-"))
    env = dict(os.environ, CALFEXPLORER_CONFIG_DIR=str(user / "config"),
               CALFEXPLORER_USER_DIR=str(user / "user"))
    progress = user / "progress.txt"
    command = [sys.executable, __file__, "--child", "--progress", str(progress),
               "--actions", str(args.actions), "--seed", str(args.seed)]
    if not os.environ.get("DISPLAY"):
        if not shutil.which("xvfb-run"):
            print("soak_window: error: no display and no xvfb-run to make one", file=sys.stderr)
            return 2
        command = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", *command]
    try:
        code = subprocess.call(command, env=env)
        if code < 0 or code > 2:  # killed by a signal (xvfb-run hands on 128 + signal)
            number = -code if code < 0 else code - 128
            lines = progress.read_text().splitlines() if progress.exists() else []
            n, _, kind = lines[-1].partition(" ") if lines else ("", "", "")
            where = f"during action {n} ({kind})" if lines else "before the first action"
            name = signal.Signals(number).name if number in signal.valid_signals() else number
            print(f"CRASH: the window died ({name}) {where}")
            return 2
        return code
    finally:
        shutil.rmtree(user, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
