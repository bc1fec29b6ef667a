"""Where a lesion's picture is taken from: the side that shows its denervated muscles largest
and, as much, the muscles that tell it from the lesions most like it (coloured in one of the
two, not in the other); framed on the denervated muscles (a lesion in front of the ankle: the
foot; the sciatic nerve: the whole limb).

In a lesion's picture nothing is faded: other structures hide what lies behind them.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

import numpy as np

from calfexplorer.scene.camera import VIEW_ANGLE_DEG, VIEWS, fit_view
from calfexplorer.scene.site_view import SIDE_VIEWS, SiteView, visible_areas

if TYPE_CHECKING:
    from calfexplorer.scene.scene import Scene

#: The sides a lesion's picture may be taken from (the first of equals wins).
SIDES = (*SIDE_VIEWS, "inferior")
#: The frame reaches this far (metres) beyond the denervated muscles.
MARGIN = 0.02
#: Muscles are measured in cells of this size (metres): a lesion's span the whole limb.
CELL = 0.01
#: What hides a muscle behind it (nerves and vessels are too thin to count).
_COVER_KINDS = frozenset({"bone", "muscle", "tendon", "ligament"})


def lesion_view(scene: Scene, coloured: Collection[str],
                telling: Collection[str] = ()) -> SiteView | None:
    """The side and framing of the picture of a lesion that colours the muscles ``coloured``
    (a whole: its heads); ``telling``: the muscles that tell it from the lesions most like it.
    None when none of ``coloured`` is drawn.

    A side's score: the area of the coloured muscles it shows (:func:`visible_areas`, behind
    the other drawn bones, muscles, tendons and ligaments) as a share of the most any side
    shows, plus the same share for the telling muscles.
    """
    own = _drawn(scene, coloured)
    if not own:
        return None
    cover = {sid for sid in scene.ids if scene.is_shown(sid) and scene.takes_clicks(sid)
             and getattr(scene.info(sid), "kind", "") in _COVER_KINDS}
    backs = {v: np.asarray(VIEWS[v][0]) for v in SIDES}
    score = dict.fromkeys(SIDES, 0.0)
    for ids in (own, _drawn(scene, telling)):
        if not ids:
            continue
        shown = visible_areas(scene, ids, backs, cover - ids, CELL)
        most = max(shown.values())
        for view in SIDES:
            score[view] += shown[view] / most if most > 0 else 0.0
    view = max(SIDES, key=lambda v: score[v])
    verts = np.concatenate([scene.world_vertices(sid) for sid in sorted(own)]).astype(float)
    w, h = scene.render_window.GetSize()
    pose = fit_view(view, verts.min(axis=0) - MARGIN, verts.max(axis=0) + MARGIN,
                    w / h if h else 1.0, view_angle_deg=VIEW_ANGLE_DEG)
    return SiteView(view, pose, 0.0)


def _drawn(scene: Scene, muscles: Collection[str]) -> set[str]:
    """The drawn ids of ``muscles`` (a whole: its heads)."""
    return set().union(*(scene.parts(m) for m in muscles))
