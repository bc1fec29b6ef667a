"""A whole whose parts are named apart (a head each) is shown from a side where each part shows:
its picture is not one of its parts' (stand-in leg, and the built-in leg)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from calfexplorer.paths import assets_dir
from calfexplorer.scene import Scene, style
from calfexplorer.scene.site_view import naming_view
from calfexplorer.state import AppState

from .toy import ellipsoid, toy_assets, toy_atlas

SIZE = (240, 300)
HEADS = ("gastrocnemius_medial_head", "gastrocnemius_lateral_head")


def _highlighted(image: np.ndarray) -> np.ndarray:
    """Pixels of the highlight's hue (as tests/scene/test_card_pictures.py reads them)."""
    rgb = image.astype(float) / 255.0
    assert style.HIGHLIGHT.color[0] - style.HIGHLIGHT.color[1] > 0.25
    return (rgb[..., 0] - rgb[..., 1] > 0.25) & (rgb[..., 2] - rgb[..., 1] > 0.2)


def _parts_told_apart(scene: Scene, whole: str, parts: tuple[str, ...], side: str) -> float:
    """From the camera the whole's picture takes: the least share of the whole's highlighted
    pixels that are not its part's, over its parts (0: a part's picture is the whole's)."""
    shot = naming_view(scene, whole, side, side)
    assert shot is not None
    scene.set_view(shot.view)
    scene.set_camera_pose(shot.pose)
    scene.state.select(whole)
    lit = _highlighted(scene.capture())
    shares = []
    for part in parts:
        scene.state.select(part)
        shares.append(float((lit & ~_highlighted(scene.capture())).sum() / lit.sum()))
    scene.state.select(None)
    return min(shares)


@pytest.fixture
def hidden_head() -> Iterator[Scene]:
    """The stand-in leg with the lateral head of gastrocnemius moved right in front of the
    medial one: from behind, it lies hidden, as the short head of biceps femoris lies under
    the long head in the BodyParts3D pack."""
    assets = toy_assets()
    assets.meshes["gastrocnemius_lateral_head"] = ellipsoid(
        (-0.06, 0.085, 0.50), (-0.07, 0.095, 0.33), 0.016, 0.01)
    scene = Scene(assets, toy_atlas(), AppState.from_atlas(toy_atlas(), labels=False),
                  size=SIZE)
    yield scene
    scene.close()


def test_a_whole_is_shown_from_a_side_where_its_hidden_part_shows(hidden_head: Scene) -> None:
    shot = naming_view(hidden_head, "gastrocnemius", "posterior", "posterior")
    assert shot is not None and shot.view in ("medial", "lateral")  # was posterior
    assert _parts_told_apart(hidden_head, "gastrocnemius", HEADS, "posterior") > 0.2  # was 0


def test_a_whole_whose_parts_show_from_its_side_keeps_it() -> None:
    scene = Scene(toy_assets(), toy_atlas(), AppState.from_atlas(toy_atlas(), labels=False),
                  size=SIZE)
    try:
        shot = naming_view(scene, "gastrocnemius", "posterior", "posterior")
        assert shot is not None and shot.view == "posterior"
        assert _parts_told_apart(scene, "gastrocnemius", HEADS, "posterior") > 0.2
    finally:
        scene.close()


@pytest.mark.skipif(not (assets_dir() / "manifest.json").is_file(),
                    reason="assets/meshes not built yet (calfexplorer build-assets)")
@pytest.mark.parametrize(("whole", "view"), [("gastrocnemius", "posterior"),
                                             ("biceps_femoris", "lateral")])
def test_the_built_in_wholes_show_each_of_their_parts(atlas, whole: str, view: str) -> None:
    """Gastrocnemius from behind, both heads; biceps femoris from the side, where its short
    head shows beside the long one (from behind it is a strip)."""
    from calfexplorer.assets import load_assets

    scene = Scene(load_assets(), atlas, AppState.from_atlas(atlas, labels=False), size=SIZE)
    try:
        shot = naming_view(scene, whole, "posterior", "posterior")
        assert shot is not None and shot.view == view
        parts = tuple(atlas.children(whole))
        assert _parts_told_apart(scene, whole, parts, "posterior") > 0.2
    finally:
        scene.close()
