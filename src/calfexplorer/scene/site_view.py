"""Where to show an attachment site from: a side view that shows it, framed with its bone and
neighbours, or none when no side view shows enough of it (a quiz leaves such sites out).

A site counts as seen when the part of its patch that faces the camera (a patch faces out of
its bone; the back is not drawn), is not turned edge-on and is not behind a bone covers at
least :data:`MIN_PIXELS` pixels at the framed zoom. Other structures do not count as cover:
while the site is asked every other structure is drawn faded, see-through.

A structure to name is shown with its neighbours from the side its compartment faces, or where
it has none from the side the user looks from, unless another side shows it much larger (bones
in front of it do not count) or it lies on the opposite side (:func:`naming_view`); a whole whose
parts are drawn apart, from a side that shows each of its parts (:func:`side_telling_parts`).
"""

from __future__ import annotations

import math
from collections.abc import Set
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from calfexplorer.geometry.implicit import surface_samples
from calfexplorer.scene.camera import VIEW_ANGLE_DEG, VIEWS, CameraPose, fit_view

if TYPE_CHECKING:
    from calfexplorer.scene.scene import Scene

#: The frame reaches this far (metres) around the site's centre: its bone and neighbours.
CONTEXT_HALF = 0.06
#: A site must show at least this many square pixels to be asked about (about 20 x 20).
MIN_PIXELS = 400.0
#: Triangles turned further than this from the camera (cosine) draw as a dark sliver.
MIN_FACING = 0.25
SIDE_VIEWS = ("posterior", "anterior", "lateral", "medial")
#: The side a muscle of each compartment is best seen from: the sole's from below, as an atlas
#: shows them (the dorsum's: the side it lies on, measured where it is needed).
COMPARTMENT_SIDES = {
    "posterior_superficial": "posterior",
    "posterior_deep": "posterior",
    "thigh_posterior": "posterior",
    "gluteal": "posterior",
    "anterior": "anterior",
    "thigh_anterior": "anterior",
    "lateral": "lateral",
    "thigh_medial": "medial",
    "foot_plantar": "inferior",
}
#: Rays start this far off the patch, so they do not hit the bone the patch lies on.
_LIFT = 5e-4
_RAYS = 200


@dataclass(frozen=True)
class SiteView:
    """A view of a site (or a structure to name): the preset, the camera pose that frames it,
    the pixels it covers (a structure to name: 0, not measured)."""

    view: str
    pose: CameraPose
    pixels: float


def compartment_side(atlas: Any, structure_id: str) -> str | None:
    """The side a muscle's compartment faces (every muscle, a head too, names its own), None
    for the dorsum of the foot's and for what has no compartment."""
    return COMPARTMENT_SIDES.get(getattr(atlas.get(structure_id), "compartment", None) or "")


def context_box(scene: Scene, site_id: str) -> tuple[np.ndarray, np.ndarray]:
    """The box a site question frames: the site and :data:`CONTEXT_HALF` around its centre."""
    verts = scene.world_vertices(site_id)
    centre = (verts.min(axis=0) + verts.max(axis=0)) / 2.0
    lo = np.minimum(verts.min(axis=0), centre - CONTEXT_HALF)
    hi = np.maximum(verts.max(axis=0), centre + CONTEXT_HALF)
    return lo.astype(float), hi.astype(float)


def _triangles(scene: Scene, sid: str) -> np.ndarray:
    """(m, 3, 3) world corners of a structure's triangles."""
    return scene.world_vertices(sid).astype(float)[scene.faces(sid)]


def _screen(points: np.ndarray, pose: CameraPose) -> np.ndarray:
    """Perspective image-plane coordinates (x/depth, y/depth) of points, and depth."""
    forward = pose.focal_point - pose.position
    forward = forward / np.linalg.norm(forward)
    up = pose.view_up / np.linalg.norm(pose.view_up)
    right = np.cross(forward, up)
    rel = points - pose.position
    depth = rel @ forward
    safe = np.maximum(depth, 1e-9)
    return np.stack([(rel @ right) / safe, (rel @ up) / safe, depth], axis=-1)


