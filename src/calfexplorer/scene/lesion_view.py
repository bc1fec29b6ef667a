"""Where a lesion's picture is taken from: the side that shows its denervated muscles largest
and, as much, the muscles that tell it from the lesions most like it (coloured in one of the
two, not in the other), and as much its numb skin; framed on the denervated muscles, the numb
skin and the cuts (a lesion in front of the ankle: the foot from above, its first web space),
on one side of the knee where they lie on both (a root's, the sciatic nerve's: the calf and
foot).

In a lesion's picture nothing is faded: other structures hide what lies behind them.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from calfexplorer.scene.camera import VIEW_ANGLE_DEG, VIEWS, fit_view
from calfexplorer.scene.site_view import SIDE_VIEWS, SiteView, visible_areas

if TYPE_CHECKING:
    from calfexplorer.scene.scene import Scene

#: The sides a lesion's picture may be taken from (the first of equals wins): the side views,
#: the sole, and the dorsum of the foot from above.
SIDES = (*SIDE_VIEWS, "inferior", "superior")
#: The frame reaches this far (metres) beyond the denervated muscles.
MARGIN = 0.02
#: Muscles are measured in cells of this size (metres): a lesion's span the whole limb.
CELL = 0.01
#: A picture from above (the dorsum of the foot) frames no more than this height (metres):
#: the leg seen from above is foreshortened to nothing.
FROM_ABOVE_HEIGHT = 0.15
#: Where skin is numb, a side must show at least this share of it (of the most a side shows):
#: from the side, the deep fibular nerve's first web space hid behind the foot.
NUMB_SEEN = 0.25
#: What hides a muscle behind it (nerves and vessels are too thin to count).
_COVER_KINDS = frozenset({"bone", "muscle", "tendon", "ligament"})
#: Numb skin counts as lying on a side of the knee where that side holds this share of its
#: area (a dermatome's edge over the knee is not the thigh's numb skin).
SIDE_SHARE = 0.1


class Framed(NamedTuple):
    """What a lesion's picture is framed on (see :func:`knee_side`)."""

    coloured: set[str]
    telling: set[str]
    numb: np.ndarray
    cuts: np.ndarray | None


def knee_side(scene: Scene, coloured: Collection[str], telling: Collection[str],
              numb: np.ndarray, cuts: np.ndarray | None) -> Framed:
    """What a lesion's picture is framed on, of its coloured muscles, the muscles that tell
    it, its numb skin triangles (m, 3, 3) and its cut points: where the coloured muscles or
    the numb skin lie on both sides of the knee (a root's, the sciatic nerve's, the femoral
    nerve's), those on one side only; below it where a muscle there is weak (the calf and
    foot: framed on the whole limb, their changes were a small part of the picture), else
    above (the femoral nerve's quadriceps and the skin of the thigh). Muscles are placed by
    their vertices' median height, the skin by its triangles' centres, the knee at the top of
    the tibia. All of it where everything lies on one side, or no tibia is drawn."""
    whole = Framed(set(coloured), set(telling), numb, cuts)
    if not coloured or "tibia" not in scene.ids:
        return whole
    knee = float(scene.world_vertices("tibia")[:, 2].max())

    def low(muscle: str) -> bool:
        parts = sorted(_drawn(scene, [muscle]))
        if not parts:
            return True
        heights = np.concatenate([scene.world_vertices(p)[:, 2] for p in parts])
        return float(np.median(heights)) < knee

    is_low = {m: low(m) for m in {*coloured, *telling}}
    below = {m for m in coloured if is_low[m]}
    skin_low = numb[:, :, 2].mean(axis=1) < knee if len(numb) else np.zeros(0, dtype=bool)
    area = (np.linalg.norm(np.cross(numb[:, 1] - numb[:, 0], numb[:, 2] - numb[:, 0]), axis=1)
            if len(numb) else np.zeros(0))
    skin_both = min(area[skin_low].sum(), area[~skin_low].sum()) > SIDE_SHARE * area.sum()
    if not ((below and set(coloured) - below) or skin_both):
        return whole
    side = bool(below)  # (True: below the knee)
    kept_cuts = None if cuts is None else cuts[(cuts[:, 2] < knee) == side]
    return Framed({m for m in coloured if is_low[m] == side},
                  {m for m in telling if is_low[m] == side}, numb[skin_low == side],
                  kept_cuts if kept_cuts is not None and len(kept_cuts) else None)


