"""The skin's blend across the knee: each vertex's weights over the bodies it follows, falling
smoothly from the knee into the thigh and the leg, and dual-quaternion posing with them.

Posed rigidly, vertex by vertex with its nearest bone's body, the skin parted at the bent knee:
the thigh's skin ended in a sharp-edged tube in front, skin edges stretched across the gap (up
to 14 cm long) and the patella showed through. Dual quaternions (not a linear blend of the
matrices, which shrinks the knee as it bends) turn a vertex between the thigh and the leg by a
share of the knee's turn, keeping its distance from the joint. The blend is wide in front of
the knee and narrow behind it, where the two segments' skin folds into itself."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy import sparse
from scipy.sparse import linalg as splinalg

from calfexplorer.geometry.mesh_graph import face_edges, neighbour_average

#: The bodies blended with one another across the knee; the others (the foot's) stay rigid.
KNEE_BODIES = ("femur_r", "tibia_r", "patella_r")
#: The body whose origin (rest pose) is the knee's joint.
KNEE_BODY = "tibia_r"
#: How far each knee body's weight spreads into its neighbours' over the mesh's edges in front
#: of the knee: the variance of its diffusion, in squared edge lengths (more: a wider blend;
#: 150, about 5 cm each side of the joint on the built-in skin), so the front wraps the
#: patella in one round surface.
SPREAD = 150.0
#: ... and behind it, where the thigh's and the calf's skin fold into each other: each keeps
#: covering its own muscles (blended as widely as in front, the back of the thigh's skin turned
#: with the leg and bared the heads of gastrocnemius: 3-5 % of the muscle vertices outside the
#: skin at knee 90 and 120, against 2-3 %).
BACK_SPREAD = 15.0
#: Over how much of the knee's depth (m) the spread changes from the front's to the back's,
#: centred on the knee's joint.
FRONT_TO_BACK = 0.04
#: Implicit diffusion steps that make the spread (a smoother fall than one).
STEPS = 3


def blend_weights(faces: np.ndarray, body_of: np.ndarray, bodies: Sequence[str],
                  spread: float = SPREAD, back: tuple[np.ndarray, float] | None = None,
                  back_spread: float = BACK_SPREAD) -> np.ndarray:
    """Each vertex's weight per body (n, len(bodies)), summing to 1: its own body's alone, but
    across the knee (:data:`KNEE_BODIES`) a smooth mix diffused over the mesh's edges
    (``spread``: the diffusion's variance in squared edges). ``back``: the vertices (rest
    pose, metres; -y anterior) and the knee joint's y, to spread by ``back_spread`` behind
    the knee (the change over :data:`FRONT_TO_BACK`)."""
    if back is not None:
        vertices, knee_y = back
        t = np.clip((vertices[:, 1] - knee_y) / FRONT_TO_BACK + 0.5, 0.0, 1.0)[:, None]
        t = t * t * (3 - 2 * t)
        return (1 - t) * blend_weights(faces, body_of, bodies, spread) \
            + t * blend_weights(faces, body_of, bodies, back_spread)
    n, nb = len(body_of), len(bodies)
    weights = np.zeros((n, nb))
    weights[np.arange(n), body_of] = 1.0
    columns = np.asarray([j for j, b in enumerate(bodies) if b in KNEE_BODIES], dtype=np.intp)
    knee = np.flatnonzero(np.isin(body_of, columns))
    if not len(knee) or spread <= 0:
        return weights
    # the knee's vertices alone (its weights do not leak into the foot's), renumbered
    local = np.full(n, -1)
    local[knee] = np.arange(len(knee))
    e = local[face_edges(faces)]
    m = len(knee)
    walk = neighbour_average(e[(e >= 0).all(axis=1)], m)
    # a few implicit diffusion steps (one factorisation; hundreds of explicit passes took a
    # second)
    tau = spread / STEPS
    solve = splinalg.splu((sparse.diags(np.full(m, 1.0 + tau)) - tau * walk).tocsc()).solve
    w = weights[np.ix_(knee, columns)]
    for _ in range(STEPS):
        w = np.clip(solve(w), 0.0, None)
    weights[np.ix_(knee, columns)] = w / w.sum(axis=1, keepdims=True)
    return weights


def dual_quaternions(transforms: np.ndarray) -> np.ndarray:
    """Unit dual quaternions (k, 8: real w x y z, dual w x y z) of rigid 4x4 ``transforms``,
    all in one hemisphere (so that they blend the short way round)."""
    q = np.stack([_quaternion(m) for m in transforms[:, :3, :3]])
    q[q @ q[0] < 0] *= -1
    t = transforms[:, :3, 3]
    d = 0.5 * _multiply(np.column_stack([np.zeros(len(t)), t]), q)
    return np.hstack([q, d])


def _quaternion(m: np.ndarray) -> np.ndarray:
    """The unit quaternion (w x y z) of a rotation matrix."""
    tr = np.trace(m)
    if tr > 0:
        s = 2 * np.sqrt(tr + 1)
        return np.array([s / 4, (m[2, 1] - m[1, 2]) / s, (m[0, 2] - m[2, 0]) / s,
                         (m[1, 0] - m[0, 1]) / s])
    i = int(np.argmax(np.diag(m)))
    j, k = (i + 1) % 3, (i + 2) % 3
    s = 2 * np.sqrt(1 + m[i, i] - m[j, j] - m[k, k])
    q = np.empty(4)
    q[0] = (m[k, j] - m[j, k]) / s
    q[1 + i] = s / 4
    q[1 + j] = (m[j, i] + m[i, j]) / s
    q[1 + k] = (m[k, i] + m[i, k]) / s
    return q


def _multiply(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Quaternion products a b, row by row (w x y z)."""
    aw, av = a[:, :1], a[:, 1:]
    bw, bv = b[:, :1], b[:, 1:]
    return np.hstack([aw * bw - np.sum(av * bv, axis=1, keepdims=True),
                      aw * bv + bw * av + np.cross(av, bv)])


