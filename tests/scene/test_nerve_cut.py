"""A nerve lesion's cut on the built-in leg: a mark at the level's place, the nerve below it
grey, the nerve above it as it was, a label naming the level; cleared, all as before."""

from __future__ import annotations

import numpy as np
import pytest
from vtkmodules.util.numpy_support import vtk_to_numpy

from calfexplorer.lesion import open_lesion_model
from calfexplorer.lesion.cut_marks import cut_marks, cut_off_nerves
from calfexplorer.lesion.model import Lesion
from calfexplorer.scene import Scene, style
from calfexplorer.scene.nerve_cut import CUT_OFF_HEX
from calfexplorer.state import AppState

from .real import NEEDS_REAL_ASSETS

pytestmark = NEEDS_REAL_ASSETS

GREY = style.hex_rgb(CUT_OFF_HEX)
YELLOW = style.MATERIALS["nerve"].color


@pytest.fixture
def leg(real_assets, atlas):
    state = AppState.from_atlas(atlas)
    scene = Scene(real_assets, atlas, state, size=(360, 480))
    model, _ = open_lesion_model(atlas)

    def cut(nerve: str, level: str) -> None:
        result = model.compute(Lesion((model.cut(nerve, level),)))
        scene.set_nerve_cuts(cut_marks(model, result), cut_off_nerves(atlas, result))

    yield scene, state, cut
    scene.close()


def _props(scene: Scene) -> list:
    """The actors of the scene's renderer and of its overlay (the discs, over everything)."""
    out = []
    for renderer in (scene.renderer, scene.overlay):
        props = renderer.GetActors()
        props.InitTraversal()
        out += [props.GetNextActor() for _ in range(props.GetNumberOfItems())]
    return out


def test_a_common_fibular_cut_is_marked_at_the_neck_of_the_fibula(leg) -> None:
    scene, _, cut = leg
    cut("common_fibular_nerve", "fibular_neck")
    place = scene.nerve_cuts.places["common_fibular_nerve"]
    fibula = scene.world_vertices("fibula")
    below_top = fibula[:, 2].max() - place.centre[2]
    assert 0.01 < below_top < 0.06  # (the neck: just below the head, 1 to 6 cm from its top)
    assert np.linalg.norm(fibula - place.centre, axis=1).min() < 0.02  # (on the bone)
    assert set(scene.nerve_cuts.actors) <= set(_props(scene)) and scene.nerve_cuts.actors
    assert "Cut: at the neck of the fibula" in scene.labels


def test_the_nerve_below_the_cut_is_grey_and_above_it_as_it_was(leg) -> None:
    scene, _, cut = leg
    cut("common_fibular_nerve", "fibular_neck")
    for branch in ("deep_fibular_nerve", "superficial_fibular_nerve"):
        assert scene.drawn_style(branch).color == pytest.approx(GREY)
    assert scene.drawn_style("common_fibular_nerve").color == pytest.approx(YELLOW)
    assert scene.drawn_style("lateral_sural_cutaneous_nerve").color == pytest.approx(YELLOW)
    assert np.linalg.norm(np.subtract(GREY, YELLOW)) > 0.5
    # the cut nerve's own part below the mark: covered by a grey copy lying below the mark
    place = scene.nerve_cuts.places["common_fibular_nerve"]
    below = scene.nerve_cuts.actors[0]
    assert below.GetProperty().GetColor() == pytest.approx(GREY)
    poly = below.GetMapper().GetInput()
    used = np.unique(vtk_to_numpy(poly.GetPolys().GetConnectivityArray()))
    points = vtk_to_numpy(poly.GetPoints().GetData())[used]
    assert len(used) > 0 and points[:, 2].max() < place.centre[2] + 0.005


def test_a_skin_nerve_s_cut_is_marked_though_no_muscle_changes(leg) -> None:
    """For the sural and saphenous nerves the numb skin was all the 3D view showed."""
    scene, _, cut = leg
    for nerve, level in (("sural_nerve", "calf"), ("saphenous_nerve", "medial_leg")):
        cut(nerve, level)
        assert set(scene.nerve_cuts.places) == {nerve}
        place = scene.nerve_cuts.places[nerve]
        assert np.linalg.norm(scene.world_vertices(nerve) - place.centre, axis=1).min() < 0.006
        assert any(text.startswith("Cut: ") for text in scene.labels)


