"""Pose the pack's soft tissue from a model pose: a few vectorised steps for all structures.

Path-bound vertices follow their tracks' stations and frames; each cross-section is scaled by
1/sqrt(stretch) of its stretch along the track, so a lengthening muscle thins and keeps its
volume. Bone-bound vertices move with their bones' rigid transforms (blended for vessels).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from calfexplorer.anatomy.binding import Level, PackBinding
from calfexplorer.anatomy.tracks import evaluate


def _stretch(centres: np.ndarray, rest_centres: np.ndarray) -> np.ndarray:
    """Stretch (T, N) of each station: posed over rest spacing of its neighbours."""
    def spacing(c: np.ndarray) -> np.ndarray:
        seg = np.linalg.norm(np.diff(c, axis=1), axis=2)
        pad = np.concatenate([seg[:, :1], seg, seg[:, -1:]], axis=1)
        return 0.5 * (pad[:, :-1] + pad[:, 1:])

    return spacing(centres) / np.maximum(spacing(rest_centres), 1e-12)


#: A muscle whose volume is off by more than this is corrected once.
VOLUME_TOLERANCE = 0.01


class _Prepared:
    """One level's rows in the shape posing wants them (float32, grouped by body)."""

    def __init__(self, lev: Level) -> None:
        self.total = int(lev.starts[-1])
        p, r = lev.path, lev.rigid
        self.p_vertex, self.p_j = p.vertex, p.driver
        self.p_w = p.frac.astype(np.float32)[:, None]
        self.p_local = p.local.astype(np.float32)
        self.p_weight = p.weight.astype(np.float32)[:, None]
        self.r_groups = [(b, np.flatnonzero(r.driver == b)) for b in np.unique(r.driver)]
        self.r_vertex, self.r_local = r.vertex, r.local
        self.r_weight = r.weight[:, None]
        rows = np.bincount(np.concatenate([p.vertex, r.vertex]), minlength=self.total)
        self.p_sole = rows[p.vertex] == 1
        self.r_sole = rows[r.vertex] == 1
        # structures posed by paths alone: their volume is measured and kept
        self.p_struct = np.searchsorted(lev.starts, p.vertex, side="right") - 1
        kept = sorted(set(self.p_struct.tolist()) - set(
            (np.searchsorted(lev.starts, r.vertex, side="right") - 1).tolist()))
        self.kept = np.array(kept, np.int64)
        faces = [lev.faces[lev.ids[k]] + lev.starts[k] for k in kept]
        self.faces = np.concatenate(faces) if faces else np.zeros((0, 3), np.int64)
        self.face_struct = np.concatenate([np.full(len(f), k) for k, f in zip(
            kept, faces, strict=True)]) if faces else np.zeros(0, np.int64)
        self.n_struct = len(lev.ids)
        self.rest_volume = np.zeros(0)

    def volumes(self, v: np.ndarray) -> np.ndarray:
        """Signed volume of each structure (0 for those not measured)."""
        a, b, c = v[self.faces[:, 0]], v[self.faces[:, 1]], v[self.faces[:, 2]]
        six = (a * np.cross(b, c)).sum(1)
        return np.bincount(self.face_struct, six, minlength=self.n_struct) / 6.0


class PackPoser:
    """Poses one :class:`PackBinding`; keeps the rest centrelines it measures stretch against."""

    def __init__(self, binding: PackBinding, rest: Any) -> None:
        self.binding = binding
        self._rest_centres = evaluate(binding.tracks, rest)[0] if binding.tracks else None
        self._rest_inv = np.linalg.inv(binding.rest_bodies)
        self._levels = {False: _Prepared(binding.full), True: _Prepared(binding.coarse)}
        for coarse, prep in self._levels.items():
            lev = binding.coarse if coarse else binding.full
            rest_v = np.concatenate([lev.rest[sid] for sid in lev.ids]) \
                if lev.ids else np.zeros((0, 3))
            prep.rest_volume = prep.volumes(rest_v)

    def pose(self, state: Any, coarse: bool = False) -> dict[str, np.ndarray]:
        """Vertices (float32, metres, world frame) of every bound structure at ``state``.

        ``coarse=True`` poses the decimated meshes (faces in ``binding.coarse.faces``).
        """
        b = self.binding
        prep = self._levels[coarse]
        out = np.zeros((prep.total, 3), np.float32)
        if len(prep.p_j):
            centres, frames = evaluate(b.tracks, state)
            scale = 1.0 / np.sqrt(np.maximum(_stretch(centres, self._rest_centres), 1e-6))
            table = np.concatenate([centres.reshape(-1, 3), frames.reshape(-1, 9),
                                    scale.reshape(-1, 1)], axis=1).astype(np.float32)
            self._place_path(prep, table, out, None)
            vol = prep.volumes(out)
            ratio = np.where(np.abs(vol) > 1e-12, prep.rest_volume / np.where(
                np.abs(vol) > 1e-12, vol, 1.0), 1.0)
            if (np.abs(ratio[prep.kept] - 1.0) > VOLUME_TOLERANCE).any():
                # what the stretch misses (bends): one correction of each cross-section
                out[prep.p_vertex] = 0.0
                self._place_path(prep, table, out, np.sqrt(np.clip(ratio, 0.5, 2.0)))
        if prep.r_groups:
            self._place_rigid(prep, state, out)
        return _split(b.coarse if coarse else b.full, out)

    @staticmethod
    def _place_path(prep: _Prepared, table: np.ndarray, out: np.ndarray,
                    correct: np.ndarray | None) -> None:
        w = prep.p_w
        g = table[prep.p_j] * (1 - w) + table[prep.p_j + 1] * w  # centre, frame, scale
        loc = prep.p_local
        sc = g[:, 12] if correct is None else g[:, 12] * correct[prep.p_struct].astype(
            np.float32)
        x, y, z = loc[:, 0] * sc, loc[:, 1] * sc, loc[:, 2]
        pts = g[:, 0:3] + g[:, 3:12:3] * x[:, None] + g[:, 4:12:3] * y[:, None] \
            + g[:, 5:12:3] * z[:, None]
        _accumulate(out, prep.p_vertex, pts, prep.p_weight, prep.p_sole)

    def _place_rigid(self, prep: _Prepared, state: Any, out: np.ndarray) -> None:
        names = self.binding.bodies
        pts = np.empty_like(prep.r_local)
        for b, idx in prep.r_groups:
            d = np.asarray(state.bodies[names[b]], np.float64) @ self._rest_inv[b]
            pts[idx] = prep.r_local[idx] @ d[:3, :3].T + d[:3, 3]
        _accumulate(out, prep.r_vertex, pts, prep.r_weight, prep.r_sole)


def _accumulate(out: np.ndarray, vertex: np.ndarray, pts: np.ndarray, weight: np.ndarray,
                sole: np.ndarray) -> None:
    """Add weighted row positions into ``out`` (rows alone on their vertex are copied)."""
    out[vertex[sole]] = pts[sole]
    shared = ~sole
    if shared.any():
        v, wp = vertex[shared], pts[shared] * weight[shared]
        for k in range(3):
            out[:, k] += np.bincount(v, wp[:, k], minlength=len(out)).astype(np.float32)


def _split(lev: Level, v: np.ndarray) -> dict[str, np.ndarray]:
    return {sid: v[lev.starts[k]:lev.starts[k + 1]] for k, sid in enumerate(lev.ids)}


def pose_pack(poser: PackPoser, state: Any, coarse: bool = False) -> dict[str, np.ndarray]:
    """Vertices of every soft-tissue structure of the pack at ``state`` (a PoseState)."""
    return poser.pose(state, coarse)
