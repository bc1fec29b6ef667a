"""Where labels go on screen: a pure layout from anchor points and text sizes (no Qt, no VTK).

Coordinates are display pixels, origin bottom-left. Each label has one or more anchors (the
sites it names) and is joined to each by a leader line ending at the middle of the label's near
edge. Labels stand in two columns, one left and one right of every anchor, so no leader can
cross a label: all leaders stay between the columns. A column is stacked top to bottom in the
order of its anchors' heights, so leaders do not cross each other either. When the view is too
narrow for a column, the labels left over are placed one at a time where they cover no label,
no leader and no anchor, and their own leaders cross no label (nor another leader, where some
place allows); a label with no such place is left out (``None``). Given boxes covering the
selected structure on screen, each column stands outside them where all its labels fit
there (a label keeps its side: it is never sent across the view, its leader over the other
side's sites, to stand clear of the selection), and the other labels are placed clear of
them where a place is found, so that, as far as there is room, no label covers what it names
(a muscle lying across the view, as the bent knee lays the calf).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Point = tuple[float, float]

GAP = 6.0  # pixels between stacked labels
SIDE_OFFSET = 36.0  # pixels from the outermost anchor to the columns' near edges
MARGIN = 4.0  # pixels kept free at the view's edges
SQUEEZE_STEPS = 16  # places tried above and below a site for a label that fits no column
#: At most this many places are tried for all such labels together, which bounds the layout's
#: time (it runs before every frame); labels still without one are left out. Where the layout
#: keeps clear of the selection, as many more are tried for places clear of it first, shared
#: equally among those labels.
SQUEEZE_BUDGET = 200
#: How many neighbour swaps a column tries to untangle its leaders (the layout runs before
#: every frame: a dozen labels with several sites each took up to 27 ms unbounded).
UNTANGLE_TRIALS = 12


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in display pixels."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box, gap: float = 0.0) -> bool:
        """Whether the two rectangles, each grown by ``gap / 2``, share any area."""
        return not (
            self.x1 + gap <= other.x0
            or other.x1 + gap <= self.x0
            or self.y1 + gap <= other.y0
            or other.y1 + gap <= self.y0
        )

    def contains(self, point: Point) -> bool:
        """Whether a point lies inside or on the rectangle."""
        return self.x0 <= point[0] <= self.x1 and self.y0 <= point[1] <= self.y1


@dataclass(frozen=True)
class Placement:
    """A placed label: its rectangle, the side of its anchors it stands on, and its leaders
    (from each anchor in view to ``end``, the middle of the near edge)."""

    box: Box
    side: str
    end: Point
    anchors: tuple[Point, ...]

    @property
    def leaders(self) -> list[tuple[Point, Point]]:
        """The leader lines as (anchor, end) segments."""
        return [(anchor, self.end) for anchor in self.anchors]

    @property
    def extent(self) -> Box:
        """The rectangle around the label and its leaders."""
        xs = [self.box.x0, self.box.x1, *(p[0] for p in self.anchors)]
        ys = [self.box.y0, self.box.y1, *(p[1] for p in self.anchors)]
        return Box(min(xs), min(ys), max(xs), max(ys))


def segment_crosses_box(a: Point, b: Point, box: Box, inset: float = 0.5) -> bool:
    """Whether segment a-b passes through the inside of ``box`` (shrunk by ``inset``, so a
    leader that only ends on the box's edge does not count)."""
    x0, y0, x1, y1 = box.x0 + inset, box.y0 + inset, box.x1 - inset, box.y1 - inset
    if x0 >= x1 or y0 >= y1:
        return False
    # Liang-Barsky clipping of the segment's parameter range against the box.
    t0, t1 = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - x0), (dx, x1 - a[0]), (-dy, a[1] - y0), (dy, y1 - a[1])):
        if p == 0.0:
            if q < 0.0:
                return False
            continue
        t = q / p
        if p < 0.0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def segments_cross(a: Point, b: Point, c: Point, d: Point) -> bool:
    """Whether segments a-b and c-d cross each other (touching at an end does not count)."""
    # the turns of a and b about c-d, then of c and d about a-b (written out: the layout
    # calls this thousands of times a frame)
    cdx, cdy = d[0] - c[0], d[1] - c[1]
    turn_a = cdx * (a[1] - c[1]) - cdy * (a[0] - c[0])
    turn_b = cdx * (b[1] - c[1]) - cdy * (b[0] - c[0])
    if not turn_a * turn_b < 0.0:
        return False
    abx, aby = b[0] - a[0], b[1] - a[1]
    turn_c = abx * (c[1] - a[1]) - aby * (c[0] - a[0])
    turn_d = abx * (d[1] - a[1]) - aby * (d[0] - a[0])
    return turn_c * turn_d < 0.0


