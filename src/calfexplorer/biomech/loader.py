"""Compile MyoLeg once and keep the compiled model in the user cache as an ``.mjb`` file."""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import warnings
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import mujoco

from calfexplorer.paths import user_cache_dir

log = logging.getLogger(__name__)

MODEL_NAME = "myolegs"
#: Bump when the way we build the cached model changes.
CACHE_FORMAT = 1


def _pkg_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:  # pragma: no cover - myo-sim is a hard dependency
        return "unknown"


def source_versions() -> dict[str, str]:
    """Versions of the packages the compiled model depends on."""
    return {"myo-sim": _pkg_version("myo-sim"), "mujoco": mujoco.__version__}


def cache_path(cache_dir: Path | None = None, visual: bool = False) -> Path:
    """Where the compiled model for the installed myo-sim and mujoco versions is cached
    (``visual``: the one with its meshes and textures, see :func:`compile_model`)."""
    v = source_versions()
    kind = "" if visual else "-posing"
    name = f"{MODEL_NAME}-myosim{v['myo-sim']}-mujoco{v['mujoco']}-f{CACHE_FORMAT}{kind}.mjb"
    return (cache_dir or user_cache_dir()) / name


@contextlib.contextmanager
def quiet_mujoco() -> Iterator[None]:
    """Silence MuJoCo's C-level warnings and the Python warnings myo-sim raises while compiling.

    myo-sim attaches the legs to its torso with an empty prefix, which makes MuJoCo warn
    that the *spec* may not save as XML; the compiled binary model is unaffected.
    """
    previous = mujoco.get_mju_user_warning()
    mujoco.set_mju_user_warning(lambda _msg: None)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*empty prefix.*")
            yield
    finally:
        mujoco.set_mju_user_warning(previous)


def compile_model(visual: bool = True) -> mujoco.MjModel:
    """Compile MyoLeg from the myo-sim package (about a second).

    ``visual=False`` leaves out what only draws it (MuJoCo's ``discardvisual``: the bone
    meshes, their collision trees and textures; 0.3 MB of arrays in memory against 26 MB),
    with the same bodies, masses, sites, wrapping geoms and tendons: posing reads nothing else.
    """
    import myo_sim

    with quiet_mujoco():
        if visual:
            return myo_sim.load_model(MODEL_NAME)
        # (as myo_sim.load_model builds its spec, postures included)
        postures = {"postures": True} if myo_sim.list_postures(MODEL_NAME) else None
        spec = myo_sim.load_spec(MODEL_NAME, build_kwargs=postures)
        spec.compiler.discardvisual = True
        return spec.compile()


def load_model(cache_dir: Path | None = None, use_cache: bool = True,
               visual: bool = False) -> mujoco.MjModel:
    """Return the compiled MyoLeg model, from the on-disk cache when it is valid; without its
    meshes and textures unless ``visual`` (building the leg's geometry reads its bones).

    A missing, unreadable or corrupt cache file is rebuilt (compiled and written atomically).
    """
    if not use_cache:
        return compile_model(visual)
    path = cache_path(cache_dir, visual)
    if path.is_file():
        try:
            with quiet_mujoco():  # (its own words on a damaged file came before ours)
                return mujoco.MjModel.from_binary_path(str(path))
        except Exception as exc:  # any failure means: rebuild
            log.warning("compiled model cache %s unreadable (%s); rebuilding", path, exc)
    model = compile_model(visual)
    _write_cache(model, path)
    return model


def _write_cache(model: mujoco.MjModel, path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        os.close(fd)
        try:
            mujoco.mj_saveModel(model, tmp, None)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        log.warning("could not write compiled model cache %s: %s", path, exc)
