"""Pose the built meshes without rebuilding them.

Bones and attachment patches move rigidly with their body (as a 4x4 transform, so a viewer can
move them without touching their vertices). Swept structures (muscles, tendons, nerves, vessels)
keep each vertex's offset in its station's frame; a pose moves the stations
along the new path and rescales the belly's cross-section by sqrt(rest / posed belly length), so a
shortening belly thickens, then corrects the scale once from the measured volume, so each
muscle's volume stays within a few percent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from calfexplorer.geometry import sweep
from calfexplorer.geometry.batch import StationBatch
from calfexplorer.geometry.mesh import volume
from calfexplorer.geometry.params import GeometryParams, SweepSpec, load_params
from calfexplorer.geometry.source import PoseLike, body_rt, rest_pose
from calfexplorer.geometry.vec3 import norms

VOLUME_TOLERANCE = 0.01


@dataclass
class PosedMeshes:
    """One pose of every mesh: rigid structures as transforms, swept ones as new vertices.

    ``transforms[id]`` maps rest-pose vertices to the pose (4x4, float64);
    ``vertices[id]`` and ``normals[id]`` are float32 (n, 3) arrays of the swept structures.
    For the ids in ``coarse`` they hold only the vertices of the coarse tube inside the mesh
    (:func:`calfexplorer.geometry.sweep.coarse_tube`), in its order.
    """

    transforms: dict[str, np.ndarray]
    vertices: dict[str, np.ndarray]
    normals: dict[str, np.ndarray]
    coarse: frozenset[str] = frozenset()


@dataclass
class _Plan:
    """Everything needed to pose one set of swept structures in a few vectorised steps."""

    ids: list[str]
    batch: StationBatch
    local: np.ndarray  # (V, 3) offsets in station frames
    local_normals: np.ndarray  # (V, 3) rest normals in station frames
    station: np.ndarray  # (V,) global station index
    belly_v: np.ndarray  # (V,) belly weight of the vertex's station
    struct_v: np.ndarray  # (V,) structure index
    splits: np.ndarray
    faces: list[np.ndarray]
    rest_volume: np.ndarray
    is_muscle: np.ndarray
    gfaces: np.ndarray  # muscle faces indexing the concatenated vertices
    face_struct: np.ndarray
    coarse: frozenset[str]  # structures posed as their coarse tube


@dataclass
class _RigidGroup:
    body: str
    ids: list[str]
    rest: np.ndarray  # 4x4 body-to-world transform in the rest pose


def _fallback(pose: PoseLike) -> np.ndarray:
    """Direction used where 'outwards from the leg axis' is undefined: the tibia's anterior."""
    rot, _ = body_rt(pose, "tibia_r")
    return np.asarray(rot)[:, 0]


