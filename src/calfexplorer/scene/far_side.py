"""Which labelled sites lie behind the foot from where the camera looks (no VTK).

Seen from below (the sole view), the leg's sites lie straight beyond the foot: their labels
pointed through the faded foot as if at something on it. Such a label says it is on the far
side (:data:`BEHIND_FOOT`).
"""

from __future__ import annotations

from collections.abc import Sequence

#: Added to the text of a label whose sites all lie behind the foot.
BEHIND_FOOT = " (far side, behind the foot)"

Point = Sequence[float]


def behind_box(eye: Point, point: Point, lo: Point, hi: Point) -> bool:
    """Whether ``point``, outside the axis-aligned box ``lo``-``hi``, is seen through it from
    ``eye``: the sight line from the eye to the point crosses the box on its way."""
    if all(low <= p <= high for p, low, high in zip(point, lo, hi, strict=True)):
        return False  # (a site on the foot itself)
    enter, leave = 0.0, 1.0  # along the line from the eye (0) to the point (1)
    for e, p, low, high in zip(eye, point, lo, hi, strict=True):
        d = p - e
        if abs(d) < 1e-12:
            if not low <= e <= high:
                return False
            continue
        a, b = (low - e) / d, (high - e) / d
        enter, leave = max(enter, min(a, b)), min(leave, max(a, b))
        if enter > leave:
            return False
    return True
