"""Fixtures: a scene over the stand-in leg, rendered offscreen at a fixed size and camera."""

from __future__ import annotations

import pytest

from calfexplorer.scene import Scene
from calfexplorer.state import AppState

from .toy import toy_assets, toy_atlas

SIZE = (300, 400)


@pytest.fixture
def state() -> AppState:
    return AppState.from_atlas(toy_atlas(), fade=0.25)


@pytest.fixture
def scene(state: AppState):
    scene = Scene(toy_assets(), toy_atlas(), state, size=SIZE)
    scene.set_view("posterior")
    yield scene
    scene.close()


@pytest.fixture(scope="module")
def real_assets():
    """The built-in leg's meshes (mark a module using them with real.NEEDS_REAL_ASSETS)."""
    from calfexplorer.assets import load_assets

    return load_assets()
