"""Motion lab in the main window: the dock and its Modes menu entry.

The panel (:mod:`calfexplorer.ui.motion.panel`, with pyqtgraph, superqt and the MuJoCo model)
is imported and built the first time the dock is shown, so start-up pays for none of it.
"""

from __future__ import annotations

import contextlib
from concurrent.futures import Future
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QMessageBox,
    QProgressDialog,
    QWidget,
)

from calfexplorer.ui.lazy_host import LazyPanelHost, ModeWindow, add_mode

if TYPE_CHECKING:
    from calfexplorer.atlas import Atlas
    from calfexplorer.biomech import Pose
    from calfexplorer.scene import Scene
    from calfexplorer.state import AppState
    from calfexplorer.ui.motion.panel import MotionPanel


#: A preset with the knee bent further (degrees) is shown from the side, not from behind.
SIDE_VIEW_KNEE_DEG = 60.0
#: The views that show a leg bent that far end-on.
END_ON_VIEWS = ("posterior", "anterior")
#: The views that look along the leg whatever its pose (the Lesion panel leaves the camera
#: at the sole for a tarsal tunnel: a standing heel raise was then shown from below).
ALONG_THE_LEG_VIEWS = ("superior", "inferior")
#: The status bar while the lab loads its posing model, after its panel has shown.
PREPARING = "Preparing the motion lab: fitting the leg to the model (a few seconds)..."
#: The failure box's headlines: the lab could not be prepared, or a pose could not be made.
PREPARE_FAILED = "The motion lab could not be prepared."
POSE_FAILED = "The leg could not be posed as asked: the 3D view shows the last pose made."


class _LongWork(Exception):  # noqa: N818 - not an error: a way out of the worker
    """The poser has long work to tell (``say``): it is done in the window's thread, with a
    progress dialog and Cancel."""


class _PosingProgress:
    """A progress dialog over ``parent``'s window, shown from the first step the poser tells
    (none while it only reads what it saved), with Cancel: :meth:`say` and :meth:`still`
    then raise :class:`~calfexplorer.anatomy.errors.Cancelled`."""

    TITLE = "Preparing the motion lab"
    TEXT = ("Fitting the realistic leg to the model, then the built-in nerves and vessels\n"
            "to it in a few poses ({why}).\nThis can take a few minutes on a busy computer.\n"
            "{line}")

    def __init__(self, parent: QWidget) -> None:
        self._parent = parent
        self._dialog: QProgressDialog | None = None
        self.steps: list[str] = []
        self._why = ""

    def say(self, line: str) -> None:
        """One step of the work (or why it is done: :data:`~calfexplorer.anatomy.leg_poser.
        RELEARN_REASONS`): shown at once."""
        from calfexplorer.anatomy.leg_poser import learning_steps
        from calfexplorer.anatomy.relearn_reason import RELEARN_OUTDATED, RELEARN_REASONS
        from calfexplorer.anatomy.soft_tissue import BINDING_STEP

        self._check()
        if line in RELEARN_REASONS:
            self._why = line
            if self._dialog is None:
                return  # (shown with the first step)
            line = self.steps[-1] if self.steps else ""
        else:
            self.steps.append(line)
        if self._dialog is None:
            steps = learning_steps() + (line == BINDING_STEP)
            self._dialog = QProgressDialog("", "Cancel", 0, steps, self._parent.window())
            self._dialog.setWindowTitle(self.TITLE)
            self._dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self._dialog.setMinimumDuration(0)
            self._dialog.setMinimumWidth(460)
            self._dialog.setAutoReset(False)  # the last step is not the end: the work goes on
        why = self._why or RELEARN_OUTDATED
        self._dialog.setLabelText(self.TEXT.format(why=why, line=line.strip()))
        self._dialog.setValue(max(0, min(len(self.steps) - 1, self._dialog.maximum())))
        self._dialog.show()
        self.still()  # painted now: the work goes on in this thread

    def still(self) -> None:
        """The work goes on: the dialog paints and answers (Cancel)."""
        if self._dialog is not None:
            QApplication.processEvents()
            self._check()

    def _check(self) -> None:
        from calfexplorer.anatomy.errors import Cancelled

        if self._dialog is not None and self._dialog.wasCanceled():
            raise Cancelled

    def close(self) -> None:
        """The work is done (or failed): the dialog goes."""
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None


