"""Pose the built meshes without rebuilding them.

Bones and attachment patches move rigidly with their body. Swept structures (muscles, tendons,
nerves, vessels) keep each vertex's offset in its station's frame; a pose moves the stations
along the new path and rescales the belly's cross-section by sqrt(rest / posed belly length), so a
shortening belly thickens and the volume stays nearly constant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from calfexplorer.geometry import sweep
from calfexplorer.geometry.mesh import volume
from calfexplorer.geometry.params import GeometryParams, SweepSpec, load_params
from calfexplorer.geometry.source import PoseLike, body_rt, rest_pose


@dataclass
class _SweepRig:
    spec: SweepSpec
    local: np.ndarray  # (n, 3) offsets in station frames at rest
    station: np.ndarray  # (n,) station index of each vertex
    belly: np.ndarray  # (stations,) belly weight 0..1
    rest_lengths: np.ndarray
    faces: np.ndarray
    rest_volume: float


@dataclass
class _RigidGroup:
    body: str
    ids: list[str]
    splits: np.ndarray
    local: np.ndarray  # vertices in the body frame, all ids concatenated


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
        rest = rest or rest_pose()
        self._axis_bodies = self.params.axis_bodies
        fallback = _fallback(rest)
        axis = sweep.leg_axis(rest, self._axis_bodies)
        self._sweeps: dict[str, _SweepRig] = {}
        specs = {s.id: s for s in self.params.sweeps}
        for sid, mesh in assets.meshes.items():
            spec = specs.get(sid)
            if spec is None:
                continue
            n_ring = spec.stations * spec.ring + 2
            if len(mesh.vertices) != n_ring:
                continue  # built with other parameters; leave it rigid-free (stale assets)
            st = sweep.compute_stations(spec, rest, None, axis, fallback)
            sidx = sweep.station_of_vertex(spec.stations, spec.ring)
            rel = mesh.vertices.astype(np.float64) - st.centres[sidx]
            local = np.einsum("nji,nj->ni", st.frames[sidx], rel)
            belly = sweep.profile(spec)[2]
            vol = volume(mesh.vertices, mesh.faces)
            self._sweeps[sid] = _SweepRig(spec, local, sidx, belly, st.lengths, mesh.faces, vol)
        groups: dict[str, list[str]] = {}
        for sid, body in assets.bodies.items():
            if body and sid in assets.meshes and sid not in self._sweeps:
                groups.setdefault(body, []).append(sid)
        self._rigid: list[_RigidGroup] = []
        for body, ids in groups.items():
            rot, pos = body_rt(rest, body)
            verts = [assets.meshes[i].vertices.astype(np.float64) for i in ids]
            local = (np.concatenate(verts) - pos) @ rot
            splits = np.cumsum([len(v) for v in verts])[:-1]
            self._rigid.append(_RigidGroup(body, ids, splits, local))

    @property
    def sweep_ids(self) -> list[str]:
        """Ids of the structures that deform (muscles, tendons, nerves, vessels)."""
        return list(self._sweeps)

    def deform_sweeps(self, pose: PoseLike, ids: list[str] | None = None) -> dict[str, np.ndarray]:
        """New float32 vertices of the swept structures for a pose."""
        axis = sweep.leg_axis(pose, self._axis_bodies)
        fallback = _fallback(pose)
        out = {}
        for sid in ids or self._sweeps:
            rig = self._sweeps[sid]
            st = sweep.compute_stations(rig.spec, pose, rig.rest_lengths, axis, fallback)
            ratios = [sweep.belly_length_ratio(rig.spec, r, n)
                      for r, n in zip(rig.rest_lengths, st.lengths, strict=True)]
            lam_b = 1.0 / np.sqrt(np.mean(ratios))
            lam = 1.0 + (lam_b - 1.0) * rig.belly  # per station
            scale = lam[rig.station]
            local = rig.local * np.stack([scale, scale, np.ones_like(scale)], axis=1)
            verts = sweep.place(st, local, rig.station)
            if rig.spec.kind == "muscle" and rig.rest_volume > 0:
                # correction steps for what the length ratio misses (bends, tapers)
                weight = np.clip(rig.belly * 3.0, 0.0, 1.0)
                for _ in range(3):
                    vol = volume(verts, rig.faces)
                    if vol <= 0 or abs(vol / rig.rest_volume - 1.0) < 0.01:
                        break
                    lam2 = 1.0 + (np.sqrt(rig.rest_volume / vol) - 1.0) * weight
                    s2 = lam2[rig.station]
                    local = local * np.stack([s2, s2, np.ones_like(s2)], axis=1)
                    verts = sweep.place(st, local, rig.station)
            out[sid] = verts.astype(np.float32)
        return out

    def deform_rigid(self, pose: PoseLike) -> dict[str, np.ndarray]:
        """New float32 vertices of bones and patches for a pose."""
        out = {}
        for g in self._rigid:
            rot, pos = body_rt(pose, g.body)
            world = (g.local @ rot.T + pos).astype(np.float32)
            for sid, part in zip(g.ids, np.split(world, g.splits), strict=True):
                out[sid] = part
        return out

    def deform(self, pose: PoseLike) -> dict[str, np.ndarray]:
        """New float32 vertices of every mesh for a pose (faces are unchanged)."""
        out = self.deform_rigid(pose)
        out.update(self.deform_sweeps(pose))
        return out


def _fallback(pose: PoseLike) -> np.ndarray:
    rot, _ = body_rt(pose, "tibia_r")
    return np.asarray(rot)[:, 0]