def _blocked(origins: np.ndarray, target: np.ndarray, tris: np.ndarray) -> np.ndarray:
    """Which segments origin -> target cross any of the triangles (Moller-Trumbore)."""
    out = np.zeros(len(origins), dtype=bool)
    if len(tris) == 0:
        return out
    v0, e1, e2 = tris[:, 0], tris[:, 1] - tris[:, 0], tris[:, 2] - tris[:, 0]
    for i, o in enumerate(origins):
        d = target - o
        p = np.cross(d, e2)
        det = np.einsum("ij,ij->i", e1, p)
        ok = np.abs(det) > 1e-14
        inv = np.where(ok, 1.0 / np.where(ok, det, 1.0), 0.0)
        t = o - v0
        u = np.einsum("ij,ij->i", t, p) * inv
        q = np.cross(t, e1)
        v = (q @ d) * inv
        s = np.einsum("ij,ij->i", e2, q) * inv
        hit = ok & (u >= 0) & (v >= 0) & (u + v <= 1) & (s > 0) & (s < 1)
        out[i] = bool(hit.any())
    return out


def site_view(scene: Scene, site_id: str, view: str, occluders: list[str]) -> SiteView:
    """How much of a site a framed side view shows (see the module's rule)."""
    w, h = scene.render_window.GetSize()
    lo, hi = context_box(scene, site_id)
    pose = fit_view(view, lo, hi, w / h if h else 1.0, view_angle_deg=VIEW_ANGLE_DEG)
    return SiteView(view, pose, _seen(scene, site_id, pose, occluders)[0])


def share_in_sight(scene: Scene, site_id: str) -> float:
    """The share (0..1) of a site's area the camera shows now, each piece weighed by how
    squarely it faces the camera, bones in front counting as cover (0: the site lies on the
    far side of the leg, or edge-on)."""
    if site_id not in scene.ids:
        return 0.0
    return _seen(scene, site_id, scene.camera_pose(), _bones_shown(scene))[1]


def _seen(scene: Scene, site_id: str, pose: CameraPose,
          occluders: list[str]) -> tuple[float, float]:
    """The pixels of a site the camera at ``pose`` shows, and the share of its area."""
    h = scene.render_window.GetSize()[1]
    tris = _triangles(scene, site_id)
    centres = tris.mean(axis=1)
    normals = np.cross(tris[:, 1] - tris[:, 0], tris[:, 2] - tris[:, 0])
    areas = np.linalg.norm(normals, axis=1) / 2.0
    unit = normals / np.maximum(2.0 * areas, 1e-18)[:, None]
    to_camera = pose.position - centres
    dist = np.linalg.norm(to_camera, axis=1)
    facing = np.einsum("ij,ij->i", unit, to_camera / dist[:, None])
    front = facing >= MIN_FACING
    if not front.any():
        return 0.0, 0.0
    forward = pose.focal_point - pose.position
    forward /= np.linalg.norm(forward)
    depth = -(to_camera @ forward)
    px_per_m = h / (2.0 * depth * math.tan(math.radians(VIEW_ANGLE_DEG) / 2.0))
    pixels = areas * facing * px_per_m**2  # each triangle's area on screen
    # Cover: bone triangles nearer the camera whose image overlaps the site's image.
    site_xy = _screen(tris[front].reshape(-1, 3), pose)
    x0, y0 = site_xy[:, :2].min(axis=0)
    x1, y1 = site_xy[:, :2].max(axis=0)
    far = float(site_xy[:, 2].max())
    cover = []
    for sid in occluders:
        bone = _triangles(scene, sid)
        xy = _screen(bone.reshape(-1, 3), pose).reshape(-1, 3, 3)
        near = (
            (xy[:, :, 0].max(axis=1) >= x0)
            & (xy[:, :, 0].min(axis=1) <= x1)
            & (xy[:, :, 1].max(axis=1) >= y0)
            & (xy[:, :, 1].min(axis=1) <= y1)
            & (xy[:, :, 2].min(axis=1) < far)
            & (xy[:, :, 2].max(axis=1) > 0)
        )
        cover.append(bone[near])
    idx = np.flatnonzero(front)
    # A few hundred rays tell the covered share well enough; they weigh as the triangles do.
    sample = idx[np.linspace(0, len(idx) - 1, min(len(idx), _RAYS)).astype(int)]
    covers = np.concatenate(cover) if cover else np.empty((0, 3, 3))
    blocked = _blocked(centres[sample] + unit[sample] * _LIFT, pose.position, covers)
    weights = pixels[sample]
    seen_share = float(weights[~blocked].sum() / weights.sum()) if weights.sum() > 0 else 0.0
    area_share = float((areas[idx] * facing[idx]).sum() / max(float(areas.sum()), 1e-18))
    return float(pixels[idx].sum()) * seen_share, area_share * seen_share


