"""A loaded binding keeps its arrays as compact as the file holds them (issue #12: the motion
lab's memory with the pack), and poses as it did when they were widened on loading."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np

from calfexplorer.anatomy.binding_cache import CACHE_NAME
from calfexplorer.anatomy.bone_fields import Field
from calfexplorer.anatomy.soft_tissue import load_poser


def test_a_float16_field_reads_as_its_float32_copy() -> None:
    """Distances and gradients from float16 values are those of the same values in float32."""
    rng = np.random.default_rng(3)
    values = (rng.standard_normal((9, 8, 7)) * 0.01).astype(np.float16)
    half = Field(np.array([0.01, -0.02, 0.03]), 0.002, values)
    full = Field(half.lo, half.spacing, values.astype(np.float32))
    p = half.lo + rng.uniform(-0.004, 0.02, (500, 3))
    assert half.nearest(p).dtype == np.float32
    np.testing.assert_array_equal(half.nearest(p), full.nearest(p))
    for a, b in zip(half.sample(p), full.sample(p), strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_loaded_binding_is_kept_as_saved(pack_dir: Path) -> None:
    """Bone distance fields stay float16 and binding rows int32/float32 once loaded (they were
    widened to float32, int64 and float64: ~10 MiB more with the BodyParts3D pack); the
    coarse level's own rows are not made into posing matrices (its twins pose through the
    full level's)."""
    assert (pack_dir / CACHE_NAME).is_file()
    poser = load_poser(pack_dir)
    b = poser.binding
    assert b.fields and all(f.values.dtype == np.float16 for f in b.fields.values())
    for rows in (b.full.path, b.full.rigid):
        assert rows.vertex.dtype == np.int32 and rows.driver.dtype == np.int32
        assert rows.local.dtype == np.float32 and rows.weight.dtype == np.float32
    assert set(poser._levels) == {False}


def test_a_loaded_binding_shares_the_pack_meshes_and_the_twins_faces(pack_dir: Path) -> None:
    """The full level's rest vertices are the pack's meshes themselves (float64 copies were
    ~1.4 MiB with the BodyParts3D pack), the coarse level's faces int32 and read-only, so the
    scene draws the twins on them without a copy (saved int64: 0.7 MiB), and the coarse
    level's own rows, which posing never reads, are not loaded."""
    from calfexplorer.assets import load_assets

    meshes = load_assets(pack_dir).meshes
    poser = load_poser(pack_dir, assets=SimpleNamespace(meshes=meshes))
    b = poser.binding
    for sid in b.full.ids:
        assert np.shares_memory(b.full.rest[sid], meshes[sid].vertices), sid
    for faces in b.coarse.faces.values():
        assert faces.dtype == np.int32 and not faces.flags.writeable
    assert len(b.coarse.path.vertex) == len(b.coarse.rigid.vertex) == 0


def test_posing_keeps_the_prepared_subsets_of_the_last_few_selections(pack_dir: Path) -> None:
    """A drag with a selection poses the selection in full and the rest coarse, each from a
    prepared subset of its level (~1.4 MiB with the pack); a long session selects dozens of
    structures: only the subsets used last are kept, and one prepared again poses alike."""
    from calfexplorer.anatomy import posing
    from calfexplorer.biomech.pose import Pose
    from calfexplorer.geometry.source import pose_state

    poser = load_poser(pack_dir)
    state = pose_state(Pose.from_degrees(knee=40, ankle=-10))
    muscles = ["soleus", "plantaris", "popliteus", "tibialis_anterior", "fibularis_longus",
               "tibialis_posterior"]
    first = {}
    for sid in muscles:
        for coarse in (False, True):
            posed = poser.pose(state, coarse, only=frozenset({sid}))
            first.setdefault((sid, coarse), posed[sid].copy())
            assert len(poser._subsets) <= posing.SUBSETS_KEPT
    assert (False, frozenset({"soleus"})) not in poser._subsets  # gone: used longest ago
    for coarse in (False, True):  # prepared again, the same vertices
        again = poser.pose(state, coarse, only=frozenset({"soleus"}))["soleus"]
        np.testing.assert_array_equal(again, first[("soleus", coarse)])


def _arrays_reachable(root: object) -> list[np.ndarray]:
    """Every numpy array ``root`` holds, through containers and objects' attributes."""
    import gc
    import types

    skip = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType,
            types.MethodType)
    seen, todo, out = {id(root)}, [root], []
    while todo:
        obj = todo.pop()
        if isinstance(obj, np.ndarray):
            out.append(obj)
            if isinstance(obj.base, np.ndarray) and id(obj.base) not in seen:
                seen.add(id(obj.base))
                todo.append(obj.base)
            continue
        for ref in gc.get_referents(obj):
            if id(ref) not in seen and not isinstance(ref, skip):
                seen.add(id(ref))
                todo.append(ref)
    return out


def test_a_loaded_poser_keeps_none_of_the_full_levels_rows(pack_dir: Path) -> None:
    """Posing reads the full level's rows once, to make its maps: a poser loaded from the
    saved binding holds none of them afterwards (2.4 MiB with the BodyParts3D pack), and
    poses from its maps alone."""
    from calfexplorer.biomech.pose import Pose
    from calfexplorer.geometry.source import pose_state

    with np.load(pack_dir / CACHE_NAME) as z:
        saved = [z[name] for name in z.files if name.startswith(("full_path_", "full_rigid_"))]
    poser = load_poser(pack_dir)
    held = _arrays_reachable(poser)
    for rows in saved:
        assert not any(a.dtype == rows.dtype and a.shape == rows.shape
                       and np.array_equal(a, rows) for a in held)
    posed = poser.pose(pose_state(Pose.from_degrees(knee=60)))
    assert set(posed) == set(poser.binding.full.ids)
    assert all(np.isfinite(v).all() for v in posed.values())


def test_rows_of_a_binding_file_replaced_since_loading_are_not_read(
        pack_dir: Path, tmp_path: Path) -> None:
    """A loaded binding reads its rows from its file as loaded: where the file was replaced
    since (a new build of the pack), asking for them says so, naming it, rather than
    giving another binding's rows."""
    import json
    import os
    import re
    import shutil

    import pytest

    from calfexplorer.anatomy.binding_cache import load_binding
    from calfexplorer.assets import load_assets

    copy = tmp_path / CACHE_NAME
    shutil.copyfile(pack_dir / CACHE_NAME, copy)
    with np.load(copy) as z:
        key = json.loads(str(z["header"]))["key"]
    meshes = load_assets(pack_dir).meshes
    binding = load_binding(copy, key, {s: (m.vertices, m.faces) for s, m in meshes.items()})
    assert binding is not None
    assert binding.full.path.vertex.dtype == np.int32  # read as saved
    stat = copy.stat()
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    with pytest.raises(ValueError, match=re.escape(str(copy))):
        _ = binding.full.path.vertex
