"""The skin in the 3D view: coloured by dermatomes and territories, numb skin shaded, posed
with the bones, and picked to name what lies under the cursor."""

from __future__ import annotations

import numpy as np
import pytest
from vtkmodules.vtkRenderingCore import vtkRenderer, vtkRenderWindow

from calfexplorer.atlas import Atlas
from calfexplorer.geometry.skin import SKIN_FILE, load_skin
from calfexplorer.geometry.source import pose_state
from calfexplorer.lesion.skin_map import classify, load_skin_map, skin_coordinates
from calfexplorer.paths import assets_dir
from calfexplorer.scene.skin_layer import DERMATOME_HEX, SkinLayer
from calfexplorer.scene.style import hex_rgb


@pytest.fixture(scope="module")
def layer(atlas: Atlas):
    skin = load_skin(assets_dir() / SKIN_FILE)  # built by build-assets with the meshes
    skin_map, problems = load_skin_map(atlas)
    assert problems == []
    rest = pose_state(None)
    coords = skin_coordinates(skin.vertices, skin.normals, skin.vertex_bodies(), rest.bodies)
    window = vtkRenderWindow()
    window.SetOffScreenRendering(True)
    window.SetSize(400, 600)
    renderer = vtkRenderer()
    window.AddRenderer(renderer)
    out = SkinLayer(renderer, skin, classify(skin_map, coords))
    out.window = window
    yield out
    window.Finalize()


def test_dermatome_colours_follow_the_map(layer: SkinLayer) -> None:
    layer.set_mode("dermatomes")
    colours = layer.colours().astype(float) / 255
    l5 = layer.labels.primary_dermatome == layer.labels.dermatome_ids.index("L5")
    assert l5.sum() > 100
    palette = {d: np.array(hex_rgb(c)) for d, c in DERMATOME_HEX.items()}
    nearest = [
        min(palette, key=lambda d, c=c: np.linalg.norm(palette[d] - c)) for c in colours[l5]
    ]
    assert set(nearest) == {"L5"}  # tinted with L5's colour and no other
    layer.set_mode("plain")
    assert len(np.unique(layer.colours(), axis=0)) == 1


def test_numb_skin_is_shaded_and_cleared(layer: SkinLayer) -> None:
    layer.set_mode("plain")
    before = layer.colours()
    layer.set_numb(["first_web_space"])
    changed = np.any(layer.colours() != before, axis=1)
    assert layer.numb_count == changed.sum() > 20
    assert changed.sum() < 0.05 * len(changed)  # the web space is small
    layer.set_numb(None)
    assert np.array_equal(layer.colours(), before) and layer.numb_count == 0


def test_a_lesions_numb_skin_stands_out_and_the_rest_is_a_film(layer: SkinLayer) -> None:
    """The plain skin shown for a lesion covered the whole leg at 0.45 and washed out the
    denervated muscles under it: now the numb areas are the opaque part."""
    from calfexplorer.scene.skin_layer import (
        ANSWER_OPACITY,
        FELT_OPACITY,
        NUMB_INSIDE_OPACITY,
        NUMB_OPACITY,
        SKIN_OPACITY,
    )

    layer.set_mode("plain")
    assert np.allclose(layer.opacities(), SKIN_OPACITY, atol=0.005)
    layer.set_numb(["lateral_foot", "sole"])
    numb = layer.opacities() > FELT_OPACITY + 0.03
    assert numb.sum() == layer.numb_count > 20
    shade = layer.opacities()[numb]  # an opaque rim round a lighter inside (muscles show)
    rim = np.isclose(shade, NUMB_OPACITY, atol=0.005)
    assert 0.1 < rim.mean() < 0.9 and np.allclose(shade[~rim], NUMB_INSIDE_OPACITY, atol=0.005)
    assert np.allclose(layer.opacities()[~numb], FELT_OPACITY, atol=0.005)
    layer.set_mode("dermatomes")  # the user's own colouring keeps its film
    assert np.allclose(layer.opacities()[~numb], SKIN_OPACITY, atol=0.005)
    # ... and inside the numb rim its own colours, so the area still shows whose it is (a
    # cyan fill hid them, close to L4's sky blue; and its inside was fainter than the rest)
    inside = numb.copy()
    inside[numb] = ~rim
    colours, opacities = layer.colours(), layer.opacities()
    assert np.allclose(opacities[inside], SKIN_OPACITY, atol=0.005)
    layer.set_numb(None)
    assert (layer.colours()[inside] == colours[inside]).all()
    assert (layer.colours()[numb & ~inside] != colours[numb & ~inside]).any()
    layer.set_numb(["lateral_foot", "sole"])
    layer.set_highlight("L5")
    assert np.allclose(layer.opacities(), ANSWER_OPACITY, atol=0.005)
    layer.set_highlight(None)
    layer.set_numb(None)
    layer.set_mode("plain")
    assert np.allclose(layer.opacities(), SKIN_OPACITY, atol=0.005)


