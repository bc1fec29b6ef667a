"""A quick frame drawn at reduced resolution and scaled up, with its overlay at full resolution.

In software OpenGL the cost of a frame with see-through structures is mostly its fragments:
drawing the 3D scene into a corner of the window's framebuffer at half the width and height
shades a quarter of them. The corner is then scaled up (linear filtering) over the whole
picture and the overlay (labels, title) drawn on top at full resolution, so text stays
sharp. Used only for the quick frame that answers a change; the full-quality frame follows.

Where VTK presents its frames by copying them to the window's own framebuffer (the viewport's
colour-only frame blit into a native window), the corner is scaled straight into the window's
back buffer and the overlay drawn there, in one render: one full-resolution pass instead of
three (scaled into VTK's display framebuffer, copied back, then copied to the window with a
format conversion). Mesa's llvmpipe filters a scaled blit through its fixed-point "linear"
rasterizer for one of the two target formats only, so a few pixels of the soft quick picture
differ by one grey level between the two ways; the full-quality frame is untouched.
"""

from __future__ import annotations

from vtkmodules.vtkCommonCore import vtkCommand
from vtkmodules.vtkRenderingCore import vtkRenderer, vtkRenderWindow
from vtkmodules.vtkRenderingOpenGL2 import vtkOpenGLRenderWindow

_GL_COLOR_BUFFER_BIT = 0x4000
_GL_NEAREST = 0x2600
_GL_LINEAR = 0x2601
_GL_SCISSOR_TEST = 0x0C11
_GL_FRONT_LEFT = 0x0400
_GL_BACK_LEFT = 0x0402
_GL_READ_FRAMEBUFFER = 0x8CA8
_GL_DRAW_FRAMEBUFFER = 0x8CA9


def can_reduce(window: vtkRenderWindow) -> bool:
    """Whether the window has the framebuffers and state a reduced frame needs (VTK 9.1+
    OpenGL windows)."""
    return all(
        hasattr(window, name)
        for name in ("GetRenderFramebuffer", "GetDisplayFramebuffer", "GetState")
    )


def can_draw_to_screen(window: vtkRenderWindow) -> bool:
    """Whether the window shows its frames by a colour blit into its own native window
    (framebuffer 0): then the quick frame can be composed there directly."""
    return (
        isinstance(window, vtkOpenGLRenderWindow)
        and hasattr(window, "SetFrameBlitModeToNoBlit")
        and window.GetFrameBlitMode() == getattr(window, "BlitToCurrent", None)
        and not window.GetOffScreenRendering()
        and not window.GetUseOffScreenBuffers()
        and not window.IsA("vtkGenericOpenGLRenderWindow")
        and not window.GetFramebufferFlipY()
        and not window.GetStereoRender()
    )


def render_reduced(
    window: vtkRenderWindow,
    scene: vtkRenderer,
    overlay: vtkRenderer,
    scale: float,
    *,
    to_screen: bool | None = None,
) -> None:
    """Draw one frame: ``scene`` at ``scale`` of the window's resolution, scaled up, then
    ``overlay`` at full resolution, and show it (when the window swaps buffers).

    ``to_screen``: compose it in the window's own framebuffer (default: where
    :func:`can_draw_to_screen`), else in VTK's framebuffers, as VTK presents a frame.
    """
    if to_screen is None:
        to_screen = can_draw_to_screen(window)
    gl = _opengl(window)
    # (the overlay's start composes the picture: it must draw, and the frame be shown)
    if to_screen and gl.GetSwapBuffers() and overlay.GetDraw() and scene.GetDraw():
        _render_to_screen(gl, scene, overlay, scale)
    else:
        _render_in_framebuffers(gl, scene, overlay, scale)


def compose_unseen(
    window: vtkRenderWindow, scene: vtkRenderer, overlay: vtkRenderer, scale: float
) -> bool:
    """Compose a reduced frame in the window's own back buffer as :func:`render_reduced` does,
    without showing it; :func:`show_composed` shows it later, provided nothing is drawn into
    the window in between. False (nothing drawn) where the window cannot compose there."""
    if not (can_draw_to_screen(window) and overlay.GetDraw() and scene.GetDraw()):
        return False
    swap = window.GetSwapBuffers()
    window.SwapBuffersOff()
    try:
        _render_to_screen(_opengl(window), scene, overlay, scale)
        # Software OpenGL (llvmpipe) rasterizes only when the commands are flushed: finish
        # now, so that showing the frame later is only the buffer swap.
        window.WaitForCompletion()
    finally:
        window.SetSwapBuffers(swap)
    return True


def show_composed(window: vtkRenderWindow) -> None:
    """Show the frame :func:`compose_unseen` left in the back buffer: a buffer swap, without
    VTK's copy of its own framebuffer to the window."""
    gl = _opengl(window)
    mode = gl.GetFrameBlitMode()
    gl.SetFrameBlitModeToNoBlit()
    try:
        gl.Frame()
    finally:
        gl.SetFrameBlitMode(mode)


