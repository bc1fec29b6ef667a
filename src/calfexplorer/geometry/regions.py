"""Volumes of the atlas's regions: the four compartments of the leg, the popliteal fossa and the
tarsal tunnel, each a closed smooth envelope around what it holds.

A compartment wraps its member muscles (a whole such as gastrocnemius through its heads), cut to
the leg between the knee joint and the ankle; the popliteal fossa is the diamond between its
four walls (:mod:`calfexplorer.geometry.fossa`), holding its vessels and nerves; the tarsal
tunnel wraps its tendons, vessels and nerve in a band around the tip of the medial malleolus.
Bones are carved out of each volume. The envelope is the
skin's (:mod:`calfexplorer.geometry.skin`): distance field, closing, blur, marching tetrahedra,
smoothing, decimation. Regions move rigidly with the tibia.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import ndimage

from calfexplorer.geometry.fossa import LOWER_WALLS, UPPER_WALLS, diamond, fossa_field
from calfexplorer.geometry.implicit import marching_tetrahedra, taubin_smooth
from calfexplorer.geometry.mesh import Mesh, vertex_normals
from calfexplorer.geometry.skin import close_field, decimate_in_halves, signed_distance

#: The body every region moves with (the leg's bone pair).
BODY_BONE = "tibia"


@dataclass(frozen=True)
class RegionParams:
    """How one region's envelope is built (metres).

    ``inflate``: how far the surface lies outside what it wraps; ``closing``: grooves narrower
    than this are bridged; ``band``: (below, above) a reference height, the part kept.
    """

    inflate: float
    closing: float
    band: tuple[float, float]
    blur: float = 0.002
    spacing: float = 0.003
    triangles: int = 3_000
    smooth_iterations: int = 10


COMPARTMENT = RegionParams(inflate=0.004, closing=0.012, band=(0.0, 0.0))
FOSSA = RegionParams(inflate=0.0, closing=0.0, band=(0.0, 0.0), spacing=0.002)
#: The fossa reaches this far past its walls' inner edges (they are rounded: seen from behind
#: the gap looks wider than at its narrowest), and this far around what it holds.
FOSSA_MARGIN = 0.004
FOSSA_HOLD = 0.003
#: Contents are held this far outside the diamond (the vessels enter deep to semimembranosus).
FOSSA_REACH = 0.012
TUNNEL = RegionParams(inflate=0.005, closing=0.015, band=(0.03, 0.025))
#: Compartments stop this far short of the knee joint centre and of the top of the talus.
LEG_MARGIN = 0.008


@dataclass(frozen=True)
class Landmarks:
    """Heights (z, metres) the regions are cut at, from the bone meshes."""

    knee: float  # knee joint centre: between the femur's lowest and the tibia's highest point
    ankle: float  # top of the talus
    malleolus: float  # tip of the medial malleolus: the tibia's lowest point

    @classmethod
    def of(cls, meshes: Mapping[str, Mesh]) -> Landmarks:
        """The landmarks of the femur, tibia and talus meshes (``ValueError`` if one lacks)."""
        missing = [b for b in ("femur", "tibia", "talus") if b not in meshes]
        if missing:
            raise ValueError(f"the regions need the bone meshes of {', '.join(missing)}")
        femur, tibia = meshes["femur"].vertices[:, 2], meshes["tibia"].vertices[:, 2]
        return cls(
            knee=0.5 * float(femur.min() + tibia.max()),
            ankle=float(meshes["talus"].vertices[:, 2].max()),
            malleolus=float(tibia.min()),
        )


def wrapped_ids(region: Any, children: Callable[[str], list[str]]) -> list[str]:
    """Ids of the structures a region's volume wraps: a compartment's members (a whole by its
    parts), else the contents with the region's nerves and arteries."""
    if region.members:
        out: list[str] = []
        for mid in region.members:
            out.extend(children(mid) or [mid])
        return out
    ids = list(region.contents.ids) if region.contents is not None else []
    ids += [i for i in (*region.nerves, *region.arteries) if i not in ids]
    return ids


def region_band(region: Any, marks: Landmarks) -> tuple[float, float, RegionParams]:
    """(lowest z, highest z, params) of a region's volume."""
    if region.members:
        return marks.ankle + LEG_MARGIN, marks.knee - LEG_MARGIN, COMPARTMENT
    if region.id == "tarsal_tunnel":
        p = TUNNEL
        return marks.malleolus - p.band[0], marks.malleolus + p.band[1], p
    raise ValueError(f"no volume is defined for the region {region.id!r}")


def envelope(
    meshes: Sequence[Mesh], z_lo: float, z_hi: float, p: RegionParams,
    carve: Sequence[Mesh] = (), exclude: Sequence[Mesh] = (),
) -> Mesh:
    """A closed smooth surface ``p.inflate`` outside ``meshes``, grooves bridged, cut flat at
    ``z_lo`` and ``z_hi``, with the insides of ``carve`` (bones) left out, and ``exclude``
    (other regions' structures) where those lie nearer than ``meshes``."""
    s = p.spacing
    pad = p.closing + p.inflate + 3 * s
    verts = np.concatenate([m.vertices for m in meshes]).astype(np.float64)
    verts = verts[(verts[:, 2] > z_lo - pad) & (verts[:, 2] < z_hi + pad)]
    if not len(verts):
        raise ValueError("nothing to wrap within the region's band")
    lo = verts.min(0) - pad
    hi = verts.max(0) + pad
    lo[2], hi[2] = max(lo[2], z_lo - 3 * s), min(hi[2], z_hi + 3 * s)
    shape = np.ceil((hi - lo) / s).astype(int) + 1
    reach = p.inflate + 2 * s
    f = p.inflate - signed_distance(meshes, lo, shape, s, reach)
    f = close_field(f.reshape(shape), s, p.closing, p.blur)
    if carve:
        f = np.minimum(f, signed_distance(carve, lo, shape, s, reach).reshape(shape))
    if exclude:
        # where another compartment's muscle is nearer (or, where the model's muscles overlap,
        # deeper) than the region's own, the node belongs to that one: neighbours meet halfway
        far = p.closing + 2 * s
        own = signed_distance(meshes, lo, shape, s, far)
        other = signed_distance(exclude, lo, shape, s, far)
        f = np.minimum(f, (0.5 * (other - own)).reshape(shape))
        f = ndimage.gaussian_filter(f, p.blur / s)  # no slivers where the halves meet
    z = lo[2] + np.arange(shape[2]) * s
    f = np.minimum(f, np.minimum(z_hi - z, z - z_lo)[None, None, :])
    return _surface(f, lo, p)


