"""3D labels for attachment sites (and a selected space's contents): boxed text beside them,
joined to each by a leader line.

Labels are laid out again before every frame (:func:`calfexplorer.scene.label_layout.place_labels`):
in two columns either side of the sites and of the selection, so that no label covers another,
a leader line or (where there is room) the structure it names.
A label may name several sites (a list), with a leader to each.
"""

from __future__ import annotations

import functools
import textwrap
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from vtkmodules.vtkCommonCore import vtkCommand, vtkPoints
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData
from vtkmodules.vtkRenderingCore import (
    vtkActor2D,
    vtkBillboardTextActor3D,
    vtkPolyDataMapper2D,
    vtkRenderer,
    vtkTextRenderer,
)

from calfexplorer.scene import style
from calfexplorer.scene.far_side import note_after
from calfexplorer.scene.label_layout import Box, Placement, place_labels

FONT_SIZE = 15
LINE_HEIGHT = 19  # pixels per text line at FONT_SIZE, frame included
WRAP = 30  # characters per line, at least, in a wide view
NARROW_WRAP = 18  # ... and in one too narrow for two columns of WRAP-wide labels
NARROW_VIEW = 720  # views narrower than this (pixels) wrap at NARROW_WRAP, at least
#: A label is at most this share of the view's width: two columns of them beside a leg seen
#: from in front leave it in sight (a 710 px view: ~37 characters).
ROOM_SHARE = 0.4
PAD = 3  # pixels the frame adds around the text on each side
TOP_MARGIN = 44  # pixels kept free at the top of the view for the selection's title
#: Text actors kept for reuse, the most recently used first: the labels on screen (at most 12)
#: and a few more. Each holds its text image (0.2-0.5 MiB in software OpenGL), so keeping one
#: for every label ever shown would grow memory by tens of MiB over a session; making one again
#: costs a few milliseconds.
POOL_SIZE = 16


@dataclass(frozen=True)
class Label:
    """One label: its text (lines may be separated by newlines), role (origin or insertion, a
    lesion's cut, or the kind of a space's content: the frame colour, see
    :func:`.style.label_frame`), world anchor and any further anchors (the sites a list names);
    for a list, ``items`` gives each line after the heading the indices of its sites in
    :attr:`anchors`."""

    text: str
    role: str
    anchor: tuple[float, float, float]
    more: tuple[tuple[float, float, float], ...] = ()
    items: tuple[tuple[int, ...], ...] = ()

    @property
    def anchors(self) -> tuple[tuple[float, float, float], ...]:
        """Every site the label points at."""
        return (self.anchor, *self.more)


def wrap(text: str, width: int) -> str:
    """The text with each of its lines wrapped at ``width`` characters (a list item's
    further lines indented under its first word)."""
    return "\n".join(
        textwrap.fill(line, width, subsequent_indent="   " if line.startswith("\u2022") else "")
        for line in text.split("\n")
    )


def wrap_width(text: str, least: int, room: int) -> int:
    """Characters per line for a label's text: its longest line's words before any bracket (a
    list item's name, "• Bases of the second to fourth metatarsals") on one line, the bracket
    after it, so that a list reads as a short list (tibialis posterior's insertions, wrapped
    at 18 characters in a 710 px view, stood in a tall box of two or three lines an item); at
    least ``least``, at most ``room`` characters. A one-site label keeps ``least``: wider, it
    found no room on the selection's narrower side, and its leader crossed another's site."""
    if "\n" not in text:
        return least
    longest = max(len(line.split(" (", 1)[0]) for line in text.split("\n"))
    return max(min(longest, room), min(least, room))


@functools.lru_cache(maxsize=256)
def framed_text(text: str, width: int) -> str:
    """What a label's text actor shows: the text wrapped at ``width`` characters, each line
    with a space either side, so the glyphs keep clear of the frame drawn tight around it
    (VTK's text frame has no padding of its own). Kept per text and width: every frame lays
    the labels out again (~0.05-0.15 ms a label)."""
    return "\n".join(f" {line} " for line in wrap(text, width).split("\n"))


#: A measured label: width, height, and the text's anchor from the box's bottom-left corner.
_Measure = tuple[float, float, float, float]


def _noted(label: Label, notes: Sequence[str]) -> str:
    """A label's text with the far side's notes of its sites (``notes``, one per anchor): one
    shared by all of them after its first line (a list's heading, before its colon), not after
    its last item, which it would seem to be about; else, in a list, each item's after that
    item. A note names no bone the line already names (:func:`.far_side.note_after`)."""
    if len(set(notes)) == 1:
        first, newline, rest = label.text.partition("\n")
        note = note_after(first, notes[0])
        if newline and first.endswith(":"):  # ("Insertions: (far side, ...)" read oddly)
            return first[:-1] + note + ":" + newline + rest
        return first + note + newline + rest
    lines = label.text.split("\n")
    for k, sites in enumerate(label.items, start=1):
        mine = {notes[i] for i in sites}
        if len(mine) == 1 and k < len(lines):
            lines[k] += note_after(lines[k], mine.pop())
    return "\n".join(lines)


