"""Kept built-in tubes posed with the tissue around them (anatomy.kept_tubes), on made-up
tissue and on the BodyParts3D leg as the window poses it (full and drag frames)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from calfexplorer.anatomy.kept_tubes import KeptTubes, TubeLayout
from calfexplorer.geometry import sweep

STATIONS, RING = 12, 8


def _tube(radius: float = 0.002) -> TubeLayout:
    """A straight round tube along z, from 0 to 11 cm."""
    z = np.linspace(0.0, 0.11, STATIONS)
    a = 2 * np.pi * np.arange(RING) / RING
    ring = np.stack([np.cos(a), np.sin(a), np.zeros(RING)], axis=1)
    v = (ring[None] * radius + np.stack([np.zeros_like(z)] * 2 + [z], 1)[:, None]).reshape(-1, 3)
    v = np.concatenate([v, [[0, 0, 0], [0, 0, z[-1]]]])
    n = np.concatenate([np.tile(ring, (STATIONS, 1)), [[0, 0, -1], [0, 0, 1]]])
    return TubeLayout(v, n, STATIONS, RING)


def _slab(x: float) -> tuple[np.ndarray, np.ndarray]:
    """Points of a plane x = ``x`` beside the tube, with normals facing it."""
    y, z = np.meshgrid(np.linspace(-0.02, 0.02, 9), np.linspace(-0.01, 0.12, 27))
    p = np.stack([np.full(y.size, x), y.ravel(), z.ravel()], axis=1)
    return p, np.tile([-np.sign(x), 0.0, 0.0], (len(p), 1))


@pytest.fixture
def kept() -> tuple[KeptTubes, dict[str, np.ndarray]]:
    (a, na), (b, nb) = _slab(0.006), _slab(-0.006)
    tubes = KeptTubes({"nerve": _tube()}, {"left": a, "right": b}, {"left": na, "right": nb})
    return tubes, {"left": a, "right": b}


def _posed(kept: KeptTubes, points: dict[str, np.ndarray], rot: np.ndarray,
           shift: np.ndarray) -> dict[str, np.ndarray]:
    return {n: (points[n][rows] @ rot.T + shift) for n, rows in kept.needs.items()}


def test_rest_leaves_the_tube_where_it_was(kept: tuple[KeptTubes, dict]) -> None:
    tubes, points = kept
    v, n, thin = tubes.pose(_posed(tubes, points, np.eye(3), np.zeros(3)))
    assert np.allclose(v["nerve"], _tube().vertices, atol=1e-6)
    assert np.allclose(n["nerve"], _tube().normals, atol=1e-6)
    assert not thin


def test_a_rigid_move_of_the_tissue_moves_the_tube_alike(kept: tuple[KeptTubes, dict]) -> None:
    tubes, points = kept
    t = 0.7
    rot = np.array([[np.cos(t), 0, np.sin(t)], [0, 1, 0], [-np.sin(t), 0, np.cos(t)]])
    shift = np.array([0.01, -0.02, 0.03])
    v, n, _ = tubes.pose(_posed(tubes, points, rot, shift))
    assert np.allclose(v["nerve"], _tube().vertices @ rot.T + shift, atol=1e-6)
    assert np.allclose(n["nerve"], _tube().normals @ rot.T, atol=1e-6)


def test_the_tube_keeps_out_of_tissue_closing_in() -> None:
    """The tube lay 2 mm off one side (whose points weigh most) and 10 mm off the other; the
    far side closes in to 0.5 mm of it. Following its neighbours alone would take it into the
    near side; it stays between the two, its rings round."""
    (a, na), (b, nb) = _slab(0.002), _slab(-0.010)
    moved = {"left": a, "right": b + [0.0095, 0.0, 0.0]}
    centres = {}
    for label, normals in (("kept out", {"left": na, "right": nb}), ("followed", None)):
        tubes = KeptTubes({"nerve": _tube()}, {"left": a, "right": b}, normals)
        v, _, _ = tubes.pose({n: moved[n][rows] for n, rows in tubes.needs.items()})
        rings = v["nerve"][: STATIONS * RING].reshape(STATIONS, RING, 3)
        centres[label] = rings.mean(axis=1)
        radii = np.linalg.norm(rings - centres[label][:, None], axis=2)
        assert np.allclose(radii, 0.002, atol=1e-6)
    assert np.all(centres["followed"][:, 0] > 0.002)  # inside the near side
    assert np.all((centres["kept out"][:, 0] > -0.0005) & (centres["kept out"][:, 0] < 0.002))


def _sheet(y: float) -> tuple[np.ndarray, np.ndarray]:
    """Points of a plane y = ``y`` across the tube, with normals facing -y."""
    x, z = np.meshgrid(np.linspace(-0.02, 0.02, 9), np.linspace(-0.01, 0.12, 27))
    p = np.stack([x.ravel(), np.full(x.size, y), z.ravel()], axis=1)
    return p, np.tile([0.0, -1.0, 0.0], (len(p), 1))


def test_tissue_sliding_up_in_a_sample_pose_is_kept_out_of() -> None:
    """A third structure, 3 cm off at rest (not among the tube's nearest), slides over the
    tube's centreline in a pose. Without sample poses the tube runs on inside it; with that
    pose among the samples it is kept out of it, and the rest pose still leaves it alone."""
    (a, na), (b, nb) = _slab(0.006), _slab(-0.006)
    c, nc = _sheet(0.03)
    rest = {"left": a, "right": b, "sheet": c}
    moved = {**rest, "sheet": c - [0.0, 0.031, 0.0]}  # its surface 1 mm past the centreline
    normals = {"left": na, "right": nb, "sheet": nc}
    ys = {}
    for label, samples in (("alone", ()), ("sampled", (moved,))):
        tubes = KeptTubes({"nerve": _tube()}, rest, normals, samples=samples)
        v, _, _ = tubes.pose({n: rest[n][rows] for n, rows in tubes.needs.items()})
        assert np.allclose(v["nerve"], _tube().vertices, atol=1e-6)
        v, _, _ = tubes.pose({n: moved[n][rows] for n, rows in tubes.needs.items()})
        ys[label] = v["nerve"][: STATIONS * RING].reshape(STATIONS, RING, 3).mean(axis=1)[:, 1]
    assert np.all(ys["alone"] > -0.001)  # inside the sheet
    assert np.all(ys["sampled"] < -0.001)


def test_coarse_poses_the_coarse_tube_but_the_selection(kept: tuple[KeptTubes, dict]) -> None:
    tubes, points = kept
    posed = _posed(tubes, points, np.eye(3), np.array([0.0, 0.0, 0.01]))
    full, _, _ = tubes.pose(posed)
    rough, _, thin = tubes.pose(posed, coarse=True)
    index, _faces = sweep.coarse_tube(STATIONS, RING)
    assert thin == {"nerve"}
    assert np.array_equal(rough["nerve"], full["nerve"][index])
    chosen, _, thin = tubes.pose(posed, coarse=True, full=frozenset({"nerve"}))
    assert not thin
    assert np.array_equal(chosen["nerve"], full["nerve"])


def test_learnt_moves_are_blended_between_the_grids_poses(
        kept: tuple[KeptTubes, dict]) -> None:
    """Moves given on a grid of poses are added in those poses (turned as the tissue turns),
    blended between them and held beyond; the rest pose on the grid with none is unchanged."""
    tubes, points = kept
    knees, ankles = np.radians([0.0, 90.0]), np.radians([-40.0, 0.0, 30.0])
    offsets = np.zeros((2, 3, STATIONS, 3))
    offsets[1, 2, 4:8, 1] = 0.004  # knee 90, ankle 30: stations 4-7 moved along +y
    rotations = np.tile(np.eye(3), (2, 3, STATIONS, 1, 1))
    tubes.learn(knees, ankles, offsets, rotations)
    rest = _posed(tubes, points, np.eye(3), np.zeros(3))
    centre = {}
    for name, angles in (("rest", (0.0, 0.0)), ("grid", (knees[1], ankles[2])),
                         ("between", (knees[1] / 2, ankles[2])), ("beyond", (2.0, 1.0))):
        v, _, _ = tubes.pose(rest, angles=angles)
        centre[name] = v["nerve"][: STATIONS * RING].reshape(STATIONS, RING, 3).mean(axis=1)
    assert np.allclose(centre["rest"], _tube().vertices[:STATIONS * RING].reshape(
        STATIONS, RING, 3).mean(axis=1), atol=1e-6)
    moved = centre["grid"] - centre["rest"]
    assert np.allclose(moved[4:8, 1], 0.004, atol=1e-6) and np.allclose(moved[:4], 0.0)
    assert np.allclose(centre["between"] - centre["rest"], moved / 2, atol=1e-6)
    assert np.allclose(centre["beyond"], centre["grid"], atol=1e-6)
    # turned with the tissue: the tissue turned a quarter about z moves them along -x
    q = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    v, _, _ = tubes.pose(_posed(tubes, points, q, np.zeros(3)), angles=(knees[1], ankles[2]))
    v0, _, _ = tubes.pose(_posed(tubes, points, q, np.zeros(3)))
    c = (v["nerve"] - v0["nerve"])[: STATIONS * RING].reshape(STATIONS, RING, 3).mean(axis=1)
    assert np.allclose(c[4:8], [-0.004, 0.0, 0.0], atol=1e-6)


def test_more_moves_of_the_first_knee_are_blended_along_its_row(
        kept: tuple[KeptTubes, dict]) -> None:
    """Moves given at more ankles of the grid's first knee (the straight knee) are added there
    and blended along that row (its grid poses keep theirs: none at rest), and between that
    row and the next knee's as before."""
    tubes, points = kept
    knees, ankles = np.radians([0.0, 90.0]), np.radians([-40.0, 0.0, 30.0])
    offsets = np.zeros((2, 3, STATIONS, 3))
    offsets[1, :, 4:8, 1] = 0.004  # knee 90: stations 4-7 moved along +y at every ankle
    rotations = np.tile(np.eye(3), (2, 3, STATIONS, 1, 1))
    more = np.zeros((1, STATIONS, 3))
    more[0, 2:4, 0] = 0.006  # knee 0, ankle 20: stations 2-3 moved along +x
    tubes.learn(knees, ankles, offsets, rotations,
                (np.radians([20.0]), more, np.tile(np.eye(3), (1, STATIONS, 1, 1))))
    rest = _posed(tubes, points, np.eye(3), np.zeros(3))
    centre = {}
    for name, angles in (("rest", (0.0, 0.0)), ("node", (0.0, np.radians(20.0))),
                         ("along", (0.0, np.radians(10.0))), ("past", (0.0, ankles[2])),
                         ("between", (knees[1] / 2, np.radians(20.0)))):
        v, _, _ = tubes.pose(rest, angles=angles)
        centre[name] = v["nerve"][: STATIONS * RING].reshape(STATIONS, RING, 3).mean(axis=1)
    assert np.allclose(centre["rest"], _tube().vertices[:STATIONS * RING].reshape(
        STATIONS, RING, 3).mean(axis=1), atol=1e-6)
    moved = centre["node"] - centre["rest"]
    assert np.allclose(moved[2:4, 0], 0.006, atol=1e-6) and np.allclose(moved[4:], 0.0)
    assert np.allclose(centre["along"] - centre["rest"], moved / 2, atol=1e-6)
    assert np.allclose(centre["past"], centre["rest"], atol=1e-6)
    half = centre["between"] - centre["rest"]
    assert np.allclose(half[2:4, 0], 0.003, atol=1e-6)
    assert np.allclose(half[4:8, 1], 0.002, atol=1e-6)


def test_pack_drag_frames_pose_the_kept_tubes_with_the_pack(built_pack: Path) -> None:
    """The window's drag (coarse) frames pose each kept tube from the pack's coarse twins: its
    coarse tube within 4 mm of the full pose's in every preset (3.3 mm measured, the
    gastrocnemius veins in the deep squat, where they are kept out of the tissue that slides up
    to them, which the coarse pose places a little apart; 2.1 mm before that); a selected tube
    is posed in full, from the coarse tissue (apart where it runs inside tissue)."""
    from calfexplorer.anatomy.leg_model import BODYPARTS3D, load_leg
    from calfexplorer.anatomy.leg_poser import PackLegPoser
    from calfexplorer.motion.presets import PRESETS

    leg, problem = load_leg(BODYPARTS3D, pack=built_pack)
    if leg.pack is None:
        pytest.skip(f"no pack leg: {problem}")
    poser = PackLegPoser(leg)
    routes = leg.pack.manifest["routes"]
    assert {"tibial_nerve", "soleal_veins"} <= set(routes)
    for preset in PRESETS:
        angles = {j: getattr(preset.pose, j) for j in ("knee", "ankle", "subtalar", "toes")}
        full = poser(angles)
        rough = poser(angles, coarse=True, full=("tibial_nerve",))
        for sid, doc in routes.items():
            thinned = sweep.coarse_tube(int(doc["stations"]), int(doc["ring"]))
            if sid == "tibial_nerve" or thinned is None:
                assert sid not in rough.coarse
                gap = np.linalg.norm(rough.vertices[sid] - full.vertices[sid], axis=1)
                # with the knee bent the tibial nerve runs partly inside tissue behind the knee
                # (BEYOND in test_pack_routes_posed.py), where coarse and full surfaces push
                # it out differently: one or two stations 5-12 mm apart (measured), the rest
                # within 1 mm; with the knee straight within 0.3 mm. The moves learnt out of
                # the tissue are turned with each station's neighbours, which the coarse and
                # full tissue turn a little apart there: up to 19 mm (seated calf raise)
                limit = 0.02 if preset.degrees["knee"] >= 40 else 0.004
                assert gap.max() < limit and np.median(gap) < 0.001, (preset.id, sid, gap.max())
                continue
            assert sid in rough.coarse
            gap = np.abs(rough.vertices[sid] - full.vertices[sid][thinned[0]]).max()
            assert gap < 0.004, (preset.id, sid, gap)


def test_the_learnt_moves_are_saved_in_the_pack_and_read_back(built_pack: Path) -> None:
    """The kept tubes' moves out of the posed tissue are learnt once and saved in the pack
    folder; a later poser reads them and poses alike, and without them poses otherwise."""
    from calfexplorer.anatomy import leg_poser
    from calfexplorer.anatomy.leg_model import BODYPARTS3D, load_leg

    leg, problem = load_leg(BODYPARTS3D, pack=built_pack)
    if leg.pack is None:
        pytest.skip(f"no pack leg: {problem}")
    first = leg_poser.PackLegPoser(leg)
    saved = built_pack / leg_poser.LEARNT_NAME
    assert saved.is_file()
    stamp = saved.stat().st_mtime_ns
    again = leg_poser.PackLegPoser(leg)
    assert saved.stat().st_mtime_ns == stamp  # read, not learnt again
    angles = {"knee": np.radians(120.0), "ankle": np.radians(30.0), "subtalar": 0.0,
              "toes": 0.0}
    a, b = first(angles).vertices, again(angles).vertices
    assert np.array_equal(a["tibial_nerve"], b["tibial_nerve"])
    leg_poser.LEARN = False
    try:
        plain = leg_poser.PackLegPoser(leg)(angles).vertices
    finally:
        leg_poser.LEARN = True
    assert np.abs(plain["tibial_nerve"] - a["tibial_nerve"]).max() > 0.001


def test_the_sampled_guards_are_saved_in_the_pack_and_read_back(
        built_pack: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tissue the kept tubes meet in the sample poses is found once (by the pack's build)
    and saved in the pack folder: a later poser reads it instead of posing the tissue in those
    poses, and poses the tubes alike; a file edited by hand is not trusted but found again."""
    import shutil

    from calfexplorer.anatomy import leg_poser
    from calfexplorer.anatomy.leg_model import BODYPARTS3D, load_leg

    pack = tmp_path / "bodyparts3d"
    shutil.copytree(built_pack, pack)
    saved = pack / leg_poser.GUARDS_NAME
    assert saved.is_file()  # the build saved them
    leg, problem = load_leg(BODYPARTS3D, pack=pack)
    assert problem is None
    angles = {"knee": np.radians(90.0), "ankle": np.radians(-20.0), "subtalar": 0.0,
              "toes": 0.0}
    sampled: list[int] = []
    sample = leg_poser.PackLegPoser._sampled

    def counted(self: Any, sources: Any) -> Any:
        sampled.append(1)
        return sample(self, sources)

    monkeypatch.setattr(leg_poser.PackLegPoser, "_sampled", counted)
    read = leg_poser.PackLegPoser(leg)(angles).vertices
    assert not sampled
    saved.unlink()
    found = leg_poser.PackLegPoser(leg)(angles).vertices
    assert sampled and saved.is_file()  # found again, and saved
    for sid in ("tibial_nerve", "soleal_veins"):
        assert np.array_equal(read[sid], found[sid]), sid
    with np.load(saved, allow_pickle=False) as f:
        arrays = {name: f[name] for name in f.files}
    arrays["rows"] = arrays["rows"] + 10**9  # rows past the tissue's points
    np.savez(saved, **arrays)
    sampled.clear()
    again = leg_poser.PackLegPoser(leg)(angles).vertices
    assert sampled and np.array_equal(again["tibial_nerve"], found["tibial_nerve"])


def test_an_eased_route_is_drawn_eased_and_posed_as_drawn_at_rest(built_pack: Path) -> None:
    """The pack draws the soleal veins' route eased where it stepped sideways; the
    poser embeds it where routed and poses it at rest as drawn."""
    from calfexplorer.anatomy.leg_model import BODYPARTS3D, load_leg
    from calfexplorer.anatomy.leg_poser import PackLegPoser
    from calfexplorer.anatomy.route_apply import routed_mesh
    from calfexplorer.assets import load_assets
    from calfexplorer.assets.manifest import parsed_manifest

    leg, problem = load_leg(BODYPARTS3D, pack=built_pack)
    if leg.pack is None:
        pytest.skip(f"no pack leg: {problem}")
    doc = parsed_manifest(built_pack)["routes"]["soleal_veins"]  # (the leg keeps less of it)
    assert "eased_m" in doc
    plain = routed_mesh(load_assets().meshes["soleal_veins"], {
        k: v for k, v in doc.items() if k != "eased_m"})
    assert plain is not None
    drawn = leg.meshes["soleal_veins"].vertices
    assert 0.001 < np.abs(drawn - plain.vertices).max() < 0.02  # eased a millimetre or two
    stations, ring = int(doc["stations"]), int(doc["ring"])

    def centres(v: np.ndarray) -> np.ndarray:
        return v[: stations * ring].reshape(stations, ring, 3).mean(axis=1)

    # without its learnt moves (the easing is the straight knee's) a poser lays it as routed
    rest = PackLegPoser(leg, learn=False)({"knee": 0.0, "ankle": 0.0})
    routed = centres(rest.vertices["soleal_veins"])
    assert np.abs(routed - centres(plain.vertices)).max() < 1e-4
    # with them, as drawn
    rest = PackLegPoser(leg)({"knee": 0.0, "ankle": 0.0})
    assert np.abs(rest.vertices["soleal_veins"] - drawn).max() < 1e-4


def test_a_route_edited_wrong_by_hand_is_drawn_unrouted_or_uneased(
        built_pack: Path, tmp_path: Path) -> None:
    """A manifest edited by hand: a route whose offsets cannot be read leaves its tube as the
    built-in draws it; an easing that cannot be read is none. The leg loads and poses."""
    import json
    import shutil

    from calfexplorer.anatomy.leg_model import BODYPARTS3D, load_leg
    from calfexplorer.anatomy.leg_poser import PackLegPoser
    from calfexplorer.assets import load_assets

    pack = tmp_path / "bodyparts3d"
    shutil.copytree(built_pack, pack)
    manifest = json.loads((pack / "manifest.json").read_text())
    routes = manifest["routes"]
    routes["tibial_nerve"]["eased_m"] = "smoother please"
    routes["soleal_veins"]["offsets_m"] = [[0.0, 0.0]]
    routes["sural_nerve"]["stations"] = None
    routes["deep_fibular_nerve"]["offsets_m"] = [[10 ** 400, 0, 0]] * int(
        routes["deep_fibular_nerve"]["stations"])  # (too large for a float)
    routes["medial_plantar_nerve"]["ring"] = 2.5
    routes["sciatic_nerve"]["offsets_m"] = [[1e30, 1e30, 1e30]] * int(
        routes["sciatic_nerve"]["stations"])  # (a float, but no move the build makes)
    (pack / "manifest.json").write_text(json.dumps(manifest))
    leg, problem = load_leg(BODYPARTS3D, pack=pack)
    assert problem is None and leg.pack is not None
    builtin = load_assets().meshes
    for sid in ("soleal_veins", "sural_nerve", "deep_fibular_nerve", "medial_plantar_nerve",
                "sciatic_nerve"):
        assert np.array_equal(leg.meshes[sid].vertices, builtin[sid].vertices)
    offsets = np.asarray(routes["tibial_nerve"]["offsets_m"])
    moved = leg.meshes["tibial_nerve"].vertices - builtin["tibial_nerve"].vertices
    ring = int(routes["tibial_nerve"]["ring"])
    assert np.allclose(moved[:: ring][: len(offsets)], offsets, atol=1e-6)  # routed, not eased
    posed = PackLegPoser(leg, learn=False)({"knee": np.radians(60.0), "ankle": 0.0})
    assert {"tibial_nerve", "soleal_veins"} <= set(posed.vertices)


@pytest.mark.parametrize("damage", ["none", "huge moves", "huge rotations", "wrong shape",
                                    "whole numbers", "damaged file"])
def test_learnt_moves_edited_by_hand_are_learnt_again(
        built_pack: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    """The saved moves are a cache under the pack's key: values no learning makes (a tube
    sent 1e30 m away, rotations that are no rotations), shapes or types it does not write
    are learnt again, not used."""
    import shutil

    from calfexplorer.anatomy import leg_poser
    from calfexplorer.anatomy.leg_model import BODYPARTS3D, load_leg

    pack = tmp_path / "bodyparts3d"
    shutil.copytree(built_pack, pack)
    saved = pack / leg_poser.LEARNT_NAME
    with np.load(saved, allow_pickle=False) as f:
        arrays = {name: f[name] for name in f.files}
    if damage == "huge moves":
        arrays["offsets"] = np.full_like(arrays["offsets"], 1e30)
    elif damage == "huge rotations":
        arrays["rotations"] = arrays["rotations"] * 1e200
    elif damage == "wrong shape":
        arrays["straight_rotations"] = arrays["straight_rotations"][..., :2]
    elif damage == "whole numbers":
        arrays["offsets"] = arrays["offsets"].astype(np.int64)
    np.savez(saved, **arrays)
    if damage == "damaged file":  # (numpy parsed the header: TokenError, past the handler)
        from damaged_files import damage_member

        damage_member(saved, "offsets.npy", 20, b"(" * 20)
    learnt: list[int] = []

    def learn_quickly(self: Any, poses: list[tuple[int, int]], _key: str, say: Any,
                      still: Any = None, meanwhile: Any = None) -> Any:
        learnt.append(len(poses))
        n = len(self._tubes.radii)
        return {p: (np.zeros((n, 3)), np.broadcast_to(np.eye(3), (n, 3, 3)).copy())
                for p in poses}

    monkeypatch.setattr(leg_poser.PackLegPoser, "_learn_poses", learn_quickly)
    leg, problem = load_leg(BODYPARTS3D, pack=pack)
    assert problem is None
    leg_poser.PackLegPoser(leg)
    assert bool(learnt) == (damage != "none")