def test_the_skin_follows_the_bones(layer: SkinLayer) -> None:
    from calfexplorer.biomech import Pose

    rest = pose_state(None).bodies
    bent = pose_state(Pose.from_degrees(knee=90)).bodies
    foot = layer.skin.vertex_bodies() == "calcn_r"
    layer.pose(rest, bent)
    moved = np.linalg.norm(layer.data.vertices - layer._rest, axis=1)
    assert moved[foot].min() > 0.05  # the foot swings back with the bent knee
    layer.pose(rest, rest)
    assert np.allclose(layer.data.vertices, layer._rest, atol=1e-5)


def test_a_click_names_what_is_under_it(layer: SkinLayer) -> None:
    renderer = layer.renderer
    layer.set_visible(True)
    renderer.ResetCamera()
    camera = renderer.GetActiveCamera()
    camera.SetFocalPoint(*layer.skin.vertices.mean(axis=0))
    camera.SetPosition(*(layer.skin.vertices.mean(axis=0) + np.array([0.0, -2.5, 0.0])))
    camera.SetViewUp(0, 0, 1)
    renderer.ResetCameraClippingRange()
    layer.window.Render()
    vertex = layer.pick(200, 300)
    assert vertex is not None
    dermatomes, territories = layer.describe(vertex)
    assert dermatomes or territories
    layer.set_visible(False)
    assert layer.pick(200, 300) is None  # nothing drawn, nothing picked


def test_a_skin_map_with_problems_colours_nothing_and_says_why(atlas: Atlas, tmp_path,
                                                                monkeypatch) -> None:
    """A broken data/skin_map.yaml (a user's edit): the plain skin still shows; dermatomes and
    territories are refused with the file's first problem and the way on (colouring with the
    part of the map that loaded raised inside the view)."""
    from calfexplorer.assets import load_assets
    from calfexplorer.scene import Scene
    from calfexplorer.state import AppState
    from data_copy import append, data_copy

    append(data_copy(tmp_path, monkeypatch) / "skin_map.yaml")
    scene = Scene(load_assets(), atlas, AppState(), size=(200, 300))
    try:
        assert scene.skin.set_mode("plain")
        for mode in ("dermatomes", "territories"):
            assert not scene.skin.set_mode(mode)
            why = scene.skin.why_not(mode)
            assert "skin_map.yaml" in why and "calfexplorer validate" in why, why
        assert scene.skin.mode == "plain"
    finally:
        scene.close()


def test_the_leg_s_territories_keep_their_colours_as_areas_are_added(layer: SkinLayer) -> None:
    """An area put before the saphenous one turned the medial leg from blue to vermilion and
    the upper lateral leg to wine: they read as bare muscle."""
    from calfexplorer.scene.skin_layer import TERRITORY_HEX

    layer.set_mode("territories")
    colours = dict(layer.legend())
    assert colours["saphenous"] == "#0072B2" == TERRITORY_HEX[4]
    assert colours["upper_lateral_leg"] == "#CC79A7"
    assert len(set(colours.values())) == len(colours)  # (no two areas alike)
    layer.set_mode("plain")


def _hue(rgb: np.ndarray) -> float:
    """Hue in degrees of an RGB colour (0..1)."""
    import colorsys

    return 360.0 * colorsys.rgb_to_hsv(*(float(c) for c in rgb))[0]


def test_a_denervated_muscle_under_the_numb_skin_keeps_its_lesion_colour(
    layer: SkinLayer, atlas: Atlas
) -> None:
    """A common fibular nerve lesion: tibialis anterior and the long extensors under the numb
    shin read olive, not the lesion's vermilion (a 0.4-opaque cyan over them); the numb area
    is now an outline round a light tint, and the vermilion seen through its inside keeps its
    hue."""
    from calfexplorer.lesion import Lesion, open_lesion_model
    from calfexplorer.lesion.report import DENERVATED_HEX
    from calfexplorer.scene.skin_layer import NUMB_INSIDE_HEX, NUMB_OPACITY

    model, _ = open_lesion_model(atlas)
    result = model.compute(Lesion(cuts=(model.cut("common_fibular_nerve"),)))
    layer.set_mode("plain")
    layer.set_numb([s.id for s in result.skin])
    try:
        assert layer.numb_count > 100
        opacity = layer.opacities()
        inside = np.isclose(layer.colours(), np.round(np.array(hex_rgb(NUMB_INSIDE_HEX)) * 255),
                            atol=1).all(axis=1) & (opacity < NUMB_OPACITY - 0.05)
        assert inside.sum() > 50  # (the numb shin within its outline)
        muscle = np.array(hex_rgb(DENERVATED_HEX))
        seen = (opacity[inside, None] * layer.colours()[inside] / 255.0
                + (1 - opacity[inside, None]) * muscle)
        hues = np.array([_hue(c) for c in seen])
        assert np.all(np.abs(hues - _hue(muscle)) < 8), hues.max()  # (olive is ~60 degrees)
        assert (np.isclose(opacity, NUMB_OPACITY, atol=0.005)).sum() > 50  # the outline
    finally:
        layer.set_numb(None)
