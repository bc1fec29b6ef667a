"""load_assets: the committed meshes load whole; bad files become 'unavailable', never a crash."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from calfexplorer.assets import load_assets
from calfexplorer.assets.gltf import read_glb, write_glb
from calfexplorer.assets.manifest import GLB, MANIFEST, stale_reasons
from calfexplorer.assets.write import current_inputs
from calfexplorer.paths import assets_dir


@pytest.fixture(scope="module")
def assets():
    return load_assets()


def test_committed_assets_load_completely(assets) -> None:
    assert assets.unavailable == {}
    assert {"soleus", "tibia", "calcaneal_tendon", "tibial_nerve"} <= set(assets.meshes)
    for mesh in assets.meshes.values():
        assert mesh.vertices.dtype == np.float32 and mesh.vertices.shape[1] == 3
        assert mesh.faces.dtype == np.int32 and mesh.faces.shape[1] == 3
        assert mesh.normals.shape == mesh.vertices.shape
        assert int(mesh.faces.max()) < len(mesh.vertices)


def test_kinds_layers_and_bodies(assets) -> None:
    assert assets.kinds["soleus"] == "muscle"
    assert assets.kinds["tibia"] == "bone" and assets.bodies["tibia"] == "tibia_r"
    assert assets.kinds["soleus:origin:soleal_line"] == "site"
    assert assets.bodies["soleus:origin:soleal_line"] == "tibia_r"
    assert assets.layers["tibialis_posterior"] == "deep"
    assert assets.meshes["soleus"].belly is not None


def test_manifest_lists_counts_checksums_and_source(assets) -> None:
    man = assets.manifest
    assert man["source"]["package"] == "myo-sim"
    assert man["meshes"]["soleus"]["triangles"] == assets.meshes["soleus"].n_triangles
    assert len(man["meshes"]["soleus"]["sha256"]) == 64
    assert (assets_dir() / man["notice"]).is_file()


def test_committed_assets_are_not_stale(assets) -> None:
    reasons = stale_reasons(assets.manifest, current_inputs())
    assert reasons == [], "run `calfexplorer build-assets`: " + "; ".join(reasons)


def _copy(tmp_path: Path) -> Path:
    dst = tmp_path / "meshes"
    shutil.copytree(assets_dir(), dst)
    return dst


def test_corrupt_mesh_bytes_mark_that_mesh_unavailable(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    doc, _ = read_glb(folder / GLB)
    names = [m["name"] for m in doc["meshes"]]
    victim = names.index("soleus")
    acc = doc["accessors"][doc["meshes"][victim]["primitives"][0]["attributes"]["POSITION"]]
    view = doc["bufferViews"][acc["bufferView"]]
    raw = bytearray((folder / GLB).read_bytes())
    jlen = int.from_bytes(raw[12:16], "little")
    pos = 20 + jlen + 8 + view["byteOffset"] + 40
    raw[pos : pos + 8] = b"\xff" * 8
    (folder / GLB).write_bytes(bytes(raw))
    out = load_assets(folder)
    assert "checksum" in out.unavailable["soleus"]
    assert "tibia" in out.meshes


def test_missing_mesh_file_lists_everything_unavailable(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / GLB).unlink()
    out = load_assets(folder)
    assert out.meshes == {}
    assert "mesh file unreadable" in out.unavailable["soleus"]


def test_truncated_mesh_file_does_not_crash(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    raw = (folder / GLB).read_bytes()
    (folder / GLB).write_bytes(raw[: len(raw) // 2])
    out = load_assets(folder)
    assert out.meshes == {} and "soleus" in out.unavailable


def test_missing_manifest_is_reported(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / MANIFEST).unlink()
    out = load_assets(folder)
    assert "*" in out.unavailable and "soleus" in out.meshes


def test_mesh_listed_but_absent(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    man = json.loads((folder / MANIFEST).read_text())
    man["meshes"]["ghost_muscle"] = {"kind": "muscle", "triangles": 1, "sha256": "0" * 64}
    (folder / MANIFEST).write_text(json.dumps(man))
    out = load_assets(folder)
    assert "missing" in out.unavailable["ghost_muscle"]


def test_glb_round_trip(tmp_path: Path) -> None:
    v = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], np.float32)
    f = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]], np.int32)
    n = np.ones_like(v)
    write_glb(tmp_path / "t.glb", {"tet": (v, f, n, None)}, {"tet": {"kind": "bone"}})
    doc, arrays = read_glb(tmp_path / "t.glb")
    assert doc["meshes"][0]["extras"]["kind"] == "bone"
    assert np.array_equal(arrays["tet"]["vertices"], v)
    assert np.array_equal(arrays["tet"]["faces"], f)
