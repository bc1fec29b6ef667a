"""The BodyParts3D leg's attachment patches (on the pack's bones, where its muscles meet them,
one for every site the built-in model draws, moving with their bones) and the built-in nerves
and vessels it keeps (routed beside the pack's muscles, not through them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy.spatial import cKDTree

from calfexplorer.anatomy.attachments import CONTACT_M
from calfexplorer.anatomy.leg_model import merge_pack
from calfexplorer.anatomy.route_apply import apply_routes
from calfexplorer.anatomy.route_solids import inside_share, solids
from calfexplorer.anatomy.route_tubes import kept_tubes
from calfexplorer.anatomy.soft_tissue import bone_transforms
from calfexplorer.assets import AssetSet, load_assets
from calfexplorer.biomech.pose import Pose
from calfexplorer.geometry.implicit import surface_samples, winding_number
from calfexplorer.geometry.mesh import Mesh
from calfexplorer.geometry.params import load_params
from calfexplorer.geometry.quality import expected_ids
from calfexplorer.geometry.source import pose_state
from patella_sites import patella_faults


@pytest.fixture(scope="module")
def pack(pack_dir: Path) -> dict[str, Any]:
    """The pack built from the shared subset, and the built-in meshes beside it."""
    return {"dir": pack_dir, "assets": load_assets(pack_dir), "builtin": load_assets()}


def _samples(mesh: Mesh, spacing: float = 0.0005) -> cKDTree:
    return cKDTree(surface_samples(mesh.vertices.astype(np.float64), mesh.faces, spacing))


def _top(mesh: Mesh) -> np.ndarray:
    """The outer face of a patch (its first half of vertices)."""
    return mesh.vertices[: len(mesh.vertices) // 2].astype(np.float64)


def test_every_site_the_built_in_model_draws_has_a_pack_patch(pack: dict[str, Any],
                                                              atlas: Any) -> None:
    assets = pack["assets"]
    info = assets.manifest["attachment_sites"]
    wanted = {s for s, k in expected_ids(atlas, load_params().no_geometry).items() if k == "site"}
    assert wanted == set(assets.ids("site")) | set(info["without_patch"])
    assert all(why for why in info["without_patch"].values())
    if pack["builtin"].meshes:
        assert set(pack["builtin"].ids("site")) <= set(assets.ids("site")) | set(
            info["without_patch"])
    for sid in assets.ids("site"):
        bone = atlas.attachment(sid).attachment.bone
        assert assets.extras[sid]["bone"] == bone, sid
        assert assets.layers[sid] == "attachments"
        assert assets.bodies[sid] == assets.bodies[bone], sid  # moves with the pack bone
    assert info["contact"] + info["near"] + info["projected"] == len(assets.ids("site"))


def test_patches_lie_on_their_pack_bone(pack: dict[str, Any]) -> None:
    assets = pack["assets"]
    bones = {b: _samples(assets.meshes[b]) for b in assets.ids("bone")}
    for sid in assets.ids("site"):
        bone = assets.extras[sid]["bone"]
        v = assets.meshes[sid].vertices.astype(np.float64)
        off = bones[bone].query(v)[0]
        assert off.max() < 0.002, (sid, off.max())
        # and most of it is nearer to that bone than to any other
        dist = np.stack([bones[b].query(v)[0] for b in bones])
        mine = list(bones).index(bone)
        assert (dist.argmin(axis=0) == mine).mean() > 0.5, sid


def test_patches_are_where_the_pack_muscle_meets_the_bone(pack: dict[str, Any]) -> None:
    """Most patches are cut where the muscle (or what it inserts through) touches or enters the
    bone, or comes within a few millimetres of it; an origin lies towards the muscle's upper
    end, an insertion towards its lower end. Only a few are merely projected, each said why."""
    assets = pack["assets"]
    entries = assets.manifest["meshes"]
    info = assets.manifest["attachment_sites"]
    how = {s: entries[s]["placement"] for s in assets.ids("site")}
    met = [s for s, p in how.items() if p["method"] in ("contact", "near")]
    calf = [s for s in met if assets.bodies[s] == "tibia_r"]
    assert len(met) >= 80 and len(calf) >= 20, (len(met), len(calf))
    projected = {s for s, p in how.items() if p["method"] == "projected"}
    assert len(projected) <= 15 and set(info["projected_sites"]) == projected
    assert all(how[s]["why"] for s in projected)
    # a muscle the pack reads only to cut patches (not drawn): its patches are near the
    # built-in model's placement
    only = set(info["read_only_for_sites"])
    assert {"adductor_magnus", "iliotibial_tract"} <= only
    for sid in met:
        p = how[sid]
        if set(p["met_by"]) & only:
            assert set(p["met_by"]) <= only and p["from_model_mm"] < 25, (sid, p)
            continue
        top = _top(assets.meshes[sid])
        off = np.full(len(top), np.inf)  # distance to the tissue, 0 inside it
        for tid in p["met_by"]:
            m = assets.meshes[tid]
            d = _samples(m, 0.001).query(top)[0]
            off = np.minimum(off, np.where(winding_number(top, m.vertices, m.faces) > 0.5, 0, d))
        # the contact (a small one grown a few rings so that it shows) and nothing far from it
        gap = p.get("gap_mm", 0.0) / 1000
        assert p["method"] == "contact" or 0 < gap <= 0.01, (sid, p)
        assert (off < gap + CONTACT_M + 0.0015).mean() > 0.4 and off.max() < gap + 0.012, (
            sid, off.max())
        z = np.concatenate([assets.meshes[t].vertices[:, 2] for t in p["met_by"]])
        at = (top[:, 2].mean() - z.min()) / (z.max() - z.min())
        role = entries[sid]["role"]
        assert (at > 0.5) if role == "origin" else (at < 0.5), (sid, role, at)


@pytest.mark.parametrize(("sid", "side"), [
    ("extensor_hallucis_longus:insertion:distal_phalanx_great_toe", 1.0),  # dorsal
    ("flexor_hallucis_longus:insertion:hallux_distal_phalanx", -1.0),  # plantar
])
def test_a_patch_on_a_bone_of_several_elements_is_at_its_place_on_the_right_one(
        pack: dict[str, Any], sid: str, side: float) -> None:
    """The pack's phalanges are 14 BodyParts3D elements and its great toe ends 3 cm behind the
    model's: the long great-toe muscles' insertions lie on the base of the pack's distal phalanx
    of the great toe, on its dorsal or plantar side (the model's place, projected, landed on the
    tip, and the extensor's patch 3 cm beyond the end of its tendon)."""
    from calfexplorer.geometry.mesh_graph import components

    assets = pack["assets"]
    bone = assets.meshes["phalanges"]
    pieces = [np.unique(bone.faces[f]) for f in components(bone.vertices, bone.faces)
              if len(f) >= 20]
    centres = np.array([bone.vertices[p].mean(axis=0) for p in pieces])
    medial = np.argsort(centres[:, 0])[-2:]  # the great toe: x grows medially on the right leg
    distal, proximal = sorted(medial, key=lambda i: centres[i, 1])  # y grows backwards
    axis = centres[distal] - centres[proximal]
    axis /= np.linalg.norm(axis)
    along = bone.vertices[pieces[distal]] @ axis
    top = _top(assets.meshes[sid])
    owner = cKDTree(bone.vertices).query(top)[1]
    assert np.isin(owner, pieces[distal]).mean() > 0.8, sid  # on the distal phalanx
    at = (top.mean(axis=0) @ axis - along.min()) / (along.max() - along.min())
    assert at < 0.5, (sid, at)  # its base, not its tip
    assert side * (top[:, 2].mean() - bone.vertices[pieces[distal], 2].mean()) > 0, sid
    place = assets.manifest["meshes"][sid]["placement"]
    assert place["method"] in ("contact", "near"), place  # where the tendon meets it


def test_the_quadriceps_patches_lie_on_the_base_and_borders_of_the_patella(
        pack: dict[str, Any]) -> None:
    """Rectus femoris and vastus intermedius on the pack patella's base, the two vasti on the
    upper parts of its borders (they lay on its apex and the middle of its articular back face).
    BodyParts3D's quadriceps, placed with the femur, meet the patella (scaled about 1.25 onto
    the model's) along the rim of its back face, so up to about half a patch may lie over it."""
    assert patella_faults(pack["assets"], back_face=0.6) == []


def test_patches_move_with_their_bones(pack: dict[str, Any]) -> None:
    assets = pack["assets"]
    rest, bent = pose_state(None), pose_state(Pose.from_degrees(knee=90, ankle=20))
    moved = bone_transforms(assets, rest, bent)
    for sid in assets.ids("site"):
        bone = assets.extras[sid]["bone"]
        assert np.allclose(moved[sid], moved[bone]), sid
    tibia = "soleus:origin:soleal_line"
    assert not np.allclose(moved[tibia], moved["gastrocnemius_medial_head:origin:"
                                               "popliteal_surface_above_medial_condyle"])
    # in the leg the app draws, the pack's patch replaces the built-in one of the same id
    if pack["builtin"].meshes:
        leg = merge_pack(pack["builtin"], assets)
        assert leg.meshes[tibia] is assets.meshes[tibia]
        assert leg.bodies[tibia] == "tibia_r" and leg.kinds[tibia] == "site"


def _need_builtin(pack: dict[str, Any]) -> AssetSet:
    if not pack["builtin"].meshes:
        pytest.skip("built-in meshes missing: run calfexplorer build-assets")
    return pack["builtin"]


def test_kept_nerves_and_vessels_run_beside_the_pack_muscles(pack: dict[str, Any]) -> None:
    builtin, assets = _need_builtin(pack), pack["assets"]
    from calfexplorer.anatomy.mapping import load_mapping

    mapping = load_mapping()
    routes = assets.manifest["routes"]
    assert {"tibial_nerve", "sciatic_nerve", "common_fibular_nerve", "deep_fibular_nerve",
            "fibular_artery", "soleal_veins"} <= set(routes)
    drawn = apply_routes(builtin, assets.manifest)
    assert set(drawn) == set(routes)
    params = load_params()
    before = kept_tubes(builtin, list(routes), params)
    after = kept_tubes(AssetSet(meshes={**builtin.meshes, **drawn}, kinds=builtin.kinds),
                       list(routes), params)
    tissue = solids({i: m for i, m in assets.meshes.items()
                     if assets.kinds[i] in ("muscle", "tendon", "bone")})
    for sid in routes:
        s = mapping.structures.get(sid)
        within = set(s.within) if s else set()
        others = {i: s for i, s in tissue.items() if i not in within}
        share = sum(inside_share(after[sid].centres, others).values())
        assert share < 0.02, (sid, inside_share(after[sid].centres, others))
    # the built-in paths did run through the pack's muscles
    for sid in ("tibial_nerve", "sciatic_nerve", "common_fibular_nerve"):
        assert sum(inside_share(before[sid].centres, tissue).values()) > 0.2, sid


def _turns_deg(centres: np.ndarray) -> np.ndarray:
    """The angle between each pair of consecutive segments of a polyline."""
    d = np.diff(centres, axis=0)
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    return np.degrees(np.arccos(np.clip(np.einsum("ij,ij->i", d[1:], d[:-1]), -1.0, 1.0)))


def test_kept_nerves_and_vessels_do_not_zigzag_around_the_pack_muscles(
        pack: dict[str, Any]) -> None:
    """Each routed station is pushed out of the tissue on its own; neighbours pushed different
    ways make a zigzag (turns of up to 170 degrees: 63 turns over 45 degrees among the routed
    tubes, 11 in the tibial nerve). The route is re-chosen as a smooth line that is still clear:
    38 such turns left, where the tissue leaves no straight free way (measured). Where one is
    still over 60 degrees the route is chosen again there needing only the room its pushed
    places had: the tibial nerve behind the knee turned up to 122 degrees, then 59 (a step
    2 cm sideways where the popliteal vessels end: the top of the soleus lies across its way,
    and eased it ran 2 cm through that muscle). Drawn eased where that lays no more of any run
    inside the tissue (:func:`calfexplorer.anatomy.routing.ease`): the gastrocnemius veins 63
    -> 34 degrees. A route whose runs still cross tissue between their points that the routing
    checks is laid through the least of it: the sciatic nerve's 87-degree jog through the edge
    of the gluteus maximus, 27 degrees."""
    builtin, assets = _need_builtin(pack), pack["assets"]
    routes = assets.manifest["routes"]
    drawn = apply_routes(builtin, assets.manifest)
    params = load_params()
    before = kept_tubes(builtin, list(routes), params)
    after = kept_tubes(AssetSet(meshes={**builtin.meshes, **drawn}, kinds=builtin.kinds),
                       list(routes), params)
    sharp = {sid: int((_turns_deg(after[sid].centres) > 45).sum())
             - int((_turns_deg(before[sid].centres) > 45).sum()) for sid in routes}
    assert sum(sharp.values()) <= 40, sharp
    for sid in ("common_fibular_nerve", "deep_fibular_nerve", "medial_sural_cutaneous_nerve",
                "fibular_artery"):
        assert sharp[sid] == 0, (sid, _turns_deg(after[sid].centres).round())
    assert _turns_deg(after["gastrocnemius_veins"].centres).max() < 40
    assert _turns_deg(after["sciatic_nerve"].centres).max() < 35
    assert _turns_deg(after["tibial_nerve"].centres).max() < 60


def test_tibial_nerve_runs_with_the_posterior_tibial_vessels(pack: dict[str, Any]) -> None:
    """In the middle of the calf the nerve lies against the posterior tibial vessels, deep to
    the soleus, not inside it or the deep muscles."""
    builtin, assets = _need_builtin(pack), pack["assets"]
    nerve = kept_tubes(AssetSet(meshes={**builtin.meshes, **apply_routes(
        builtin, assets.manifest)}, kinds=builtin.kinds), ["tibial_nerve"], load_params())
    c = nerve["tibial_nerve"].centres
    artery = assets.meshes["posterior_tibial_artery"].vertices
    z0, z1 = np.quantile(artery[:, 2], [0.3, 0.7])
    calf = c[(c[:, 2] > z0) & (c[:, 2] < z1)]
    assert len(calf) >= 3
    vessels = cKDTree(np.concatenate([artery, assets.meshes["posterior_tibial_veins"].vertices]))
    assert np.median(vessels.query(calf)[0]) < 0.008
    for muscle in ("soleus", "tibialis_posterior", "flexor_digitorum_longus",
                   "flexor_hallucis_longus", "gastrocnemius_medial_head"):
        m = assets.meshes[muscle]
        assert not (winding_number(calf, m.vertices, m.faces) > 0.5).any(), muscle
    # and deep to the soleus: in front of its back surface at every level it reaches
    soleus = assets.meshes["soleus"].vertices
    levels = [soleus[np.abs(soleus[:, 2] - p[2]) < 0.01] for p in calf]
    checked = [(p, lv) for p, lv in zip(calf, levels, strict=True) if len(lv)]
    assert checked
    for p, level in checked:
        assert p[1] < level[:, 1].max(), p  # +y is posterior


def test_a_route_applies_only_to_the_mesh_it_was_made_for(pack: dict[str, Any]) -> None:
    builtin, assets = _need_builtin(pack), pack["assets"]
    leg = merge_pack(builtin, assets)
    nerve = builtin.meshes["tibial_nerve"]
    assert leg.meshes["tibial_nerve"].vertices.shape == nerve.vertices.shape
    assert np.abs(leg.meshes["tibial_nerve"].vertices - nerve.vertices).max() > 0.005
    assert leg.kinds["tibial_nerve"] == "nerve" and "tibial_nerve" not in assets.meshes
    changed = Mesh(nerve.vertices + np.float32(0.001), nerve.faces, nerve.normals)
    rebuilt = AssetSet(meshes={**builtin.meshes, "tibial_nerve": changed}, kinds=builtin.kinds)
    assert "tibial_nerve" not in apply_routes(rebuilt, assets.manifest)


def test_the_posed_leg_draws_patches_on_their_bones_and_the_routed_nerve(
        pack: dict[str, Any]) -> None:
    """As the window poses the BodyParts3D leg: each patch with its bone's transform, and the
    tibial nerve along its routed course (at rest exactly the routed mesh, not the built-in)."""
    import math

    from calfexplorer.anatomy.leg_poser import PackLegPoser

    builtin, assets = _need_builtin(pack), pack["assets"]
    leg = merge_pack(builtin, assets)
    poser = PackLegPoser(leg)
    bent = poser({"knee": math.radians(90), "ankle": math.radians(20)})
    for sid in assets.ids("site"):
        assert np.allclose(bent.transforms[sid], bent.transforms[assets.extras[sid]["bone"]]), sid
    rest = poser({"knee": 0.0, "ankle": 0.0})
    routed = leg.meshes["tibial_nerve"].vertices
    assert np.abs(rest.vertices["tibial_nerve"] - routed).max() < 1e-4
    assert np.abs(routed - builtin.meshes["tibial_nerve"].vertices).max() > 0.005


@pytest.mark.parametrize("sid", [
    "extensor_digitorum_longus:insertion:middle_phalanges",
    "extensor_digitorum_longus:insertion:distal_phalanges",
    "flexor_digitorum_longus:insertion:distal_phalanges_2_5",
])
def test_a_site_on_four_toes_has_a_pack_patch_on_each(pack: dict[str, Any], sid: str) -> None:
    """The long toe muscles' insertions on toes 2-5: a patch on each toe where the pack's
    tendon meets it (one toe had one, the others none: the search looked near the first)."""
    from calfexplorer.geometry.mesh_graph import components

    patch = pack["assets"].meshes[sid]
    faces = np.asarray(patch.faces)
    centres = np.array([patch.vertices[np.unique(faces[piece])].mean(axis=0)
                        for piece in components(patch.vertices, faces)])
    apart = np.linalg.norm(centres[:, None] - centres[None], axis=2) + np.eye(len(centres))
    assert len(centres) == 4 and apart.min() > 0.006, centres  # four toes, not one
    bone = cKDTree(pack["assets"].meshes["phalanges"].vertices)
    assert bone.query(_top(patch))[0].max() < 0.003  # on the bone