def best_site_view(scene: Scene, site_id: str, min_pixels: float = MIN_PIXELS) -> SiteView | None:
    """The side view (or the view from below, for a site of the foot) that shows the site
    largest, or None when none shows ``min_pixels``."""
    if site_id not in scene.ids:
        return None
    occluders = _bones_shown(scene)
    # From below only where the camera stays under the sole: a site higher up would be looked
    # at from inside the leg (the patella's base from mid-calf).
    w, h = scene.render_window.GetSize()
    below = fit_view("inferior", *context_box(scene, site_id), w / h if h else 1.0,
                     view_angle_deg=VIEW_ANGLE_DEG)
    sides = (*SIDE_VIEWS, "inferior") if below.position[2] < scene.frame_bounds()[0][2] \
        else SIDE_VIEWS
    views = [site_view(scene, site_id, view, occluders) for view in sides]
    best = max(views, key=lambda v: v.pixels)
    return best if best.pixels >= min_pixels else None


def _bones_shown(scene: Scene) -> list[str]:
    """The bones drawn now: what covers a site in the views that show it."""
    return [
        sid
        for sid in scene.ids
        if (info := scene.info(sid)) is not None
        and info.kind == "bone"
        and scene.state.is_visible(sid, info.layer)
    ]


#: A structure to name is shown from another pair of sides when that pair shows it this many
#: times larger than the pair the user looks from.
MUCH_LARGER = 1.5
#: The limb around a structure is measured in horizontal slices this thick (metres).
SLICE = 0.02
#: A structure whose points lie this close (metres, median) to the middle of the limb around
#: them lies on neither side of a pair.
CENTRAL = 0.005
#: At most this many of a structure's points decide the side it lies on.
_SIDE_POINTS = 2000
#: A joint turned further than this (radians, about 1 degree) poses the leg.
POSED = 0.017
_PAIRS = (("posterior", "anterior"), ("lateral", "medial"))
_LIMB_KINDS = frozenset({"bone", "muscle", "tendon"})


def naming_view(scene: Scene, structure_id: str, prefer: str,
                side: str | None = None) -> SiteView | None:
    """Where to show a structure to name from: ``side`` where given (the side its compartment
    faces), else the side :func:`side_showing` chooses (for a whole, unless another shows each
    of its parts better: :func:`side_telling_parts`), framing the structure with
    :data:`CONTEXT_HALF` of its neighbours around it. None where it is not drawn, or the leg is
    posed (the sides are the standing leg's: the whole leg is shown from ``prefer`` then)."""
    parts = sorted(scene.parts(structure_id))
    if not parts or any(abs(angle) > POSED for angle in scene.state.pose.values()):
        return None
    view = side if side is not None and side in COMPARTMENT_SIDES.values() \
        else side_showing(scene, structure_id, prefer)
    view = side_telling_parts(scene, structure_id, view)
    verts = np.concatenate([scene.world_vertices(sid) for sid in parts]).astype(float)
    lo, hi = verts.min(axis=0) - CONTEXT_HALF, verts.max(axis=0) + CONTEXT_HALF
    w, h = scene.render_window.GetSize()
    pose = fit_view(view, lo, hi, w / h if h else 1.0, view_angle_deg=VIEW_ANGLE_DEG)
    return SiteView(view, pose, 0.0)