def stack(wanted: Sequence[float], heights: Sequence[float], low: float, high: float,
          gap: float = GAP) -> list[float] | None:
    """Centres as close to ``wanted`` (ordered top first) as possible, ``gap`` apart, all
    between ``low`` and ``high``; None when they do not fit."""
    if not wanted:
        return []
    if sum(heights) + gap * (len(heights) - 1) > high - low:
        return None
    ys: list[float] = []
    for y, h in zip(wanted, heights, strict=True):
        y = min(y, high - h / 2)
        if ys:
            y = min(y, ys[-1] - (heights[len(ys) - 1] + h) / 2 - gap)
        ys.append(y)
    # Run out of the bottom: push the stack up from there.
    floor = low + heights[-1] / 2
    for k in range(len(ys) - 1, -1, -1):
        if ys[k] >= floor:
            break
        ys[k] = floor
        if k:
            floor = ys[k] + (heights[k] + heights[k - 1]) / 2 + gap
    return ys


def _mean(points: Sequence[Point]) -> Point:
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def _label_box(side: str, edge: float, y: float, size: Point) -> Box:
    w, h = size
    if side == "right":
        return Box(edge, y - h / 2, edge + w, y + h / 2)
    return Box(edge - w, y - h / 2, edge, y + h / 2)


def _columns(
    order: list[int],
    anchors: list[tuple[Point, ...]],
    sizes: Sequence[Point],
    view: Point,
    top: float,
    clear_of: Sequence[Box] = (),
) -> dict[int, Placement]:
    """Two columns outside the anchors' horizontal span; each label stands on its anchors'
    side of the span's middle where it fits there. A column stands beyond ``clear_of`` too
    where all its labels fit there. Labels that fit in neither column are left out of the
    result."""
    width, height = view
    every = [p for i in order for p in anchors[i]]
    lo = min(p[0] for p in every)
    hi = max(p[0] for p in every)
    edges = {"left": lo - SIDE_OFFSET, "right": hi + SIDE_OFFSET}

    def fits(i: int, side: str, edge: float) -> bool:
        w = sizes[i][0]
        if side == "right":
            return edge + w <= width - MARGIN
        return edge - w >= MARGIN

    middle = (lo + hi) / 2
    members: dict[str, list[int]] = {"left": [], "right": []}
    for i in order:
        first = "right" if _mean(anchors[i])[0] >= middle else "left"
        other = "left" if first == "right" else "right"
        # Prefer the side with room for this label; balance the columns' heights.
        sides = [s for s in (first, other) if fits(i, s, edges[s])]
        if len(sides) == 2:
            load = {s: sum(sizes[j][1] for j in members[s]) for s in sides}
            if load[first] > load[other] + height / 3:
                sides.reverse()
        if sides:
            members[sides[0]].append(i)

    if clear_of:
        # Each column moves out beyond the selection only where all its labels still fit
        # there: a label is never sent across the view to the other column for it, as its
        # leader would then cross the other side's sites and leaders.
        beyond = {"left": min(edges["left"], min(b.x0 for b in clear_of) - GAP),
                  "right": max(edges["right"], max(b.x1 for b in clear_of) + GAP)}
        for side, group in members.items():
            if all(fits(i, side, beyond[side]) for i in group):
                edges[side] = beyond[side]

    placed: dict[int, Placement] = {}
    low, high = MARGIN, height - top
    for side, group in members.items():
        group.sort(key=lambda i: -_mean(anchors[i])[1])  # top first
        while group:
            wanted = [_mean(anchors[i])[1] for i in group]
            ys = stack(wanted, [sizes[i][1] for i in group], low, high)
            if ys is not None:
                break
            group.remove(max(group))  # too tall: leave out the label of least priority
        else:
            continue
        edge = edges[side]

        def column(group: list[int], ys: list[float], side: str = side,
                   edge: float = edge) -> list[Placement]:
            return [Placement(_label_box(side, edge, y, sizes[i]), side, (edge, y), anchors[i])
                    for i, y in zip(group, ys, strict=True)]

        # Stacked by their sites' heights, leaders still cross, or pass over a site, where the
        # sites lie at different depths from the column: swap neighbours while that helps.
        heights = {i: _mean(anchors[i])[1] for i in group}
        tangles_of = _ColumnTangles(anchors, every, edge)
        tangles = tangles_of(group, ys) if UNTANGLE_TRIALS > 0 else 0
        swapped, trials = True, UNTANGLE_TRIALS
        while tangles and swapped and trials > 0:
            swapped = False
            for k in range(len(group) - 1):
                trials -= 1
                if trials < 0:
                    break
                trial = group[:k] + [group[k + 1], group[k]] + group[k + 2:]
                trial_ys = stack([heights[i] for i in trial],
                                 [sizes[i][1] for i in trial], low, high)
                if trial_ys is None:
                    continue
                trial_tangles = tangles_of(trial, trial_ys, tangles)
                if trial_tangles < tangles:
                    group, ys, tangles, swapped = trial, trial_ys, trial_tangles, True
                    break
        for i, label in zip(group, column(group, ys), strict=True):
            placed[i] = label
    return placed


