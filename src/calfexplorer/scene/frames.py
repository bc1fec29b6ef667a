"""The frame scheduler: when the scene draws, and how well.

A change asks for a frame (:meth:`Frames.changed`). Without schedulers that frame is drawn at
once in full. In the window, changes are drawn together a moment later (the frame scheduler);
with an idle scheduler too, each is answered by a quick frame (no anti-aliasing, stand-ins, in
a window on screen at ``quick_scale`` of its resolution) and a full one follows once changes
pause. Saved images draw an exact frame (:meth:`Frames.exact_frame`).

A quick frame can also be drawn ahead, unseen (:meth:`Frames.prepare_quick`: the pointer
resting on a structure is what a click on it selects), and shown at once by the change it was
drawn for, if nothing else was drawn or changed in between.

The window system may ask for the view again with nothing changed (a tooltip over it went, the
window was uncovered): a full frame still held in VTK's framebuffer is then shown again
(:meth:`Frames.present_again`) instead of drawing the scene once more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

from vtkmodules.vtkCommonCore import vtkCommand

from calfexplorer.scene.reduced_frame import (
    can_draw_to_screen,
    can_reduce,
    compose_unseen,
    render_reduced,
    show_composed,
)
from calfexplorer.scene.renderers import Renderers

#: Resolution of the quick frame that answers a change in a window on screen, as a share of
#: the window's: half the width and height shade a quarter of the pixels (software OpenGL).
QUICK_SCALE = 0.5
#: The same while a pose moves (a held slider, a played action): frame follows frame, so the
#: softer picture shows less, and the full-quality frame comes once the pose stops.
MOVING_SCALE = 0.35

Schedule = Callable[[Callable[[], None]], None]


@dataclass(frozen=True)
class _Prepared:
    """A quick frame composed unseen in the window's back buffer, and what it shows."""

    revision: int  # the changes asked for before it (the one it answers comes next)
    renders: int  # frames drawn into the window up to and including it
    look: Callable[[], Any]  # what the scene would draw now, compared with ...
    seen: Any  # ... what it was while the frame was composed
    shown: Callable[[], None]  # called once the frame is on screen


