"""A pack folder's array files edited to numbers no build makes (NaN, infinite, 1e30): each is
taken as damaged (bound again, or the mesh left as built in), never drawn or posed."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from calfexplorer.anatomy.binding_cache import CACHE_NAME
from calfexplorer.anatomy.carried_file import CARRIED_NAME
from calfexplorer.anatomy.leg_model import BODYPARTS3D, load_leg
from calfexplorer.anatomy.soft_tissue import load_poser, pose_pack
from calfexplorer.assets import load_assets
from calfexplorer.biomech.pose import Pose
from calfexplorer.geometry.source import pose_state


def _edited(pack: Path, tmp_path: Path, name: str, key: str, value: float) -> Path:
    """A copy of ``pack`` whose array ``key`` of ``name`` holds ``value`` throughout."""
    copy = tmp_path / "bodyparts3d"
    shutil.copytree(pack, copy)
    with np.load(copy / name, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    arrays[key] = np.full_like(arrays[key], value)
    np.savez(copy / name, **arrays)
    return copy


@pytest.mark.parametrize(("key", "value"), [("full_path_local", np.nan),
                                            ("rest_bodies", 1e30)], ids=["nan", "huge"])
def test_a_binding_edited_to_numbers_no_build_makes_binds_again(
    built_pack: Path, tmp_path: Path, key: str, value: float
) -> None:
    # NaN posed the soft tissue as NaN (the lab: 'data must be finite'), 1e30 rest bodies
    # failed the first pose with 'Singular matrix'.
    copy = _edited(built_pack, tmp_path, CACHE_NAME, key, value)
    assets, rest = load_assets(copy), pose_state(None)
    state = pose_state(Pose.from_degrees(knee=90))
    posed = pose_pack(load_poser(copy, assets, rest), state)
    fresh = pose_pack(load_poser(built_pack, assets, rest), state)
    assert set(posed) == set(fresh)
    for sid, verts in posed.items():
        assert np.isfinite(verts).all() and np.abs(verts - fresh[sid]).max() < 1e-4, sid


@pytest.mark.parametrize("value", [np.nan, np.inf, 1e30], ids=["nan", "inf", "huge"])
def test_carried_foot_muscles_edited_to_numbers_no_build_makes_stay_as_built_in(
    built_pack: Path, tmp_path: Path, value: float
) -> None:
    # The carried muscles' file holds a checksum of the built-in mesh, not of its own
    # numbers: NaN or 1e30 vertices were drawn (a NaN foot muscle, or one 1e30 m away).
    with np.load(built_pack / CARRIED_NAME, allow_pickle=False) as z:
        sid = next(k for k in z.files if not k.startswith("sha256:"))
    copy = _edited(built_pack, tmp_path, CARRIED_NAME, sid, value)
    edited, problem = load_leg(BODYPARTS3D, pack=copy)
    kept, _ = load_leg(BODYPARTS3D, pack=built_pack)
    builtin = load_assets()
    assert problem is None and edited.model == BODYPARTS3D
    assert np.array_equal(edited.meshes[sid].vertices, builtin.meshes[sid].vertices)
    assert not np.array_equal(kept.meshes[sid].vertices, builtin.meshes[sid].vertices)
    others = [k for k in kept.meshes if k != sid]
    assert all(np.array_equal(edited.meshes[k].vertices, kept.meshes[k].vertices)
               for k in others)
