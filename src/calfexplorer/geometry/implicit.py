"""Watertight, smooth surfaces from imperfect triangle soups, by way of an implicit field.

The model's bone meshes are low-poly and some are not closed (the tibia has duplicated and
non-manifold faces). We sample the generalized winding number of the input on a grid (robust to
holes and duplicates), blur it a little, and extract the 0.5 level set with marching tetrahedra,
which gives a closed, consistently oriented surface by construction.

SciPy is imported by the functions that use it: the winding-number kernels alone are needed
where the window loads the BodyParts3D leg (:mod:`calfexplorer.anatomy.route_solids` imports them),
and SciPy's ndimage and spatial cost that start ~0.25 s of CPU and ~1.7 MiB resident.
"""

from __future__ import annotations

import numpy as np

from calfexplorer.geometry.mesh_graph import face_edges, neighbour_average

# A cube's corners, and its split into six tetrahedra around the main diagonal 0-6; neighbouring
# cubes then agree on every shared face diagonal, so the extracted surface has no cracks.
_CORNERS = np.array(
    [[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1]]
)
_TETS = np.array(
    [[0, 1, 2, 6], [0, 2, 3, 6], [0, 3, 7, 6], [0, 7, 4, 6], [0, 4, 5, 6], [0, 5, 1, 6]]
)


