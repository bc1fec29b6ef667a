"""Shared fixtures: one LegModel per test session, and an independent MuJoCo reference."""

from __future__ import annotations

import mujoco
import pytest

from calfexplorer.biomech import LegModel
from calfexplorer.biomech.loader import compile_model


@pytest.fixture(scope="session")
def leg() -> LegModel:
    return LegModel.load()


@pytest.fixture(scope="session")
def reference() -> tuple[mujoco.MjModel, mujoco.MjData]:
    """A separately compiled model (no cache) for MuJoCo's own answers."""
    model = compile_model()
    return model, mujoco.MjData(model)