class LabelLayer:
    """Billboard labels and leader lines in an overlay renderer; ``clear_of()`` gives display
    boxes (x0, y0, x1, y1) the labels keep clear of where there is room (the selection);
    ``far_side(points)`` a note for each site on the far side of something seen from the
    camera ("" for none), added to a label whose sites all have it."""

    def __init__(
        self,
        renderer: vtkRenderer,
        to_display: Callable[[Sequence[float]], tuple[float, float]],
        size: Callable[[], tuple[int, int]],
        clear_of: Callable[[], Sequence[tuple[float, float, float, float]]] = lambda: (),
        far_side: Callable[[Sequence[tuple[float, float, float]]], list[str]] = (
            lambda points: [""] * len(points)),
    ) -> None:
        self._renderer = renderer
        self._to_display = to_display
        self._size = size
        self._clear_of = clear_of
        self._far_side = far_side
        self._labels: list[Label] = []
        #: The texts as drawn at the last layout, unwrapped (a far side's note added).
        self.drawn_texts: list[str] = []
        self._actors: list[vtkBillboardTextActor3D] = []
        self._pool: OrderedDict[tuple[str, str], vtkBillboardTextActor3D] = OrderedDict()
        # wrapped text -> (width, height, the text's anchor point in that rectangle)
        self._sizes: dict[str, tuple[float, float, float, float]] = {}
        self.placements: list[Placement | None] = []
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
        renderer.AddObserver(vtkCommand.StartEvent, self._on_render)

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
        actor.SetInput(framed_text(label.text, WRAP))
        actor.PickableOff()
        tprop = actor.GetTextProperty()
        tprop.SetFontSize(FONT_SIZE)
        tprop.SetBold(True)
        tprop.SetColor(*style.LABEL_COLOR)
        tprop.SetBackgroundColor(1.0, 1.0, 1.0)
        tprop.SetBackgroundOpacity(0.9)
        tprop.SetFrame(True)
        tprop.SetFrameWidth(2)
        tprop.SetFrameColor(*style.label_frame(label.role))
        tprop.SetJustificationToLeft()
        tprop.SetVerticalJustificationToCentered()
        self._renderer.AddActor(actor)
        return actor

    def _on_render(self, *_: object) -> None:
        self.layout()

    def _text_size(self, actor: vtkBillboardTextActor3D, text: str) -> _Measure:
        """A label's framed text on screen, measured once per text: (width, height, and the
        text's anchor point from the bottom-left of that rectangle)."""
        measure = self._sizes.get(text)
        if measure is None:
            bbox = [0, 0, 0, 0]
            window = self._renderer.GetRenderWindow()
            dpi = window.GetDPI() if window is not None else 72
            if not vtkTextRenderer.GetInstance().GetBoundingBox(
                actor.GetTextProperty(), text, bbox, dpi
            ):  # no font engine: a generous estimate
                lines = text.split("\n")
                height = LINE_HEIGHT * len(lines)
                bbox = [-4, 9 * max(map(len, lines)), -height // 2, height // 2]
            width = bbox[1] - bbox[0] + 1 + 2 * PAD
            height = bbox[3] - bbox[2] + 1 + 2 * PAD
            measure = (width, height, PAD - bbox[0], PAD - bbox[2])
            if len(self._sizes) > 4 * POOL_SIZE:
                self._sizes.clear()
            self._sizes[text] = measure
        return measure

    def _char_width(self) -> float:
        """A label character's mean width on screen (pixels), measured on a sample text."""
        sample = "Plantar surface of the cuboid (calcaneus)"
        return (self._text_size(self._actors[0], sample)[0] - 2 * PAD) / len(sample)

    def _notes(self) -> list[list[str]]:
        """For each label, the far side's note of each of its sites ("" for none)."""
        points = list(dict.fromkeys(p for label in self._labels for p in label.anchors))
        of = dict(zip(points, self._far_side(points), strict=True))
        return [[of[point] for point in label.anchors] for label in self._labels]

    def layout(self) -> list[Placement | None]:
        """Place every label (see :func:`place_labels`); returns each one's placement, None
        for a label left out (its sites out of view, or no room)."""
        if not self._labels:
            self.placements = []
            self.drawn_texts = []
            return []
        width, height = self._size()
        narrow = width < NARROW_VIEW
        self.drawn_texts = [_noted(label, notes) for label, notes in
                            zip(self._labels, self._notes(), strict=True)]
        least = NARROW_WRAP if narrow else WRAP
        room = max(NARROW_WRAP, int(width * ROOM_SHARE / self._char_width()))
        texts = [framed_text(text, wrap_width(text, least, room)) for text in self.drawn_texts]
        for actor, text in zip(self._actors, texts, strict=True):
            if actor.GetInput() != text:
                actor.SetInput(text)
        anchors = [
            [self._to_display(point) for point in label.anchors] for label in self._labels
        ]
        measures = [self._text_size(a, t) for a, t in zip(self._actors, texts, strict=True)]
        sizes = [(m[0], m[1]) for m in measures]
        placed = place_labels(anchors, sizes, (width, height), TOP_MARGIN,
                              [Box(*box) for box in self._clear_of()])
        points = vtkPoints()
        lines = vtkCellArray()
        for label, actor, where, placement, measure in zip(
            self._labels, self._actors, anchors, placed, measures, strict=True
        ):
            actor.SetVisibility(placement is not None)
            if placement is None:
                continue
            # The text actor stands at the label's first site in view, moved on screen into
            # its box.
            k = where.index(placement.anchors[0])
            actor.SetPosition(*label.anchors[k])
            ax, ay = where[k]
            box = placement.box
            actor.SetDisplayOffset(
                int(round(box.x0 + measure[2] - ax)), int(round(box.y0 + measure[3] - ay))
            )
            end = points.InsertNextPoint(*placement.end, 0.0)
            for x, y in placement.anchors:
                start = points.InsertNextPoint(x, y, 0.0)
                lines.InsertNextCell(2)
                lines.InsertCellPoint(start)
                lines.InsertCellPoint(end)
        self._lines.SetPoints(points)
        self._lines.SetLines(lines)
        self._lines.Modified()
        self.placements = placed
        return placed

