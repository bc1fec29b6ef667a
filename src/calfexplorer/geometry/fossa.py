"""The popliteal fossa's volume: the diamond behind the knee between its four bounding muscles.

Seen from behind, the corners come from the model: the upper apex where biceps femoris and
semimembranosus (with semitendinosus) meet above the knee, the lower apex where the two heads
of gastrocnemius meet below it, and the lateral and medial corners where the gap between the
walls' inner edges is widest near the knee line (at the femoral condyles). Front to back the
volume runs from the floor (popliteal surface of the femur, the joint, popliteus: carved out)
to the skin-side surface of the walls. Its contents are always held.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from calfexplorer.geometry.implicit import winding_number
from calfexplorer.geometry.mesh import Mesh

#: The walls, each (lateral muscles, medial muscles): above the knee, then below it.
UPPER_WALLS = (("biceps_femoris_long_head", "biceps_femoris_short_head"),
               ("semimembranosus", "semitendinosus"))
LOWER_WALLS = (("gastrocnemius_lateral_head", "plantaris"), ("gastrocnemius_medial_head",))
#: Structures under the floor, carved out with the bones.
FLOOR = ("popliteus",)
#: Slice thickness (m) the walls' inner edges are measured in; how far the corners are looked
#: for around the knee line; how far up and down the apices are looked for.
SLICE = 0.004
CORNER_REACH = 0.04
APEX_REACH = 0.2


@dataclass(frozen=True)
class Diamond:
    """The fossa's outline seen from behind: (x, z) of its four corners (metres)."""

    top: tuple[float, float]
    bottom: tuple[float, float]
    lateral: tuple[float, float]
    medial: tuple[float, float]

    def field(self, x: np.ndarray, z: np.ndarray) -> np.ndarray:
        """Distance inside the outline (negative outside), exact along the edges' normals."""
        corners = [self.top, self.medial, self.bottom, self.lateral]
        centre = np.mean(corners, axis=0)
        out = np.full(np.broadcast(x, z).shape, np.inf)
        for corner_a, corner_b in zip(corners, corners[1:] + corners[:1], strict=True):
            a, b = np.asarray(corner_a), np.asarray(corner_b)
            n = np.array([b[1] - a[1], a[0] - b[0]]) / np.hypot(*(b - a))
            if n @ (centre - a) < 0:
                n = -n
            out = np.minimum(out, n[0] * (x - a[0]) + n[1] * (z - a[1]))
        return out


def _points(meshes: Mapping[str, Mesh], ids: Sequence[str]) -> np.ndarray:
    have = [meshes[i].vertices for i in ids if i in meshes]
    if not have:
        raise ValueError(f"the popliteal fossa needs the meshes of {', '.join(ids)}")
    return np.concatenate(have).astype(np.float64)


def _gap(lateral: np.ndarray, medial: np.ndarray, z: float) -> tuple[float, float] | None:
    """(x of the lateral wall's inner edge, x of the medial wall's) at height z (+x medial)."""
    lat = lateral[np.abs(lateral[:, 2] - z) < SLICE]
    med = medial[np.abs(medial[:, 2] - z) < SLICE]
    if not len(lat) or not len(med):
        return None
    return float(lat[:, 0].max()), float(med[:, 0].min())


def diamond(meshes: Mapping[str, Mesh], knee: float) -> Diamond:
    """The fossa's corners from the walls' meshes around the knee joint height ``knee``."""
    up = [_points(meshes, w) for w in UPPER_WALLS]
    down = [_points(meshes, w) for w in LOWER_WALLS]
    lateral = np.concatenate([up[0], down[0]])
    medial = np.concatenate([up[1], down[1]])
    best: tuple[float, float, float] | None = None
    for z in np.arange(knee - CORNER_REACH, knee + CORNER_REACH + 1e-9, SLICE / 2):
        g = _gap(lateral, medial, z)
        if g is not None and (best is None or g[1] - g[0] > best[2] - best[1]):
            best = (float(z), *g)
    if best is None or best[2] <= best[1]:
        raise ValueError("the popliteal fossa's walls leave no gap at the knee")
    zc, xl, xm = best

    def apex(walls: list[np.ndarray], step: float) -> tuple[float, float]:
        last = (0.5 * (xl + xm), zc)
        for z in zc + step * np.arange(1, int(APEX_REACH / abs(step))):
            g = _gap(walls[0], walls[1], float(z))
            if g is None:
                break
            last = (0.5 * (g[0] + g[1]), float(z))
            if g[1] <= g[0]:  # the walls meet
                break
        return last

    return Diamond(top=apex(up, SLICE / 2), bottom=apex(down, -SLICE / 2),
                   lateral=(xl, zc), medial=(xm, zc))


