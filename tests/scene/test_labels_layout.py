"""Label layout on screen: no label covers another label, a leader line or a site."""

from __future__ import annotations

import random

import pytest

from calfexplorer.scene.label_layout import Box, Placement, place_labels

TOP = 44.0


def _inside(point: tuple[float, float], box: Box, shrink: float = 0.0) -> bool:
    return (
        box.x0 + shrink < point[0] < box.x1 - shrink
        and box.y0 + shrink < point[1] < box.y1 - shrink
    )


def _segment_hits(a, b, box: Box, shrink: float) -> bool:
    """Whether any point of segment a-b (sampled every ~0.25 px) lies inside ``box``."""
    length = max(abs(b[0] - a[0]), abs(b[1] - a[1]))
    n = max(2, int(length * 4))
    return any(
        _inside((a[0] + (b[0] - a[0]) * k / n, a[1] + (b[1] - a[1]) * k / n), box, shrink)
        for k in range(n + 1)
    )


def assert_clear(
    placements: list[Placement | None],
    view: tuple[float, float],
    anchors: list[list[tuple[float, float]]] | None = None,
) -> None:
    """No label overlaps another, another's leader, any site, or leaves the free part of the
    view; its own leaders only reach its edge."""
    shown = [p for p in placements if p is not None]
    width, height = view
    for i, p in enumerate(shown):
        box = p.box
        assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= width and box.y1 <= height - TOP, box
        for a, b in p.leaders:
            assert not _segment_hits(a, b, box, shrink=1.0), "a leader runs through its label"
        for q in shown[i + 1 :]:
            other = q.box
            overlap = (
                min(box.x1, other.x1) > max(box.x0, other.x0)
                and min(box.y1, other.y1) > max(box.y0, other.y0)
            )
            assert not overlap, (box, other)
        for q in shown:
            if q is p:
                continue
            for a, b in q.leaders:
                assert not _segment_hits(a, b, box, shrink=-0.5), "a leader crosses a label"
        for points in anchors or []:
            for point in points:
                assert not _inside(point, box), "a label covers a site"


def test_seven_sites_close_together_get_seven_clear_labels() -> None:
    # The calcaneus seen from behind at 1600 x 1000: seven insertions within a few pixels.
    view = (808.0, 851.0)
    anchors = [[(420.0 + 4 * k, 90.0 + 3 * (k % 3))] for k in range(7)]
    sizes = [(240.0, 22.0), (190.0, 22.0), (230.0, 36.0), (230.0, 36.0), (150.0, 22.0),
             (150.0, 22.0), (220.0, 22.0)]
    placed = place_labels(anchors, sizes, view, TOP)
    assert all(p is not None for p in placed)
    assert_clear(placed, view, anchors)


def test_soleus_origins_in_a_narrow_view_do_not_cover_each_other() -> None:
    # The 3D view of a 1024 x 700 window (~490 px wide): three origins high on the leg, close
    # together, and the insertion at the heel; the labels wrapped to ~120 px.
    view = (490.0, 580.0)
    anchors = [[(235.0, 390.0)], [(265.0, 395.0)], [(230.0, 300.0)], [(232.0, 40.0)]]
    sizes = [(125.0, 36.0), (120.0, 36.0), (120.0, 50.0), (120.0, 64.0)]
    placed = place_labels(anchors, sizes, view, TOP)
    assert all(p is not None for p in placed)
    assert_clear(placed, view, anchors)
    # the labels stand beside their sites, not at the far edges of the view
    for p, points in zip(placed, anchors, strict=True):
        assert abs(p.end[0] - points[0][0]) < 80


def test_a_list_label_has_a_leader_to_each_of_its_sites() -> None:
    view = (600.0, 500.0)
    sites = [(300.0, 100.0), (310.0, 95.0), (305.0, 120.0)]
    (placed,) = place_labels([sites], [(200.0, 120.0)], view, TOP)
    assert placed is not None
    assert sorted(a for a, _ in placed.leaders) == sorted(sites)
    assert all(b == placed.end for _, b in placed.leaders)
    assert_clear([placed], view, [sites])


def test_sites_out_of_view_get_no_label_and_no_leader() -> None:
    view = (400.0, 400.0)
    anchors = [[(-50.0, 100.0)], [(200.0, 500.0)], [(200.0, 200.0), (900.0, 200.0)]]
    placed = place_labels(anchors, [(100.0, 22.0)] * 3, view, TOP)
    assert placed[0] is None and placed[1] is None
    assert placed[2] is not None and [a for a, _ in placed[2].leaders] == [(200.0, 200.0)]


