"""A lit attachment patch is drawn as if nearer the eye (actors.LIT_SITE_PULL), on the pixels it
covers, lit or unlit (a merged faded actor draws patches without lights)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from vtkmodules.vtkRenderingCore import vtkRenderer, vtkWindowToImageFilter

from calfexplorer.scene import actors, export
from calfexplorer.scene.catalog import StructureInfo
from calfexplorer.scene.polydata import MeshData
from calfexplorer.scene.renderers import make_renderers

SIZE = (80, 80)


def _square(z: float, half: float) -> MeshData:
    """A square facing +z at height z (metres)."""
    v = np.array([[-half, -half, z], [half, -half, z], [half, half, z], [-half, half, z]])
    return MeshData(SimpleNamespace(vertices=v, faces=np.array([[0, 1, 2], [0, 2, 3]]),
                                    normals=np.tile([0.0, 0.0, 1.0], (4, 1))))


def _draw(lit: bool, lighting: bool, gap: float) -> np.ndarray:
    """A patch-sized square ``gap`` behind a larger muscle square, seen from +z."""
    r = make_renderers(None, SIZE)
    renderer: vtkRenderer = r.renderer
    site = StructureInfo("m:origin:x", "origin_site", "attachments", "x", owner="m", bone="b")
    muscle = StructureInfo("m", "muscle", "superficial", "m")
    patch = actors.make_actor(_square(0.0, 0.01), site)
    actors.set_site_offset(patch, lit)
    patch.GetProperty().SetLighting(lighting)
    renderer.AddActor(patch)
    renderer.AddActor(actors.make_actor(_square(gap, 0.02), muscle))
    camera = renderer.GetActiveCamera()
    camera.SetPosition(0.0, 0.0, 0.3)
    camera.SetFocalPoint(0.0, 0.0, 0.0)
    camera.SetViewAngle(30.0)
    renderer.ResetCameraClippingRange()
    r.window.Render()
    grab = vtkWindowToImageFilter()
    grab.SetInput(r.window)
    grab.SetInputBufferTypeToRGB()
    grab.ReadFrontBufferOff()
    grab.Update()
    try:
        return export.to_array(grab)
    finally:
        r.window.Finalize()


def _patch_colour(image: np.ndarray) -> bool:
    """Whether the centre shows the patch (bone-like, pale) rather than the muscle (red)."""
    red, green, _ = image[SIZE[1] // 2, SIZE[0] // 2].astype(int)
    return green > 0.6 * red


@pytest.mark.parametrize("lighting", [True, False])
def test_a_lit_patch_shows_through_what_lies_just_on_it(lighting: bool) -> None:
    gap = actors.LIT_SITE_PULL / 2
    assert _patch_colour(_draw(True, lighting, gap))  # lit: pulled in front of the muscle
    assert not _patch_colour(_draw(False, lighting, gap))  # not lit: behind it


def test_a_lit_patch_stays_behind_what_lies_well_in_front() -> None:
    assert not _patch_colour(_draw(True, True, actors.LIT_SITE_PULL * 2))
