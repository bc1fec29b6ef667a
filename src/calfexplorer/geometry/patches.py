"""Attachment-site patches: thin closed shells on a bone's surface, shaped point, line or area."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from calfexplorer.geometry.mesh import Mesh, vertex_normals
from calfexplorer.geometry.mesh_graph import components, face_edges, piece_labels

DEFAULT_SIZE = {"point": 0.005, "line": 0.04, "area": 0.012}
LINE_HALF_WIDTH = 0.0035
LIFT_OUTER = 0.0009  # top of the patch above the bone surface (m)
LIFT_INNER = 0.0002  # bottom of the patch above the bone surface


@dataclass(frozen=True)
class PatchPlacement:
    """Where a patch goes (world frame, rest pose) and its outline."""

    centre: np.ndarray
    shape: str
    size: float
    direction: np.ndarray | None = None  # unit vector for lines
    # further centres with the same outline (one site on several bones of one mesh: the
    # phalanges of four toes)
    more: tuple[np.ndarray, ...] = ()


def nearest_surface_point(bone: Mesh, point: np.ndarray) -> np.ndarray:
    """The bone vertex nearest to ``point`` (bones are dense enough for this)."""
    d = np.linalg.norm(bone.vertices - point, axis=1)
    return bone.vertices[int(np.argmin(d))].astype(np.float64)


def placement_region(bone: Mesh, place: PatchPlacement) -> np.ndarray:
    """Vertex mask of the bone surface a placement covers (its shape, on the centre's side;
    around each of its centres)."""
    mask = _one_region(bone, place.centre, place)
    for centre in place.more:
        mask |= _one_region(bone, centre, place)
    return mask


def _one_region(bone: Mesh, centre: np.ndarray, place: PatchPlacement) -> np.ndarray:
    v = bone.vertices.astype(np.float64)
    rel = v - centre
    if place.shape == "line" and place.direction is not None:
        t = rel @ place.direction
        perp = rel - t[:, None] * place.direction
        inside = (np.abs(t) <= place.size / 2) & (np.linalg.norm(perp, axis=1) <= LINE_HALF_WIDTH)
    else:
        inside = np.linalg.norm(rel, axis=1) <= place.size
    # keep only the side facing the centre's normal (not the far side of a thin bone)
    i0 = int(np.argmin(np.linalg.norm(rel, axis=1)))
    facing = bone.normals.astype(np.float64) @ bone.normals[i0].astype(np.float64) > 0.2
    return inside & facing


def _largest_piece(faces: np.ndarray, n: int) -> np.ndarray:
    labels = piece_labels(faces, n)[faces[:, 0]]
    return faces[labels == np.bincount(labels).argmax()]


def _pieces_at(faces: np.ndarray, vertices: np.ndarray, centres: list[np.ndarray]) -> np.ndarray:
    """The largest piece of ``faces`` for one centre; for several, the piece nearest each."""
    if len(centres) < 2 or len(faces) == 0:
        return _largest_piece(faces, len(vertices))
    pieces = components(vertices, faces)
    piece_of = np.empty(len(vertices), int)
    for k, piece in enumerate(pieces):
        piece_of[faces[piece].ravel()] = k
    used = np.unique(faces)
    near = {int(piece_of[used[np.argmin(np.linalg.norm(vertices[used] - c, axis=1))]])
            for c in centres}
    return faces[np.sort(np.concatenate([pieces[k] for k in near]))]


def _manifold_region(faces: np.ndarray, n: int,
                     vertices: np.ndarray | None = None,
                     centres: list[np.ndarray] | None = None) -> np.ndarray:
    """Drop faces at 'bowtie' vertices (boundary passing twice), so the shell is a manifold."""
    for _ in range(20):
        directed = face_edges(faces)
        key = np.sort(directed, axis=1)
        _, inv, counts = np.unique(key, axis=0, return_inverse=True, return_counts=True)
        boundary = directed[counts[inv.ravel()] == 1]
        per_vertex = np.bincount(boundary.ravel(), minlength=n)
        bad = per_vertex > 2
        if not bad.any():
            return faces
        faces = faces[~bad[faces].any(axis=1)]
        if len(faces) == 0:
            return faces
        if vertices is not None and centres:
            faces = _pieces_at(faces, vertices, centres)
        else:
            faces = _largest_piece(faces, n)
    return faces


def build_patch(bone: Mesh, place: PatchPlacement) -> Mesh | None:
    """A closed shell covering the bone's surface region; None when the region is empty."""
    return patch_over(bone, placement_region(bone, place), place.centre, place.more)