def _opengl(window: vtkRenderWindow) -> vtkOpenGLRenderWindow:
    """The window as the OpenGL window it is (VTK's OpenGL2 backend makes every render window
    one: the checks above look for the framebuffer calls only OpenGL windows have)."""
    if not isinstance(window, vtkOpenGLRenderWindow):
        raise TypeError(f"{window.GetClassName()} is not an OpenGL render window")
    return window


def _corner(window: vtkRenderWindow, scale: float) -> tuple[int, int, int, int]:
    width, height = window.GetSize()
    return width, height, max(1, round(width * scale)), max(1, round(height * scale))


def _render_to_screen(
    window: vtkOpenGLRenderWindow, scene: vtkRenderer, overlay: vtkRenderer, scale: float
) -> None:
    """One render: the scene into the bottom-left corner of VTK's render framebuffer; as the
    overlay starts, that corner scaled into the window's back buffer and the overlay drawn
    there; VTK then swaps buffers without copying its own framebuffer to the window."""
    width, height, w, h = _corner(window, scale)
    viewport = scene.GetViewport()
    state = window.GetState()
    rendered = window.GetRenderFramebuffer()
    back = _GL_BACK_LEFT if window.GetDoubleBuffer() else _GL_FRONT_LEFT

    def scale_up_to_screen(*_: object) -> None:
        scene.SetViewport(*viewport)  # as the overlay's label layout expects it
        scissor = state.GetEnumState(_GL_SCISSOR_TEST)
        state.vtkglDisable(_GL_SCISSOR_TEST)
        rendered.Bind(_GL_READ_FRAMEBUFFER)
        rendered.ActivateReadBuffer(0)
        state.vtkglBindFramebuffer(_GL_DRAW_FRAMEBUFFER, 0)
        state.vtkglDrawBuffer(back)
        state.vtkglBlitFramebuffer(
            0, 0, w, h, 0, 0, width, height, _GL_COLOR_BUFFER_BIT, _GL_LINEAR
        )
        state.SetEnumState(_GL_SCISSOR_TEST, scissor)

    # before the overlay's other observers (its label layout)
    tag = overlay.AddObserver(vtkCommand.StartEvent, scale_up_to_screen, 100.0)
    mode = window.GetFrameBlitMode()
    scene.SetViewport(0.0, 0.0, w / width, h / height)
    window.SetFrameBlitModeToNoBlit()
    try:
        window.Render()
    finally:
        window.SetFrameBlitMode(mode)
        scene.SetViewport(*viewport)
        overlay.RemoveObserver(tag)


def _render_in_framebuffers(
    window: vtkOpenGLRenderWindow, scene: vtkRenderer, overlay: vtkRenderer, scale: float
) -> None:
    """The frame composed in VTK's render framebuffer, presented as VTK presents any."""
    width, height, w, h = _corner(window, scale)
    viewport = scene.GetViewport()
    swap = window.GetSwapBuffers()
    overlay_draws = overlay.GetDraw()
    # 1. The scene into the bottom-left corner of VTK's render framebuffer; nothing shown.
    scene.SetViewport(0.0, 0.0, w / width, h / height)
    overlay.DrawOff()
    window.SwapBuffersOff()
    try:
        window.Render()
    finally:
        scene.SetViewport(*viewport)
        overlay.SetDraw(overlay_draws)
        window.SetSwapBuffers(swap)
    # 2. Scale the corner up over the whole display framebuffer, and copy that back.
    state = window.GetState()
    rendered = window.GetRenderFramebuffer()
    display = window.GetDisplayFramebuffer()
    state.PushFramebufferBindings()
    try:
        state.vtkglDisable(_GL_SCISSOR_TEST)
        rendered.Bind(_GL_READ_FRAMEBUFFER)
        rendered.ActivateReadBuffer(0)
        display.Bind(_GL_DRAW_FRAMEBUFFER)
        display.ActivateDrawBuffer(0)
        state.vtkglBlitFramebuffer(
            0, 0, w, h, 0, 0, width, height, _GL_COLOR_BUFFER_BIT, _GL_LINEAR
        )
        display.Bind(_GL_READ_FRAMEBUFFER)
        display.ActivateReadBuffer(0)
        rendered.Bind(_GL_DRAW_FRAMEBUFFER)
        rendered.ActivateDrawBuffer(0)
        state.vtkglBlitFramebuffer(
            0, 0, width, height, 0, 0, width, height, _GL_COLOR_BUFFER_BIT, _GL_NEAREST
        )
    finally:
        state.PopFramebufferBindings()
    # 3. The overlay over it at full resolution, and the frame shown.
    scene.DrawOff()
    try:
        window.Render()
    finally:
        scene.DrawOn()