class MotionHost(LazyPanelHost):
    """The motion dock's widget: holds a :class:`MotionPanel`, built the first time it is
    shown (so start-up does not pay for pyqtgraph and the model). ``scene`` is None in a
    window without a 3D view."""

    _panel: MotionPanel | None
    #: The posing model loaded in the worker thread, or why it was not (to the window's).
    _loaded = Signal(object, object)

    def __init__(
        self, window: ModeWindow, atlas: Atlas, state: AppState, scene: Scene | None
    ) -> None:
        super().__init__(window)
        self._atlas, self._state, self._scene = atlas, state, scene
        self.in_front = False
        #: The pose left in the lab when the user went elsewhere without keeping it.
        self.left_pose: dict[str, float] | None = None
        #: The lab's dock (set by :func:`install_motion_mode`): closed when its preparation
        #: is cancelled.
        self.dock: QDockWidget | None = None
        self._preparing = False
        #: A preset chosen (in the search) while the lab readies the leg: posed once it is.
        self._pending_preset: str | None = None
        #: Why the posing model could not be prepared (shown to the user), or None.
        self.failed: str | None = None
        #: The message saying so, while it is open.
        self.failure_box: QMessageBox | None = None
        #: The lab's own choices of a window this one replaced (View > Model), given to the
        #: panel when it is made: "Keep the pose outside the lab", "Colour muscles by length
        #: change" and the muscles pinned for comparison (they went back to the defaults).
        self._choices: tuple[bool, bool, list[str]] | None = None
        self._loaded.connect(self._posing_loaded)

    @property
    def settled(self) -> bool:
        """Whether the lab shows what it will go on showing: closed, or its 3D leg ready to
        pose (or known not to be: :attr:`failed`). A screenshot waits for this."""
        return (self.dock is None or not self.dock.isVisible() or self._scene is None
                or self._scene.closed or self._scene.posing_ready or self.failed is not None)

    def apply_preset(self, preset_id: str) -> None:
        """Pose the leg in a preset (a search result: "deep squat"): at once where the 3D leg
        is ready to pose, else once the lab has readied it, the window answering meanwhile
        and the lab saying so (posing first readied the leg in the window's thread: ~1 s with
        no word, frozen)."""
        scene = self._scene
        if scene is None or scene.closed or scene.posing_ready or self.failed is not None:
            self.panel.apply_preset(preset_id)
            return
        self._pending_preset = preset_id
        self._prepare_posing()  # (begun as the lab showed: not begun twice)

    def _frame_preset(self, preset_id: str) -> None:
        """Frame the leg a preset posed, from the preset view the camera is in. A knee bent
        past :data:`SIDE_VIEW_KNEE_DEG` seen from behind or in front shows the shank end-on
        (a seated calf raise, a deep squat), and any pose seen from above or below (the
        :data:`ALONG_THE_LEG_VIEWS`): the camera turns to the lateral view, unless the user has
        turned it away from that view since, when it keeps their direction."""
        from calfexplorer.motion.presets import preset

        scene = self._scene
        if scene is None:
            return
        bent = preset(preset_id).degrees.get("knee", 0.0) > SIDE_VIEW_KNEE_DEG
        if not (scene.view in ALONG_THE_LEG_VIEWS or (bent and scene.view in END_ON_VIEWS)):
            scene.reset_camera()
        elif scene.looking_from(scene.view):
            self.window_.set_view("lateral")
        else:
            scene.frame_leg()

    def build_panel(self) -> MotionPanel:
        """The motion panel; its length colours go to the scene."""
        from calfexplorer.ui.motion.panel import MotionPanel

        panel = MotionPanel(self._atlas, self._state, parent=self)
        scene = self._scene
        if scene is not None:
            panel.muscle_colours_changed.connect(self._send_colours)
            # A preset can move the leg far (a deep squat): frame it again (see _frame_preset).
            panel.preset_applied.connect(self._frame_preset)
            # A bent knee can swing the foot out of the view: once the leg rests, bring it
            # back into view from where the user looks (a view that shows it stays put).
            panel.pose_settled.connect(scene.keep_leg_in_view)
            # An action is framed for all of it first (the knee's flexion showed only the heel
            # from about 22 degrees on); a drag once the leg leaves the view, a little ahead
            # (framing a slider's whole range zoomed out for a 5 degree move).
            panel.moving_through.connect(scene.keep_leg_in_view_through)

            def drag_reached(ahead: list[Pose]) -> None:
                # (the leg as drawn: a pose still being made is not waited for)
                if not scene.leg_in_view(as_drawn=True):
                    scene.keep_leg_in_view_through(ahead, as_drawn=True)

            def playing_changed(playing: bool) -> None:
                if not playing:
                    scene.keep_leg_in_view()

            panel.drag_reached.connect(drag_reached)
            # While the pose moves its quick frames draw coarser (the full frame as before).
            def moving_changed(*_: object) -> None:
                scene.set_moving(panel.moving)

            for slider in panel.sliders.values():
                slider.sliderPressed.connect(moving_changed)
                slider.sliderReleased.connect(moving_changed)
            panel.playing_changed.connect(moving_changed)
            # A held slider's newest angle goes to the view as its last pose lands, and is
            # made while that pose's frame is drawn.
            panel.view_busy = lambda: scene.posing_behind
            scene.set_pose_landed(panel.view_ready)
            panel.playing_changed.connect(playing_changed)
            # The lab is open: load the posing model now, once the panel shows (in another
            # thread: see _prepare_posing), not on the first slider move (which would stall
            # for a few hundred ms, seconds with the realistic leg).
            panel.set_posing_ready(scene.posing_ready)
            QTimer.singleShot(0, self, self._prepare_posing)
        self._apply_choices(panel)
        return panel

    def _apply_choices(self, panel: MotionPanel) -> None:
        if self._choices is None:
            return
        keep, colour, pinned = self._choices
        panel.keep_pose_check.setChecked(keep)
        panel.colour_check.setChecked(colour)
        for muscle in [m for m in panel.pinned if m not in pinned]:
            panel.unpin(muscle)
        for muscle in pinned:
            panel.pin(muscle)

    def _prepare_posing(self) -> None:
        """Load the posing model in another thread (seconds for the BodyParts3D leg): the
        window answers meanwhile, the panel saying so until it is ready
        (:meth:`_posing_loaded`; a pose given meanwhile waits for it). Where the BodyParts3D
        leg's poser has work to do again (its kept tubes relearning their moves after an update
        of the program: ~30 s of CPU, ~19 s on two cores), it is done here instead, with a
        progress dialog (:meth:`_prepare_here`)."""
        scene = self._scene
        if scene is None or scene.closed or self._preparing:
            return  # (the dialog's events may show the lab again meanwhile)
        if scene.posing_ready:
            # (readied meanwhile by a pose: a preset chosen in the search poses the leg as
            # the lab opens; its "Readying the 3D leg" line stayed under the posed leg)
            self._done_preparing()
            return
        self._preparing = True
        self._show_ready(False)
        self.window_.statusBar().showMessage(PREPARING)

        def say(_line: str) -> None:
            raise _LongWork

        def loaded(future: Future) -> None:  # (in the worker: no Qt here but the signal)
            error = future.exception()
            with contextlib.suppress(RuntimeError):  # (the window went meanwhile)
                self._loaded.emit(None if error else future.result(), error)

        scene.load_posing_async(say).add_done_callback(loaded)

    def _posing_loaded(self, loaded: object, error: object) -> None:
        """In the window's thread: pose with what the worker loaded, or say why it could not."""
        scene = self._scene
        if scene is None:
            return
        if isinstance(error, _LongWork):
            self._prepare_here()
            return
        try:
            if isinstance(error, BaseException):
                raise error
            scene.take_posing(loaded)  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001 - damaged files must not take the window down
            self._failed_to_prepare(exc)
        else:
            self.failed = None
        finally:
            self._preparing = False
            self._done_preparing()

    def _prepare_here(self) -> None:
        """Load the posing model in the window's thread, with a progress dialog while the
        poser tells its steps. Cancelled there, the lab closes and prepares again when next
        opened."""
        from calfexplorer.anatomy.errors import Cancelled

        scene = self._scene
        assert scene is not None
        progress = _PosingProgress(self)
        try:
            scene.prepare_posing(progress.say, progress.still)
        except Cancelled:
            if self.dock is not None:
                self.dock.close()
            self.window_.statusBar().showMessage(
                "Motion lab closed before it was ready: it prepares again when you open it.",
                10000)
        except Exception as exc:  # noqa: BLE001 - damaged files must not take the window down
            self._failed_to_prepare(exc)
        else:
            self.failed = None
        finally:
            self._preparing = False
            progress.close()
            self._done_preparing()

    def pose_failed(self, exc: Exception) -> None:
        """A pose could not be made, told once the state's signal is handled (closing the lab
        sets the pose): where the scene's poser could not be loaded (a pose given after the
        lab failed, e.g. a preset found by search, or while it was still loading) as the
        lab's failure; where the poser failed on a pose, the lab stays open."""
        QTimer.singleShot(0, self, lambda: self._pose_failed(exc))

    def _pose_failed(self, exc: Exception) -> None:
        if self._scene is not None and self._scene.posing_ready:
            self._say_failed(f"{type(exc).__name__}: {exc}", POSE_FAILED)
        else:
            self._failed_to_prepare(exc)

    def _failed_to_prepare(self, exc: Exception) -> None:
        if self.dock is not None:
            self.dock.close()
        self._say_failed(f"{type(exc).__name__}: {exc}")

    def _done_preparing(self) -> None:
        """The status line goes; the pose controls come on where the scene can pose, and a
        preset chosen meanwhile poses the leg (while the lab is still open)."""
        scene = self._scene
        self._show_ready(scene is None or scene.posing_ready)
        bar = self.window_.statusBar()
        if bar.currentMessage() == PREPARING:
            bar.clearMessage()
        pending, self._pending_preset = self._pending_preset, None
        if (pending is not None and self._panel is not None and scene is not None
                and scene.posing_ready and self.dock is not None and self.dock.isVisible()):
            self._panel.apply_preset(pending)

    def _show_ready(self, ready: bool) -> None:
        if self._panel is not None:
            self._panel.set_posing_ready(ready)

    def _say_failed(self, why: str, headline: str = PREPARE_FAILED) -> None:
        """Tell the user the lab could not be prepared (or a pose made), why, and the way on
        (one box: a box still shown takes the newest reason, as during a drag)."""
        from calfexplorer.assets import BODYPARTS3D

        self.failed = why
        realistic = getattr(getattr(self.window_, "assets", None), "model", None) == BODYPARTS3D
        # (a problem in the data folder was blamed on the pack: getting it again fixed nothing)
        way_on = ("If you edited the data folder, 'calfexplorer validate' names what is wrong "
                  "there; " + (
                      "if you edited or copied files into the anatomy pack, get it again (File > "
                      "Get realistic anatomy), or show the built-in model (View > Model)."
                      if realistic else "otherwise reinstalling CalfExplorer restores the files "
                      "the motion lab needs."))
        text = f"{why}\n\n{way_on} The rest of CalfExplorer works as before."
        box = self.failure_box
        if box is not None and box.isVisible() and box.text() == headline:
            box.setInformativeText(text)
            return
        if box is not None:
            box.close()
        box = QMessageBox(QMessageBox.Icon.Warning, "Motion lab", headline, parent=self.window())
        box.setInformativeText(text)
        box.setModal(False)
        box.open()
        self.failure_box = box

    def _send_colours(self, colours: dict) -> None:
        """Length colours reach the 3D view only while the lab is the panel in front."""
        if self._scene is not None and (self.in_front or not colours):
            self._scene.set_colour_overrides(colours)

    def _keep_leg_in_view(self) -> None:
        if self._scene is not None:
            self._scene.keep_leg_in_view()

    def carry_over(self, other: MotionHost) -> None:
        """Take what another window's lab holds that is not in the state: the pose it keeps
        for when it comes back to the front, "Keep the pose outside the lab", the length
        colours and the muscles pinned for comparison."""
        if other.left_pose is not None:
            self.left_pose = dict(other.left_pose)
        if other.built:
            p = other.panel
            self._choices = (p.keep_pose, p.colour_check.isChecked(), list(p.pinned))
        else:
            self._choices = other._choices
        if self.built:
            self._apply_choices(self.panel)

    def set_shown(self, shown: bool) -> None:
        """The lab came to the front or went behind another panel (or closed).

        Leaving it gives the explorer back its colours and, unless "Keep the pose" is ticked,
        the anatomical position; coming back brings both back.
        """
        import shiboken6

        w = self.window_
        if not shiboken6.isValid(w) or not w.isVisible():  # the window is closing
            return
        self.in_front = bool(shown)
        if self._panel is None:
            return
        panel, state = self._panel, self._state
        panel.set_in_front(bool(shown))
        if shown:
            if self._scene is not None and not self._scene.posing_ready:
                QTimer.singleShot(0, self, self._prepare_posing)  # (again after a Cancel there)
            if self.left_pose is not None and not any(state.pose.values()):
                state.set_pose(self.left_pose)
                self._keep_leg_in_view()
            self.left_pose = None
            panel.send_colours()
            return
        panel.stop()
        if self._scene is not None:
            self._scene.set_colour_overrides({})
            self._scene.set_moving(False)  # (a slider still held as the lab went behind)
        if not panel.keep_pose and any(state.pose.values()):
            self.left_pose = dict(state.pose)
            state.set_pose({})
            self._keep_leg_in_view()  # framed for the bent leg, the standing one may not fit
            w.statusBar().showMessage(
                "Leg back in anatomical position: the Motion lab brings your pose back "
                "(tick \"Keep the pose outside the lab\" there to keep it).", 8000
            )


