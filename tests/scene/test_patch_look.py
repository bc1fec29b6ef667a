"""Attachment patches read as marks on their bone, in every view (built-in leg): drawn as the
bone's surface is shaded, with depth enough to lie between the bone and what lies on it; a
selected muscle's patches still show."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from vtkmodules.util.numpy_support import vtk_to_numpy

from calfexplorer.geometry.patches import outer_surface
from calfexplorer.scene import Scene, style
from calfexplorer.state import AppState

from .real import NEEDS_REAL_ASSETS

pytestmark = NEEDS_REAL_ASSETS


@pytest.fixture
def leg(real_assets, atlas) -> Iterator[tuple[Scene, AppState]]:
    state = AppState.from_atlas(atlas, labels=False)
    scene = Scene(real_assets, atlas, state, size=(400, 500))
    yield scene, state
    scene.close()


def test_a_patch_is_drawn_as_its_outer_surface_shaded_as_the_bone(leg, real_assets) -> None:
    """The walls along each rim drew dark cracks, and their tilt of the rim's normals shaded a
    patch unlike its bone: from below, the calcaneus looked clad in broken plates."""
    scene, _ = leg
    sites = [sid for sid in scene.ids if scene.info(sid).is_site]
    assert len(sites) > 50
    for sid in sites:
        mesh = real_assets.meshes[sid]
        n, outer = outer_surface(mesh.vertices, mesh.faces)
        drawn = scene.actor(sid).GetMapper().GetInput()
        assert drawn.GetNumberOfCells() == len(outer) < len(mesh.faces), sid
        normals = vtk_to_numpy(drawn.GetPointData().GetNormals())[:n]
        lift = mesh.vertices[:n] - mesh.vertices[n:]
        lift = lift / np.linalg.norm(lift, axis=1, keepdims=True)
        assert np.einsum("ij,ij->i", normals, lift).min() > 0.999, sid


def test_the_depth_range_hugs_the_leg_from_below(leg) -> None:
    """VTK's default slack put the near plane at a thousandth of the far one; its offset units
    are 1/65000 of that range, so a patch's offset grew to centimetres (from below: ~1 cm)."""
    scene, _ = leg
    scene.set_view("inferior")
    scene.capture()
    near, far = scene.camera.GetClippingRange()
    assert near / far > 0.1  # was 0.0045


def test_from_below_no_patch_is_drawn_over_what_lies_on_it(leg) -> None:
    """With the attachments on, the sole's tendons vanished where they reach the calcaneus:
    every pixel where a muscle or tendon lies in front looks as with the attachments off."""
    scene, state = leg
    scene.set_view("inferior")
    with_patches = scene.capture().astype(int)
    state.set_layer_visible("attachments", False)
    without = scene.capture().astype(int)
    h, w = with_patches.shape[:2]
    over = covered = 0
    for y in range(0, h, 4):
        for x in range(0, w, 4):
            sid = scene.pick(x, h - 1 - y)
            if sid is None or scene.info(sid).kind not in ("muscle", "tendon"):
                continue
            over += 1
            covered += int(np.abs(with_patches[y, x] - without[y, x]).max() > 40)
    assert over > 1000
    assert covered <= 5  # was 15


def _colour_pixels(image: np.ndarray, colour: tuple[float, float, float]) -> int:
    return int((np.abs(image.astype(int) - np.asarray(colour) * 255).max(axis=2) < 40).sum())


@pytest.mark.parametrize("muscle", ["tibialis_anterior", "fibularis_longus"])
def test_a_selected_muscles_origin_shows_through_its_own_belly(leg, muscle: str) -> None:
    """The origin lies under the belly's upper end: it stays lit in front of it (from the
    side it showed 19 and 0 pixels)."""
    scene, state = leg
    state.select(muscle)
    scene.set_view("lateral")
    assert _colour_pixels(scene.capture(), style.ORIGIN_COLOR) > 120
