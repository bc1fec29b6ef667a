"""Which labelled sites lie behind the foot from where the camera looks.

Seen from below (the sole view), the leg's sites lie straight beyond the foot: their labels
pointed through the faded foot as if at something on it. Such a label says it is on the far
side (:data:`BEHIND_FOOT`). So does a site on the foot that the sight line reaches only after
passing through its bones (:data:`FOOT_DEPTH`): flexor hallucis longus's great-toe insertion,
seen from behind, pointed at the heel with no word that it lay beyond it. A selected muscle's
own site deep beneath it from where the camera looks says so too (:data:`UNDER_MUSCLE`): the
soleus' origins on the soleal line and the tibia's medial border, seen from behind, pointed at
its belly. A site beyond one of the leg's own bones names it (:data:`BEHIND_BONE`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from calfexplorer.scene.picking import rays_hit_boxes

#: Added to the text of a label whose sites all lie behind the foot.
BEHIND_FOOT = " (far side, behind the foot)"

#: A site on the foot lies on its far side where the sight line runs this far (metres) behind
#: the first foot bone it meets before reaching it. Measured on the built-in leg's preset views:
#: the great toe's insertions from behind 21-22 cm, the heel's from in front 12.5 cm; sites in
#: sight 0-2 cm (a site's centre can lie under its own bone's curved surface).
FOOT_DEPTH = 0.025

#: Added to the text of a label whose sites all lie deep beneath the selected muscle itself.
UNDER_MUSCLE = " (under the muscle)"

#: A selected muscle's site lies under it where the sight line runs this far (metres) inside
#: the muscle before reaching it. Measured on the built-in leg's four preset views over every
#: muscle's sites: origins covered by their bellies 13-54 mm (the soleal line from behind 22,
#: tibialis anterior's from in front 17, the gastrocnemius heads' from behind 25); sites at a
#: belly's or tendon's edge or end 1-10 mm (the calcaneal insertion from behind 0).
UNDER_DEPTH = 0.012

#: Added to the text of a label whose sites all lie beyond a bone of the leg from where the
#: camera looks, with the bone's name: the popliteus' origin in the lateral femoral condyle's
#: groove, seen from the medial side, pointed at the knee's near side with no word of it.
BEHIND_BONE = " (far side, behind the {bone})"

#: What a note that names what a site lies behind says after a text that names it already:
#: "Origin: Popliteal groove (femur) (far side, behind the femur)" said the bone twice.
FAR_SIDE = " (far side)"

#: A site lies beyond a bone of the leg (not the foot's) where the sight line runs this far
#: (metres) behind the first surface of that bone it meets. Measured on both legs' four preset
#: views over the calf muscles' sites: sites in sight 0-12 mm (a site's centre lies under its
#: own bone's curved surface: tibialis posterior's on the fibula, from behind, 9-11 mm); sites
#: on the far side 14-71 mm (the popliteal groove from the medial side 64-71, tibialis
#: posterior's tibial origin from in front 21-25, the tibia's medial border from the lateral
#: side 14-24). The fibula's thin shaft, seen through, gives 7-13 mm: too little to tell.
#: The patella is left out (its sites, on its edges, lie 16-20 mm inside it from in front).
BONE_DEPTH = 0.013

Point = Sequence[float]


def note_after(text: str, note: str) -> str:
    """``note`` as it reads after ``text``: :data:`FAR_SIDE` alone where the note names what
    the site lies behind (:data:`BEHIND_BONE`, :data:`BEHIND_FOOT`) and ``text`` names that
    already, as a word; else ``note`` itself."""
    before, after = BEHIND_BONE.split("{bone}")
    if not (note.startswith(before) and note.endswith(after)):
        return note
    behind = note[len(before):len(note) - len(after)]
    if behind and re.search(rf"\b{re.escape(behind)}\b", text, re.IGNORECASE):
        return FAR_SIDE
    return note


def in_box(point: Point, lo: Point, hi: Point) -> bool:
    """Whether ``point`` lies in the axis-aligned box ``lo``-``hi``."""
    return all(low <= p <= high for p, low, high in zip(point, lo, hi, strict=True))


def behind_box(eye: Point, point: Point, lo: Point, hi: Point) -> bool:
    """Whether ``point``, outside the axis-aligned box ``lo``-``hi``, is seen through it from
    ``eye``: the sight line from the eye to the point crosses the box on its way."""
    if in_box(point, lo, hi):
        return False  # (a site on the foot itself)
    bounds = np.array([[lo[0], hi[0], lo[1], hi[1], lo[2], hi[2]]], dtype=np.float64)
    return bool(rays_hit_boxes(np.asarray(eye, np.float64), np.asarray(point, np.float64),
                               bounds)[0])