class Frames:
    """Draws the scene's frames.

    ``resolve_pose()`` brings the full meshes to the pose before a full frame;
    ``refine_normals()`` gives them exact normals before a full-quality one.
    """

    def __init__(
        self,
        renderers: Renderers,
        *,
        auto_render: bool,
        resolve_pose: Callable[[], None],
        refine_normals: Callable[[], None],
        as_placed: Callable[[], AbstractContextManager[None]] = nullcontext,
    ) -> None:
        self._r = renderers
        self._resolve_pose = resolve_pose
        # (a frame draws the meshes where they are: what it reads of them while it is drawn
        # waits for no pose still being made elsewhere, which would move them mid-frame)
        self._as_placed = as_placed
        self._refine_normals = refine_normals
        self.auto_render = auto_render
        self.quick_scale = QUICK_SCALE
        self.moving_scale = MOVING_SCALE
        #: Whether a pose is moving (see :meth:`calfexplorer.scene.Scene.set_moving`).
        self.moving = False
        #: Compose quick frames in the window's own framebuffer (None: where the window
        #: allows; False: in VTK's framebuffers, as before; see scene.reduced_frame).
        self.quick_to_screen: bool | None = None
        self.closed = False
        #: Quick frames: no anti-aliasing, stand-ins for all but the selection.
        self.fast = False
        #: Saved images: depth peeling, no stand-ins.
        self.exact = False
        self._schedule_idle: Schedule | None = None
        self._schedule_frame: Schedule | None = None
        self._warm_steps = 0
        self.warmed_up = False
        #: Changes asked for so far (each :meth:`changed`).
        self.revision = 0
        #: Frames drawn into the window so far (each render, by anyone).
        self.renders = 0
        #: Prepared quick frames shown instead of drawing one.
        self.prepared_shown = 0
        #: Frames shown again from VTK's framebuffer instead of drawing one (see present_again).
        self.presented_again = 0
        self._prepared: _Prepared | None = None
        self._held: tuple[int, ...] | None = None  # see _holding
        renderers.window.AddObserver(vtkCommand.EndEvent, self._count_render)

    def _count_render(self, *_: object) -> None:
        self.renders += 1
        # a frame shown by VTK's own copy to the window, by anyone (a paint, a camera drag),
        # stays in its render framebuffer and can be shown again (present_again)
        window = self._r.window
        shown = window.GetSwapBuffers() and can_draw_to_screen(window)
        self._held = self._holding() if shown else None

    @property
    def prepared(self) -> bool:
        """Whether a quick frame drawn ahead waits to be shown (see :meth:`prepare_quick`)."""
        return self._prepared is not None and self.renders == self._prepared.renders

    @property
    def two_step(self) -> bool:
        """Whether changes draw a quick frame first (an idle scheduler is set)."""
        return self._schedule_idle is not None

    def set_fast(self, fast: bool) -> None:
        """Trade quality for speed (no anti-aliasing) until told otherwise."""
        self.fast = bool(fast)
        self._r.renderer.SetUseFXAA(not fast)

    def set_idle_scheduler(self, schedule: Schedule | None) -> None:
        """See :meth:`calfexplorer.scene.Scene.set_idle_scheduler`."""
        self._schedule_idle = schedule

    def set_frame_scheduler(self, schedule: Schedule | None) -> None:
        """See :meth:`calfexplorer.scene.Scene.set_frame_scheduler`."""
        self._schedule_frame = schedule

    def changed(self) -> None:
        """Something drawn changed: draw it (now, or once the frame scheduler says)."""
        self.revision += 1
        if not self.auto_render:
            return
        if self._schedule_frame is not None:
            self._schedule_frame(self._draw_changes)
            return
        self._draw_changes()

    def _draw_changes(self) -> None:
        if not self.auto_render or self.closed:
            return
        if self._schedule_idle is None:
            self._refine_normals()
            self.render()
            return
        if self.fast:
            self.render()
            return
        if not self._show_prepared():
            self.set_fast(True)
            try:
                self._render_quick()
            finally:
                self.set_fast(False)
        self._schedule_idle(self._refine)

    def prepare_quick(
        self,
        draw_as: Callable[[], None],
        undo: Callable[[], None],
        look: Callable[[], Any],
        shown: Callable[[], None],
    ) -> bool:
        """Compose, unseen, the quick frame that the next change would draw if it made the
        scene look as ``draw_as()`` does (``undo()`` goes back; ``look()`` tells the two
        apart); that change then shows it at once (``shown()`` is called) instead of drawing.
        False where the window cannot keep a frame unseen."""
        r = self._r
        if (
            self.closed
            or not self.auto_render
            or self._schedule_idle is None
            or r.own_window
            or self.quick_to_screen is False
            or self.quick_scale >= 1.0
            or not can_reduce(r.window)
        ):
            return False
        self._prepared = None
        fast = self.fast  # (a press may have begun a camera drag that never comes)
        draw_as()
        try:
            self.set_fast(True)
            r.renderer.ResetCameraClippingRange()
            with self._as_placed():
                composed = compose_unseen(r.window, r.renderer, r.overlay, self.quick_scale)
            if not composed:
                return False
            seen = look()
        finally:
            self.set_fast(fast)
            undo()
        self._prepared = _Prepared(self.revision, self.renders, look, seen, shown)
        return True

    def _holding(self) -> tuple[int, ...]:
        """What the frame in VTK's render framebuffer must match to be shown again: no frame
        drawn since, no change asked for, the camera and the window's size as they were."""
        r = self._r
        camera = r.renderer.GetActiveCamera().GetMTime()
        return (self.renders, self.revision, camera, *r.window.GetSize())

    def present_again(self) -> bool:
        """Show the last frame again without drawing the scene, if it was a full frame shown
        in the window and nothing was drawn or changed since (its picture is still in VTK's
        render framebuffer: copied to the window, and the buffers swapped). False otherwise:
        the caller draws one."""
        if self.closed or self._held is None or self._held != self._holding():
            return False
        window = self._r.window
        window.Frame()
        self.presented_again += 1
        window.InvokeEvent("EndEvent")  # a frame is on screen, as after a render (still held)
        return True

    def _show_prepared(self) -> bool:
        """Show the prepared quick frame if the one change since is the one it was drawn
        for and nothing was drawn into the window since."""
        prepared, self._prepared = self._prepared, None
        if (
            prepared is None
            or self.revision != prepared.revision + 1
            or self.renders != prepared.renders
            or prepared.look() != prepared.seen
        ):
            return False
        window = self._r.window
        show_composed(window)
        self.prepared_shown += 1
        prepared.shown()
        window.InvokeEvent("EndEvent")  # a frame is on screen, as after a render
        self._held = None  # (the render framebuffer holds only its 3D scene, scaled down)
        return True

    @property
    def drawn_scale(self) -> float:
        """The share of the window's resolution the next quick frame draws the 3D scene at:
        ``quick_scale``, or ``moving_scale`` while a pose moves (:attr:`moving`)."""
        return min(self.quick_scale, self.moving_scale) if self.moving else self.quick_scale

    def _render_quick(self) -> None:
        """The quick frame that answers a change: in a window on screen, the 3D scene at
        :attr:`drawn_scale` of its resolution, scaled up (labels stay sharp)."""
        r = self._r
        scale = self.drawn_scale
        if r.own_window or scale >= 1.0 or not can_reduce(r.window):
            self.render()
            return
        r.renderer.ResetCameraClippingRange()
        with self._as_placed():
            render_reduced(r.window, r.renderer, r.overlay, scale, to_screen=self.quick_to_screen)

    def _refine(self) -> None:
        if not self.fast:
            self._resolve_pose()
            self._refine_normals()
            self.render()

    def render(self) -> None:
        """Draw one frame (nothing once closed); a full one brings the meshes to the pose."""
        if self.closed:
            return
        if not self.fast:
            self._resolve_pose()
        self._r.renderer.ResetCameraClippingRange()
        with self._as_placed():
            self._r.window.Render()

    @contextmanager
    def exact_frame(self, exact: bool = True) -> Iterator[None]:
        """Draw a full-quality frame to be read inside the block; ``exact``: see-through
        structures depth-peeled and every structure in full (as saved images are)."""
        self._resolve_pose()
        self._refine_normals()
        self._r.renderer.SetUseDepthPeeling(exact)
        self.exact = exact
        try:
            self.render()
            yield
        finally:
            self._r.renderer.SetUseDepthPeeling(False)
            self.exact = False

    def warm_up_step(
        self,
        build_step: Callable[[], bool] | None,
        target: str | None,
        draw_as_selected: Callable[[str | None], None],
    ) -> bool:
        """One step of drawing, unseen, the frames a first selection would; True while more
        remain. ``build_step``: stand-ins still to build first (None: none left); ``target``:
        a structure to draw as if selected (``draw_as_selected(None)`` undoes it): a quick
        frame, then a full-quality one."""
        if self.closed or self.warmed_up:
            return False
        if build_step is not None:
            build_step()
            return True
        fast = self._warm_steps == 0
        self._warm_steps += 1
        self.warmed_up = target is None or not fast
        if target is None:
            return False
        window = self._r.window
        swap = window.GetSwapBuffers()
        window.SwapBuffersOff()
        draw_as_selected(target)
        try:
            self.set_fast(fast)
            self.render()
        finally:
            draw_as_selected(None)
            self.set_fast(False)
            window.SetSwapBuffers(swap)
        return not self.warmed_up
