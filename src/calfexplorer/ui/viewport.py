"""The 3D viewport: a VTK render window in a Qt widget, with click-to-pick and hover.

A press and release without a drag is a click: the widget picks the structure under the cursor
and emits :attr:`ViewportWidget.clicked`. Dragging rotates the camera as usual. Hovering emits
:attr:`ViewportWidget.hovered` (throttled). Once the frames for what the pointer rests on are
drawn, and while a press is held, the quick frame that selecting what is under the pointer
would show is drawn ahead, unseen (:meth:`Scene.prepare_selection`): the click then shows that
frame at once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication
from vtkmodules.qt.QVTKRenderWindowInteractor import QVTKRenderWindowInteractor
from vtkmodules.vtkCommonCore import vtkCommand
from vtkmodules.vtkInteractionStyle import vtkInteractorStyleTrackballCamera

from calfexplorer.scene import Scene
from calfexplorer.scene.camera import CameraMove
from calfexplorer.ui import screen_fit
from calfexplorer.ui.heap import release_unused_heap

#: A release within this many pixels of the press counts as a click, not a drag.
CLICK_SLOP = 4
#: Hover picks at most this often (milliseconds).
HOVER_INTERVAL_MS = 40
#: Changes must pause this long before the full-quality frame is drawn (milliseconds).
REFINE_DELAY_MS = 120
#: Freed C-heap memory kept after a full-quality frame (bytes): the next click's frames reuse
#: ~10-15 MiB of it, and returning it would make them fault it in again (see ui.heap).
HEAP_KEPT_FREE = 32 * 2**20
#: Pause between the hidden warm-up frames after start (milliseconds).
WARM_UP_PAUSE_MS = 150
#: Camera animation frame interval (milliseconds).
ANIMATION_INTERVAL_MS = 16


#: Keys that move the camera: (degrees round the leg, degrees over it, closer by).
_TURN = 15.0
_CAMERA_KEYS = {
    Qt.Key.Key_Left: (-_TURN, 0.0, 1.0),
    Qt.Key.Key_Right: (_TURN, 0.0, 1.0),
    Qt.Key.Key_Up: (0.0, _TURN, 1.0),
    Qt.Key.Key_Down: (0.0, -_TURN, 1.0),
    Qt.Key.Key_Plus: (0.0, 0.0, 1.25),
    Qt.Key.Key_Equal: (0.0, 0.0, 1.25),  # (+ without Shift)
    Qt.Key.Key_Minus: (0.0, 0.0, 0.8),
}


class ViewportWidget(QVTKRenderWindowInteractor):
    """Hosts the :class:`Scene`; emits ``clicked(id or None)`` and ``hovered(id or None)``."""

    clicked = Signal(object)
    #: A right-click without a drag (a right-drag zooms): (id or None, global position).
    context_clicked = Signal(object, QPoint)
    hovered = Signal(object)
    frame_rendered = Signal()
    #: The user let go of the camera (a turn, pan or zoom with the mouse).
    camera_released = Signal()
    #: A function to run in this (the GUI) thread, sent from any thread (see attach).
    _call_here = Signal(object)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setMinimumSize(screen_fit.VIEW, screen_fit.VIEW)  # (less on a small screen)
        self.scene: Scene | None = None
        self.frames_rendered = 0
        self._warming = False
        self._warm_started = False
        self._press: QPoint | None = None
        self._right_press: QPoint | None = None
        self.last_click_display: tuple[float, float] | None = None
        self._frames_at_press = 0
        self._quiet_release = False
        self._exposed: int | None = None  # frames drawn when an expose waited for a release
        self._hover_pos: QPoint | None = None
        self._hover_timer = QTimer(self)
        self._hover_timer.setSingleShot(True)
        self._hover_timer.setInterval(HOVER_INTERVAL_MS)
        self._hover_timer.timeout.connect(self._pick_hover)
        self._anim_timer = QTimer(self)
        self._anim_timer.setInterval(ANIMATION_INTERVAL_MS)
        self._anim_timer.timeout.connect(self._step_animation)
        self._move: CameraMove | None = None
        self._refine: Callable[[], None] | None = None
        self._refine_timer = QTimer(self)
        self._refine_timer.setSingleShot(True)
        self._refine_timer.setInterval(REFINE_DELAY_MS)
        self._refine_timer.timeout.connect(self._run_refine)
        self._draw: Callable[[], None] | None = None
        self._frame_timer = QTimer(self)
        self._frame_timer.setSingleShot(True)
        self._frame_timer.setInterval(0)
        self._frame_timer.timeout.connect(self._run_frame)
        self._prepare_timer = QTimer(self)
        self._prepare_timer.setSingleShot(True)
        self._prepare_timer.setInterval(0)
        self._prepare_timer.timeout.connect(self._prepare_click)
        self._prepared_for: str | None = None  # the hovered structure last drawn ahead for
        self._press_timer = QTimer(self)
        self._press_timer.setSingleShot(True)
        self._press_timer.setInterval(0)
        self._press_timer.timeout.connect(self._prepare_press)
        self._call_here.connect(self._run_here, Qt.ConnectionType.QueuedConnection)
        style = vtkInteractorStyleTrackballCamera()
        self.GetRenderWindow().GetInteractor().SetInteractorStyle(style)
        # Software GL is slow with depth peeling: draw cheaply while the camera moves.
        style.AddObserver(vtkCommand.StartInteractionEvent, self._on_interaction_start)
        style.AddObserver(vtkCommand.EndInteractionEvent, self._on_interaction_end)
        # VTK's own letter keys ("w" drew every structure as wire, "s" undid it, "e" and "q"
        # end its event loop, "3" stereo): none is the app's, and F1 lists the app's own.
        # An observer of the key takes the style's place.
        style.AddObserver(vtkCommand.CharEvent, lambda *_: None)
        self.GetRenderWindow().AddObserver(vtkCommand.EndEvent, self._on_render_end)

    # ----------------------------------------------------------------------------- set-up
    def release(self) -> None:
        """Let the render window go (the window closes): its observers' Python callbacks,
        ours and those of VTK's Qt widget, would keep it and this widget alive for ever."""
        window = self.GetRenderWindow()
        interactor = window.GetInteractor()
        if interactor is not None:
            style = interactor.GetInteractorStyle()
            if style is not None:
                style.RemoveAllObservers()
            interactor.RemoveAllObservers()
        window.RemoveAllObservers()
        self.Finalize()

    def attach(self, scene: Scene) -> None:
        """Show a scene built on this widget's render window.

        Until the widget is shown the scene does not redraw on each change (nobody would see
        those frames; the first paint draws one): this keeps start-up short.
        """
        self.scene = scene
        scene.auto_render = self.isVisible()
        # VTK draws into its own framebuffer and, by default, copies colour AND depth to the
        # window's buffer, the depth through a full-window shader pass; nothing draws into the
        # window after VTK, so colour alone gives the same picture. In software OpenGL that
        # saves a few ms of every frame (~10 ms on a loaded 2-core machine).
        blit_colour_only = getattr(self.GetRenderWindow(), "SetFrameBlitModeToBlitToCurrent", None)
        if blit_colour_only is not None:
            blit_colour_only()
        # Software OpenGL takes a while for a full-quality frame: show quick ones while things
        # change (a slider drag), the full-quality one once changes pause.
        scene.set_idle_scheduler(self._schedule_refine)
        # Changes made in one go (a pose and its length colours) draw one frame, once the
        # event that made them is handled.
        scene.set_frame_scheduler(self._schedule_frame)
        # A held slider's poses are made in a worker thread while this one draws the last:
        # each lands here through a queued signal, and draws a frame.
        scene.set_main_thread_call(self._call_here.emit)

    def _run_here(self, fn: Callable[[], None]) -> None:
        fn()

    def showEvent(self, ev) -> None:  # noqa: N802 - Qt override
        if self.scene is not None:
            self.scene.auto_render = True
        self.GetRenderWindow().GetInteractor().Enable()  # paint events draw from now on
        super().showEvent(ev)

    def resizeEvent(self, ev) -> None:  # noqa: N802 - Qt override
        # A narrower view (a panel opened beside it, the window resized) crops the sides of
        # the picture (the view angle is vertical): a leg wholly in view before stays so,
        # framed again from where the user looks. A leg the user had zoomed into stays as it is.
        scene, old, new = self.scene, ev.oldSize(), ev.size()
        narrower = old.isValid() and new.width() * old.height() < old.width() * new.height()
        framed = (
            narrower and scene is not None and not scene.closed and self.isVisible()
            and scene.leg_in_view()
        )
        super().resizeEvent(ev)
        if framed and scene is not None and not self.animating and not scene.leg_in_view():
            scene.frame_leg()

    def paintEvent(self, ev) -> None:  # noqa: N802 - Qt override
        # The window system asks for the picture again (a tooltip or menu over the view went
        # away). A frame already asked for draws the whole view; one waiting to be refined is
        # refined now (once, not now and again when its timer runs out).
        if self._frame_timer.isActive():
            return
        if self._press is not None and QApplication.mouseButtons() & Qt.MouseButton.LeftButton:
            # A press in the view hid the hover's tooltip. Its release draws the whole view
            # (the click's frame, or the drag's last); a frame now, in full in software
            # OpenGL, would come first and spoil the click's frame drawn ahead.
            if self._exposed is None:
                self._exposed = self.frames_rendered
            return
        self._exposed = None
        if self._refine_timer.isActive():
            self._refine_timer.stop()
            self._run_refine()
            return
        # Nothing changed since the last full frame (a tooltip went, or the window system
        # exposes the view once more after a resize already drawn): show that frame again.
        if self.scene is not None and self.scene.present_again():
            return
        super().paintEvent(ev)

    def opengl_supported(self) -> bool:
        """Whether the render window could get an OpenGL context."""
        try:
            return bool(self.GetRenderWindow().SupportsOpenGL())
        except Exception:  # noqa: BLE001 - VTK raises various errors without a GL context
            return False

    @property
    def drawing_pending(self) -> bool:
        """Whether a frame is still to come for changes already made (quick or full quality)."""
        return (self._frame_timer.isActive() or self._refine_timer.isActive()
                or (self.scene is not None and self.scene.posing_behind))

    def _schedule_frame(self, draw: Callable[[], None]) -> None:
        self._draw = draw
        if not self._frame_timer.isActive():
            self._frame_timer.start()
        if self._refine_timer.isActive():
            # Changes have not paused: a full frame waiting must not come before their quick
            # one (a pose that took longer than the delay, on a loaded machine or with the
            # pack, let the full frame in first: a full frame every step of a drag).
            self._refine_timer.start()

    def _run_frame(self) -> None:
        if self._draw is not None:
            self._draw()
        if self.scene is not None and self.scene.state.hovered != self._prepared_for:
            self._prepare_timer.start()  # the pointer came to rest on something new

    def _schedule_refine(self, refine: Callable[[], None]) -> None:
        self._refine = refine
        self._refine_timer.start()  # restarts: the full frame waits until changes pause

    def _run_refine(self) -> None:
        if self.scene is not None and self.scene.posing_behind:
            return  # a pose still being made lands with its quick frame, then comes this
        if self._refine is not None:
            self._refine()
            # the changes have paused: a good moment, when enough is free to be worth it
            release_unused_heap(above=HEAP_KEPT_FREE)
            # at once: a click waiting behind this frame then finds its own drawn ahead
            self._prepare_click()

    def _prepare_click(self) -> None:
        """Draw ahead, unseen, the frame a click on the hovered structure would show (after
        the frame that shows it hovered, and again after that frame's full-quality one,
        which replaces it in the window's buffer)."""
        if self.scene is None or self._frame_timer.isActive() or self._hover_pos is None:
            return
        if self.isVisible() and not self.scene.closed:
            self._prepared_for = self.scene.state.hovered
            self.scene.prepare_selection(self._prepared_for)

    def _prepare_press(self) -> None:
        """Draw ahead, unseen, the frame a click at the held press would show (no hover came
        first: a touch, or a quick hand)."""
        press = self._press
        if self.scene is None or press is None or self._frame_timer.isActive():
            return
        if self.frames_rendered == self._frames_at_press and not self.scene.closed:
            self.scene.prepare_selection(self.pick_at(press))

    def _on_interaction_start(self, *_args) -> None:
        if self.scene is not None:
            self.scene.set_fast_rendering(True)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        # The camera by keyboard: arrows turn the leg, + and - zoom (VTK's own keys are off).
        move = _CAMERA_KEYS.get(Qt.Key(event.key()))
        if move is None or self.scene is None:
            super().keyPressEvent(event)
            return
        self.scene.turn(*move)
        self.camera_released.emit()

    def _on_interaction_end(self, *_args) -> None:
        if self.scene is not None:
            self.scene.set_fast_rendering(False)
            if not self._quiet_release:
                self.scene.render()
        self.camera_released.emit()

    def _on_render_end(self, *_args) -> None:
        if self._warming or not self.GetRenderWindow().GetSwapBuffers():
            return  # a hidden frame, or one drawn in steps of which this is not the last
        self.frames_rendered += 1
        self.frame_rendered.emit()
        if not self._warm_started and self.isVisible():
            # Once the first frame is on screen, prepare what the first selection needs,
            # one hidden frame per idle moment so the window stays responsive.
            self._warm_started = True
            QTimer.singleShot(0, self, self._warm_up)

    def _warm_up(self) -> None:
        if self.scene is None or self.scene.closed:
            return
        self._warming = True
        try:
            more = self.scene.warm_up_step()
        finally:
            self._warming = False
        if more:
            QTimer.singleShot(WARM_UP_PAUSE_MS, self, self._warm_up)
        else:
            release_unused_heap()

    # ------------------------------------------------------------------------- coordinates
    def display_point(self, pos: QPoint) -> tuple[float, float]:
        """VTK display coordinates (pixels, origin bottom-left) of a widget position."""
        ratio = self.devicePixelRatioF()
        return pos.x() * ratio, (self.height() - pos.y() - 1) * ratio

    def widget_point(self, x: float, y: float) -> QPoint:
        """Widget position of VTK display coordinates."""
        ratio = self.devicePixelRatioF()
        return QPoint(round(x / ratio), round(self.height() - 1 - y / ratio))

    def pick_at(self, pos: QPoint) -> str | None:
        """The structure under a widget position, or None."""
        if self.scene is None:
            return None
        return self.scene.pick(*self.display_point(pos))

    # ------------------------------------------------------------------------------ mouse
    def mousePressEvent(self, ev: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self.stop_animation()  # a drag turns the camera from where it is now
        if ev.button() == Qt.MouseButton.RightButton:
            self._right_press = ev.position().toPoint()
        if ev.button() == Qt.MouseButton.LeftButton:
            self._press = ev.position().toPoint()
            self._frames_at_press = self.frames_rendered
            # a press held as a hand holds it (~0.1 s) leaves time to draw the click's frame
            self._press_timer.start()
        super().mousePressEvent(ev)

    def wheelEvent(self, ev: QWheelEvent) -> None:  # noqa: N802 - Qt override
        self.stop_animation()  # the zoom starts from the camera as it is now
        super().wheelEvent(ev)

    def mouseReleaseEvent(self, ev: QMouseEvent) -> None:  # noqa: N802 - Qt override
        # A click that drew nothing since the press (the camera did not move) leaves the frame
        # as it is: VTK's end-of-interaction redraws would only delay the selection's frame.
        iren = self.GetRenderWindow().GetInteractor()
        self._quiet_release = (
            ev.button() == Qt.MouseButton.LeftButton
            and self._press is not None
            and self.frames_rendered == self._frames_at_press
        )
        if self._quiet_release:
            iren.EnableRenderOff()
        try:
            super().mouseReleaseEvent(ev)
        finally:
            if self._quiet_release:
                iren.EnableRenderOn()
            self._quiet_release = False
        if ev.button() == Qt.MouseButton.RightButton and self._right_press is not None:
            pos, start, self._right_press = ev.position().toPoint(), self._right_press, None
            if (pos - start).manhattanLength() <= CLICK_SLOP:
                self.context_clicked.emit(self.pick_at(pos), self.mapToGlobal(pos))
            return
        if ev.button() != Qt.MouseButton.LeftButton or self._press is None:
            return
        pos = ev.position().toPoint()
        moved = (pos - self._press).manhattanLength()
        self._press = None
        if moved <= CLICK_SLOP:
            # for layers picked apart from the structures (the skin)
            self.last_click_display = self.display_point(pos)
            self.clicked.emit(self.pick_at(pos))
        self._draw_exposed()

    def _draw_exposed(self) -> None:
        """After a left release: the view exposed while the press was held is drawn, unless a
        frame drawn since (a drag's) or one on its way (the click's) draws it."""
        exposed, self._exposed = self._exposed, None
        drawn_or_due = self._frame_timer.isActive() or self.frames_rendered != exposed
        if exposed is not None and not drawn_or_due:
            self.update()

    def mouseMoveEvent(self, ev: QMouseEvent) -> None:  # noqa: N802 - Qt override
        super().mouseMoveEvent(ev)
        if ev.buttons() == Qt.MouseButton.NoButton:
            self._hover_pos = ev.position().toPoint()
            if not self._hover_timer.isActive():
                self._hover_timer.start()

    def leaveEvent(self, ev) -> None:  # noqa: N802 - Qt override
        super().leaveEvent(ev)
        self._hover_pos = None
        self.hovered.emit(None)

    def _pick_hover(self) -> None:
        if self._hover_pos is not None:
            self.hovered.emit(self.pick_at(self._hover_pos))

    # -------------------------------------------------------------------------- animation
    def animate_focus(self, structure_id: str | None = None) -> None:
        """Smoothly move the camera onto a structure (default: the selection)."""
        if self.scene is None:
            return
        self._move = self.scene.focus(structure_id)
        self._anim_timer.start()

    def stop_animation(self) -> None:
        """Leave the camera where a running focus move has brought it (the user moves it
        now: a view preset, or a drag in the view)."""
        self._anim_timer.stop()
        self._move = None

    @property
    def animating(self) -> bool:
        """Whether a focus move is running (not ended, nor stopped by a view placed meanwhile)."""
        return self._move is not None and not self._move.done

    def _step_animation(self) -> None:
        if self._move is None or not self._move.advance(ANIMATION_INTERVAL_MS / 1000.0):
            self._anim_timer.stop()
            self._move = None
        if self.scene is not None and not self.scene.auto_render:
            self.scene.render()  # a shown scene already drew the step when the camera moved


def opengl_available() -> tuple[bool, str]:
    """Whether VTK can get an OpenGL context here, with the reason when it cannot.

    ``CALFEXPLORER_DISABLE_GL=1`` forces the answer to no (for people whose driver crashes).
    """
    import os

    if os.environ.get("CALFEXPLORER_DISABLE_GL"):
        return False, "disabled by CALFEXPLORER_DISABLE_GL"
    from PySide6.QtGui import QGuiApplication

    platform = QGuiApplication.platformName()
    if platform in ("offscreen", "minimal"):
        return False, f"the Qt platform '{platform}' has no OpenGL windows"
    if _qt_has_opengl_3_2():
        return True, ""
    from vtkmodules.vtkRenderingCore import vtkRenderWindow

    window = vtkRenderWindow()
    try:
        ok = bool(window.SupportsOpenGL())
    except Exception as exc:  # noqa: BLE001 - VTK raises various errors without a GL context
        return False, str(exc)
    finally:
        window.Finalize()
    return (True, "") if ok else (False, "no OpenGL 3.2 context could be created")


def _qt_has_opengl_3_2() -> bool:
    """Whether Qt's shared OpenGL context (made with ``AA_ShareOpenGLContexts``) is 3.2 or newer.

    A quick yes (about half the cost of VTK's own probe, which makes a window and a context of
    its own); anything else, VTK's probe decides.
    """
    from PySide6.QtGui import QOpenGLContext

    context = QOpenGLContext.globalShareContext()
    if context is None or not context.isValid():
        return False
    fmt = context.format()
    return (fmt.majorVersion(), fmt.minorVersion()) >= (3, 2)