def test_labels_that_cannot_fit_are_left_out_rather_than_overlapped() -> None:
    view = (300.0, 200.0)
    anchors = [[(150.0, 100.0)] for _ in range(12)]
    placed = place_labels(anchors, [(100.0, 40.0)] * 12, view, TOP)
    assert placed[0] is not None  # the first ones win
    assert any(p is None for p in placed)
    assert_clear(placed, view, anchors)


def _random_case(seed: int):
    """Up to 12 labels of one to four sites scattered in a view of random size (seeded)."""
    rng = random.Random(seed)
    view = (rng.uniform(250, 1400), rng.uniform(250, 1000))
    n = rng.randint(1, 12)
    cx, cy = rng.uniform(0, view[0]), rng.uniform(0, view[1])
    spread = rng.choice([5.0, 40.0, 150.0, 600.0])
    anchors = [
        [
            (cx + rng.gauss(0, spread), cy + rng.gauss(0, spread))
            for _ in range(rng.choice([1, 1, 1, 2, 4]))
        ]
        for _ in range(n)
    ]
    sizes = [(rng.uniform(40, 260), rng.choice([22.0, 36.0, 50.0, 120.0])) for _ in range(n)]
    return anchors, sizes, view


@pytest.mark.parametrize("seed", range(300))
def test_random_sites_never_give_overlapping_labels(seed: int) -> None:
    anchors, sizes, view = _random_case(seed)
    placed = place_labels(anchors, sizes, view, TOP)
    assert_clear(placed, view, anchors)
    for p, points in zip(placed, anchors, strict=True):
        if p is not None:
            assert set(p.anchors) <= set(points)


def test_the_search_for_free_places_is_bounded(monkeypatch) -> None:
    # The layout runs before every frame: a crowd that fits nowhere must not take long.
    from calfexplorer.scene import label_layout

    tried = []
    free = label_layout._free
    monkeypatch.setattr(label_layout, "_free", lambda *a: tried.append(1) or free(*a))
    view = (260.0, 300.0)
    anchors = [[(130.0 + k, 150.0 - k)] for k in range(12)]
    placed = place_labels(anchors, [(200.0, 50.0)] * 12, view, TOP)
    assert len(tried) <= label_layout.SQUEEZE_BUDGET
    assert placed[0] is not None
    assert_clear(placed, view, anchors)


def _overlaps(box: Box, boxes: list[Box]) -> bool:
    return any(min(box.x1, b.x1) > max(box.x0, b.x0) and min(box.y1, b.y1) > max(box.y0, b.y0)
               for b in boxes)


def test_labels_keep_clear_of_the_selection_lying_across_the_view() -> None:
    """A calf lying across the view (the bent knee): its origin at the left edge, its
    insertion at the right. Without the selection's boxes the origin labels stand over the
    muscle; with them, above and below it, and the insertion's beside its site."""
    view = (750.0, 780.0)
    anchors = [[(540.0, 500.0)], [(75.0, 470.0)], [(80.0, 455.0)]]
    sizes = [(190.0, 40.0), (236.0, 40.0), (237.0, 40.0)]
    muscle = [Box(65.0 + 41 * k, 415.0 + 3 * k, 106.0 + 41 * k, 510.0 - 3 * k) for k in range(8)]
    plain = place_labels(anchors, sizes, view, TOP)
    assert any(p is not None and _overlaps(p.box, muscle) for p in plain)
    placed = place_labels(anchors, sizes, view, TOP, muscle)
    assert all(p is not None for p in placed)
    assert not any(_overlaps(p.box, muscle) for p in placed if p is not None)
    assert_clear(placed, view, anchors)


def test_columns_stand_outside_the_selection_where_there_is_room() -> None:
    """An upright muscle wider than its sites' spread: the columns stand beyond its edges."""
    view = (800.0, 800.0)
    anchors = [[(380.0, 600.0)], [(420.0, 300.0)]]
    sizes = [(150.0, 40.0), (150.0, 40.0)]
    muscle = [Box(330.0, 250.0, 470.0, 650.0)]
    placed = place_labels(anchors, sizes, view, TOP, muscle)
    assert all(p is not None and not _overlaps(p.box, muscle) for p in placed)
    assert {p.side for p in placed if p is not None} == {"left", "right"}
    assert_clear(placed, view, anchors)