class _ColumnTangles:
    """Counts the tangles of one column's stackings: how many pairs of its labels' leaders
    cross, plus how many times a leader passes within ``GAP`` pixels of a site (of ``sites``)
    that is not its own.

    A label's leaders depend only on its height, so each label's count at a height and each
    pair's at theirs is worked out once: a neighbour swap moves few labels, and most of a
    trial's count is already known (the layout was ~4x slower counting every trial afresh).
    """

    def __init__(self, anchors: Sequence[tuple[Point, ...]], sites: Sequence[Point],
                 edge: float) -> None:
        self.anchors, self.sites, self.edge = anchors, sites, edge
        self._near: dict[tuple[int, float], int] = {}
        self._pairs: dict[tuple[int, float, int, float], int] = {}

    def __call__(self, group: Sequence[int], ys: Sequence[float],
                 limit: float = float("inf")) -> int:
        """The count for labels ``group`` at heights ``ys``; once it reaches ``limit`` it
        stops there (that stacking is no better)."""
        count = 0
        for k, (i, y) in enumerate(zip(group, ys, strict=True)):
            near = self._near.get((i, y))
            if near is None:
                near = self._near[i, y] = self._passing_sites(i, y)
            count += near
            for j, other_y in zip(group[k + 1:], ys[k + 1:], strict=True):
                key = (i, y, j, other_y) if i < j else (j, other_y, i, y)
                crossings = self._pairs.get(key)
                if crossings is None:
                    crossings = self._pairs[key] = self._crossings(i, y, j, other_y)
                count += crossings
            if count >= limit:
                break
        return count

    def _crossings(self, i: int, y: float, j: int, other_y: float) -> int:
        end, other_end = (self.edge, y), (self.edge, other_y)
        # leaders whose heights do not overlap (one more pixel against rounding) cannot cross
        return sum(segments_cross(a, end, b, other_end)
                   for a in self.anchors[i] for b in self.anchors[j]
                   if min(a[1], y) - 1.0 < max(b[1], other_y)
                   and min(b[1], other_y) - 1.0 < max(a[1], y))

    def _passing_sites(self, i: int, y: float) -> int:
        own = self.anchors[i]
        count = 0
        for a in own:
            # sites beyond the leader's box grown by GAP cannot be within GAP of it (one more
            # pixel against rounding): only the rest are measured
            x0, x1 = min(a[0], self.edge) - GAP - 1.0, max(a[0], self.edge) + GAP + 1.0
            y0, y1 = min(a[1], y) - GAP - 1.0, max(a[1], y) + GAP + 1.0
            count += sum(_passes_near(a, (self.edge, y), site, GAP) for site in self.sites
                         if x0 < site[0] < x1 and y0 < site[1] < y1 and site not in own)
        return count


def _passes_near(a: Point, b: Point, point: Point, reach: float) -> bool:
    """Whether segment a-b passes within ``reach`` of ``point`` between its ends."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length2 = dx * dx + dy * dy
    if length2 == 0.0:
        return False
    t = ((point[0] - a[0]) * dx + (point[1] - a[1]) * dy) / length2
    if not 0.0 < t < 1.0:
        return False
    x, y = a[0] + t * dx - point[0], a[1] + t * dy - point[1]
    return x * x + y * y < reach * reach


def _free(candidate: Placement, placed: Sequence[Placement], every_anchor: Sequence[Point],
          view: Point, top: float, clear_of: Sequence[Box] = ()) -> bool:
    """Whether a candidate placement keeps clear of everything placed so far (and of
    ``clear_of``)."""
    box = candidate.box
    width, height = view
    if box.x0 < MARGIN or box.x1 > width - MARGIN or box.y0 < MARGIN or box.y1 > height - top:
        return False
    if any(box.overlaps(b, GAP) for b in clear_of):
        return False
    if any(box.contains(p) for p in every_anchor):
        return False
    for a, b in candidate.leaders:
        if segment_crosses_box(a, b, box):
            return False
    extent = candidate.extent
    for other in placed:
        if not extent.overlaps(other.extent, GAP + 2.0):
            continue  # far apart: nothing of one can touch the other
        if box.overlaps(other.box, GAP):
            return False
        if any(segment_crosses_box(a, b, box, inset=-1.0) for a, b in other.leaders):
            return False
        if any(segment_crosses_box(a, b, other.box, inset=-1.0) for a, b in candidate.leaders):
            return False
    return True


def _crosses_leaders(candidate: Placement, placed: Sequence[Placement]) -> bool:
    """Whether a candidate's leaders cross a leader of a label placed so far."""
    return any(segments_cross(*mine, *theirs) for other in placed
               for theirs in other.leaders for mine in candidate.leaders)