class Deformer:
    """Turns a pose into new vertex arrays for every mesh, keeping faces unchanged.

    Parameters
    ----------
    assets
        The loaded :class:`calfexplorer.assets.AssetSet` (rest-pose meshes).
    params, rest
        Geometry parameters and the rest pose; loaded when omitted.
    """

    def __init__(
        self, assets: Any, params: GeometryParams | None = None, rest: PoseLike | None = None
    ) -> None:
        self.params = params or load_params()
        self._rest = rest or rest_pose()
        self._assets = assets
        specs = {s.id: s for s in self.params.sweeps}
        self._specs: dict[str, SweepSpec] = {}
        for sid, mesh in assets.meshes.items():
            spec = specs.get(sid)
            if spec is not None and len(mesh.vertices) == spec.stations * spec.ring + 2:
                self._specs[sid] = spec  # (a mismatch means stale assets: left unposed)
        if not self._specs:  # (it failed with numpy's "need at least one array to concatenate")
            raise ValueError("no muscle, tendon, nerve or vessel mesh to pose: the built-in "
                             "meshes are missing or out of date; run 'calfexplorer "
                             "build-assets' to rebuild them")
        self._plans: dict[tuple[tuple[str, ...], bool], _Plan] = {}
        self._plan(tuple(self._specs))
        groups: dict[str, list[str]] = {}
        for sid, body in assets.bodies.items():
            if body and sid in assets.meshes and sid not in self._specs:
                groups.setdefault(body, []).append(sid)
        self._rigid: list[_RigidGroup] = []
        for body, ids in groups.items():
            rest_tf = np.asarray(self._rest.bodies[body], dtype=np.float64)
            self._rigid.append(_RigidGroup(body, ids, rest_tf))
        self._rest_inv = [np.linalg.inv(g.rest) for g in self._rigid]  # once, not every pose

    def prepare_coarse(self) -> None:
        """Build the plan for coarse poses (``pose(coarse=True)``) ahead of the first one."""
        self._plan(tuple(self._specs), coarse=True)

    @property
    def sweep_ids(self) -> list[str]:
        """Ids of the structures that deform (muscles, tendons, nerves, vessels)."""
        return list(self._specs)

    def _plan(self, ids: tuple[str, ...], coarse: bool = False) -> _Plan:
        if (ids, coarse) in self._plans:
            return self._plans[ids, coarse]
        specs = [self._specs[i] for i in ids]
        other = self._plans.get((ids, not coarse))  # (the same stations, coarse or full)
        batch = other.batch if other is not None else StationBatch(
            specs, self._rest, self.params.axis_bodies)
        centres, frames, _ = batch.compute(self._rest, _fallback(self._rest))
        locals_, normals, stations, bellies, structs, faces, vols = [], [], [], [], [], [], []
        thinned_ids = set()
        for k, (sid, spec) in enumerate(zip(ids, specs, strict=True)):
            mesh = self._assets.meshes[sid]
            keep, mesh_faces = np.arange(len(mesh.vertices)), mesh.faces
            thinned = sweep.coarse_tube(spec.stations, spec.ring) if coarse else None
            if thinned is not None:
                keep, mesh_faces = thinned
                thinned_ids.add(sid)
            vertices = mesh.vertices[keep].astype(np.float64)
            sidx = sweep.station_of_vertex(spec.stations, spec.ring)[keep] + batch.offsets[k]
            rel = vertices - centres[sidx]
            locals_.append(np.einsum("nji,nj->ni", frames[sidx], rel))
            rest_normals = mesh.normals[keep].astype(np.float64)
            normals.append(np.einsum("nji,nj->ni", frames[sidx], rest_normals))
            stations.append(sidx)
            bellies.append(sweep.profile(spec)[2][sidx - batch.offsets[k]])
            structs.append(np.full(len(sidx), k))
            faces.append(mesh_faces)
            vols.append(volume(vertices, mesh_faces))
        counts = [len(s) for s in stations]
        plan = _Plan(
            list(ids), batch, np.concatenate(locals_), np.concatenate(normals),
            np.concatenate(stations),
            np.concatenate(bellies), np.concatenate(structs),
            np.cumsum(counts)[:-1], faces, np.array(vols),
            np.array([s.kind == "muscle" for s in specs]),
            *self._muscle_faces(specs, faces, counts), frozenset(thinned_ids),
        )
        self._plans[ids, coarse] = plan
        return plan

    @staticmethod
    def _muscle_faces(
        specs: list[SweepSpec], faces: list[np.ndarray], counts: list[int]
    ) -> tuple[np.ndarray, np.ndarray]:
        gf, fs, off = [], [], 0
        for k, (spec, f, n) in enumerate(zip(specs, faces, counts, strict=True)):
            if spec.kind == "muscle":
                gf.append(f + off)
                fs.append(np.full(len(f), k))
            off += n
        if not gf:
            return np.zeros((0, 3), dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(gf).astype(np.int64), np.concatenate(fs)

    @staticmethod
    def _volumes(plan: _Plan, verts: np.ndarray, only: np.ndarray | None = None) -> np.ndarray:
        """Volume of each muscle of the plan (0 for others; ``only``: mask of structures)."""
        gf, fs = plan.gfaces, plan.face_struct
        if only is not None:
            keep = only[fs]
            gf, fs = gf[keep], fs[keep]
        v = verts.astype(np.float32)
        # take: row gathers by fancy indexing are slow
        a, b, c = (np.take(v, gf[:, k], axis=0) for k in range(3))
        six = (a[:, 0] * (b[:, 1] * c[:, 2] - b[:, 2] * c[:, 1])
               + a[:, 1] * (b[:, 2] * c[:, 0] - b[:, 0] * c[:, 2])
               + a[:, 2] * (b[:, 0] * c[:, 1] - b[:, 1] * c[:, 0]))
        return np.bincount(fs, weights=six, minlength=len(plan.ids)) / 6.0

    def deform_sweeps(self, pose: PoseLike, ids: list[str] | None = None) -> dict[str, np.ndarray]:
        """New float32 vertices of the swept structures (all, or ``ids``) for a pose."""
        return self._sweep(pose, ids, with_normals=False)[0]

    def _sweep(
        self, pose: PoseLike, ids: list[str] | None, with_normals: bool, coarse: bool = False
    ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        plan = self._plan(tuple(ids) if ids else tuple(self._specs), coarse)
        centres, frames, lengths = plan.batch.compute(pose, _fallback(pose))
        lam_b = 1.0 / np.sqrt(plan.batch.belly_ratios(lengths))
        scale = 1.0 + (lam_b[plan.struct_v] - 1.0) * plan.belly_v
        local = plan.local.copy()
        local[:, :2] *= scale[:, None]
        verts = sweep.place(centres, frames, local, plan.station)
        if len(plan.gfaces):
            # correct what the length ratio misses (bends, tapers): muscles keep their volume
            weight = np.clip(plan.belly_v * 3.0, 0.0, 1.0)
            only = None
            for attempt in range(3):
                vol = self._volumes(plan, verts, only)
                ratio = np.where(vol > 0, plan.rest_volume / np.maximum(vol, 1e-12), 1.0)
                err = np.abs(ratio - 1.0)
                # one step usually suffices; repeat only while a muscle is far off (sharp bends)
                limit = VOLUME_TOLERANCE if attempt == 0 else 3 * VOLUME_TOLERANCE
                off = plan.is_muscle & (err > limit) & (vol > 0)
                if only is not None:
                    off &= only
                if not off.any():
                    break
                only = off
                sel = np.flatnonzero(off[plan.struct_v])
                c = 1.0 + (np.sqrt(ratio[plan.struct_v[sel]]) - 1.0) * weight[sel]
                local[sel, :2] *= c[:, None]
                scale[sel] *= c
                verts[sel] = sweep.place(centres, frames, local[sel], plan.station[sel])
        out = dict(zip(plan.ids, np.split(verts.astype(np.float32), plan.splits), strict=True))
        if not with_normals:
            return out, {}
        # A cross-section scaled by s in its plane turns normals by diag(1/s, 1/s, 1).
        local_n = plan.local_normals.copy()
        local_n[:, :2] /= scale[:, None]
        normals = np.einsum("nij,nj->ni", np.take(frames, plan.station, axis=0), local_n)
        normals /= np.maximum(norms(normals, keepdims=True), 1e-20)
        return out, dict(
            zip(plan.ids, np.split(normals.astype(np.float32), plan.splits), strict=True)
        )

    def rigid_transforms(self, pose: PoseLike) -> dict[str, np.ndarray]:
        """4x4 transforms taking each bone's and patch's rest vertices to the pose."""
        out = {}
        for g, inv in zip(self._rigid, self._rest_inv, strict=True):
            tf = np.asarray(pose.bodies[g.body], dtype=np.float64) @ inv
            for sid in g.ids:
                out[sid] = tf
        return out

    def pose(
        self, pose: PoseLike, coarse: bool = False, full: tuple[str, ...] = ()
    ) -> PosedMeshes:
        """Every mesh in a pose: transforms for rigid ones, vertices and normals for the rest.

        ``coarse=True`` computes only the coarse tube inside each swept mesh (about a quarter
        of the work, for frames drawn while a slider moves), except for the ids in ``full``.
        """
        vertices, normals = self._sweep(pose, None, with_normals=True, coarse=coarse)
        thinned = self._plan(tuple(self._specs), coarse).coarse
        full = tuple(sid for sid in full if sid in self._specs and sid in thinned)
        if full:
            more_vertices, more_normals = self._sweep(pose, list(full), with_normals=True)
            vertices.update(more_vertices)
            normals.update(more_normals)
            thinned = thinned - set(full)
        return PosedMeshes(self.rigid_transforms(pose), vertices, normals, thinned)

    def deform_rigid(self, pose: PoseLike) -> dict[str, np.ndarray]:
        """New float32 vertices of bones and patches for a pose (their transforms applied)."""
        out = {}
        for sid, tf in self.rigid_transforms(pose).items():
            rest = self._assets.meshes[sid].vertices.astype(np.float64)
            out[sid] = (rest @ tf[:3, :3].T + tf[:3, 3]).astype(np.float32)
        return out

    def deform(self, pose: PoseLike) -> dict[str, np.ndarray]:
        """New float32 vertices of every mesh for a pose (faces are unchanged)."""
        out = self.deform_rigid(pose)
        out.update(self.deform_sweeps(pose))
        return out
