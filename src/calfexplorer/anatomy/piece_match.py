"""Carrying a place on a bone of several pieces (toes, metatarsals, cuneiforms) from the model's
bone to the same place on the pack's.

Both skeletons lie in one frame after registration, but their small foot bones differ by more
than a piece's own length: the pack's great toe ends 30 mm behind MyoLeg's, so the pack bone's
point nearest to the base of the model's distal phalanx was the tip of the pack's. Here each
model piece is matched to a pack piece (same toe, same phalanx) and a point keeps its place
relative to its piece: the base stays the base, the dorsal side the dorsal side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from calfexplorer.anatomy.register import umeyama
from calfexplorer.geometry.mesh import Mesh
from calfexplorer.geometry.mesh_graph import components

#: Fewest faces a piece needs to count (the pack's phalanges carry a stray sliver).
MIN_PIECE_FACES = 20
#: Fewest pieces for which the nearest point is not enough (tibia and fibula fit within mm).
MIN_PIECES = 3
#: Mean distance (m) between matched piece centres, after their similarity fit, above which the
#: pieces are taken not to correspond and nothing is carried.
MAX_MATCH_M = 0.012


@dataclass(frozen=True)
class _Piece:
    vertices: np.ndarray  # indices into the bone's vertices
    centre: np.ndarray  # middle of its extent along ``axes``
    axes: np.ndarray  # rows: principal directions
    half: np.ndarray  # half extent along each axis


def box(points: np.ndarray, axes: np.ndarray | None = None) -> _Piece:
    """The box round ``points`` along ``axes`` (rows; default: their principal directions)."""
    return _piece(points, np.arange(len(points)), axes)


def _piece(points: np.ndarray, index: np.ndarray, axes: np.ndarray | None = None) -> _Piece:
    p = points[index]
    if axes is None:
        _, _, axes = np.linalg.svd(p - p.mean(0), full_matrices=False)
    local = (p - p.mean(0)) @ axes.T
    lo, hi = local.min(0), local.max(0)
    centre = p.mean(0) + ((lo + hi) / 2) @ axes
    return _Piece(index, centre, axes, np.maximum((hi - lo) / 2, 1e-6))


def _pieces(bone: Mesh) -> list[np.ndarray]:
    return [np.unique(bone.faces[f]) for f in components(bone.vertices, bone.faces)
            if len(f) >= MIN_PIECE_FACES]


class PieceCarrier:
    """Takes points on a model bone to the same place on the matching piece of a pack bone."""

    def __init__(self, model: Mesh, pack: Mesh, pieces: tuple[list[np.ndarray], list[np.ndarray]],
                 pairs: list[tuple[int, int]], rotation: np.ndarray) -> None:
        mv = model.vertices.astype(np.float64)
        self._pack_points = pack.vertices.astype(np.float64)
        m_idx, p_idx = pieces
        self._model = [_piece(mv, m_idx[i]) for i, _ in pairs]
        self._pack = [_piece(self._pack_points, p_idx[j], self._model[k].axes @ rotation.T)
                      for k, (_, j) in enumerate(pairs)]
        owner = np.full(len(mv), -1)
        for k, piece in enumerate(self._model):
            owner[piece.vertices] = k
        self._owner = owner
        self._model_points = mv

    def pairs(self) -> list[tuple[_Piece, _Piece]]:
        """Each model piece with its matching pack piece (boxes along the same axes)."""
        return list(zip(self._model, self._pack, strict=True))

    def __call__(self, point: np.ndarray) -> np.ndarray:
        """The pack bone's vertex at ``point``'s place (given on or near the model bone)."""
        d = np.linalg.norm(self._model_points - point, axis=1)
        d[self._owner < 0] = np.inf
        k = int(self._owner[int(np.argmin(d))])
        src, dst = self._model[k], self._pack[k]
        u = (src.axes @ (point - src.centre)) / src.half
        target = dst.centre + (u * dst.half) @ dst.axes
        mine = self._pack_points[dst.vertices]
        return mine[int(np.argmin(np.linalg.norm(mine - target, axis=1)))]


def piece_carrier(model: Mesh, pack: Mesh) -> PieceCarrier | str | None:
    """A carrier where both bones have the same several pieces and they match up; None where
    the model bone has too few pieces for the nearest point not to do; else why the pieces do
    not correspond (the nearest point is then all there is)."""
    m_idx, p_idx = _pieces(model), _pieces(pack)
    if len(m_idx) < MIN_PIECES:
        return None
    if len(m_idx) != len(p_idx):
        return f"{len(p_idx)} pieces against the built-in bone's {len(m_idx)}"
    mc = np.array([model.vertices[i].astype(np.float64).mean(0) for i in m_idx])
    pc = np.array([pack.vertices[i].astype(np.float64).mean(0) for i in p_idx])
    moved = mc - mc.mean(0) + pc.mean(0)
    rotation = np.eye(3)
    pairs: list[tuple[int, int]] = []
    for _ in range(8):
        cost = np.linalg.norm(moved[:, None] - pc[None], axis=2)
        rows, cols = linear_sum_assignment(cost)
        found = [(int(i), int(j)) for i, j in zip(rows, cols, strict=True)]
        scale, rotation, shift = umeyama(mc[rows], pc[cols])
        moved = scale * mc @ rotation.T + shift
        if found == pairs:
            break
        pairs = found
    residual = np.linalg.norm(moved[[i for i, _ in pairs]] - pc[[j for _, j in pairs]], axis=1)
    if residual.mean() > MAX_MATCH_M:
        return (f"its {len(p_idx)} pieces lie {residual.mean() * 1000:.0f} mm from the built-in "
                f"bone's on average after their fit (over {MAX_MATCH_M * 1000:.0f} mm)")
    return PieceCarrier(model, pack, (m_idx, p_idx), pairs, rotation)