def test_a_selection_filling_the_view_costs_no_label() -> None:
    """Where no place is clear of the selection the labels are placed as without it."""
    view = (400.0, 400.0)
    anchors = [[(150.0, 200.0)], [(250.0, 250.0)]]
    sizes = [(120.0, 30.0), (120.0, 30.0)]
    everything = [Box(0.0, 0.0, 400.0, 400.0)]
    assert place_labels(anchors, sizes, view, TOP, everything) == place_labels(
        anchors, sizes, view, TOP)


def test_keeping_clear_of_the_selection_costs_no_label_a_column() -> None:
    """Outside the selection the columns would hold two of three labels (the wide first one
    no longer fits): every label keeps the place it has without the selection's box."""
    view = (800.0, 800.0)
    anchors = [[(150.0, 400.0)], [(155.0, 450.0)], [(160.0, 500.0)]]
    sizes = [(500.0, 250.0), (150.0, 250.0), (150.0, 250.0)]
    muscle = [Box(100.0, 300.0, 400.0, 600.0)]
    plain = place_labels(anchors, sizes, view, 100.0)
    placed = place_labels(anchors, sizes, view, 100.0, muscle)
    assert all(p is not None for p in plain)
    assert all(p is not None for p in placed)


def test_a_label_finding_no_place_clear_of_the_selection_leaves_others_their_tries() -> None:
    """The first label finds no place clear of the selection; the second still looks for
    one, and finds it beside its site."""
    view = (500.0, 400.0)
    anchors = [[(150.0, 200.0)], [(340.0, 200.0)]]
    sizes = [(200.0, 30.0), (130.0, 30.0)]
    boxes = [Box(0.0, 0.0, 360.0, 400.0), Box(360.0, 170.0, 500.0, 230.0)]
    placed = place_labels(anchors, sizes, view, TOP, boxes)
    second = placed[1]
    assert second is not None and not _overlaps(second.box, boxes)


def test_a_label_placed_beside_the_selection_does_not_cross_another_s_leader() -> None:
    """In the lateral view of the deep squat the gastrocnemius's two origin labels, placed
    beside the muscle as it lies across the view, had leaders that crossed: the lower label
    pointed at the higher site."""
    from calfexplorer.scene.label_layout import segments_cross

    anchors = [[(485.0, 277.0)], [(116.0, 621.0)], [(461.0, 253.0)]]
    placed = place_labels(anchors, [(120.0, 44.0)] * 3, (640.0, 690.0),
                          clear_of=[Box(200.0, 150.0, 600.0, 500.0)])
    assert all(placed)
    leaders = [(i, seg) for i, p in enumerate(placed) if p for seg in p.leaders]
    assert not any(segments_cross(*s, *t) for k, (i, s) in enumerate(leaders)
                   for j, t in leaders[k + 1:] if i != j)


def _passes_over(a, b, point, reach: float = 12.0) -> bool:
    """Whether segment a-b comes within ``reach`` pixels of ``point`` (not at its own ends)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    t = ((point[0] - a[0]) * dx + (point[1] - a[1]) * dy) / (dx * dx + dy * dy)
    if not 0.0 < t < 1.0:
        return False
    x, y = a[0] + t * dx, a[1] + t * dy
    return (x - point[0]) ** 2 + (y - point[1]) ** 2 < reach**2


def assert_leaders_apart(placements, anchors) -> None:
    """No leader crosses another label's leader or passes over another label's site."""
    from calfexplorer.scene.label_layout import segments_cross

    for i, p in enumerate(placements):
        assert p is not None
        for j, q in enumerate(placements):
            if j == i or q is None:
                continue
            for a, b in p.leaders:
                assert not any(segments_cross(a, b, *t) for t in q.leaders), (i, j)
                assert not any(_passes_over(a, b, s) for s in anchors[j]), (i, j)


def test_two_sites_side_by_side_get_labels_on_their_own_sides() -> None:
    """Sites left and right of the middle: each label stands on its site's side."""
    view = (900.0, 900.0)
    anchors = [[(380.0, 450.0)], [(520.0, 430.0)]]
    placed = place_labels(anchors, [(220.0, 34.0)] * 2, view, TOP)
    assert [p.side if p else None for p in placed] == ["left", "right"]
    assert_leaders_apart(placed, anchors)
    assert_clear(placed, view, anchors)


