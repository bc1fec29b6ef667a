"""Where a structure to name is shown from: the side it lies on, the user's side where that
shows it well, not where bones lie in front of it; where a site is asked from (built-in leg)."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest

from calfexplorer.paths import assets_dir
from calfexplorer.scene import Scene
from calfexplorer.scene.site_view import (
    MIN_PIXELS,
    best_site_view,
    compartment_side,
    naming_view,
    side_showing,
)
from calfexplorer.state import AppState

pytestmark = pytest.mark.skipif(
    not (assets_dir() / "manifest.json").is_file(),
    reason="assets/meshes not built yet (calfexplorer build-assets)",
)


@pytest.fixture(scope="module")
def leg(atlas) -> Iterator[Scene]:
    from calfexplorer.assets import load_assets

    scene = Scene(load_assets(), atlas, AppState(), size=(480, 600))
    yield scene
    scene.close()


@pytest.mark.parametrize(
    ("structure", "prefer", "side"),
    [
        ("extensor_digitorum_brevis", "posterior", "lateral"),  # a sliver beyond the heel
        ("extensor_hallucis_brevis", "lateral", "medial"),  # the side it lies on
        ("abductor_hallucis", "lateral", "medial"),
        ("flexor_hallucis_longus", "lateral", "medial"),
        ("soleus", "anterior", "posterior"),  # the user's pair, the side it lies on
        ("fibularis_longus", "posterior", "lateral"),  # much larger from the side
        ("biceps_femoris", "medial", "lateral"),
        ("calcaneal_tendon", "lateral", "posterior"),  # seen along a pair, without perspective
        # bones in front do not count: behind the calcaneus, the metatarsals, the fibula
        ("calcaneofibular_ligament", "posterior", "lateral"),
        ("cuneiforms", "anterior", "medial"),
        ("cuboid", "posterior", "lateral"),
        ("inferior_extensor_retinaculum", "lateral", "anterior"),
    ],
)
def test_the_side_a_structure_is_named_from(leg: Scene, structure: str, prefer: str,
                                           side: str) -> None:
    assert side_showing(leg, structure, prefer) == side


def test_a_side_given_is_taken_and_a_posed_leg_is_shown_whole(leg: Scene) -> None:
    shown = naming_view(leg, "flexor_digitorum_longus", "anterior", side="posterior")
    assert shown is not None and shown.view == "posterior"
    leg.state.set_pose({"knee": math.radians(90.0)})
    try:
        assert naming_view(leg, "flexor_digitorum_longus", "anterior") is None
    finally:
        leg.state.set_pose({})


def test_a_structure_to_name_is_framed_with_its_neighbours(leg: Scene) -> None:
    shown = naming_view(leg, "extensor_digitorum_brevis", "posterior")
    assert shown is not None and shown.view == "lateral"
    leg.set_view(shown.view)
    leg.set_camera_pose(shown.pose)
    w, h = leg.render_window.GetSize()
    x, y = leg.project("extensor_digitorum_brevis")
    assert abs(x - w / 2) < w / 4 and abs(y - h / 2) < h / 4  # centred, in view
    assert leg.share_on_screen("extensor_digitorum_brevis") == pytest.approx(1.0)
    assert not leg.leg_in_view()  # its neighbours, not the whole leg
    assert naming_view(leg, "no_such_structure", "posterior") is None


@pytest.mark.parametrize(
    "muscle", ["abductor_hallucis", "flexor_digitorum_brevis", "abductor_digiti_minimi_foot"])
def test_a_muscle_of_the_sole_is_named_from_below_where_it_lies_in_front(
        leg: Scene, atlas, muscle: str) -> None:
    """As an atlas shows the first layer of the sole (from the side, the flexor digitorum
    brevis was a thin strip along the sole)."""
    shown = naming_view(leg, muscle, "posterior", compartment_side(atlas, muscle))
    assert shown is not None and shown.view == "inferior"
    leg.set_view(shown.view)
    leg.set_camera_pose(shown.pose)
    try:
        assert leg.pick(*leg.project(muscle)) == muscle
    finally:
        leg.set_view("posterior")


@pytest.mark.parametrize("site", [
    "fibularis_longus:insertion:base_of_first_metatarsal",  # no side showed it: never asked
    "tibialis_posterior:insertion:metatarsal_bases_2_4",
    "flexor_digitorum_brevis:origin:medial_process",
])
def test_a_site_on_the_sole_is_asked_from_below(leg: Scene, site: str) -> None:
    shown = best_site_view(leg, site)
    assert shown is not None and shown.view == "inferior" and shown.pixels >= MIN_PIXELS


@pytest.mark.parametrize("site", ["rectus_femoris:insertion:patella_base",
                                  "adductor_longus:origin:body_of_pubis"])
def test_a_site_above_the_foot_is_not_looked_at_from_inside_the_leg(leg: Scene,
                                                                     site: str) -> None:
    """From below, these showed larger (only bones count as cover) with the camera in the calf
    or the thigh. (Rectus femoris' patch lay on the patella's apex then; on the front of its
    base, where it inserts, under the quadriceps tendon, no side shows it large enough to ask
    about: None, never the view from below.)"""
    shown = best_site_view(leg, site)
    if site.startswith("rectus_femoris"):
        assert shown is None or shown.view != "inferior", shown
    else:
        assert shown is not None and shown.view != "inferior"