def lesion_view(scene: Scene, coloured: Collection[str],
                telling: Collection[str] = (), numb: np.ndarray | None = None,
                also: np.ndarray | None = None) -> SiteView | None:
    """The side and framing of the picture of a lesion that colours the muscles ``coloured``
    (a whole: its heads); ``telling``: the muscles that tell it from the lesions most like it;
    ``numb``: the (m, 3, 3) triangles of its numb skin; ``also``: points to keep in the frame
    (its cuts). None when none of ``coloured`` is drawn and no skin is numb.

    A side's score: the area of the coloured muscles it shows (:func:`visible_areas`, behind
    the other drawn bones, muscles, tendons and ligaments) as a share of the most any side
    shows, plus the same share for the telling muscles, and for the numb skin facing it. Only
    the sides that show :data:`NUMB_SEEN` of the numb skin compete, and the view from above
    only for a frame of the foot (:data:`FROM_ABOVE_HEIGHT`).
    """
    own = _drawn(scene, coloured)
    numb = np.empty((0, 3, 3)) if numb is None else np.asarray(numb, dtype=float)
    if not own and not len(numb):
        return None
    cover = {sid for sid in scene.ids if scene.is_shown(sid) and scene.takes_clicks(sid)
             and getattr(scene.info(sid), "kind", "") in _COVER_KINDS}
    backs = {v: np.asarray(VIEWS[v][0]) for v in SIDES}
    score = dict.fromkeys(SIDES, 0.0)
    points = [scene.world_vertices(sid) for sid in sorted(own)] + [numb.reshape(-1, 3)]
    if also is not None:
        points.append(np.asarray(also, dtype=float).reshape(-1, 3))
    verts = np.concatenate(points).astype(float)
    shares = [visible_areas(scene, ids, backs, cover - ids, CELL)
              for ids in (own, _drawn(scene, telling)) if ids]
    sides = [v for v in SIDES
             if v != "superior" or np.ptp(verts[:, 2]) <= FROM_ABOVE_HEIGHT]
    if len(numb):
        skin = facing_areas(numb, backs)
        shares.append(skin)
        most = max(skin[v] for v in sides)
        sides = [v for v in sides if skin[v] >= NUMB_SEEN * most] or sides
    for shown in shares:
        most = max(shown.values())
        for view in SIDES:
            score[view] += shown[view] / most if most > 0 else 0.0
    view = max(sides, key=lambda v: score[v])
    w, h = scene.render_window.GetSize()
    pose = fit_view(view, verts.min(axis=0) - MARGIN, verts.max(axis=0) + MARGIN,
                    w / h if h else 1.0, view_angle_deg=VIEW_ANGLE_DEG)
    return SiteView(view, pose, 0.0)


def facing_areas(tris: np.ndarray, backs: dict[str, np.ndarray]) -> dict[str, float]:
    """Per side (view -> its axis, from the leg to the camera), the area of the triangles
    ``tris`` (m, 3, 3) facing it, projected onto its image plane. For the skin, the outer
    surface: nothing covers it but the leg's own far side, which faces away."""
    doubled = np.cross(tris[:, 1] - tris[:, 0], tris[:, 2] - tris[:, 0])
    out = {}
    for view, back in backs.items():
        facing = doubled @ (back / np.linalg.norm(back)) / 2.0
        out[view] = float(facing[facing > 0].sum())
    return out


def _drawn(scene: Scene, muscles: Collection[str]) -> set[str]:
    """The drawn ids of ``muscles`` (a whole: its heads)."""
    return set().union(*(scene.parts(m) for m in muscles))
