"""The scene's render window and its two renderers: the 3D scene (lights, culler, blending)
and, on top, the overlay that draws labels and the title with the same camera."""

from __future__ import annotations

import os
import sys
from typing import NamedTuple

import vtkmodules.vtkInteractionStyle  # noqa: F401  (registers the default interactor style)
import vtkmodules.vtkRenderingFreeType  # noqa: F401  (text rendering)
import vtkmodules.vtkRenderingOpenGL2  # noqa: F401  (the OpenGL render window)
from vtkmodules.vtkRenderingCore import (
    vtkFrustumCoverageCuller,
    vtkLightKit,
    vtkRenderer,
    vtkRenderWindow,
)

from calfexplorer.scene import style

#: How far (a share of the scene's depth) the clipping range reaches beyond the scene.
CLIPPING_SLACK = 0.1


class Renderers(NamedTuple):
    """What :func:`make_renderers` builds."""

    window: vtkRenderWindow
    renderer: vtkRenderer  # the 3D scene
    overlay: vtkRenderer  # labels and title, drawn over the scene
    culler: vtkFrustumCoverageCuller  # also decides the order props are drawn in
    own_window: bool  # made here (offscreen), not handed in


def make_renderers(window: vtkRenderWindow | None, size: tuple[int, int]) -> Renderers:
    """The scene's renderers in ``window``, or in a new offscreen window of ``size``."""
    renderer = vtkRenderer()
    renderer.SetBackground(*style.BACKGROUND)
    renderer.SetUseFXAA(True)
    # See-through structures are blended one actor after another, farthest first (the
    # culler sorts them): next to depth peeling the difference is hard to see, and a
    # frame costs a third to a quarter as much in software OpenGL (a peeled frame with a
    # selection takes ~300 ms there, long enough to stall the next click). Saved images
    # (scene.export) still peel, so exports stay exact.
    renderer.SetUseDepthPeeling(False)
    renderer.SetMaximumNumberOfPeels(6)
    renderer.SetOcclusionRatio(0.05)
    renderer.SetUseOIT(False)
    # The clipping range hugs the scene: every frame resets it (frames.render). VTK's default
    # slack (0.5) put the near plane at a thousandth of the far one, which left the depth
    # buffer too coarse for an attachment patch lifted 0.9 mm off its bone: from below, the
    # patches fought the calcaneus and each other and covered the tendons that reach it.
    renderer.SetClippingRangeExpansion(CLIPPING_SLACK)
    culler = frustum_culler(renderer)
    add_lights(renderer)
    overlay = vtkRenderer()
    overlay.SetLayer(1)
    overlay.InteractiveOff()
    overlay.SetActiveCamera(renderer.GetActiveCamera())
    # The labels' frames are see-through: plain blending draws them well (they hardly
    # overlap), and order-independent translucency's full-window buffers and passes cost
    # each frame with labels about 6 ms in software OpenGL.
    overlay.SetUseOIT(False)

    own_window = window is None
    if window is None:
        window = offscreen_window()
        window.SetOffScreenRendering(True)
        window.SetSize(*size)
    window.SetAlphaBitPlanes(True)
    window.SetMultiSamples(0)
    window.SetNumberOfLayers(max(2, window.GetNumberOfLayers()))
    window.AddRenderer(renderer)
    window.AddRenderer(overlay)
    return Renderers(window, renderer, overlay, culler, own_window)


def offscreen_window() -> vtkRenderWindow:
    """A render window for offscreen use: EGL on Linux without a display, else the default.

    The default (X) window would work there too, through VTK's fallback, but only after
    printing a warning about the missing X server.
    """
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and headless:
        from vtkmodules.vtkRenderingOpenGL2 import vtkEGLRenderWindow

        return vtkEGLRenderWindow()
    return vtkRenderWindow()


def add_lights(renderer: vtkRenderer) -> None:
    """A light kit's key, fill and head lights, without its two back (rim) lights.

    The rim lights barely change the picture but each light costs every pixel in software
    OpenGL; three lights draw a frame about an eighth faster than five.
    """
    renderer.RemoveAllLights()
    vtkLightKit().AddLightsToRenderer(renderer)
    lights = renderer.GetLights()
    lights.InitTraversal()
    for light in [lights.GetNextItem() for _ in range(lights.GetNumberOfItems())]:
        if light.GetPosition()[2] < 0:  # camera-relative: behind the subject
            renderer.RemoveLight(light)


def frustum_culler(renderer: vtkRenderer) -> vtkFrustumCoverageCuller:
    """The renderer's frustum culler, which also decides the order props are drawn in."""
    cullers = renderer.GetCullers()
    cullers.InitTraversal()
    for _ in range(cullers.GetNumberOfItems()):
        culler = cullers.GetNextItem()
        if isinstance(culler, vtkFrustumCoverageCuller):
            return culler
    culler = vtkFrustumCoverageCuller()
    renderer.AddCuller(culler)
    return culler