def install_motion_mode(
    window: ModeWindow, atlas: Atlas, state: AppState, scene: Scene | None
) -> MotionHost:
    """Add the Motion lab dock (Modes > Motion lab, Ctrl+Shift+M) to the main window.

    While the dock is open the state's mode is "motion" (unless a study session holds it);
    closing it stops a playing action, switches length colouring off and returns to "explore".
    While another panel is in front, the 3D view has the explorer's colours (and pose, unless
    the user keeps it): see :meth:`MotionHost.set_shown`.
    """
    import shiboken6

    host = MotionHost(window, atlas, state, scene)
    dock = add_mode(
        window, "motion", "Motion lab", host, text="&Motion lab", shortcut="Ctrl+Shift+M",
        tip="Pose the knee and ankle and watch the muscles lengthen and shorten",
    )
    host.dock = dock
    if scene is not None:
        scene.set_posing_failed(host.pose_failed)

    def on_open(opened: bool) -> None:
        if not shiboken6.isValid(window):  # the dock's action fires while the window is deleted
            return
        if opened and state.mode == "explore":
            state.set_mode("motion")
        elif not opened:
            if host.built:
                host.panel.stop()
                if window.isVisible():  # not while the window closes: its GL view is going
                    host.panel.set_colour_by_length(False)
            if state.mode == "motion":
                state.set_mode("explore")

    dock.toggleViewAction().toggled.connect(on_open)
    return host


__all__ = ["MotionHost", "install_motion_mode"]
