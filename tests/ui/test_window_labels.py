"""Attachment labels in the real window: at 1600 x 1000 and 1024 x 700 no label covers
another label or a leader line, and every label is shown (#17 item 11)."""

from __future__ import annotations

import pytest
from vtkmodules.vtkRenderingCore import vtkTextRenderer

Rect = tuple[float, float, float, float]


def _drawn_labels(scene) -> tuple[list[tuple[str, Rect]], list[tuple[tuple, tuple]]]:
    """The label rectangles as drawn (text actor's site on screen, its display offset and
    its framed text's extent) and the leader lines, in display pixels."""
    layer = scene._label_layer
    dpi = scene.render_window.GetDPI()
    rects = []
    for actor in layer._actors:
        if not actor.GetVisibility():
            continue
        ax, ay = scene.world_to_display(actor.GetPosition())
        dx, dy = actor.GetDisplayOffset()
        bbox = [0, 0, 0, 0]
        assert vtkTextRenderer.GetInstance().GetBoundingBox(
            actor.GetTextProperty(), actor.GetInput(), bbox, dpi
        )
        x, y = ax + dx, ay + dy
        rects.append((actor.GetInput(), (x + bbox[0], y + bbox[2], x + bbox[1], y + bbox[3])))
    lines = layer._lines
    points = [lines.GetPoint(k)[:2] for k in range(lines.GetNumberOfPoints())]
    leaders = []
    cells = lines.GetLines()
    ids = cells.GetConnectivityArray()
    for k in range(0, ids.GetNumberOfValues(), 2):
        leaders.append((points[ids.GetValue(k)], points[ids.GetValue(k + 1)]))
    return rects, leaders


def _crosses(a, b, rect: Rect, inset: float = 1.5) -> bool:
    """Whether segment a-b passes through the rectangle's inside (its edge excluded)."""
    x0, y0, x1, y1 = rect[0] + inset, rect[1] + inset, rect[2] - inset, rect[3] - inset
    n = max(2, int(4 * max(abs(b[0] - a[0]), abs(b[1] - a[1]))))
    for k in range(n + 1):
        x = a[0] + (b[0] - a[0]) * k / n
        y = a[1] + (b[1] - a[1]) * k / n
        if x0 < x < x1 and y0 < y < y1:
            return True
    return False


def _problems(scene) -> list[str]:
    rects, leaders = _drawn_labels(scene)
    out = []
    for i, (text, r) in enumerate(rects):
        for other, s in rects[i + 1 :]:
            if min(r[2], s[2]) > max(r[0], s[0]) and min(r[3], s[3]) > max(r[1], s[1]):
                out.append(f"{text!r} overlaps {other!r}")
        for a, b in leaders:
            if _crosses(a, b, r):
                out.append(f"a leader line runs through {text!r}")
    return out


@pytest.mark.parametrize("size", [(1600, 1000), (1024, 700)])
def test_labels_of_a_bone_and_of_muscles_never_cover_each_other_or_a_leader(
    main_window, qtbot, size
) -> None:
    window = main_window
    if window.viewport is None:
        pytest.skip(f"no 3D view: {window.gl_problem}")
    scene, viewport = window.scene, window.viewport
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0], timeout=5000)
    window.set_view("posterior")
    expected = {"calcaneus": 14, "soleus": 4, "gastrocnemius": 3}
    for sid, sites in expected.items():
        window.select(sid)
        qtbot.waitUntil(lambda: not viewport.drawing_pending, timeout=20000)
        window.set_view("posterior")
        qtbot.waitUntil(lambda: not viewport.drawing_pending, timeout=20000)
        rects, _ = _drawn_labels(scene)
        assert rects, f"{sid}: no label shown"
        named = sum(text.count("\n") + 1 for text, _ in rects)
        assert named >= sites, f"{sid}: labels name fewer than its {sites} sites: {rects}"
        assert len(rects) == len(scene.labels), f"{sid}: a label was left out"
        assert _problems(scene) == [], sid
    window.select("calcaneus")
    qtbot.waitUntil(lambda: not viewport.drawing_pending, timeout=20000)
    # seven insertions on one bone: one label with a list (and one for the foot muscles' origins)
    (listing,) = [text for text in scene.labels if text.startswith("Insertions:")]
    for name in ("Soleus", "Plantaris", "Tibialis posterior", "Gastrocnemius"):
        assert name in listing
    assert "head of gastrocnemius" not in listing  # (the whole muscle once, not its heads)
    assert len(scene.labels) == 2