def _squeeze_in(
    anchors: tuple[Point, ...],
    size: Point,
    placed: Sequence[Placement],
    every_anchor: Sequence[Point],
    view: Point,
    top: float,
    budget: list[int],
    clear_of: Sequence[Box] = (),
) -> Placement | None:
    """The nearest free place around the label's anchors (beside them, shifted into the view
    where it must be, or above or below them; clear of ``clear_of`` too) whose leaders cross
    no other, else the nearest free one, or None; each place tried takes one from
    ``budget[0]``."""
    w, h = size
    width, height = view
    ax, ay = _mean(anchors)
    steps = [0.0]
    for k in range(1, SQUEEZE_STEPS + 1):
        steps += [k * (h / 2 + GAP), -k * (h / 2 + GAP)]
    sides = ("right", "left") if ax < width / 2 else ("left", "right")
    fallback: Placement | None = None  # free, but its leader crosses another: if none better
    for reach in (SIDE_OFFSET, SIDE_OFFSET * 2.5, SIDE_OFFSET * 5):
        for dy in steps:
            y = ay + dy
            for side in sides:
                if side == "right":
                    x0 = max(p[0] for p in anchors) + reach
                else:
                    x0 = min(p[0] for p in anchors) - reach - w
                x0 = min(max(x0, MARGIN), width - MARGIN - w)
                box = Box(x0, y - h / 2, x0 + w, y + h / 2)
                # The leader ends where the box comes nearest the sites: it cannot enter it.
                end = (min(max(ax, box.x0), box.x1), min(max(ay, box.y0), box.y1))
                candidate = Placement(box, side, end, anchors)
                budget[0] -= 1
                if budget[0] < 0:
                    return fallback
                if _free(candidate, placed, every_anchor, view, top, clear_of):
                    if not _crosses_leaders(candidate, placed):
                        return candidate
                    fallback = fallback or candidate
    return fallback


def place_labels(
    anchors: Sequence[Sequence[Point]],
    sizes: Sequence[Point],
    view: Point,
    top: float = 0.0,
    clear_of: Sequence[Box] = (),
) -> list[Placement | None]:
    """Place labels so that none overlaps another, a leader line or an anchor.

    ``anchors[i]`` are the display points label ``i`` points at, ``sizes[i]`` its (width,
    height) in pixels, ``view`` the view's (width, height); ``top`` pixels at the top are kept
    free; each column stands outside ``clear_of`` (boxes covering the selection on screen)
    where all its labels fit there, and the other labels are placed clear of
    them where they can be. Labels earlier in the list win when not all fit.
    Anchors out of view get no leader; a label with none in view, or with no free place, gets
    None.
    """
    width, height = view
    inside: list[tuple[Point, ...]] = [
        tuple(
            (float(x), float(y)) for x, y in points if 0 <= x <= width and 0 <= y <= height
        )
        for points in anchors
    ]
    order = [i for i, points in enumerate(inside) if points]
    result: list[Placement | None] = [None] * len(anchors)
    if not order:
        return result
    columns = _columns(order, inside, sizes, view, top, clear_of)
    for i, column_place in columns.items():
        result[i] = column_place
    every_anchor = [p for i in order for p in inside[i]]
    placed = list(columns.values())
    budget = [SQUEEZE_BUDGET]
    share = SQUEEZE_BUDGET // max(1, sum(1 for i in order if i not in columns))
    for i in order:
        if i in columns:
            continue
        # a place clear of the selection first (its share of those tries), then any
        placement = _squeeze_in(
            inside[i], sizes[i], placed, every_anchor, view, top, [share], clear_of
        ) if clear_of else None
        placement = placement or _squeeze_in(
            inside[i], sizes[i], placed, every_anchor, view, top, budget
        )
        if placement is not None:
            placed.append(placement)
            result[i] = placement
    return result