def side_showing(scene: Scene, structure_id: str, prefer: str) -> str:
    """The side view to show a structure of the standing leg from.

    A side's size is the area of the structure it shows, seen along its axis (without
    perspective; the rest is drawn see-through, but what lies behind a bone is not counted:
    the navicular from behind lies behind the talus). The pair of sides is chosen first:
    ``prefer``'s (where the user looks from), unless the other pair shows it
    :data:`MUCH_LARGER` times larger (the muscles of the dorsum of the foot from behind are a
    sliver beyond the heel); then the side of the pair it lies on in the limb (the median of its
    points against the middle of the limb's bones, muscles and tendons at their height:
    abductor hallucis medial, flexor hallucis longus posterior), ``prefer`` where it lies on
    neither, and the other side where that shows it :data:`MUCH_LARGER` times larger.
    """
    parts = sorted(scene.parts(structure_id))
    if not parts:
        return prefer
    tris = np.concatenate([_triangles(scene, sid) for sid in parts])
    backs = {view: np.asarray(VIEWS[view][0]) for pair in _PAIRS for view in pair}
    shown = _areas_shown(scene, set(parts), tris, backs)
    sizes = {pair: max(shown[view] for view in pair) for pair in _PAIRS}
    pair = max(_PAIRS, key=lambda p: sizes[p])
    own = next((p for p in _PAIRS if prefer in p), None)
    if own is not None and sizes[own] * MUCH_LARGER >= sizes[pair]:
        pair = own
    points = tris.reshape(-1, 3)
    points = points[np.linspace(0, len(points) - 1, min(len(points), _SIDE_POINTS)).astype(int)]
    offsets = points - _limb_middles(scene, points[:, 2])

    def towards(view: str) -> float:  # how far the structure lies out towards this side
        return float(np.median(offsets @ backs[view]))

    side = max(pair, key=towards)
    if prefer in pair and abs(towards(side)) < CENTRAL:
        side = prefer
    other = pair[1] if side == pair[0] else pair[0]
    return other if shown[side] * MUCH_LARGER < shown[other] else side


def side_telling_parts(scene: Scene, structure_id: str, view: str) -> str:
    """The side to show a whole whose parts are drawn (and named) apart from: ``view``,
    unless another side shows the part it shows least :data:`MUCH_LARGER` times larger.

    All the parts are lit alike, so a part another part covers does not show: from behind,
    the short head of biceps femoris lies under the long head, and the whole's picture was
    the long head's. A part's size on a side is its area facing that side that no bone and no
    other part lies in front of (:func:`_areas_shown`). The sides: the four around the leg
    and ``view`` (the sole's from below)."""
    atlas = scene.atlas
    parts = [p for p in (atlas.children(structure_id) if atlas is not None else ())
             if scene.parts(p)]
    if len(parts) < 2:
        return view
    backs = {v: np.asarray(VIEWS[v][0]) for v in dict.fromkeys((*SIDE_VIEWS, view))}
    least = dict.fromkeys(backs, math.inf)
    for part in parts:
        own = set(scene.parts(part))
        shown = visible_areas(scene, own, backs,
                              set().union(*(scene.parts(p) for p in parts if p != part)))
        least = {v: min(least[v], shown[v]) for v in backs}
    best = max(backs, key=lambda v: least[v])
    return view if least[view] * MUCH_LARGER >= least[best] else best


#: Bones hide what lies behind them in cells of this size (metres) of a coarse depth map.
_CELL = 0.003


def visible_areas(scene: Scene, ids: Set[str], backs: dict[str, np.ndarray],
                  cover: Set[str] = frozenset(), cell: float = _CELL) -> dict[str, float]:
    """Per side (``backs``: view -> its axis, from the leg to the camera), the area of the
    drawn structures ``ids`` facing it, seen along its axis, that no drawn bone and nothing of
    ``cover`` lies in front of, in cells of ``cell`` (see :func:`_areas_shown`)."""
    tris = np.concatenate([_triangles(scene, sid) for sid in sorted(ids)])
    return _areas_shown(scene, set(ids), tris, backs, cover, cell)