def fossa_volume(meshes: Mapping[str, Mesh], contents: Sequence[str], knee: float,
                 carve: Sequence[Mesh]) -> Mesh:
    """The popliteal fossa: the diamond between its walls (:mod:`calfexplorer.geometry.fossa`)
    from its floor to the walls' backs, holding ``contents``, with ``carve`` (bones) left out."""
    p = FOSSA
    s = p.spacing
    d = diamond(meshes, knee)
    pad = FOSSA_MARGIN + FOSSA_REACH + 3 * s
    xs, zs = zip(d.top, d.bottom, d.lateral, d.medial, strict=True)
    walls = np.concatenate([meshes[i].vertices for w in (*UPPER_WALLS, *LOWER_WALLS)
                            for i in w if i in meshes]).astype(np.float64)
    near = walls[(walls[:, 2] > min(zs) - pad) & (walls[:, 2] < max(zs) + pad)]
    lo = np.array([min(xs) - pad, near[:, 1].min() - pad, min(zs) - pad])
    hi = np.array([max(xs) + pad, near[:, 1].max() + pad, max(zs) + pad])
    shape = np.ceil((hi - lo) / s).astype(int) + 1
    f = fossa_field(meshes, knee, lo, shape, s, contents, FOSSA_MARGIN, FOSSA_HOLD,
                    FOSSA_REACH)
    f = ndimage.gaussian_filter(f, p.blur / s)
    f = np.minimum(f, signed_distance(carve, lo, shape, s, 2 * s).reshape(shape))
    return _surface(f, lo, p)


def _surface(f: np.ndarray, lo: np.ndarray, p: RegionParams) -> Mesh:
    """The smoothed, decimated zero surface of a field (positive inside) on a grid from ``lo``."""
    s = p.spacing
    # inside on the grid's border, the surface would be open there (and never decimated: the
    # popliteal fossa's contents reached its grid's floor, 67,184 triangles kept): cut it flat
    border = np.ones(f.shape, bool)
    border[1:-1, 1:-1, 1:-1] = False
    f = np.where(border, np.minimum(f, -s), f)
    v, faces = marching_tetrahedra(f, lo, s, level=0.0)
    v = taubin_smooth(v, faces, p.smooth_iterations)
    v, faces = decimate_in_halves(v, faces, p.triangles)
    v = np.ascontiguousarray(v, np.float32)
    return Mesh(v, np.ascontiguousarray(faces, np.int32), vertex_normals(v, faces))


def build_regions(
    meshes: Mapping[str, Mesh], atlas: Any, bodies: Mapping[str, str | None],
    say: Callable[[str], None] | None = None,
) -> list[Any]:
    """One :class:`~calfexplorer.geometry.build.Built` (kind "region", layer "regions") per atlas
    region that has a volume rule and something built to wrap; ``ValueError`` when the bones
    the regions are cut by are missing."""
    from calfexplorer.geometry.build import Built

    say = say or (lambda _m: None)
    marks = Landmarks.of(meshes)
    body = bodies.get(BODY_BONE)
    bones = [meshes[b] for b in sorted(_BONES) if b in meshes]
    compartments = {r.id: wrapped_ids(r, atlas.children) for r in atlas.regions() if r.members}
    foreign = {
        rid: [i for other, ids in compartments.items() if other != rid for i in ids]
        for rid in compartments
    }
    out = []
    for region in atlas.regions():
        if not region.members and region.id not in ("popliteal_fossa", "tarsal_tunnel"):
            continue
        ids = [i for i in wrapped_ids(region, atlas.children) if i in meshes]
        if not ids:
            continue
        if region.id == "popliteal_fossa":
            held = ids
            say(f"region {region.id}")
            out.append(Built(region.id, "region", "regions",
                             fossa_volume(meshes, held, marks.knee, bones), body=body,
                             meta={"wraps": held}))
            continue
        z_lo, z_hi, p = region_band(region, marks)
        # a compartment leaves out the other compartments' muscles, which the closing would
        # otherwise bridge over, and the model's muscles overlap (soleus holds a third of the
        # fibular muscles and of flexor hallucis longus)
        others = [meshes[i] for i in foreign.get(region.id, ()) if i in meshes]
        say(f"region {region.id}")
        mesh = envelope([meshes[i] for i in ids], z_lo, z_hi, p, carve=bones,
                        exclude=others)
        out.append(Built(region.id, "region", "regions", mesh, body=body,
                         meta={"wraps": ids}))
    return out


#: Bones carved out of the regions (those near the leg; the foot's own are far below).
_BONES = frozenset({"femur", "patella", "tibia", "fibula", "talus", "calcaneus"})
