"""The one module that knows where the knowledge base, meshes and user files live."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

APP_NAME = "CalfExplorer"


def _checkout_root() -> Path | None:
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "data").is_dir():
        return root
    return None


def _bundled(name: str) -> Path:
    return Path(str(resources.files("calfexplorer") / "_bundled" / name))


def data_dir() -> Path:
    """Folder holding the YAML knowledge base (``CALFEXPLORER_DATA_DIR`` overrides it)."""
    if env := os.environ.get("CALFEXPLORER_DATA_DIR"):
        return Path(env)
    root = _checkout_root()
    return root / "data" if root else _bundled("data")


def assets_dir() -> Path:
    """Folder holding the built meshes and their manifest (``CALFEXPLORER_ASSETS_DIR``)."""
    if env := os.environ.get("CALFEXPLORER_ASSETS_DIR"):
        return Path(env)
    root = _checkout_root()
    return root / "assets" / "meshes" if root else _bundled("meshes")


def _user_dir(env_var: str, kind: str, create: bool = True) -> Path:
    """A per-user folder, created if needed (``create``): ``env_var`` overrides the platform's
    location."""
    if env := os.environ.get(env_var):
        path = Path(env)
    else:
        import platformdirs

        path = Path(getattr(platformdirs, f"user_{kind}_dir")(APP_NAME, appauthor=False))
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def user_data_dir(create: bool = True) -> Path:
    """Per-user folder for study progress (``CALFEXPLORER_USER_DIR`` overrides it); with
    ``create=False`` only where it is (the progress store makes it and reports a failure)."""
    return _user_dir("CALFEXPLORER_USER_DIR", "data", create)


def user_cache_dir() -> Path:
    """Per-user cache folder, e.g. for the compiled MuJoCo model (``CALFEXPLORER_CACHE_DIR``)."""
    return _user_dir("CALFEXPLORER_CACHE_DIR", "cache")


def user_config_dir() -> Path:
    """Per-user folder for window layout and preferences (``CALFEXPLORER_CONFIG_DIR``)."""
    return _user_dir("CALFEXPLORER_CONFIG_DIR", "config")


def anatomy_dir(create: bool = True) -> Path:
    """Per-user folder of the BodyParts3D anatomy pack and its download
    (``CALFEXPLORER_ANATOMY_DIR`` overrides it; default: ``anatomy`` in the user data folder),
    created unless ``create`` is false."""
    if env := os.environ.get("CALFEXPLORER_ANATOMY_DIR"):
        path = Path(env)
    else:
        path = user_data_dir(create) / "anatomy"
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def anatomy_pack_dir() -> Path:
    """The anatomy pack: ``bodyparts3d.glb``, ``manifest.json``, ``NOTICE.md`` (may not exist;
    looking for it makes no folder, so an unusable folder only means no pack)."""
    return anatomy_dir(create=False) / "bodyparts3d"
