"""Fit BodyParts3D bones onto MyoLeg bone meshes by a similarity transform (trimmed ICP)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

MM = 0.001  # BodyParts3D millimetres -> metres
KEEP = 0.9  # share of closest point pairs each ICP step fits


@dataclass(frozen=True)
class Fit:
    """A similarity transform x_model = scale * R @ x_bp3d + t (BodyParts3D mm -> model m).

    ``mean_mm`` and ``p95_mm``: distance of the fitted BodyParts3D vertices to the model's
    surface, in millimetres of the model. ``iterations``: ICP steps taken.
    """

    scale: float
    rotation: np.ndarray
    translation: np.ndarray
    mean_mm: float
    p95_mm: float
    iterations: int

    @property
    def matrix(self) -> np.ndarray:
        """The 4x4 homogeneous matrix (input in mm, output in m)."""
        m = np.eye(4)
        m[:3, :3] = self.scale * self.rotation
        m[:3, 3] = self.translation
        return m

    def apply(self, points: np.ndarray) -> np.ndarray:
        """Map BodyParts3D points (mm) into the model's world frame (m)."""
        return (self.scale * (np.asarray(points, np.float64) @ self.rotation.T)) + self.translation

    def measured(self, source_mm: np.ndarray, target: np.ndarray, iterations: int = 0) -> Fit:
        """This transform with its error measured for ``source_mm`` against ``target``."""
        dist = cKDTree(target).query(self.apply(source_mm))[0] / MM
        return Fit(self.scale, self.rotation, self.translation, float(dist.mean()),
                   float(np.percentile(dist, 95)), iterations)


def umeyama(src: np.ndarray, dst: np.ndarray, scale: float | None = None) -> tuple[
        float, np.ndarray, np.ndarray]:
    """Least-squares similarity (s, R, t) with dst ~ s R src + t; ``scale`` fixes s."""
    mu_s, mu_d = src.mean(0), dst.mean(0)
    a, b = src - mu_s, dst - mu_d
    u, sig, vt = np.linalg.svd(b.T @ a / len(src))
    d = np.ones(3)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        d[2] = -1.0
    rot = u @ np.diag(d) @ vt
    if scale is None:
        scale = float((sig * d).sum() / (a**2).sum(axis=1).mean())
    return scale, rot, mu_d - scale * rot @ mu_s


def registration_samples(vertices: np.ndarray, faces: np.ndarray, spacing: float
                         ) -> np.ndarray:
    """Points covering a triangle mesh at about ``spacing`` apart (vertices included), as
    the bone fits sample them: each triangle a regular barycentric grid fine enough for its
    size, at most 64 steps, its corners left out (the fits depend on this order; elsewhere
    :func:`calfexplorer.geometry.implicit.surface_samples`)."""
    tri = vertices[faces]
    edge = np.linalg.norm(tri - np.roll(tri, 1, axis=1), axis=2).max(axis=1)
    out = [vertices]
    steps = np.clip(np.ceil(edge / spacing).astype(int), 1, 64)
    for n in np.unique(steps[steps > 1]):
        i, j = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
        corner = ((i == 0) & (j == 0)) | ((i == n) & (j == 0)) | ((i == 0) & (j == n))
        keep = (i + j <= n) & ~corner  # the corners are the mesh's own vertices
        w1, w2 = i[keep] / n, j[keep] / n
        w0 = 1.0 - w1 - w2
        t = tri[steps == n]
        pts = (w0[None, :, None] * t[:, None, 0] + w1[None, :, None] * t[:, None, 1]
               + w2[None, :, None] * t[:, None, 2])
        out.append(pts.reshape(-1, 3))
    return np.concatenate(out)


def fit_similarity(
    source_mm: np.ndarray,
    target: np.ndarray,
    scale: float | None = None,
    max_iter: int = 60,
    max_points: int = 6000,
) -> Fit:
    """Fit BodyParts3D points (mm) onto dense model surface points ``target`` (m).

    Starts from the centroids with the axes as they are (both frames share them); each step
    pairs every source point with its closest target point and fits the closest ``KEEP`` of the
    pairs. ``scale`` (model m per BodyParts3D mm) fixes the scale instead of fitting it.
    """
    src = np.asarray(source_mm, np.float64)
    if len(src) > max_points:  # evenly thinned, deterministic
        src = src[np.linspace(0, len(src) - 1, max_points).astype(int)]
    tree = cKDTree(target)
    back = target[np.linspace(0, len(target) - 1, min(len(target), max_points)).astype(int)]
    n_keep, b_keep = int(KEEP * len(src)), int(KEEP * len(back))
    s = MM if scale is None else scale
    rot = np.eye(3)
    t = target.mean(0) - s * src.mean(0)
    last = np.inf
    it = 0
    while it < max_iter:
        it += 1
        moved = s * src @ rot.T + t
        # (workers: the queries spread over the cores, the build's other one idle meanwhile)
        dist, idx = tree.query(moved, workers=-1)
        fwd = np.argsort(dist)[:n_keep]
        # the reverse pairs keep the fit from shrinking the bone into part of the target
        bdist, bidx = cKDTree(moved).query(back, workers=-1)
        bwd = np.argsort(bdist)[:b_keep]
        s, rot, t = umeyama(
            np.concatenate([src[fwd], src[bidx[bwd]]]),
            np.concatenate([target[idx[fwd]], back[bwd]]),
            scale,
        )
        err = float(dist[fwd].mean() + bdist[bwd].mean())
        if abs(last - err) < 1e-7:
            break
        last = err
    return Fit(s, rot, t, 0.0, 0.0, it).measured(source_mm, target, it)
