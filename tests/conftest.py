"""Shared fixtures: the real atlas, loaded once per test session; no anatomy pack the machine's
user installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from calfexplorer.atlas import Atlas, AtlasProblem, load_atlas


@pytest.fixture(scope="session")
def _empty_anatomy_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("no-anatomy-pack")


@pytest.fixture(autouse=True)
def _no_installed_anatomy_pack(_empty_anatomy_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts as on a machine without the anatomy pack, whatever the user running
    the suite installed (with a pack in the user data folder, ``render`` drew it and the
    built-in leg's tests failed); a test that wants a pack points at its own."""
    monkeypatch.setenv("CALFEXPLORER_ANATOMY_DIR", str(_empty_anatomy_dir))


@pytest.fixture(scope="session")
def loaded_atlas() -> tuple[Atlas, list[AtlasProblem]]:
    """The atlas of the real ``data/`` folder and its problems (loaded once)."""
    return load_atlas()


@pytest.fixture(scope="session")
def atlas(loaded_atlas: tuple[Atlas, list[AtlasProblem]]) -> Atlas:
    """The atlas of the real ``data/`` folder (valid entries only)."""
    return loaded_atlas[0]
