"""load_assets: the committed meshes load whole; bad files become 'unavailable', never a crash."""

from __future__ import annotations

import json
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest

from calfexplorer.assets import load_assets
from calfexplorer.assets.gltf import MAX_GLB_BYTES, read_glb, write_glb
from calfexplorer.assets.manifest import (
    GLB,
    MANIFEST,
    MAX_MANIFEST_BYTES,
    mesh_checksum,
    stale_reasons,
)
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
    assert "leg.glb is missing" in out.unavailable["soleus"]


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
    assert "soleus" in out.meshes
    assert out.problem == f"{MANIFEST} is missing from {folder}: the meshes were loaded unchecked"


def test_committed_assets_have_no_problem(assets) -> None:
    assert assets.problem is None


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda f: (f / GLB).unlink(), "the mesh file leg.glb is missing from {folder}"),
        (lambda f: (f / GLB).write_bytes(b"garbage"), "the mesh file {folder}/leg.glb is damaged"),
        (
            lambda f: (f / GLB).write_bytes((f / GLB).read_bytes()[:100_000]),
            "the mesh file {folder}/leg.glb is damaged",
        ),
    ],
    ids=["deleted", "garbage", "truncated"],
)
def test_a_broken_mesh_file_is_named_as_the_problem(tmp_path: Path, damage, problem) -> None:
    folder = _copy(tmp_path)
    damage(folder)
    out = load_assets(folder)
    assert out.meshes == {}
    assert out.problem is not None and out.problem.startswith(problem.format(folder=folder))
    assert out.unavailable["soleus"] == out.problem


@pytest.mark.parametrize(
    ("edit", "why"),
    [
        (lambda m: {**m, "meshes": list(m["meshes"])}, "'meshes' is a list"),
        (lambda m: [m], "a list, not an object"),
        (lambda m: {**m, "meshes": {"soleus": 3}}, "the entry of mesh 'soleus' is not an object"),
        (lambda m: {**m, "file": "../../etc/leg.glb"}, "'file' must be a plain file name"),
        (lambda m: {**m, "generator": "1.0"}, "'generator' is not an object"),
        (lambda m: {**m, "meshes": {}}, "'meshes' lists no mesh"),  # (was read unchecked)
    ],
)
def test_a_malformed_manifest_loads_unchecked_and_says_why(tmp_path: Path, edit, why) -> None:
    folder = _copy(tmp_path)
    man = json.loads((folder / MANIFEST).read_text())
    (folder / MANIFEST).write_text(json.dumps(edit(man)))
    out = load_assets(folder)
    assert "soleus" in out.meshes
    assert out.problem is not None
    assert out.problem.startswith(f"{folder / MANIFEST} is malformed")
    assert why in out.problem and out.problem.endswith("the meshes were loaded unchecked")


def test_a_manifest_nested_too_deep_is_named_not_a_crash(tmp_path: Path) -> None:
    """"RecursionError: maximum recursion depth exceeded while decoding a JSON array" ended
    render and check-geometry, and the window said to build the meshes again."""
    folder = _copy(tmp_path)
    (folder / MANIFEST).write_text("[" * 200_000 + "]" * 200_000)
    out = load_assets(folder)
    assert "soleus" in out.meshes
    assert out.problem is not None and "nested deeper than any manifest is" in out.problem


def test_a_glb_whose_json_is_not_gltf_is_damaged_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "meshes"
    folder.mkdir()
    js = b'{"meshes": {"a": 1}}  '
    body = struct.pack("<II", len(js), 0x4E4F534A) + js + struct.pack("<II", 0, 0x004E4942)
    (folder / GLB).write_bytes(struct.pack("<III", 0x46546C67, 2, 12 + len(body)) + body)
    out = load_assets(folder)
    assert out.meshes == {}
    assert "is damaged" in (out.problem or "")


