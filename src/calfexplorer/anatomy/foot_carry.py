"""The built-in foot muscles the pack keeps, carried onto the pack's foot bones.

BodyParts3D (as the pack reads it) has no mesh of several intrinsic foot muscles (extensor
digitorum brevis, flexor digitorum brevis, ...), so the BodyParts3D leg keeps the built-in ones.
They were drawn round MyoLeg's foot, whose toes reach ~3 cm farther than the pack's: their
tendons floated above the pack's toes or ran past their tips. At pack build time each vertex of
such a muscle is moved by a blend of per-piece maps, one for each foot bone piece (a tarsal
bone; a phalanx, metatarsal or cuneiform matched as :mod:`.piece_match` matches them): the box
round the built-in piece onto the box round the pack piece along its matching axes. Nearer
pieces weigh more. A swept muscle then takes the one similarity nearest those moves, plus
what they leave per station smoothed widely along it (per-vertex moves waved and humped a belly
lying across several pieces), is pushed station by station out of the pack's bones, and one
drawn floating above the bones (:data:`SETTLE_M`) is laid down onto them. Where the pack
has insertion patches of the muscle, its tendons are then laid to end on them (the built-in
slips end as drawn for MyoLeg's toes, some folded past their tips). The carried vertices
are kept in the pack folder (:mod:`.carried_file`) and drawn in place of the built-in ones
(same faces), posed as the built-in model poses them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial import cKDTree

from calfexplorer.anatomy.piece_match import PieceCarrier, box, piece_carrier
from calfexplorer.geometry.mesh import Mesh

#: The foot's bones (atlas ids) whose pieces carry the kept muscles.
FOOT_BONES = ("calcaneus", "talus", "navicular", "cuboid", "cuneiforms", "metatarsals",
              "phalanges")
#: Kept built-in muscles within this distance (m) of the built-in foot bones are carried.
NEAR_FOOT_M = 0.015
#: Softening distance (m) of the weights 1 / (d^2 + s^2)^2 of the pieces at distance d.
SOFT_M = 0.004


@dataclass(frozen=True)
class _Map:
    """The box round a built-in piece onto the box round the pack piece: inside, stretched
    to fit; outside, at the same distance beyond the box's side (so tissue lying on a thinner
    or thicker bone stays as far from its surface)."""

    tree: cKDTree  # the built-in piece's vertices
    src: Any  # its box (piece_match's)
    dst: Any  # the pack piece's box, along the matching axes

    def __call__(self, p: np.ndarray) -> np.ndarray:
        u = (p - self.src.centre) @ self.src.axes.T
        h, g = self.src.half, self.dst.half
        inside = np.abs(u) <= h
        v = np.where(inside, u * (g / h), np.sign(u) * (np.abs(u) - h + g))
        return self.dst.centre + v @ self.dst.axes


def _aligned(own: np.ndarray, like: np.ndarray) -> np.ndarray:
    """The rows of ``own`` (a piece's principal directions) reordered and signed to match
    ``like`` (its counterpart's, in the same frame), keeping a right-handed turn."""
    dots = own @ like.T
    rows, cols = linear_sum_assignment(-np.abs(dots))
    out = np.empty_like(own)
    out[cols] = own[rows] * np.sign(dots[rows, cols])[:, None]
    if np.linalg.det(out) * np.linalg.det(like) < 0:
        weakest = int(np.argmin(np.abs(np.sum(out * like, axis=1))))
        out[weakest] *= -1
    return out


def _box_map(model_pts: np.ndarray, pack_pts: np.ndarray, axes: np.ndarray | None = None,
             pack_axes: np.ndarray | None = None) -> _Map:
    src = box(model_pts, axes)
    like = src.axes if pack_axes is None else pack_axes
    return _Map(cKDTree(model_pts), src, box(pack_pts, _aligned(box(pack_pts).axes, like)))


def piece_maps(model_bones: dict[str, Mesh], pack_bones: dict[str, Mesh]) -> list[_Map]:
    """One map per foot bone piece both skeletons have; none for a bone whose pieces do not
    match (the other pieces carry what lies near it)."""
    maps: list[_Map] = []
    for bid in FOOT_BONES:
        model, pack = model_bones.get(bid), pack_bones.get(bid)
        if model is None or pack is None:
            continue
        mv, pv = model.vertices.astype(np.float64), pack.vertices.astype(np.float64)
        carrier = piece_carrier(model, pack)
        if carrier is None:
            maps.append(_box_map(mv, pv))
        elif isinstance(carrier, PieceCarrier):
            maps += [_box_map(mv[s.vertices], pv[d.vertices], s.axes, d.axes)
                     for s, d in carrier.pairs()]
    return maps


def carry(points: np.ndarray, maps: list[_Map]) -> np.ndarray:
    """``points`` (n, 3) moved by the distance-weighted blend of the pieces' maps."""
    p = np.asarray(points, np.float64)
    if not maps:
        return p.copy()
    d = np.stack([m.tree.query(p)[0] for m in maps], axis=1)
    w = 1.0 / (d ** 2 + SOFT_M ** 2) ** 2
    w /= w.sum(1, keepdims=True)
    out = np.zeros_like(p)
    for k, m in enumerate(maps):
        out += w[:, k:k + 1] * m(p)
    return out


def carried_muscles(builtin: Any, pack_ids: set[str], model_bones: dict[str, Mesh],
                    pack_bones: dict[str, Mesh], sites: dict[str, Mesh] | None = None,
                    ) -> dict[str, np.ndarray]:
    """Carried rest vertices of every built-in muscle or tendon the pack does not replace that
    lies on the foot (within :data:`NEAR_FOOT_M` of its built-in bones); where the pack has
    insertion patches of it (``sites``: the pack's patches by id), its tendons end on them
    (:func:`pull_ends`)."""
    from calfexplorer.geometry.params import load_params

    specs = {s.id: s for s in load_params().sweeps}
    sites = sites or {}
    foot = [model_bones[b].vertices for b in FOOT_BONES if b in model_bones]
    if not foot:
        return {}
    tree = cKDTree(np.concatenate(foot).astype(np.float64))
    maps = piece_maps(model_bones, pack_bones)
    packed = [pack_bones[b] for b in FOOT_BONES if b in pack_bones]
    bone_tree = cKDTree(np.concatenate([m.vertices for m in packed]).astype(np.float64))
    bone_normals = np.concatenate([m.normals for m in packed]).astype(np.float64)
    out: dict[str, np.ndarray] = {}
    for sid, mesh in sorted(builtin.meshes.items()):
        if sid in pack_ids or builtin.kinds.get(sid) not in ("muscle", "tendon"):
            continue
        if np.median(tree.query(mesh.vertices.astype(np.float64))[0]) > NEAR_FOOT_M:
            continue
        spec = specs.get(sid)
        moved = carry(mesh.vertices, maps)
        if spec is not None:
            moved = _station_moves(mesh.vertices, moved, spec.stations, spec.ring)
            moved = _out_of_bone(moved, spec.stations, spec.ring, bone_tree, bone_normals)
            if sid in SETTLE_M:
                moved = _settle(moved, spec.stations, spec.ring, bone_tree, SETTLE_M[sid])
        ends = patch_ends([m for i, m in sorted(sites.items())
                           if i.startswith(f"{sid}:insertion:")])
        if spec is not None and mesh.belly is not None:
            moved = pull_ends(moved, mesh.belly, spec.stations, spec.ring, ends)
            moved = tendons_out_of_bone(moved, mesh.belly, spec.stations, spec.ring, ends,
                                        bone_tree, bone_normals)
        out[sid] = moved.astype(np.float32)
    return out


#: Passes of a [1, 2, 1] smoothing of what is left of the carried moves, along a swept
#: muscle of 40 stations, after its one similarity fit (12 passes left a hump along the arch).
SMOOTH_PASSES = 60


def _smoothed(d: np.ndarray, passes: int = SMOOTH_PASSES) -> np.ndarray:
    """Per-station moves ``d`` (stations, 3) smoothed along the tube, its ends held."""
    for _ in range(passes):
        d = np.concatenate([d[:1], (d[:-2] + 2 * d[1:-1] + d[2:]) / 4, d[-1:]])
    return d


def _stations(stations: int, ring: int) -> np.ndarray:
    """Each tube vertex's station (the two caps at the ends)."""
    return np.concatenate([np.repeat(np.arange(stations), ring), [0, stations - 1]])


def _station_moves(rest: np.ndarray, moved: np.ndarray, stations: int,
                   ring: int) -> np.ndarray:
    """``rest`` moved by the one similarity (turn, scale, shift) nearest the per-vertex
    ``moved``, then each station (ring of the tube) as a whole by what that leaves of its
    vertices' moves, smoothed along the tube: the muscle keeps its shape and cross-sections
    (per-vertex moves, even smoothed, waved a belly lying across several pieces)."""
    from calfexplorer.anatomy.register import umeyama

    v = np.asarray(rest, np.float64)
    if len(v) != stations * ring + 2:
        return moved
    s, rot, t = umeyama(v, moved)
    fit = s * v @ rot.T + t
    # as many passes for a tube of more stations smooth over the same share of its length
    passes = round(SMOOTH_PASSES * (stations / 40) ** 2)
    d = _smoothed((moved - fit)[:stations * ring].reshape(stations, ring, 3).mean(1), passes)
    return fit + d[_stations(stations, ring)]


#: A carried muscle is kept this far (m) outside the pack's foot bones, pushed out in at
#: most this many rounds.
CLEAR_M = 0.0005
PUSH_ROUNDS = 8


def _out_of_bone(v: np.ndarray, stations: int, ring: int, tree: cKDTree,
                 normals: np.ndarray) -> np.ndarray:
    """``v`` with each station moved as a whole out of the pack's bones (a vertex is in bone
    when it lies behind the outward normal of the bone vertex nearest it), the moves smoothed
    along the tube and taken again, a few rounds, so the belly stays smooth."""
    if len(v) != stations * ring + 2:
        return v
    out = v.copy()
    station = _stations(stations, ring)
    for _ in range(PUSH_ROUNDS):
        dist, idx = tree.query(out)
        n = normals[idx]
        depth = np.einsum("ij,ij->i", tree.data[idx] - out, n) + CLEAR_M
        push = np.zeros((stations, 3))
        for k in range(stations):
            mine = (station == k) & (depth > 0) & (dist < 0.01)
            if mine.any():
                j = np.flatnonzero(mine)[np.argmax(depth[mine])]
                push[k] = depth[j] * n[j]
        if not push.any():
            break
        out = out + _smoothed(push, 4)[station]
    return out


#: Muscles drawn floating above the foot's bones in the built-in leg, laid this close (m)
#: to the pack's: extensor digitorum brevis lies on the dorsum of the tarsus, its tendons
#: beside those of extensor digitorum longus on the metatarsals.
SETTLE_M = {"extensor_digitorum_brevis": 0.002}


def _settle(v: np.ndarray, stations: int, ring: int, tree: cKDTree,
            gap: float) -> np.ndarray:
    """``v`` with each station moved towards the bone nearest it until its nearest vertex
    lies ``gap`` from it, the moves smoothed along the tube."""
    station = _stations(stations, ring)
    dist, idx = tree.query(v)
    move = np.zeros((stations, 3))
    for k in range(stations):
        mine = np.flatnonzero(station == k)
        j = mine[np.argmin(dist[mine])]
        if dist[j] > gap:
            move[k] = (tree.data[idx[j]] - v[j]) * (1 - gap / dist[j])
    return v + _smoothed(move, 8)[station]


#: A tendon's end is pulled to its insertion over the stations from the last with this much
#: belly (or more) to its end.
BELLY_END = 0.5


def pull_ends(vertices: np.ndarray, belly: np.ndarray, stations: int, ring: int,
              patches: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """A swept muscle's tendons (``stations`` x ``ring`` tube vertices, then its two caps) laid
    to end on their insertion ``patches`` ((centre, outward normal) each). Each tendon vertex
    belongs to the patch nearest it; from the last fleshy station to the insertion end the
    tendon is moved more and more, its farthest point along the muscle (from its belly
    towards the patch) ending on the patch's surface, and nothing is left beyond that point
    (a built-in slip's end folded past its toe's tip is laid back onto it)."""
    v = np.asarray(vertices, np.float64)
    if not patches or len(v) != stations * ring + 2:
        return v.copy()
    centres = np.array([c for c, _ in patches])
    normals = np.array([n for _, n in patches])
    station = np.concatenate([np.repeat(np.arange(stations), ring), [0, stations - 1]])
    fleshy = belly[:stations * ring].reshape(stations, ring).mean(1)
    rings = v[:stations * ring].reshape(stations, ring, 3)
    if (np.linalg.norm(centres - rings[0].mean(0), axis=1).min()
            < np.linalg.norm(centres - rings[-1].mean(0), axis=1).min()):
        station, fleshy = stations - 1 - station, fleshy[::-1]  # it starts at its insertion
    above = np.flatnonzero(fleshy >= BELLY_END)
    start = int(above[-1]) if len(above) else 0
    t = np.clip((station - start) / max(stations - 1 - start, 1), 0.0, 1.0)
    t = t * t * (3 - 2 * t)
    tendon = t > 0
    body = v[belly >= BELLY_END].mean(0) if (belly >= BELLY_END).any() else v.mean(0)
    label = np.argmin(np.linalg.norm(v[:, None] - centres[None], axis=2), axis=1)
    out = v.copy()
    for j in range(len(centres)):
        mine = tendon & (label == j)
        if not mine.any():
            continue
        along = centres[j] - body
        along /= max(float(np.linalg.norm(along)), 1e-12)
        reach = (v[mine] - body) @ along
        far = v[mine][reach >= np.quantile(reach, 0.95)]
        tip = far.mean(0)
        depth = np.linalg.norm(far - tip, axis=1).mean()
        goal = centres[j] + normals[j] * depth
        moved = v[mine] + t[mine, None] * (goal - tip)
        beyond = np.maximum((moved - goal) @ along, 0.0)
        out[mine] = moved - beyond[:, None] * along
    return out


def tendons_out_of_bone(vertices: np.ndarray, belly: np.ndarray, stations: int, ring: int,
                        patches: list[tuple[np.ndarray, np.ndarray]], tree: cKDTree,
                        normals: np.ndarray) -> np.ndarray:
    """A swept muscle's tendons laid on the pack's bones where :func:`pull_ends` left them in
    the phalanges they insert on: each tendon's cross-section (its vertices of one station
    nearest one insertion ``patches`` piece: one toe's slip) is moved out along the bone's
    outward normal by its deepest vertex's depth, the moves smoothed along the slip, a few
    rounds; the fleshy part is left as it is."""
    v = np.asarray(vertices, np.float64)
    if not patches or len(v) != stations * ring + 2:
        return v.copy()
    centres = np.array([c for c, _ in patches])
    label = np.argmin(np.linalg.norm(v[:, None] - centres[None], axis=2), axis=1)
    group = _stations(stations, ring) * len(centres) + label
    tendon = np.asarray(belly, np.float64) < BELLY_END
    out = v.copy()
    for _ in range(PUSH_ROUNDS):
        dist, idx = tree.query(out)
        n = normals[idx]
        depth = np.einsum("ij,ij->i", tree.data[idx] - out, n) + CLEAR_M
        bad = np.flatnonzero(tendon & (depth > 0) & (dist < 0.01))
        if not len(bad):
            break
        push = np.zeros((stations * len(centres), 3))
        deepest = np.zeros(len(push))
        for i in bad:  # the deepest vertex of each cross-section sets its move
            if depth[i] > deepest[group[i]]:
                deepest[group[i]], push[group[i]] = depth[i], depth[i] * n[i]
        # smoothed along each slip (moved cross-section by cross-section, a slip zigzagged)
        per_slip = push.reshape(stations, len(centres), 3)
        for j in range(len(centres)):
            per_slip[:, j] = _smoothed(per_slip[:, j], 3)
        out = out + np.where(tendon[:, None], per_slip.reshape(-1, 3)[group], 0.0)
    return out


def patch_ends(site_meshes: list[Mesh]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each piece of the insertion patches: its centre and mean outward normal."""
    from calfexplorer.geometry.mesh_graph import components

    out = []
    for m in site_meshes:
        for f in components(m.vertices, m.faces):
            idx = np.unique(m.faces[f])
            n = m.normals[idx].astype(np.float64).sum(0)
            out.append((m.vertices[idx].astype(np.float64).mean(0),
                        n / max(float(np.linalg.norm(n)), 1e-12)))
    return out