def winding_number(points: np.ndarray, vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Generalized winding number of a triangle soup at each point (1 inside, 0 outside)."""
    tri = np.asarray(vertices, dtype=np.float64)[faces]
    out = np.zeros(len(points))
    chunk = max(1, 2_000_000 // max(len(faces), 1))
    for s in range(0, len(points), chunk):
        p = np.asarray(points[s : s + chunk], dtype=np.float64)[:, None, None, :]
        r = tri[None] - p  # (c, m, 3, 3)
        a, b, c = r[:, :, 0], r[:, :, 1], r[:, :, 2]
        la, lb, lc = (np.linalg.norm(x, axis=-1) for x in (a, b, c))
        det = np.einsum("ijk,ijk->ij", a, np.cross(b, c))
        den = (
            la * lb * lc
            + np.einsum("ijk,ijk->ij", a, b) * lc
            + np.einsum("ijk,ijk->ij", b, c) * la
            + np.einsum("ijk,ijk->ij", c, a) * lb
        )
        out[s : s + chunk] = np.arctan2(det, den).sum(axis=1) / (2 * np.pi)
    return out


#: Point-triangle pairs :func:`winding_rows` works on at once: its dozen working arrays then
#: stay in the processor's cache (blocks of 2 million took 1.5 times as long, same numbers).
WINDING_BLOCK = 150_000


def triangle_rows(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """The triangles' corner coordinates in nine rows (single precision), as
    :func:`winding_rows` takes them."""
    tri = np.asarray(vertices, np.float32)[faces]
    return np.ascontiguousarray(tri.reshape(-1, 9).T)


def winding_rows(points: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """:func:`winding_number` of the triangles ``rows`` (:func:`triangle_rows`) at each point,
    in single precision (a tenth of the time)."""
    t = rows
    out = np.empty(len(points))
    chunk = max(1, WINDING_BLOCK // max(t.shape[1], 1))
    for s in range(0, len(points), chunk):
        p = np.asarray(points[s:s + chunk], np.float32)
        ax, ay, az = t[0] - p[:, :1], t[1] - p[:, 1:2], t[2] - p[:, 2:]
        bx, by, bz = t[3] - p[:, :1], t[4] - p[:, 1:2], t[5] - p[:, 2:]
        cx, cy, cz = t[6] - p[:, :1], t[7] - p[:, 1:2], t[8] - p[:, 2:]
        la = np.sqrt(ax * ax + ay * ay + az * az)
        lb = np.sqrt(bx * bx + by * by + bz * bz)
        lc = np.sqrt(cx * cx + cy * cy + cz * cz)
        det = ax * (by * cz - bz * cy) + ay * (bz * cx - bx * cz) + az * (bx * cy - by * cx)
        den = la * lb * lc + (ax * bx + ay * by + az * bz) * lc \
            + (bx * cx + by * cy + bz * cz) * la + (cx * ax + cy * ay + cz * az) * lb
        out[s:s + chunk] = np.arctan2(det, den).sum(axis=1, dtype=np.float64) / (2 * np.pi)
    return out


def fast_winding_number(points: np.ndarray, vertices: np.ndarray, faces: np.ndarray,
                        cell: float = 0.02, near: int = 1) -> np.ndarray:
    """:func:`winding_number` at each point, the triangles within ``near`` grid cells of
    ``cell`` metres of its own cell counted exactly (:func:`winding_rows`), each farther
    cell's as one dipole (its triangles' area vectors summed at their centre; Barill et al.
    2018): for 5,700 points by a skin of 30,000 triangles, about a tenth of the time of
    :func:`winding_rows` (inside or outside the same; within 0.05)."""
    pts = np.asarray(points, np.float64)
    out = np.zeros(len(pts))
    if not len(pts) or not len(faces):
        return out
    tri = np.asarray(vertices, np.float64)[faces]
    area = 0.5 * np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    centre = tri.mean(axis=1)
    keys, cluster = np.unique(np.floor(centre / cell).astype(np.int64), axis=0,
                              return_inverse=True)
    cluster = cluster.ravel()
    order = np.argsort(cluster, kind="stable")
    starts = np.searchsorted(cluster[order], np.arange(len(keys) + 1))
    rows = triangle_rows(vertices, np.asarray(faces)[order])
    weight = np.linalg.norm(area, axis=1)
    n_sum = np.stack([np.bincount(cluster, area[:, k], len(keys)) for k in range(3)], axis=1)
    w_sum = np.maximum(np.bincount(cluster, weight, len(keys)), 1e-30)
    c = np.stack([np.bincount(cluster, weight * centre[:, k], len(keys)) for k in range(3)],
                 axis=1) / w_sum[:, None]
    own, group = np.unique(np.floor(pts / cell).astype(np.int64), axis=0, return_inverse=True)
    group = group.ravel()
    for g in range(len(own)):
        idx = np.flatnonzero(group == g)
        close = np.abs(keys - own[g]).max(axis=1) <= near
        ids = np.flatnonzero(close)
        if len(ids):
            sel = np.concatenate([np.arange(starts[i], starts[i + 1]) for i in ids])
            out[idx] = winding_rows(pts[idx], rows[:, sel])
        far = ~close
        r = c[far][None] - pts[idx][:, None]
        d3 = np.maximum(np.linalg.norm(r, axis=2) ** 3, 1e-30)
        out[idx] += np.einsum("pck,ck->p", r / d3[..., None], n_sum[far]) / (4 * np.pi)
    return out


def surface_samples(vertices: np.ndarray, faces: np.ndarray, spacing: float) -> np.ndarray:
    """Points covering a triangle mesh about ``spacing`` apart: its vertices, then a regular
    barycentric grid on each triangle fine enough for its size (deterministic; the
    registration's :func:`calfexplorer.anatomy.register.registration_samples` caps the grid and
    orders the points its own way, which its fits depend on)."""
    tri = np.asarray(vertices)[faces]
    pts = [np.asarray(vertices)]
    longest = np.max(np.linalg.norm(tri - np.roll(tri, 1, axis=1), axis=2), axis=1)
    steps = np.ceil(longest / spacing).astype(int)
    for n in np.unique(steps):
        if n < 2:
            continue
        sel = tri[steps == n]
        i, j = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
        keep = i + j <= n
        u, v = i[keep] / n, j[keep] / n
        w = 1 - u - v
        pts.append(
            (u[None, :, None] * sel[:, None, 0] + v[None, :, None] * sel[:, None, 1]
             + w[None, :, None] * sel[:, None, 2]).reshape(-1, 3)
        )
    return np.concatenate(pts)


def inside_grid(
    vertices: np.ndarray, faces: np.ndarray, spacing: float, pad: int = 3
) -> tuple[np.ndarray, np.ndarray]:
    """Occupancy (float, 0..1) of the input on a regular grid, and the grid origin.

    The winding number is evaluated only in a band near the surface; the rest is filled by
    connected components (the one touching the border is outside).
    """
    from scipy import ndimage
    from scipy.spatial import cKDTree

    v = np.asarray(vertices, dtype=np.float64)
    lo = v.min(0) - pad * spacing
    shape = np.ceil((v.max(0) + pad * spacing - lo) / spacing).astype(int) + 1
    idx = np.indices(shape).reshape(3, -1).T
    nodes = lo + idx * spacing
    tree = cKDTree(surface_samples(v, faces, spacing * 0.5))
    dist, _ = tree.query(nodes, distance_upper_bound=1.5 * spacing)
    band = np.isfinite(dist)
    occ = np.zeros(len(nodes))
    occ[band] = np.clip(winding_number(nodes[band], v, faces), 0.0, 1.0)
    occ = occ.reshape(shape)
    band = band.reshape(shape)
    labels, n = ndimage.label(~band)
    border = set(np.unique(np.concatenate([
        labels[0].ravel(), labels[-1].ravel(), labels[:, 0].ravel(), labels[:, -1].ravel(),
        labels[:, :, 0].ravel(), labels[:, :, -1].ravel(),
    ])))
    for lab in range(1, n + 1):
        if lab not in border:
            occ[labels == lab] = 1.0
    return occ, lo


def marching_tetrahedra(
    field: np.ndarray, origin: np.ndarray, spacing: float, level: float = 0.5
) -> tuple[np.ndarray, np.ndarray]:
    """Closed, outward-oriented surface where ``field`` crosses ``level`` (field > level inside)."""
    shape = np.array(field.shape)
    inside = field > level
    flat = field.ravel()
    strides = np.array([shape[1] * shape[2], shape[2], 1])
    # active cubes: corners not all equal
    cube_idx = np.indices(tuple(int(n) - 1 for n in shape)).reshape(3, -1).T
    corner_nodes = (cube_idx[:, None, :] + _CORNERS[None]) @ strides  # (c, 8)
    ins = inside.ravel()[corner_nodes]
    active = ins.any(1) & ~ins.all(1)
    corner_nodes = corner_nodes[active]
    tets = corner_nodes[:, _TETS].reshape(-1, 4)  # (t, 4) node ids
    tin = inside.ravel()[tets]
    code = tin @ np.array([1, 2, 4, 8])
    tri_edges: list[np.ndarray] = []  # each (k, 3, 2) node pairs (inside node first)
    for c in range(1, 15):
        sel = tets[code == c]
        if not len(sel):
            continue
        ii = [k for k in range(4) if c >> k & 1]
        oo = [k for k in range(4) if not c >> k & 1]
        if len(ii) == 1:
            a = ii[0]
            tri_edges.append(np.stack([sel[:, [a, o]] for o in oo], axis=1))
        elif len(ii) == 3:
            o = oo[0]
            tri_edges.append(np.stack([sel[:, [a, o]] for a in ii], axis=1))
        else:
            a, b = ii
            c_, d = oo
            e = [sel[:, [a, c_]], sel[:, [b, c_]], sel[:, [b, d]], sel[:, [a, d]]]
            tri_edges.append(np.stack([e[0], e[1], e[2]], axis=1))
            tri_edges.append(np.stack([e[0], e[2], e[3]], axis=1))
    edges = np.concatenate(tri_edges)  # (k, 3, 2): [inside node, outside node]
    pairs = edges.reshape(-1, 2)
    key = np.sort(pairs, axis=1)
    ukey, inv = np.unique(key[:, 0] * flat.size + key[:, 1], return_inverse=True)
    n0, n1 = ukey // flat.size, ukey % flat.size
    f0, f1 = flat[n0], flat[n1]
    t = np.clip((level - f0) / np.where(f1 != f0, f1 - f0, 1.0), 0.01, 0.99)

    def pos(n: np.ndarray) -> np.ndarray:
        return origin + np.stack(np.unravel_index(n, field.shape), axis=1) * spacing

    verts = pos(n0) + t[:, None] * (pos(n1) - pos(n0))
    faces = inv.reshape(-1, 3)
    # orient: normal points from the inside node towards the outside node of its first edge
    tri = verts[faces]
    normal = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    outward = pos(edges[:, 0, 1]) - pos(edges[:, 0, 0])
    flip = np.einsum("ij,ij->i", normal, outward) < 0
    faces[flip] = faces[flip][:, ::-1]
    # drop degenerate triangles (two corners on the same welded vertex)
    ok = (faces[:, 0] != faces[:, 1]) & (faces[:, 1] != faces[:, 2]) & (faces[:, 0] != faces[:, 2])
    return verts, faces[ok]


def taubin_smooth(
    vertices: np.ndarray, faces: np.ndarray, iterations: int = 10, lam: float = 0.5,
    mu: float = -0.53,
) -> np.ndarray:
    """Taubin (lambda/mu) smoothing: removes ripples without shrinking the shape."""
    avg = neighbour_average(face_edges(faces), len(vertices))
    v = np.asarray(vertices, dtype=np.float64).copy()
    for _ in range(iterations):
        v += lam * (avg @ v - v)
        v += mu * (avg @ v - v)
    return v


def remesh_closed(
    vertices: np.ndarray, faces: np.ndarray, spacing: float, blur: float = 0.7,
    smooth_iterations: int = 8,
) -> tuple[np.ndarray, np.ndarray]:
    """A smooth, closed, outward-oriented surface that follows the input in place."""
    from scipy import ndimage

    occ, origin = inside_grid(vertices, faces, spacing)
    if blur > 0:
        occ = ndimage.gaussian_filter(occ, blur)
    v, f = marching_tetrahedra(occ, origin, spacing)
    v = taubin_smooth(v, f, smooth_iterations)
    return v, f
