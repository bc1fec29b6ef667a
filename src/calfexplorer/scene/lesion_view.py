"""Where a lesion's picture is taken from: the side that shows its denervated muscles largest
and, as much, the muscles that tell it from the lesions most like it (coloured in one of the
two, not in the other), and as much its numb skin; framed on all of the denervated muscles,
the numb skin and the cuts (a lesion in front of the ankle: the foot from above, its first web
space; a root's, the sciatic and femoral nerves': the limb, as framed on one side of the knee
the femoral nerve's numb medial leg and the sciatic nerve's cut in the buttock were left out).

In a lesion's picture nothing is faded: other structures hide what lies behind them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

import numpy as np

from calfexplorer.geometry import mesh
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
#: Where a lesion numbs several large areas (each at least :data:`AREA_SHARE` of its numb
#: skin), the sides that show each at least this share of the most a side shows of it
#: compete, where any does: from the front, the femoral nerve's picture showed the front of
#: the thigh and its numb medial leg (the saphenous nerve's skin) edge on, 39 % of its view
#: from the medial side.
AREA_SEEN = 0.5
#: A numb area is large at this share of the lesion's numb skin (the first web space, next to
#: the common fibular nerve's lateral leg, is not: the fibularis muscles seen from the side
#: tell that lesion from the deep fibular nerve's; the deep fibular nerve's own, alone, is its
#: numb skin).
AREA_SHARE = 0.2
#: What hides a muscle behind it (nerves and vessels are too thin to count).
_COVER_KINDS = frozenset({"bone", "muscle", "tendon", "ligament"})


def lesion_view(scene: Scene, coloured: Collection[str],
                telling: Collection[str] = (), numb: np.ndarray | None = None,
                also: np.ndarray | None = None,
                areas: Sequence[np.ndarray] = ()) -> SiteView | None:
    """The side and framing of the picture of a lesion that colours the muscles ``coloured``
    (a whole: its heads); ``telling``: the muscles that tell it from the lesions most like it;
    ``numb``: the (m, 3, 3) triangles of its numb skin, ``areas`` those of each of its numb
    areas; ``also``: points to keep in the frame (its cuts). None when none of ``coloured`` is
    drawn and no skin is numb. The frame holds all of them.

    A side's score: the area of the coloured muscles it shows (:func:`visible_areas`, behind
    the other drawn bones, muscles, tendons and ligaments) as a share of the most any side
    shows, plus the same share for the telling muscles, and for the numb skin facing it. Only
    the sides that show :data:`NUMB_SEEN` of the numb skin compete, of those the sides that
    show :data:`AREA_SEEN` of each numb area where any does, and the view from above only for
    a frame of the foot (:data:`FROM_ABOVE_HEIGHT`).
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
        each = [facing_areas(area, backs) for area in areas
                if _area(area) >= AREA_SHARE * _area(numb)]
        each = each if len(each) > 1 else []  # (one area: the numb skin's rule above)
        best = [max(a[v] for v in sides) for a in each]
        sides = [v for v in sides
                 if all(a[v] >= AREA_SEEN * b for a, b in zip(each, best, strict=True))] or sides
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


def _area(tris: np.ndarray) -> float:
    """The area of the triangles ``tris`` (m, 3, 3)."""
    return mesh.area(tris.reshape(-1, 3), np.arange(3 * len(tris)).reshape(-1, 3))


def _drawn(scene: Scene, muscles: Collection[str]) -> set[str]:
    """The drawn ids of ``muscles`` (a whole: its heads)."""
    return set().union(*(scene.parts(m) for m in muscles))
