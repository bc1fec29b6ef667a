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
    """Per-user cache folder, e.g. for the compiled MuJoCo model (``CALFEXPLORER_CACHE_DIR``);
    where it cannot be made, a temporary one (:func:`unusable_folders` says so)."""
    return _optional_dir("CALFEXPLORER_CACHE_DIR", "cache")


def user_config_dir() -> Path:
    """Per-user folder for window layout and preferences (``CALFEXPLORER_CONFIG_DIR``);
    where it cannot be made, a temporary one (:func:`unusable_folders` says so)."""
    return _optional_dir("CALFEXPLORER_CONFIG_DIR", "config")


#: kind -> why its folder could not be used (what the app does instead), this run
_UNUSABLE: dict[str, str] = {}
_WHAT_IS_LOST = {
    "cache": "the motion lab's compiled model is made again each run",
    "config": "the window's layout and preferences are not kept",
}


def _optional_dir(env_var: str, kind: str) -> Path:
    """A folder the app can do without: a temporary one stands in where the user's cannot be
    made (a file in the way, a read-only profile on a lab PC)."""
    try:
        path = _user_dir(env_var, kind)
        _UNUSABLE.pop(kind, None)
        return path
    except OSError as exc:
        import tempfile

        where = os.environ.get(env_var) or exc.filename or kind
        why = folder_problem(Path(where), exc)
        _UNUSABLE[kind] = f"the {kind} folder {where} cannot be used ({why}): " \
            f"{_WHAT_IS_LOST[kind]}"
        stand_in = Path(tempfile.gettempdir()) / f"calfexplorer-{kind}-{os.getpid()}"
        stand_in.mkdir(exist_ok=True)
        return stand_in


def forget_unusable_folders() -> None:
    """Start again from nothing known to be unusable (each command asks anew)."""
    _UNUSABLE.clear()


def unusable_folders() -> list[str]:
    """Why a user folder could not be used this run, one sentence each (none: all fine)."""
    return list(_UNUSABLE.values())


def folder_problem(path: Path, exc: OSError) -> str:
    """An OSError from making a folder, in words: "it is a file" where a file is in the way
    (the system says "File exists")."""
    blocker = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        return "it is a file" if blocker == path else f"{blocker} is a file"
    return exc.strerror or str(exc)


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
