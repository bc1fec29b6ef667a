"""The skin envelope of the built-in leg: closed, around every structure, close over them, and
posable per body."""

from __future__ import annotations

import time

import numpy as np
import pytest

from calfexplorer.assets import load_assets
from calfexplorer.geometry.collide import BoneField
from calfexplorer.geometry.implicit import winding_number
from calfexplorer.geometry.mesh import edge_report, volume
from calfexplorer.geometry.skin import Skin, SkinParams, build_skin, skin_structures

# 4 mm keeps the module fast on a loaded machine; the app's default is 3 mm.
PARAMS = SkinParams(spacing=0.004)


@pytest.fixture(scope="module")
def assets():
    return load_assets()


@pytest.fixture(scope="module")
def skin(assets) -> Skin:
    start = time.perf_counter()
    built = build_skin(assets, PARAMS)
    print(f"skin built in {time.perf_counter() - start:.1f} s: {len(built.vertices)} vertices, "
          f"{len(built.faces)} triangles")
    return built


def _below_cut(assets, skin: Skin, kinds: tuple[str, ...]) -> np.ndarray:
    pts = [assets.meshes[s].vertices for s in skin_structures(assets, skin.cut_z)
           if assets.kinds[s] in kinds]
    p = np.concatenate(pts).astype(np.float64)
    return p[p[:, 2] < skin.cut_z - 0.01]


def test_the_skin_is_closed_outward_and_a_sensible_size(skin: Skin) -> None:
    assert edge_report(skin.faces) == (0, 0)
    assert volume(skin.vertices, skin.faces) > 0  # normals point outwards
    assert 10_000 <= len(skin.faces) <= 40_000


def test_the_skin_is_cut_flat_at_mid_thigh(assets, skin: Skin) -> None:
    femur = assets.meshes["femur"].vertices[:, 2]
    assert skin.cut_z == pytest.approx((femur.min() + femur.max()) / 2, abs=1e-6)
    top = skin.vertices[:, 2].max()
    assert top <= skin.cut_z + 1e-6
    assert top == pytest.approx(skin.cut_z, abs=1e-4)
    cap = skin.vertices[np.abs(skin.vertices[:, 2] - skin.cut_z) < 1e-4]
    assert len(cap) > 50  # a flat ring and cap, not a rounded end
    # it reaches the sole and the tip of the toes
    foot = np.concatenate([assets.meshes[b].vertices for b in ("calcaneus", "phalanges")])
    assert skin.vertices[:, 2].min() < foot[:, 2].min()
    assert skin.vertices[:, 1].min() < foot[:, 1].min()


def test_the_skin_encloses_the_bones_muscles_and_tendons_below_the_cut(assets, skin) -> None:
    field = BoneField({"skin": _as_mesh(skin)})
    for kinds in (("bone",), ("muscle", "tendon")):
        points = _below_cut(assets, skin, kinds)
        inside = field.depth(points) > 0.002  # the fast normal test, confirmed near the skin:
        doubt = np.flatnonzero(~inside)
        inside[doubt] = winding_number(points[doubt], skin.vertices, skin.faces) > 0.5
        share = inside.mean()
        print(f"{kinds}: {share:.4%} of {len(points)} vertices inside the skin")
        assert share > 0.999


def test_no_skin_vertex_lies_inside_a_bone(assets, skin: Skin) -> None:
    bones = {b: assets.meshes[b] for b in assets.ids("bone")}
    below = skin.vertices[skin.vertices[:, 2] < skin.cut_z - 0.005]  # the cap cuts the femur
    assert not BoneField(bones).inside(below.astype(np.float64)).any()


def test_the_skin_lies_close_over_what_it_covers(assets, skin: Skin) -> None:
    field = BoneField({s: assets.meshes[s] for s in skin_structures(assets, skin.cut_z)})
    below = skin.vertices[:, 2] < skin.cut_z - 0.01
    dist, _, _ = field.nearest(skin.vertices[below].astype(np.float64))
    print(f"skin to nearest structure: median {np.median(dist) * 1000:.1f} mm, "
          f"95th percentile {np.percentile(dist, 95) * 1000:.1f} mm")
    assert np.median(dist) < 0.008
    assert np.percentile(dist, 95) < 0.02


def test_the_skin_is_thinner_over_the_subcutaneous_tibia_than_over_the_calf(assets, skin) -> None:
    tibia = assets.meshes["tibia"].vertices.astype(np.float64)
    calf = assets.meshes["gastrocnemius_medial_head"].vertices.astype(np.float64)
    field = BoneField({"skin": _as_mesh(skin)})
    # the medial face of the tibia's shaft and the back of the calf, at mid-leg
    mid = (tibia[:, 2] > 0.25) & (tibia[:, 2] < 0.35)
    medial = tibia[mid][np.argsort(-tibia[mid][:, 0])[:20]]
    back = calf[np.argsort(-calf[:, 1])[:20]]
    over_bone = -field.depth(medial)
    over_muscle = -field.depth(back)
    assert np.median(over_bone) < np.median(over_muscle)


def test_each_vertex_follows_the_nearest_bone_body(skin: Skin) -> None:
    names = skin.vertex_bodies()
    assert set(skin.bodies) >= {"femur_r", "tibia_r", "calcn_r", "toes_r"}
    toes = skin.vertices[names == "toes_r"]
    heel = skin.vertices[names == "calcn_r"]
    thigh = skin.vertices[names == "femur_r"]
    assert toes[:, 1].mean() < heel[:, 1].mean()  # toes are anterior (-y) of the foot body
    assert thigh[:, 2].min() > skin.vertices[names == "tibia_r"][:, 2].min()


def test_posing_moves_each_vertex_with_its_body(skin: Skin) -> None:
    rest = {b: np.eye(4) for b in skin.bodies}
    assert np.allclose(skin.posed_vertices(rest, rest), skin.vertices)
    posed = dict(rest)
    shift = np.eye(4)
    shift[:3, 3] = [0.0, 0.0, 0.1]
    posed["toes_r"] = shift
    moved = skin.posed_vertices(rest, posed)
    toes = skin.body_of == skin.bodies.index("toes_r")
    assert np.allclose(moved[toes] - skin.vertices[toes], [0.0, 0.0, 0.1], atol=1e-6)
    assert np.allclose(moved[~toes], skin.vertices[~toes])


def test_assets_without_a_femur_are_refused_with_a_reason(assets) -> None:
    from calfexplorer.assets import AssetSet

    empty = AssetSet()
    with pytest.raises(ValueError, match="femur"):
        build_skin(empty, PARAMS)


def _as_mesh(skin: Skin):
    from calfexplorer.geometry.mesh import Mesh

    return Mesh(skin.vertices, skin.faces, skin.normals)
