"""Shared fixtures: the real atlas, loaded once per test session."""

from __future__ import annotations

import pytest

from calfexplorer.atlas import Atlas, AtlasProblem, load_atlas


@pytest.fixture(scope="session")
def loaded_atlas() -> tuple[Atlas, list[AtlasProblem]]:
    """The atlas of the real ``data/`` folder and its problems (loaded once)."""
    return load_atlas()


@pytest.fixture(scope="session")
def atlas(loaded_atlas: tuple[Atlas, list[AtlasProblem]]) -> Atlas:
    """The atlas of the real ``data/`` folder (valid entries only)."""
    return loaded_atlas[0]