def fossa_field(
    meshes: Mapping[str, Mesh], knee: float, lo: np.ndarray, shape: np.ndarray, s: float,
    contents: Sequence[str], margin: float, hold: float, reach: float,
) -> np.ndarray:
    """Field (positive inside, about metres) of the fossa on the grid ``shape`` nodes from
    ``lo``, ``s`` apart: the diamond grown by ``margin``, the contents grown by ``hold`` where
    they lie within the diamond grown by ``reach``, between the floor and the walls' backs.
    The walls and popliteus are carved out; the bones are left to the caller."""
    from calfexplorer.geometry.skin import signed_distance

    d = diamond(meshes, knee)
    x = lo[0] + np.arange(shape[0]) * s
    y = lo[1] + np.arange(shape[1]) * s
    z = lo[2] + np.arange(shape[2]) * s
    outline = d.field(x[:, None], z[None, :])[:, None, :]  # (x, 1, z)
    f = np.broadcast_to(outline + margin, tuple(shape)).copy()
    # back: the skin side of the walls, slice by slice, smoothed along z
    walls = [meshes[i] for w in (*UPPER_WALLS, *LOWER_WALLS) for i in w if i in meshes]
    wall_points = np.concatenate([w.vertices for w in walls]).astype(np.float64)
    f = np.minimum(f, _profile(wall_points, lo, shape, s, np.max)[None, None, :]
                   - y[None, :, None])
    # front: the floor, the back of the bones straight ahead of the diamond, slice by slice
    bones = _points(meshes, ("femur", "tibia"))
    x_lo, x_hi = min(d.lateral[0], d.top[0], d.bottom[0]), max(d.medial[0], d.top[0], d.bottom[0])
    bones = bones[(bones[:, 0] > x_lo) & (bones[:, 0] < x_hi)]
    f = np.minimum(f, y[None, :, None] - _profile(bones, lo, shape, s, np.min)[None, None, :])
    grid = np.stack(np.meshgrid(x, y, z, indexing="ij"), axis=-1)
    # the walls themselves stay outside
    _carve(f, grid, walls, s)
    if contents:
        held = hold - signed_distance([meshes[i] for i in contents], lo, shape, s,
                                      hold + 2 * s).reshape(shape)
        band = np.minimum(z - d.bottom[1], d.top[1] - z)[None, None, :]
        f = np.maximum(f, np.minimum(np.minimum(held, outline + reach), band))
    _carve(f, grid, [meshes[i] for i in FLOOR if i in meshes], s)
    return f


def _carve(f: np.ndarray, grid: np.ndarray, meshes: Sequence[Mesh], s: float) -> None:
    """Set ``f`` to ``-s`` at the nodes of ``grid`` (x, y, z, 3) inside any of ``meshes``, by
    winding number: the meshes run out of the grid, so the inside cannot be filled there."""
    for m in meshes:
        lo, hi = m.vertices.min(0), m.vertices.max(0)
        near = (f > -s) & np.all((grid >= lo) & (grid <= hi), axis=-1)
        idx = np.flatnonzero(near)
        if len(idx):
            inside = winding_number(grid.reshape(-1, 3)[idx], m.vertices, m.faces) > 0.5
            f.reshape(-1)[idx[inside]] = -s


def _profile(points: np.ndarray, lo: np.ndarray, shape: np.ndarray, s: float,
             fill: object) -> np.ndarray:
    """Per grid slice along z, the largest y of ``points`` there (``fill`` of those found where
    there are none), averaged over 2 cm along z."""
    bins = np.clip(np.round((points[:, 2] - lo[2]) / s).astype(int), 0, shape[2] - 1)
    out = np.full(shape[2], -np.inf)
    np.maximum.at(out, bins, points[:, 1])
    found = np.isfinite(out)
    out[~found] = fill(out[found])  # type: ignore[operator]
    return ndimage.uniform_filter1d(out, max(1, int(0.02 / s)), mode="nearest")
