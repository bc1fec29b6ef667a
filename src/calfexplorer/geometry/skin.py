"""A closed, smooth skin envelope around the built-in leg, cut flat at mid-thigh.

The bones, muscles and tendons below the cut are dilated on a grid (less over bone, so the
subcutaneous face of the tibia and the malleoli lie close under the skin), the grooves between
muscles are bridged by a morphological closing, and the surface is extracted with
:func:`~calfexplorer.geometry.implicit.marching_tetrahedra`, smoothed and decimated. Each skin
vertex follows the body of its nearest bone, blended between the thigh's, the patella's and
the leg's across the knee (:mod:`calfexplorer.geometry.skin_blend`), so the scene can pose it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import ndimage
from scipy.spatial import cKDTree

from calfexplorer.geometry.bones import decimate
from calfexplorer.geometry.collide import BoneField, push_out
from calfexplorer.geometry.implicit import marching_tetrahedra, surface_samples, taubin_smooth
from calfexplorer.geometry.mesh import Mesh, edge_report, vertex_normals
from calfexplorer.geometry.skin_blend import KNEE_BODY, Blend, blend_weights
from calfexplorer.geometry.skin_knee import knee_angle_deg, knee_move
from calfexplorer.npz_cache import DAMAGED, write_npz

#: Structure kinds the skin wraps (vessels and nerves lie inside these or just under the skin).
KINDS = ("bone", "muscle", "tendon")


@dataclass(frozen=True)
class SkinParams:
    """How the skin is built (lengths in metres).

    ``top``: where the skin is cut, as a fraction of the femur's height from its lower end
    (0.5: mid-thigh). ``soft`` and ``bone``: tissue thickness over muscle and tendon, and over
    bone. ``closing``: radius that bridges grooves between neighbouring muscles; ``blur``: how
    much the field is smoothed before the surface is extracted.
    """

    spacing: float = 0.003
    soft: float = 0.004
    bone: float = 0.003
    closing: float = 0.025
    blur: float = 0.0015
    top: float = 0.5
    triangles: int = 30_000
    smooth_iterations: int = 12


@dataclass
class Skin:
    """The skin surface in the assets' frame (metres, rest pose) and the body each vertex follows.

    ``body_of`` indexes ``bodies`` per vertex (``bodies[skin.body_of]`` gives the names).
    ``cut_z``: height of the flat cut at the top.
    """

    vertices: np.ndarray  # (n, 3) float32
    faces: np.ndarray  # (m, 3) int32, outward-oriented, closed
    normals: np.ndarray  # (n, 3) float32
    bodies: tuple[str, ...]
    body_of: np.ndarray  # (n,) int32
    cut_z: float
    #: Knee angles (degrees, ascending) at which the skin moves out over the bent knee's
    #: tissue, and those moves (k, n, 3; rest frame, metres): :mod:`.skin_knee`. None: none.
    knee_grid: np.ndarray | None = None
    knee_moves: np.ndarray | None = None
    #: How the vertices blend between the bodies, made on first posing from the faces and
    #: bodies alone.
    _blend: Blend | None = dataclasses.field(default=None, init=False, repr=False,
                                             compare=False)

    def vertex_bodies(self) -> np.ndarray:
        """The body name of each vertex."""
        return np.asarray(self.bodies, dtype=object)[self.body_of]

    def posed_vertices(
        self, rest_bodies: dict[str, np.ndarray], posed_bodies: dict[str, np.ndarray],
        vertices: np.ndarray | None = None,
    ) -> np.ndarray:
        """Vertices moved with their bodies from the rest pose to another pose: rigidly, but
        blended between the thigh and the leg across the knee
        (:mod:`calfexplorer.geometry.skin_blend`), so the bent knee's skin stays one surface,
        and out over the bent knee's tissue by the learnt moves (:mod:`.skin_knee`).

        Both arguments map body name -> 4x4 body-to-world transform (``PoseState.bodies``).
        ``vertices``: other rest-pose vertices in the skin's order (default its own; the blend
        is made once, from the skin's own at the first call).
        """
        v = self.vertices if vertices is None else vertices
        if all(np.allclose(posed_bodies[b], rest_bodies[b], rtol=0.0, atol=1e-9)
               for b in self.bodies):
            return np.array(v, copy=True)  # (at rest: the skin first shown pays no blend)
        if self._blend is None:
            knee_y = float(np.asarray(rest_bodies[KNEE_BODY])[1, 3]) \
                if KNEE_BODY in rest_bodies else float(self.vertices[:, 1].mean())
            self._blend = Blend(blend_weights(self.faces, self.body_of, self.bodies,
                                              back=(self.vertices, knee_y)), self.bodies)
        if self.knee_grid is not None and self.knee_moves is not None:
            move = knee_move(self.knee_grid, self.knee_moves,
                             knee_angle_deg(rest_bodies, posed_bodies))
            if move is not None:
                v = np.asarray(v) + move.astype(np.asarray(v).dtype)
        return self._blend.pose(v, rest_bodies, posed_bodies).astype(np.asarray(v).dtype)


#: The built skin beside the other built meshes (``calfexplorer build-assets`` writes it).
SKIN_FILE = "skin.npz"


def save_skin(path: Path, skin: Skin) -> None:
    """Write a skin as plain arrays (no pickled objects), atomically."""
    knee: dict[str, np.ndarray] = {} if skin.knee_grid is None or skin.knee_moves is None else {
        "knee_grid": np.asarray(skin.knee_grid, np.float64),
        "knee_moves": np.asarray(skin.knee_moves, np.float32)}
    write_npz(
        path,
        compressed=True,
        vertices=skin.vertices,
        faces=skin.faces,
        normals=skin.normals,
        bodies=np.asarray(skin.bodies, dtype=str),
        body_of=skin.body_of,
        cut_z=np.asarray(skin.cut_z),
        **knee,
    )


def load_skin(path: Path) -> Skin:
    """Read a skin written by :func:`save_skin`; ``ValueError`` saying why when it cannot."""
    try:
        with np.load(path, allow_pickle=False) as z:
            skin = Skin(
                np.asarray(z["vertices"], np.float32),
                np.asarray(z["faces"], np.int32),
                np.asarray(z["normals"], np.float32),
                tuple(str(b) for b in z["bodies"]),
                np.asarray(z["body_of"], np.int32),
                float(z["cut_z"]),
            )
            if "knee_grid" in z.files and "knee_moves" in z.files:
                skin.knee_grid = np.asarray(z["knee_grid"], np.float64)
                skin.knee_moves = np.asarray(z["knee_moves"], np.float32)
    except DAMAGED as exc:
        raise ValueError(f"cannot read the skin {path}: {exc}") from None
    n = len(skin.vertices)
    if (
        skin.vertices.ndim != 2 or skin.vertices.shape[1] != 3 or skin.faces.ndim != 2
        or skin.faces.shape[1] != 3 or skin.normals.shape != skin.vertices.shape
        or skin.body_of.shape != (n,) or n == 0 or len(skin.faces) == 0
        or skin.faces.min() < 0 or skin.faces.max() >= n
        or skin.body_of.min() < 0 or skin.body_of.max() >= len(skin.bodies)
    ):
        raise ValueError(f"the skin {path} is damaged (arrays of the wrong shape or range)")
    grid, moves = skin.knee_grid, skin.knee_moves
    if grid is not None and moves is not None and (
        grid.ndim != 1 or moves.shape != (len(grid), n, 3) or not len(grid)
        or not np.all(np.isfinite(grid)) or grid[0] <= 0 or np.any(np.diff(grid) <= 0)
        or not np.all(np.isfinite(moves)) or np.abs(moves).max() > 0.2
    ):
        raise ValueError(f"the skin {path} is damaged (its moves for the bent knee)")
    return skin


def cut_height(assets: Any, top: float = SkinParams.top) -> float:
    """Height (z) of the skin's top cut: ``top`` of the femur's height above its lower end."""
    femur = assets.meshes["femur"].vertices
    lo, hi = float(femur[:, 2].min()), float(femur[:, 2].max())
    return lo + top * (hi - lo)


def skin_structures(assets: Any, cut_z: float) -> list[str]:
    """Ids of the bones, muscles and tendons that reach below ``cut_z``."""
    return [
        sid
        for sid in assets.ids()
        if assets.kinds.get(sid) in KINDS and float(assets.meshes[sid].vertices[:, 2].min()) < cut_z
    ]


def build_skin(assets: Any, params: SkinParams | None = None) -> Skin:
    """Build the skin around ``assets`` (an :class:`~calfexplorer.assets.AssetSet`).

    Raises ValueError when the assets lack the femur or any bone with a body.
    """
    p = params or SkinParams()
    if "femur" not in assets.meshes:
        raise ValueError("the assets have no femur mesh to place the skin's top cut")
    cut_z = cut_height(assets, p.top)
    ids = skin_structures(assets, cut_z)
    bone_ids = [s for s in ids if assets.kinds[s] == "bone" and assets.bodies.get(s)]
    if not bone_ids:
        raise ValueError("the assets have no bone with a body for the skin to follow")
    field, origin = _field(assets, ids, cut_z, p)
    verts, faces = marching_tetrahedra(field, origin, p.spacing, level=0.0)
    verts = taubin_smooth(verts, faces, p.smooth_iterations)
    verts = _flatten_cap(verts, faces, cut_z, p.spacing)
    verts, faces = decimate_in_halves(verts, faces, p.triangles)
    # decimation can cut a corner into a bone where the skin is thinnest (tibia, toes)
    bones = BoneField({b: assets.meshes[b] for b in bone_ids})
    pushed = push_out(bones, verts, faces, margin=0.001)
    keep = verts[:, 2] > cut_z - p.spacing  # the flat cap crosses the femur: leave it flat
    verts = np.where(keep[:, None], verts, pushed)
    verts[:, 2] = np.minimum(verts[:, 2], cut_z)  # decimation may lift the cap a hair
    normals = vertex_normals(verts, faces)
    bodies, body_of = _nearest_body(assets, bone_ids, verts)
    return Skin(
        np.ascontiguousarray(verts, np.float32), np.ascontiguousarray(faces, np.int32),
        normals, bodies, body_of, cut_z,
    )


def _distance(
    meshes: Sequence[Mesh], lo: np.ndarray, shape: np.ndarray, spacing: float, reach: float
) -> tuple[np.ndarray, np.ndarray]:
    """Distance from each grid node to the nearest surface of ``meshes`` (``reach`` beyond it),
    and the nodes within one spacing of a surface (a shell whose enclosed holes are the insides)."""
    pts = [surface_samples(m.vertices, m.faces, spacing * 0.5) for m in meshes]
    samples = np.concatenate(pts) if pts else np.empty((0, 3))
    cell = np.round((samples - lo) / spacing).astype(int)
    keep = np.all((cell >= 0) & (cell < shape), axis=1)
    dist = np.full(int(np.prod(shape)), reach)
    if not keep.any():
        return dist, np.zeros(len(dist), bool)
    hit = np.ones(tuple(shape), bool)
    hit[tuple(cell[keep].T)] = False
    # exact distances only where the grid's rough one says a surface is near
    near = np.flatnonzero(ndimage.distance_transform_edt(hit, sampling=spacing).ravel()
                          < reach + spacing)
    nodes = lo + np.stack(np.unravel_index(near, tuple(shape)), axis=1) * spacing
    d, _ = cKDTree(samples[keep]).query(nodes, distance_upper_bound=reach)
    dist[near] = np.minimum(d, reach)
    return dist, dist <= spacing


def signed_distance(
    meshes: Sequence[Mesh], lo: np.ndarray, shape: np.ndarray, spacing: float, reach: float
) -> np.ndarray:
    """Flat grid of distances to the surfaces of ``meshes``, negative inside them, clipped to
    ``reach`` (grid: ``shape`` nodes from ``lo``, ``spacing`` apart)."""
    dist, shell = _distance(meshes, lo, shape, spacing, reach)
    inside = ndimage.binary_fill_holes(shell.reshape(shape)).ravel() & ~shell
    dist[inside] = -dist[inside]
    return dist


def close_field(f: np.ndarray, spacing: float, closing: float, blur: float) -> np.ndarray:
    """A field (positive inside) with grooves narrower than ``closing`` bridged (grown by it,
    then shrunk back) and smoothed by a Gaussian of ``blur`` metres."""
    grown = ndimage.distance_transform_edt(f <= 0, sampling=spacing) <= closing
    closed = ndimage.distance_transform_edt(grown, sampling=spacing) - closing
    f = np.maximum(f, closed - 0.5 * spacing)
    return ndimage.gaussian_filter(f, blur / spacing)


def _field(
    assets: Any, ids: list[str], cut_z: float, p: SkinParams
) -> tuple[np.ndarray, np.ndarray]:
    """Signed field on a grid, positive inside the skin, about metres from the skin surface."""
    s = p.spacing
    pad = p.closing + p.soft + 3 * s
    verts = np.concatenate([assets.meshes[i].vertices for i in ids]).astype(np.float64)
    verts = verts[verts[:, 2] < cut_z + pad]
    lo = verts.min(0) - pad
    hi = np.minimum(verts.max(0) + pad, [np.inf, np.inf, cut_z + pad])
    shape = np.ceil((hi - lo) / s).astype(int) + 1
    reach = max(p.soft, p.bone) + 2 * s
    fields = []
    for kinds, thickness in ((("bone",), p.bone), (("muscle", "tendon"), p.soft)):
        group = [assets.meshes[i] for i in ids if assets.kinds[i] in kinds]
        fields.append(thickness - signed_distance(group, lo, shape, s, reach))
    f = close_field(np.maximum(*fields).reshape(shape), s, p.closing, p.blur)
    z = lo[2] + np.arange(shape[2]) * s
    return np.minimum(f, (cut_z - z)[None, None, :]), lo


def _flatten_cap(verts: np.ndarray, faces: np.ndarray, cut_z: float, spacing: float) -> np.ndarray:
    """Put the smoothed top cap back on the cut plane, so the top edge is clean."""
    n = vertex_normals(verts, faces)
    cap = (verts[:, 2] > cut_z - 1.5 * spacing) & (n[:, 2] > 0.7)
    out = verts.copy()
    out[cap, 2] = np.minimum(out[cap, 2], cut_z)
    out[:, 2] = np.minimum(out[:, 2], cut_z)
    return out


def decimate_in_halves(
    verts: np.ndarray, faces: np.ndarray, target: int
) -> tuple[np.ndarray, np.ndarray]:
    """Quadric decimation in halving steps, each kept only when the surface stays closed (one
    big step pinches the thin toes and the flat cap)."""
    while len(faces) > target:
        step = max(target, len(faces) // 2)
        for agg in (3.0, 2.0, 1.0):
            v, f = decimate(verts, faces, step, agg)
            if edge_report(f) == (0, 0) and len(f) < len(faces):
                verts, faces = v, f
                break
        else:
            break
    return verts, faces


def _nearest_body(
    assets: Any, bone_ids: list[str], verts: np.ndarray
) -> tuple[tuple[str, ...], np.ndarray]:
    """The body of the nearest bone surface for each vertex."""
    bodies = tuple(sorted({assets.bodies[b] for b in bone_ids}))
    pts, owner = [], []
    for b in bone_ids:
        m = assets.meshes[b]
        sample = surface_samples(m.vertices, m.faces, 0.004)
        pts.append(sample)
        owner.append(np.full(len(sample), bodies.index(assets.bodies[b])))
    _, idx = cKDTree(np.concatenate(pts)).query(verts)
    return bodies, np.concatenate(owner)[idx].astype(np.int32)