def patch_over(bone: Mesh, inside: np.ndarray, centre: np.ndarray,
               more: tuple[np.ndarray, ...] = ()) -> Mesh:
    """A closed shell over the largest piece of the bone faces whose corners are all in
    ``inside`` (a vertex mask), lifted off the surface; around ``centre`` when that is empty.
    With ``more`` centres: over the piece nearest each centre (one shell, several pieces)."""
    faces = bone.faces[inside[bone.faces].all(axis=1)]
    if len(faces) < 2:
        # a tiny region: grow to the faces around the nearest vertex
        i0 = int(np.argmin(np.linalg.norm(bone.vertices - centre, axis=1)))
        faces = bone.faces[(bone.faces == i0).any(axis=1)]
    centres = [centre, *more] if more else None
    vertices = bone.vertices.astype(np.float64)
    faces = _manifold_region(_pieces_at(faces, vertices, centres or [centre]),
                             len(bone.vertices), vertices, centres)
    if len(faces) == 0:  # a spike or a thin edge: fall back to the disc around the centre
        i0 = int(np.argmin(np.linalg.norm(bone.vertices - centre, axis=1)))
        faces = _manifold_region(bone.faces[(bone.faces == i0).any(axis=1)], len(bone.vertices))
        if len(faces) == 0:
            faces = bone.faces[(bone.faces == i0).any(axis=1)][:1]
    used, inv = np.unique(faces, return_inverse=True)
    f = inv.reshape(-1, 3)
    base = bone.vertices[used].astype(np.float64)
    nrm = bone.normals[used].astype(np.float64)
    top = base + nrm * LIFT_OUTER
    bot = base + nrm * LIFT_INNER
    n = len(used)
    verts = np.concatenate([top, bot])
    tri = [f, f[:, ::-1] + n]
    # walls along the boundary (edges used by one face), oriented with the top face
    directed = np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]])
    key = np.sort(directed, axis=1)
    _, inv_e, counts = np.unique(key, axis=0, return_inverse=True, return_counts=True)
    boundary = directed[counts[inv_e.ravel()] == 1]
    a, b = boundary[:, 0], boundary[:, 1]
    tri.append(np.stack([b, a, a + n], axis=1))
    tri.append(np.stack([b, a + n, b + n], axis=1))
    faces_all = np.concatenate(tri).astype(np.int32)
    return Mesh(verts, faces_all, vertex_normals(verts, faces_all))


def outer_surface(vertices: np.ndarray, faces: np.ndarray) -> tuple[int, np.ndarray]:
    """The part of a patch that can be seen: for a shell as :func:`patch_over` makes it (outer
    vertices, then the inner ones, then the walls), the number of outer vertices and the
    faces of its outer surface only, which use no others; the rest lies under it or edge-on
    (0.7 mm). Any other mesh: all its vertices and faces."""
    n = len(vertices) // 2
    whole = len(vertices), faces
    if len(vertices) % 2 or n == 0:
        return whole
    depth = np.linalg.norm(vertices[:n] - vertices[n:], axis=1)
    if not np.allclose(depth, depth[0], atol=1e-5) or depth[0] > 0.002:
        return whole
    outer = faces[(faces < n).all(axis=1)]
    return (n, outer) if len(outer) else whole


def drawn_patch(vertices: np.ndarray, faces: np.ndarray,
                normals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The faces and normals a patch is drawn with, so that it reads as a mark on its bone:
    its outer surface only (the walls, seen edge-on, drew dark cracks along every rim), each
    outer vertex's normal the direction it was lifted along, the bone's normal there (the
    walls tilted the rim's normals, so a patch shaded unlike the bone under it, a plate).
    Overlapping patches of one bone (the calcaneal tuberosity carries five) then lie on the
    same surface with the same normals. A mesh that is not such a shell: as it is."""
    n, outer = outer_surface(vertices, faces)
    if n * 2 != len(vertices) or len(outer) == len(faces):
        return faces, normals
    lift = np.asarray(vertices[:n], np.float64) - np.asarray(vertices[n:], np.float64)
    out = np.array(normals, dtype=np.float32, copy=True)
    out[:n] = lift / np.maximum(np.linalg.norm(lift, axis=1, keepdims=True), 1e-12)
    return outer, out