class Blend:
    """Posing with blend ``weights`` (n, len(bodies); :func:`blend_weights`), laid out once for
    speed: the vertices with one body move rigidly with it, the others by their blended dual
    quaternion, component by component (a matrix product or ``np.cross`` over all the
    vertices took ten times as long on a busy machine)."""

    def __init__(self, weights: np.ndarray, bodies: Sequence[str]) -> None:
        self.weights = weights
        self.bodies = tuple(bodies)
        mixed = weights.max(axis=1) < 1.0 - 1e-6
        self.mixed = np.flatnonzero(mixed)
        own = weights.argmax(axis=1)
        self.rigid = [np.flatnonzero(~mixed & (own == j)) for j in range(len(self.bodies))]
        self.used = np.flatnonzero(weights[self.mixed].max(axis=0) > 0) if len(self.mixed) \
            else np.zeros(0, np.intp)
        self.mixed_weights = np.ascontiguousarray(weights[self.mixed][:, self.used].T, np.float32)

    def pose(self, vertices: np.ndarray, rest_bodies: Mapping[str, np.ndarray],
             posed_bodies: Mapping[str, np.ndarray]) -> np.ndarray:
        """``vertices`` (rest pose, (n, 3)) moved by their bodies' moves from ``rest_bodies``
        to ``posed_bodies`` (4x4 body-to-world); float32."""
        moves = np.stack([np.asarray(posed_bodies[b], np.float64)
                          @ np.linalg.inv(np.asarray(rest_bodies[b], np.float64))
                          for b in self.bodies])
        v = np.asarray(vertices, np.float32)
        out = np.empty_like(v)
        for j, idx in enumerate(self.rigid):
            if len(idx):
                out[idx] = v[idx] @ moves[j, :3, :3].T.astype(np.float32) \
                    + moves[j, :3, 3].astype(np.float32)
        if len(self.mixed):
            out[self.mixed] = _blend(v[self.mixed], self.mixed_weights,
                                     dual_quaternions(moves[self.used]).astype(np.float32))
        return out


def _blend(v: np.ndarray, weights: np.ndarray, dq: np.ndarray) -> np.ndarray:
    """Points ``v`` (m, 3) moved by the dual quaternions ``dq`` (k, 8) blended by ``weights``
    (k, m)."""
    rw, rx, ry, rz, dw, dx, dy, dz = (sum(weights[j] * dq[j, c] for j in range(len(dq)))
                                      for c in range(8))
    inv = 1.0 / np.sqrt(rw * rw + rx * rx + ry * ry + rz * rz)
    rw, rx, ry, rz, dw, dx, dy, dz = (c * inv for c in (rw, rx, ry, rz, dw, dx, dy, dz))
    x, y, z = v[:, 0], v[:, 1], v[:, 2]
    cx = ry * z - rz * y + rw * x
    cy = rz * x - rx * z + rw * y
    cz = rx * y - ry * x + rw * z
    out = np.empty_like(v)
    out[:, 0] = x + 2 * (ry * cz - rz * cy + rw * dx - dw * rx + ry * dz - rz * dy)
    out[:, 1] = y + 2 * (rz * cx - rx * cz + rw * dy - dw * ry + rz * dx - rx * dz)
    out[:, 2] = z + 2 * (rx * cy - ry * cx + rw * dz - dw * rz + rx * dy - ry * dx)
    return out