def test_a_cleared_lesion_and_the_labels_toggle(leg) -> None:
    scene, state, cut = leg
    cut("tibial_nerve", "popliteal_fossa")
    marks = scene.nerve_cuts.actors
    assert scene.drawn_style("sural_nerve").color == pytest.approx(GREY)
    state.set_labels(False)
    assert not any(text.startswith("Cut: ") for text in scene.labels)
    state.set_labels(True)
    assert "Cut: in the popliteal fossa" in scene.labels
    state.set_layer_visible("nerves", False)  # (a hidden nerve's mark goes with it)
    assert not any(actor.GetVisibility() for actor in marks)
    state.set_layer_visible("nerves", True)
    scene.set_nerve_cuts(())
    assert not set(marks) & set(_props(scene))
    assert scene.drawn_style("sural_nerve").color == pytest.approx(YELLOW)
    assert scene.drawn_style("tibial_nerve").color == pytest.approx(YELLOW)
    assert not any(text.startswith("Cut: ") for text in scene.labels)


def test_the_mark_follows_the_nerve_when_the_leg_moves(leg) -> None:
    """A nerve is deformed by a pose, not placed: the mark stayed where the rest pose had it."""
    scene, _, cut = leg
    cut("common_fibular_nerve", "fibular_neck")
    before = scene.nerve_cuts.places["common_fibular_nerve"].centre.copy()
    moved = scene.world_vertices("common_fibular_nerve") + np.array([0.0, 0.03, 0.0])
    scene.apply_pose_vertices({"common_fibular_nerve": moved})
    after = scene.nerve_cuts.places["common_fibular_nerve"].centre
    assert after - before == pytest.approx([0.0, 0.03, 0.0], abs=1e-4)


def test_a_level_named_after_a_space_is_marked_inside_it(real_assets, atlas) -> None:
    """The tibial nerve's cut 'in the tarsal tunnel' was marked 2 cm above the tunnel, on the
    distal leg, and the common fibular nerve's 'in the popliteal fossa' below the fossa."""
    from calfexplorer.scene.nerve_cut import place_cut, tube_layout
    from calfexplorer.scene.region_band import band_boxes, inside

    model, _ = open_lesion_model(atlas)
    checked = 0
    for nerve in model.nerves():
        mesh = real_assets.meshes.get(nerve)
        for level in model.levels(nerve):
            space = real_assets.meshes.get(level.level or "")
            if mesh is None or space is None:
                continue
            layout = tube_layout(len(mesh.vertices), mesh.faces)
            assert layout is not None, nerve
            place = place_cut(mesh.vertices, *layout, level.along)
            boxes = band_boxes(np.asarray(space.vertices, np.float64))
            assert inside(boxes, place.centre[None])[0], (nerve, level.level, level.along)
            checked += 1
    assert checked >= 3  # the tibial nerve in the fossa and the tunnel, the common fibular


def test_the_grey_part_below_a_cut_fades_and_gives_way_to_the_selection(leg) -> None:
    """With another muscle selected the grey copy of the nerve below its cut stood solid over
    the faded leg; with the cut nerve itself selected only its part above the mark was lit."""
    scene, state, cut = leg
    cut("tibial_nerve", "popliteal_fossa")
    below = scene.nerve_cuts.actors[0]
    assert below.GetVisibility() and below.GetProperty().GetOpacity() == 1.0
    state.select("tibialis_anterior")
    faded = scene.drawn_style("tibial_nerve").opacity
    assert faded < 1.0 and below.GetProperty().GetOpacity() == pytest.approx(faded)
    state.select("tibial_nerve")
    assert not below.GetVisibility()
    state.select(None)
    assert below.GetVisibility() and below.GetProperty().GetOpacity() == 1.0
