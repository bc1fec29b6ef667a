"""Colour of a muscle by how much it is lengthened or shortened: a diverging blue-orange
scale (blue = shorter, near-white = unchanged, orange = longer), distinguishable with the
common colour-vision deficiencies (blue against orange; ColorBrewer RdBu/PuOr end colours)."""

from __future__ import annotations

from collections.abc import Mapping

RGB = tuple[float, float, float]

#: Scale stops: (position -1 .. 1, colour as 0..1 RGB). -1 = most shortened.
STOPS: tuple[tuple[float, RGB], ...] = (
    (-1.0, (0x21 / 255, 0x66 / 255, 0xAC / 255)),  # #2166AC dark blue
    (-0.5, (0x67 / 255, 0xA9 / 255, 0xCF / 255)),  # #67A9CF light blue
    (0.0, (0xF7 / 255, 0xF7 / 255, 0xF7 / 255)),  # #F7F7F7 near white
    (0.5, (0xF1 / 255, 0xA3 / 255, 0x40 / 255)),  # #F1A340 light orange
    (1.0, (0xB3 / 255, 0x58 / 255, 0x06 / 255)),  # #B35806 dark orange
)

#: Length change (percentage points from 100 %) drawn at full colour.
DEFAULT_SPAN_PERCENT = 10.0


def diverging(value: float) -> RGB:
    """Colour at ``value`` in -1 .. 1 (clamped), interpolated linearly between :data:`STOPS`."""
    v = min(max(float(value), -1.0), 1.0)
    for (x0, c0), (x1, c1) in zip(STOPS, STOPS[1:], strict=False):
        if v <= x1:
            t = (v - x0) / (x1 - x0)
            return (
                c0[0] + t * (c1[0] - c0[0]),
                c0[1] + t * (c1[1] - c0[1]),
                c0[2] + t * (c1[2] - c0[2]),
            )
    return STOPS[-1][1]


def length_value(percent: float, span: float = DEFAULT_SPAN_PERCENT) -> float:
    """-1 .. 1 position on the scale for a length of ``percent`` % of anatomical."""
    return min(max((percent - 100.0) / span, -1.0), 1.0)


def length_colour(percent: float, span: float = DEFAULT_SPAN_PERCENT) -> RGB:
    """Colour for a muscle at ``percent`` % of its anatomical-position length."""
    return diverging(length_value(percent, span))


def muscle_colours(
    percentages: Mapping[str, float], span: float = DEFAULT_SPAN_PERCENT
) -> dict[str, RGB]:
    """``{atlas id: colour}`` for ``{atlas id: percent}``."""
    return {aid: length_colour(p, span) for aid, p in percentages.items()}


def legend(span: float = DEFAULT_SPAN_PERCENT) -> list[tuple[str, RGB]]:
    """Legend entries from most shortened to most lengthened: (label, colour)."""
    return [
        (f"≤ {100 - span:g}% (shorter)", diverging(-1.0)),
        (f"{100 - span / 2:g}%", diverging(-0.5)),
        ("100% (as in anatomical position)", diverging(0.0)),
        (f"{100 + span / 2:g}%", diverging(0.5)),
        (f"≥ {100 + span:g}% (longer)", diverging(1.0)),
    ]
