"""3D labels for attachment sites: boxed text beside the site, joined to it by a leader line.

Labels are laid out again before every frame: each goes to the side of the view with more room,
and labels on one side are pushed apart so that they never overlap or leave the window.
"""

from __future__ import annotations

import textwrap
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from vtkmodules.vtkCommonCore import vtkPoints
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData
from vtkmodules.vtkRenderingCore import (
    vtkActor2D,
    vtkBillboardTextActor3D,
    vtkPolyDataMapper2D,
    vtkRenderer,
)

from calfexplorer.scene import style

FONT_SIZE = 15
LINE_HEIGHT = 19  # pixels per text line at FONT_SIZE, frame included
GAP = 6  # pixels between stacked labels
SIDE_OFFSET = 36  # pixels from the anchor to the label's near edge
WRAP = 30  # characters per line
CHAR_WIDTH = 8.6  # average pixels per character at FONT_SIZE, bold
TOP_MARGIN = 44  # pixels kept free at the top of the view for the selection's title
#: Text actors kept for reuse, the most recently used first: the labels on screen (at most 12)
#: and a few more. Each holds its text image (0.2-0.5 MiB in software OpenGL), so keeping one
#: for every label ever shown would grow memory by tens of MiB over a session; making one again
#: costs a few milliseconds.
POOL_SIZE = 16


@dataclass(frozen=True)
class Label:
    """One label: its text, role (origin or insertion: the frame colour) and world anchor."""

    text: str
    role: str
    anchor: tuple[float, float, float]


