"""A quick frame drawn at reduced resolution and scaled up, with its overlay at full resolution.

In software OpenGL the cost of a frame with see-through structures is mostly its fragments:
drawing the 3D scene into a corner of the window's framebuffer at half the width and height
shades a quarter of them. The corner is then scaled up (linear filtering) over the whole
framebuffer and the overlay (labels, title) drawn on top at full resolution, so text stays
sharp. Used only for the quick frame that answers a change; the full-quality frame follows.
"""

from __future__ import annotations

from vtkmodules.vtkRenderingCore import vtkRenderer, vtkRenderWindow

_GL_COLOR_BUFFER_BIT = 0x4000
_GL_NEAREST = 0x2600
_GL_LINEAR = 0x2601
_GL_SCISSOR_TEST = 0x0C11
_GL_READ_FRAMEBUFFER = 0x8CA8
_GL_DRAW_FRAMEBUFFER = 0x8CA9


def can_reduce(window: vtkRenderWindow) -> bool:
    """Whether the window has the framebuffers and state a reduced frame needs (VTK 9.1+
    OpenGL windows)."""
    return all(
        hasattr(window, name)
        for name in ("GetRenderFramebuffer", "GetDisplayFramebuffer", "GetState")
    )


def render_reduced(
    window: vtkRenderWindow, scene: vtkRenderer, overlay: vtkRenderer, scale: float
) -> None:
    """Draw one frame: ``scene`` at ``scale`` of the window's resolution, scaled up, then
    ``overlay`` at full resolution, and show it (when the window swaps buffers)."""
    width, height = window.GetSize()
    w, h = max(1, round(width * scale)), max(1, round(height * scale))
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