def _areas_shown(scene: Scene, own: set[str], tris: np.ndarray,
                 backs: dict[str, np.ndarray], cover: Set[str] = frozenset(),
                 step: float = _CELL) -> dict[str, float]:
    """Per side (each looking along an axis), the area of the triangles ``tris`` facing it,
    projected along its axis, that no drawn bone (but the structure's own ``own`` parts) and
    nothing of ``cover`` lies in front of (in cells of ``step``)."""
    doubled = np.cross(tris[:, 1] - tris[:, 0], tris[:, 2] - tris[:, 0])  # 2 x area x normal
    centres = tris.mean(axis=1)
    lo, hi = centres.min(axis=0) - step, centres.max(axis=0) + step
    near = []
    for sid in scene.ids:
        if sid in own or not scene.is_shown(sid) or (
                sid not in cover and getattr(scene.info(sid), "kind", "") != "bone"):
            continue
        bone = _triangles(scene, sid)
        overlaps = (bone.max(axis=1) >= lo) & (bone.min(axis=1) <= hi)  # per axis
        # (in front of or behind the structure along some side's axis: all sides look across z)
        near.append(bone[overlaps[:, 2] & (overlaps[:, 0] | overlaps[:, 1])])
    bone = np.concatenate(near) if near else np.empty((0, 3, 3))
    samples = surface_samples(bone.reshape(-1, 3), np.arange(len(bone) * 3).reshape(-1, 3),
                              step)
    out = {}
    for view, back in backs.items():
        axis = int(np.argmax(np.abs(back)))
        sign = float(np.sign(back[axis]))
        facing = doubled[:, axis] * sign / 2.0
        across = [a for a in range(3) if a != axis]
        cell = np.floor(centres[:, across] / step).astype(np.int64)
        base = cell.min(axis=0)
        size = cell.max(axis=0) - base + 1
        theirs = np.floor(samples[:, across] / step).astype(np.int64) - base
        on = np.all((theirs >= 0) & (theirs < size), axis=1)
        nearest = np.full(int(size.prod()), -np.inf)  # per cell, the bone nearest the eye
        np.maximum.at(nearest, theirs[on, 0] * size[1] + theirs[on, 1], samples[on, axis] * sign)
        cell -= base
        behind = nearest[cell[:, 0] * size[1] + cell[:, 1]] > centres[:, axis] * sign + step / 2
        out[view] = float(facing[(facing > 0) & ~behind].sum())
    return out


def _limb_middles(scene: Scene, heights: np.ndarray) -> np.ndarray:
    """The middle (x, y; z as given) of the limb's bones, muscles and tendons in the slice of
    :data:`SLICE` at each height (the middle of its box: dense meshes do not pull it)."""
    meshes = [scene.world_vertices(sid) for sid in scene.ids
              if (info := scene.info(sid)) is not None and info.kind in _LIMB_KINDS]
    if not meshes:  # (none drawn: the middle of the frame)
        lo, hi = scene.frame_bounds()
        return np.column_stack([np.tile((lo[:2] + hi[:2]) / 2.0, (len(heights), 1)), heights])
    limb = np.concatenate(meshes).astype(float)
    slices = np.floor(limb[:, 2] / SLICE).astype(np.int64)
    order = np.argsort(slices)
    slices, limb = slices[order], limb[order]
    keys, starts = np.unique(slices, return_index=True)
    lo = np.minimum.reduceat(limb[:, :2], starts)
    hi = np.maximum.reduceat(limb[:, :2], starts)
    at = np.clip(np.searchsorted(keys, np.floor(heights / SLICE).astype(np.int64)), 0,
                 len(keys) - 1)
    return np.column_stack([(lo[at] + hi[at]) / 2.0, heights])