class LabelLayer:
    """Billboard labels and leader lines in an overlay renderer."""

    def __init__(
        self,
        renderer: vtkRenderer,
        to_display: Callable[[Sequence[float]], tuple[float, float]],
        size: Callable[[], tuple[int, int]],
    ) -> None:
        self._renderer = renderer
        self._to_display = to_display
        self._size = size
        self._labels: list[Label] = []
        self._actors: list[vtkBillboardTextActor3D] = []
        self._pool: OrderedDict[tuple[str, str], vtkBillboardTextActor3D] = OrderedDict()
        self._lines = vtkPolyData()
        self._lines.SetPoints(vtkPoints())
        self._lines.SetLines(vtkCellArray())
        mapper = vtkPolyDataMapper2D()
        mapper.SetInputData(self._lines)
        self.leaders = vtkActor2D()
        self.leaders.SetMapper(mapper)
        self.leaders.GetProperty().SetColor(*style.LABEL_COLOR)
        self.leaders.GetProperty().SetLineWidth(1.5)
        self.leaders.PickableOff()
        renderer.AddViewProp(self.leaders)
        renderer.AddObserver("StartEvent", self._on_render)

    @property
    def texts(self) -> list[str]:
        """The label texts shown, unwrapped."""
        return [label.text for label in self._labels]

    def set_labels(self, labels: Sequence[Label]) -> None:
        """Replace the labels (an empty list removes them all)."""
        if list(labels) == self._labels:
            return
        for actor in self._actors:
            actor.VisibilityOff()
        self._labels = list(labels)
        self._actors = []
        for label in self._labels:
            actor = self._actor_for(label)
            actor.SetPosition(*label.anchor)
            actor.VisibilityOn()
            self._actors.append(actor)
        self.leaders.SetVisibility(bool(self._labels))

    def _actor_for(self, label: Label) -> vtkBillboardTextActor3D:
        """A text actor for this text and role, made once and reused (making one is slow)."""
        key = (label.text, label.role)
        actor = self._pool.get(key)
        if actor is None:
            actor = self._pool[key] = self._make_actor(label)
        self._pool.move_to_end(key, last=False)
        self._trim_pool()
        return actor

    def _trim_pool(self) -> None:
        """Drop the least recently used text actors beyond POOL_SIZE (never a shown one)."""
        shown = {id(actor) for actor in self._actors}
        for key in reversed(list(self._pool)):
            if len(self._pool) <= POOL_SIZE:
                break
            actor = self._pool[key]
            if id(actor) in shown:
                continue
            del self._pool[key]
            self._renderer.RemoveActor(actor)
            window = self._renderer.GetRenderWindow()
            if window is not None:
                actor.ReleaseGraphicsResources(window)

    def _make_actor(self, label: Label) -> vtkBillboardTextActor3D:
        actor = vtkBillboardTextActor3D()
        actor.SetInput(textwrap.fill(label.text, WRAP))
        actor.PickableOff()
        tprop = actor.GetTextProperty()
        tprop.SetFontSize(FONT_SIZE)
        tprop.SetBold(True)
        tprop.SetColor(*style.LABEL_COLOR)
        tprop.SetBackgroundColor(1.0, 1.0, 1.0)
        tprop.SetBackgroundOpacity(0.9)
        tprop.SetFrame(True)
        tprop.SetFrameWidth(3)
        frame = style.ORIGIN_COLOR if label.role == "origin" else style.INSERTION_COLOR
        tprop.SetFrameColor(*frame)
        tprop.SetVerticalJustificationToCentered()
        self._renderer.AddActor(actor)
        return actor

    def _on_render(self, *_: object) -> None:
        self.layout()

    def layout(self) -> dict[int, tuple[float, float, str]]:
        """Place every label; returns label index -> (x, y of its near edge, side)."""
        if not self._labels:
            return {}
        width, height = self._size()
        anchors = [self._to_display(label.anchor) for label in self._labels]
        # A label whose site is out of view would point at nothing: leave it out.
        shown = [0 <= ax <= width and 0 <= ay <= height for ax, ay in anchors]
        for actor, visible in zip(self._actors, shown, strict=True):
            actor.SetVisibility(visible)
        wrapped = [textwrap.fill(label.text, WRAP).split("\n") for label in self._labels]
        heights = [LINE_HEIGHT * len(lines) for lines in wrapped]
        widths = [CHAR_WIDTH * max(len(line) for line in lines) + 8 for lines in wrapped]
        placed: dict[int, tuple[float, float, str]] = {}
        centre_x = float(np.mean([a[0] for a in anchors]))
        sides = {}
        for i, (ax, _) in enumerate(anchors):
            if not shown[i]:
                continue
            side = "right" if ax >= centre_x else "left"
            fits_right = ax + SIDE_OFFSET + widths[i] <= width - 4
            fits_left = ax - SIDE_OFFSET - widths[i] >= 4
            if side == "right" and not fits_right and fits_left:
                side = "left"
            elif side == "left" and not fits_left and fits_right:
                side = "right"
            sides[i] = side
        for side in ("left", "right"):
            members = [i for i in sides if sides[i] == side]
            members.sort(key=lambda i: -anchors[i][1])  # top first
            ys = _spread(
                [anchors[i][1] for i in members], [heights[i] for i in members], height, TOP_MARGIN
            )
            for i, y in zip(members, ys, strict=True):
                ax = anchors[i][0]
                if side == "right":
                    x = min(ax + SIDE_OFFSET, width - 4.0 - widths[i])
                else:
                    x = max(ax - SIDE_OFFSET, 4.0 + widths[i])
                placed[i] = (x, y, side)
        points = vtkPoints()
        lines = vtkCellArray()
        for i, actor in enumerate(self._actors):
            if i not in placed:
                continue
            ax, ay = anchors[i]
            x, y, _side = placed[i]
            tprop = actor.GetTextProperty()
            if sides[i] == "right":
                tprop.SetJustificationToLeft()
            else:
                tprop.SetJustificationToRight()
            actor.SetDisplayOffset(int(round(x - ax)), int(round(y - ay)))
            a = points.InsertNextPoint(ax, ay, 0.0)
            b = points.InsertNextPoint(x, y, 0.0)
            lines.InsertNextCell(2)
            lines.InsertCellPoint(a)
            lines.InsertCellPoint(b)
        self._lines.SetPoints(points)
        self._lines.SetLines(lines)
        self._lines.Modified()
        return placed


def _spread(wanted: list[float], sizes: list[int], height: int, top: int = 4) -> list[float]:
    """Centres as close to ``wanted`` (sorted top first) as possible without overlapping,
    keeping ``top`` pixels free at the top of the view."""
    ys: list[float] = []
    for y, size in zip(wanted, sizes, strict=True):
        top_limit = height - top - size / 2
        y = min(y, top_limit)
        if ys:
            prev_y, prev_size = ys[-1], sizes[len(ys) - 1]
            y = min(y, prev_y - (prev_size + size) / 2 - GAP)
        ys.append(y)
    # If the stack ran out of the bottom, shift it up (as far as the top allows).
    if ys:
        overflow = (4 + sizes[-1] / 2) - ys[-1]
        if overflow > 0:
            ys = [y + overflow for y in ys]
    return ys
