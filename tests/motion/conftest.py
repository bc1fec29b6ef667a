"""Fixtures for the motion-lab logic: the real atlas and one MotionModel per session."""

from __future__ import annotations

import pytest

from calfexplorer.atlas import Atlas, load_atlas
from calfexplorer.biomech import LegModel
from calfexplorer.motion import MotionModel


@pytest.fixture(scope="session")
def motion_atlas() -> Atlas:
    atlas, _ = load_atlas()
    return atlas


@pytest.fixture(scope="session")
def motion_model(motion_atlas: Atlas) -> MotionModel:
    return MotionModel(motion_atlas, LegModel.load())
