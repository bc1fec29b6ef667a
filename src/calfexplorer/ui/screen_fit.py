"""Minimum widths of the window's parts that fit the screen it is on.

At 125 % or 150 % scaling a 1024- or 1366-pixel screen is 683 to 911 logical pixels wide; the
panels' usual minimums (list 220, information 300, 3D view 320, a mode panel up to ~410) added
up to more, and the window ran off the screen with the information panel's right edge, the
toolbar's end and the mode panels' sliders out of reach.
"""

from __future__ import annotations

from typing import NamedTuple

#: The usual minimum widths, for a screen with room for them.
LIST, INFO, VIEW = 220, 300, 320
#: How narrow each may go on a small screen.
LEAST_LIST, LEAST_INFO, LEAST_VIEW = 150, 200, 220
#: Splitters, frames, a panel's tab bar and the window's border (24 left a study window
#: 904 pixels wide on a 900-pixel screen).
_SLACK = 40


class Minimums(NamedTuple):
    """Minimum widths: the structure list, the right-hand panels, the 3D view; ``mode`` caps
    what a mode panel's content may ask (None: no cap), beyond which it scrolls sideways."""

    list: int
    info: int
    view: int
    mode: int | None


def minimums(room: int) -> Minimums:
    """The minimum widths for a screen ``room`` logical pixels wide."""
    usual = LIST + INFO + VIEW + _SLACK
    if room >= usual + 120:  # (room for a mode panel's widest content too)
        return Minimums(LIST, INFO, VIEW, None)
    share = max(room - _SLACK, 0) / (LIST + INFO + VIEW)
    left = max(LEAST_LIST, min(LIST, round(LIST * share)))
    right = max(LEAST_INFO, min(INFO, round(INFO * share)))
    view = max(LEAST_VIEW, min(VIEW, room - _SLACK - left - right))
    return Minimums(left, right, view, max(right, room - _SLACK - left - view))