def test_some_corrupt_meshes_are_summed_up_as_the_problem(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    man = json.loads((folder / MANIFEST).read_text())
    man["meshes"]["soleus"]["sha256"] = "0" * 64
    (folder / MANIFEST).write_text(json.dumps(man))
    out = load_assets(folder)
    total = len(out.meshes) + 1
    assert out.problem == (
        f"1 of {total} meshes in {folder} could not be loaded "
        "(soleus: checksum mismatch (corrupt or edited mesh))"
    )


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


def _soleus_position_bytes(folder: Path) -> tuple[bytearray, int]:
    """The mesh file's bytes and where the soleus' vertex coordinates start in them."""
    doc, _ = read_glb(folder / GLB)
    names = [m["name"] for m in doc["meshes"]]
    prim = doc["meshes"][names.index("soleus")]["primitives"][0]
    view = doc["bufferViews"][doc["accessors"][prim["attributes"]["POSITION"]]["bufferView"]]
    raw = bytearray((folder / GLB).read_bytes())
    jlen = int.from_bytes(raw[12:16], "little")
    return raw, 20 + jlen + 8 + view["byteOffset"]


@pytest.mark.parametrize(
    ("value", "why"),
    [(float("nan"), "coordinates that are NaN or infinite"),
     (float("inf"), "coordinates that are NaN or infinite"),
     (1e30, "coordinates more than 10 m from the body")],
)
def test_a_mesh_with_coordinates_no_leg_has_is_unavailable(
    tmp_path: Path, value: float, why: str
) -> None:
    """Even with its checksum made to match (an edited file): NaN, infinite or far-off
    coordinates would draw nothing (or blank the view) and break computations on the mesh."""
    folder = _copy(tmp_path)
    raw, start = _soleus_position_bytes(folder)
    raw[start + 12 : start + 16] = struct.pack("<f", value)
    (folder / GLB).write_bytes(bytes(raw))
    _, arrays = read_glb(folder / GLB)
    a = arrays["soleus"]
    man = json.loads((folder / MANIFEST).read_text())
    man["meshes"]["soleus"]["sha256"] = mesh_checksum(
        a["vertices"], a["faces"], a["normals"], a.get("belly"))
    (folder / MANIFEST).write_text(json.dumps(man))
    out = load_assets(folder)
    assert "soleus" not in out.meshes
    assert out.unavailable["soleus"] == why
    assert "tibia" in out.meshes
    assert out.problem is not None and f"soleus: {why}" in out.problem


def test_without_a_manifest_the_folders_only_mesh_file_is_read(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / MANIFEST).unlink()
    (folder / GLB).rename(folder / "bodyparts3d.glb")
    out = load_assets(folder)
    assert "soleus" in out.meshes
    assert out.problem == f"{MANIFEST} is missing from {folder}: the meshes were loaded unchecked"


def test_a_manifest_problem_is_named_before_the_mesh_file_it_hides(tmp_path: Path) -> None:
    """A manifest that cannot be read no longer names the mesh file: the reason is the
    manifest's, not a mesh file of the default name that is not there."""
    folder = _copy(tmp_path)
    (folder / MANIFEST).write_text("{ not json")
    (folder / GLB).unlink()
    out = load_assets(folder)
    assert out.meshes == {}
    assert out.problem is not None
    assert out.problem.startswith(f"{folder / MANIFEST} is not valid JSON")


def test_huge_files_are_refused_unread(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    with (folder / GLB).open("r+b") as f:  # a valid header saying the (sparse) length
        f.write(struct.pack("<III", 0x46546C67, 2, MAX_GLB_BYTES + 1))
        f.truncate(MAX_GLB_BYTES + 1)
    out = load_assets(folder)
    assert out.meshes == {}
    assert (out.problem or "").startswith(f"the file {folder / GLB} is too large to be a mesh file")
    with (folder / MANIFEST).open("r+b") as f:
        f.truncate(MAX_MANIFEST_BYTES + 1)
    out = load_assets(folder)
    assert (out.problem or "").startswith(f"{folder / MANIFEST} is too large to be a manifest")


def test_kinds_and_layers_of_the_wrong_type_in_the_mesh_file_are_not_taken(
    tmp_path: Path,
) -> None:
    folder = _copy(tmp_path)
    out = load_assets(folder)
    meshes = {mid: (m.vertices, m.faces, m.normals, m.belly) for mid, m in out.meshes.items()}
    extras = {mid: dict(out.extras[mid]) for mid in out.meshes}
    extras["soleus"].update(kind=7, layer=["deep"], body={"x": 1})
    write_glb(folder / GLB, meshes, extras)
    again = load_assets(folder, verify=False)
    assert again.kinds["soleus"] == "muscle"  # the manifest's
    assert again.layers["soleus"] == out.manifest["meshes"]["soleus"].get("layer", "")
    assert again.bodies["soleus"] is None


def test_a_mesh_without_triangles_is_unavailable(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    out = load_assets(folder)
    meshes = {mid: (m.vertices, m.faces, m.normals, m.belly) for mid, m in out.meshes.items()}
    meshes["soleus"] = (meshes["soleus"][0], np.zeros((0, 3), np.int32), *meshes["soleus"][2:])
    write_glb(folder / GLB, meshes, out.extras)
    again = load_assets(folder, verify=False)
    assert again.unavailable["soleus"] == "no triangles" and "tibia" in again.meshes


def test_a_json_chunk_longer_than_the_file_is_named(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    raw = bytearray((folder / GLB).read_bytes())
    raw[12:16] = struct.pack("<I", len(raw))
    (folder / GLB).write_bytes(bytes(raw))
    out = load_assets(folder)
    assert out.meshes == {}
    assert "JSON chunk's length" in (out.problem or "") and "runs past the end" in out.problem


def test_a_mesh_whose_name_is_not_text_is_unavailable_and_the_rest_load(tmp_path: Path) -> None:
    """A mesh named 7 in an edited leg.glb stopped the window and render with a TypeError."""
    folder = _copy(tmp_path)
    out = load_assets(folder)
    meshes: dict = {mid: (m.vertices, m.faces, m.normals, m.belly) for mid, m in out.meshes.items()}
    extras: dict = {mid: dict(out.extras[mid]) for mid in out.meshes}
    meshes[7], extras[7] = meshes["soleus"], {"kind": 5}
    write_glb(folder / GLB, meshes, extras)
    again = load_assets(folder, verify=False)
    assert "its mesh name is not text" in again.unavailable["7"]
    assert "soleus" in again.meshes and "tibia" in again.meshes