def test_gastrocnemius_origins_keep_their_sides_beside_the_bent_calf() -> None:
    """Posterior view of the gastrocnemius at knee 120 (900x1200 render): the muscle is
    too wide for the medial head's label to stand left of it. The label stood right of
    everything, its leader running across the lateral head's patch to a box beside the
    lateral label; it now stands left of its own patch."""
    view = (900.0, 1200.0)
    anchors = [[(420.0, 380.0)], [(590.0, 350.0)]]  # medial, lateral femoral condyle
    sizes = [(232.0, 34.0), (232.0, 34.0)]
    muscle = [Box(225.0, 275.0, 632.0, 1065.0)]
    placed = place_labels(anchors, sizes, view, TOP, muscle)
    assert [p.side if p else None for p in placed] == ["left", "right"]
    assert_leaders_apart(placed, anchors)
    assert_clear(placed, view, anchors)


def test_a_leader_does_not_pass_over_a_nearer_site_in_its_column() -> None:
    """Two sites on the left at nearly one height, one far from the column: stacked by
    height alone, the far site's leader ran straight over the near site."""
    view = (1200.0, 900.0)
    anchors = [[(500.0, 510.0)], [(300.0, 506.0)], [(800.0, 300.0)]]
    placed = place_labels(anchors, [(200.0, 34.0)] * 3, view, TOP)
    assert [p.side if p else None for p in placed] == ["left", "left", "right"]
    assert_leaders_apart(placed, anchors)
    assert_clear(placed, view, anchors)


class _PlainTangles:
    """The columns' tangle count as first written: every pair of leaders and every site,
    counted afresh for each trial stacking."""

    def __init__(self, anchors, sites, edge) -> None:
        self.anchors, self.sites, self.edge = anchors, sites, edge

    def __call__(self, group, ys, limit=None) -> int:
        def turn(p, q, r) -> float:
            return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

        def cross(a, b, c, d) -> bool:
            return turn(c, d, a) * turn(c, d, b) < 0.0 and turn(a, b, c) * turn(a, b, d) < 0.0

        from calfexplorer.scene.label_layout import GAP, _passes_near

        leaders = [[(a, (self.edge, y)) for a in self.anchors[i]]
                   for i, y in zip(group, ys, strict=True)]
        count = 0
        for k, (i, mine) in enumerate(zip(group, leaders, strict=True)):
            count += sum(cross(*m, *t) for theirs in leaders[k + 1:] for m in mine for t in theirs)
            count += sum(_passes_near(a, b, site, GAP) for a, b in mine for site in self.sites
                         if site not in self.anchors[i])
        return count


def test_the_quicker_tangle_count_gives_the_same_layouts(monkeypatch) -> None:
    """The columns' untangling counts each label's and each pair's tangles once per height,
    and stops counting a trial that is no better: the layouts are those counting every trial
    in full, on the random cases above and on crowds of two-site labels (where untangling
    changes the layout)."""
    from calfexplorer.scene import label_layout

    cases = [_random_case(seed) for seed in range(300)]
    for seed in range(60):
        rng = random.Random(seed)
        n = rng.choice([4, 12, 24])
        cases.append(([[(500 + rng.gauss(0, 120), 450 + rng.gauss(0, 200)) for _ in range(2)]
                       for _ in range(n)],
                      [(rng.uniform(80, 240), rng.choice([22.0, 36.0])) for _ in range(n)],
                      (1000.0, 900.0)))
    quick = [place_labels(*case, TOP) for case in cases]
    clear_of = [Box(400.0, 300.0, 600.0, 700.0)]
    quick_clear = [place_labels(*case, TOP, clear_of) for case in cases[300:]]
    monkeypatch.setattr(label_layout, "_ColumnTangles", _PlainTangles)
    assert [place_labels(*case, TOP) for case in cases] == quick
    assert [place_labels(*case, TOP, clear_of) for case in cases[300:]] == quick_clear
    monkeypatch.setattr(label_layout, "UNTANGLE_TRIALS", 0)
    untangled = zip(cases, quick, strict=True)
    assert sum(place_labels(*case, TOP) != layout for case, layout in untangled) > 50
