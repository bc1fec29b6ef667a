"""Shared fixtures: the real atlas, loaded once per test session; no anatomy pack the machine's
user installed; user folders of the session's own; in a pytest-xdist worker, an X display of its
own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from calfexplorer.atlas import Atlas, AtlasProblem, load_atlas
from run_shared import start_own_display


def pytest_configure(config: pytest.Config) -> None:
    start_own_display()


@pytest.fixture(scope="session", autouse=True)
def _own_user_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The session's settings, progress and caches go to folders of its own, never the
    tester's, nor another worker's of the same run (a test that wants others sets them)."""
    root = tmp_path_factory.mktemp("user-folders")
    with pytest.MonkeyPatch.context() as mp:
        for kind in ("USER", "CONFIG", "CACHE"):
            mp.setenv(f"CALFEXPLORER_{kind}_DIR", str(root / kind.lower()))
        yield


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
