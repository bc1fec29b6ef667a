"""A nerve lesion's cut on the 3D leg: a dark bead crossed by a white disc where the nerve is
cut, the nerve below the mark drawn grey (cut off), and, grey too, the nerves that leave it
below the mark or that the lesion cuts off whole. No Qt.

The mark is drawn over everything (in the labels' overlay), like its label: a cut deep in the
leg (the tibial nerve between the heads of gastrocnemius) or under the numb skin was hidden.

The cut nerve's own actor keeps its style (the selection still lights it); its part below the
mark is covered by a grey copy a fraction of a millimetre wider. Nerves are swept tubes
(``stations * ring`` vertices, station by station from the upper end, then the two cap
centres; the pack's kept tubes too): a station's ring gives the centre line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Set
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from vtkmodules.util.numpy_support import numpy_to_vtk
from vtkmodules.vtkCommonCore import vtkPoints
from vtkmodules.vtkCommonDataModel import vtkPolyData
from vtkmodules.vtkCommonMath import vtkMatrix4x4
from vtkmodules.vtkFiltersSources import vtkCylinderSource, vtkSphereSource
from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper, vtkRenderer

from calfexplorer.scene import style
from calfexplorer.scene.labels import Label
from calfexplorer.scene.polydata import triangle_cells

#: A nerve cut off from its centre: slate grey, apart from the healthy nerves' yellow, the
#: muscles' reds, the tendons' and bones' pale greys and ivory (CIELAB distance 48 from the
#: tendons', 90 from the nerves' yellow).
CUT_OFF_HEX = "#5F6670"
#: The mark: a near-black bead on the nerve (a dot from any side), crossed by a wider white
#: disc across the nerve (a cut seen from the side; its rim shows on dark muscle, the black on
#: pale bone).
MARK_HEX = "#141414"
RIM_HEX = "#FFFFFF"
#: The bead's radius: this many times the nerve's, and at least MARK_MIN_RADIUS (m); the
#: disc's extra radius and its thickness along the nerve (m).
MARK_SCALE = 3.0
MARK_MIN_RADIUS = 0.0055
RIM_EXTRA = 0.002
RIM_THICKNESS = 0.0014
#: How far (m) the grey copy of the nerve below the mark lies outside its surface.
COVER_M = 0.0003


class Mark(Protocol):
    """A cut to draw (:class:`calfexplorer.lesion.cut_marks.CutMark`)."""

    @property
    def nerve(self) -> str: ...

    @property
    def along(self) -> float: ...

    @property
    def label(self) -> str: ...


def tube_layout(n_vertices: int, faces: np.ndarray) -> tuple[int, int] | None:
    """``(stations, ring)`` of a swept tube's mesh, or None when it is not one."""
    from calfexplorer.geometry.sweep import tube_faces  # (off the start-up path: yaml)

    if n_vertices < 4 or len(faces) == 0:
        return None
    ring = int(np.count_nonzero(np.asarray(faces) == n_vertices - 2))
    if ring < 3 or (n_vertices - 2) % ring:
        return None
    stations = (n_vertices - 2) // ring
    if stations < 2 or not np.array_equal(np.asarray(faces), tube_faces(stations, ring)):
        return None
    return stations, ring


@dataclass(frozen=True)
class CutPlace:
    """Where a mark lies on a tube: the first station below it, its centre, the nerve's
    direction there (unit) and the nerve's radius."""

    station: int
    centre: np.ndarray
    direction: np.ndarray
    radius: float


def centres(vertices: np.ndarray, stations: int, ring: int) -> np.ndarray:
    """The centre of each station of a tube (stations, 3)."""
    return vertices[: stations * ring].reshape(stations, ring, 3).mean(axis=1)


def place_cut(vertices: np.ndarray, stations: int, ring: int, along: float) -> CutPlace:
    """Where a cut ``along`` (a share of the tube's length from its first station) lies."""
    v = np.asarray(vertices, dtype=np.float64)
    c = centres(v, stations, ring)
    length = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(c, axis=0), axis=1))]
    target = float(np.clip(along, 0.0, 1.0)) * length[-1]
    k = int(np.clip(np.searchsorted(length, target), 1, stations - 1))
    t = (target - length[k - 1]) / max(length[k] - length[k - 1], 1e-12)
    centre = c[k - 1] + t * (c[k] - c[k - 1])
    step = c[min(k + 1, stations - 1)] - c[max(k - 2, 0)]
    direction = step / max(float(np.linalg.norm(step)), 1e-12)
    ring_v = v[(k - 1) * ring: (k + 1) * ring]
    radius = float(np.linalg.norm(ring_v - np.repeat(c[k - 1:k + 1], ring, axis=0), axis=1).max())
    return CutPlace(k, centre, direction, radius)


def below_cut(vertices: np.ndarray, stations: int, ring: int, place: CutPlace) -> tuple[
        np.ndarray, np.ndarray, np.ndarray]:
    """The part of a tube below a cut, ``COVER_M`` outside its surface: vertices, faces and
    normals (the cut end left open: the mark covers it)."""
    from calfexplorer.geometry.sweep import station_of_vertex, tube_faces

    v = np.asarray(vertices, dtype=np.float64)
    faces = tube_faces(stations, ring)
    station = station_of_vertex(stations, ring)
    keep = (station[faces] >= place.station).all(axis=1)
    keep &= ~(faces == stations * ring).any(axis=1)  # (the upper cap)
    c = centres(v, stations, ring)[station]
    out = v - c
    length = np.linalg.norm(out, axis=1, keepdims=True)
    normals = np.where(length > 1e-9, out / np.maximum(length, 1e-12), 0.0)
    return v + normals * COVER_M, faces[keep], normals


def arises_below(parent: np.ndarray, stations: int, ring: int, place: CutPlace,
                 branch_start: np.ndarray) -> bool:
    """Whether a branch starting at ``branch_start`` leaves the tube ``parent`` below a cut."""
    c = centres(np.asarray(parent, dtype=np.float64), stations, ring)
    return int(np.argmin(np.linalg.norm(c - branch_start, axis=1))) >= place.station


def _polydata(vertices: np.ndarray, faces: np.ndarray, normals: np.ndarray) -> vtkPolyData:
    poly = vtkPolyData()
    points = vtkPoints()
    points.SetData(numpy_to_vtk(np.ascontiguousarray(vertices, dtype=np.float32), deep=True))
    poly.SetPoints(points)
    cells, _ = triangle_cells(np.ascontiguousarray(faces))
    poly.SetPolys(cells)
    poly.GetPointData().SetNormals(
        numpy_to_vtk(np.ascontiguousarray(normals, dtype=np.float32), deep=True))
    return poly


def _bead(radius: float, colour: str) -> vtkActor:
    source = vtkSphereSource()
    source.SetRadius(radius)
    source.SetThetaResolution(24)
    source.SetPhiResolution(16)
    return _mark_actor(source, colour)


def _disc(radius: float, thickness: float, colour: str) -> vtkActor:
    source = vtkCylinderSource()  # (along its y axis; the actor's matrix turns it)
    source.SetRadius(radius)
    source.SetHeight(thickness)
    source.SetResolution(36)
    return _mark_actor(source, colour)


def _mark_actor(source: vtkCylinderSource | vtkSphereSource, colour: str) -> vtkActor:
    mapper = vtkPolyDataMapper()
    mapper.SetInputConnection(source.GetOutputPort())
    actor = vtkActor()
    actor.SetMapper(mapper)
    prop = actor.GetProperty()
    prop.SetColor(*style.hex_rgb(colour))
    prop.SetAmbient(0.5)
    prop.SetDiffuse(0.6)
    prop.SetSpecular(0.1)
    actor.PickableOff()
    return actor


def _turn_to(actor: vtkActor, centre: np.ndarray, direction: np.ndarray) -> None:
    """Place ``actor`` (made along y) at ``centre``, its y axis along ``direction``."""
    y = direction / max(float(np.linalg.norm(direction)), 1e-12)
    helper = np.array([1.0, 0.0, 0.0]) if abs(y[0]) < 0.9 else np.array([0.0, 0.0, 1.0])
    x = np.cross(y, helper)
    x /= np.linalg.norm(x)
    z = np.cross(x, y)
    matrix = vtkMatrix4x4()
    for row in range(3):
        for col, axis in enumerate((x, y, z)):
            matrix.SetElement(row, col, float(axis[row]))
        matrix.SetElement(row, 3, float(centre[row]))
    actor.SetUserMatrix(matrix)


class NerveCuts:
    """The cuts drawn in ``renderer`` over the scene's nerves, their marks in ``on_top``:
    ``vertices(id)`` and ``faces(id)`` give a structure's mesh as posed now, ``drawn`` the ids
    with a mesh, ``shown(id)`` whether one is shown now (a hidden nerve's mark is hidden with
    it), ``branch_of`` each nerve's parent."""

    def __init__(self, renderer: vtkRenderer, on_top: vtkRenderer,
                 vertices: Callable[[str], np.ndarray],
                 faces: Callable[[str], np.ndarray], drawn: Set[str],
                 shown: Callable[[str], bool], branch_of: Mapping[str, str]) -> None:
        self._renderer = renderer
        self._on_top = on_top
        self._vertices = vertices
        self._faces = faces
        self._drawn = drawn
        self._shown = shown
        self._branch_of = dict(branch_of)
        self._marks: tuple[Mark, ...] = ()
        self._cut_off: frozenset[str] = frozenset()
        self._actors: list[vtkActor] = []
        #: Each drawn mark: its nerve, its actors and its label.
        self._drawn_marks: list[tuple[str, list[vtkActor], Label]] = []
        #: The marked nerves' vertices as the marks were last laid on them.
        self._laid: dict[str, np.ndarray] = {}
        #: Each nerve's tube layout (its triangles never change), found once.
        self._layouts: dict[str, tuple[int, int] | None] = {}
        #: The drawn nerves drawn grey whole (cut off), and the marks' places (for tests).
        self.grey: frozenset[str] = frozenset()
        self.places: dict[str, CutPlace] = {}
        #: How the nerves are drawn now (see :meth:`show_with`).
        self._drawn_styles: Mapping[str, Any] = {}
        self._selected: frozenset[str] = frozenset()

    @property
    def labels(self) -> list[Label]:
        """A label at each mark of a shown nerve, naming the level."""
        return [label for nerve, _, label in self._drawn_marks if self._shown(nerve)]

    def show_with(self, drawn: Mapping[str, Any] | None = None,
                  selected: Set[str] | None = None) -> None:
        """Show each mark with its nerve (the Nerves layer turned off hides them), the grey
        part below it as opaque as the nerve is drawn (``drawn``: id -> its drawn style;
        faded round another selection, it stood as a solid rod over the faded leg) and not
        over a nerve drawn selected (``selected``: lit whole, not half grey). Either left out:
        as last given."""
        if drawn is not None:  # (read for the marked nerves only: this runs at every restyle)
            self._drawn_styles = drawn
        if selected is not None:
            self._selected = frozenset(selected)
        for nerve, actors, _ in self._drawn_marks:
            shown = self._shown(nerve)
            below, *marks = actors
            below.SetVisibility(shown and nerve not in self._selected)
            style_now = self._drawn_styles.get(nerve)
            below.GetProperty().SetOpacity(style_now.opacity if style_now is not None else 1.0)
            for actor in marks:
                actor.SetVisibility(shown)

    @property
    def actors(self) -> list[vtkActor]:
        """The actors drawn now: the grey parts below the marks, the discs and their rims."""
        return list(self._actors)

    def draw(self, marks: Iterable[Mark], cut_off: Iterable[str] = ()) -> bool:
        """Draw ``marks`` and, grey, the nerves in ``cut_off`` (and those that leave a marked
        nerve below its mark); nothing for empty ones. True when anything changed."""
        marks, cut_off = tuple(marks), frozenset(cut_off)
        if marks == self._marks and cut_off == self._cut_off:
            return False
        self._marks, self._cut_off = marks, cut_off
        self.follow(moved=False)
        return True

    def follow(self, moved: bool = True) -> None:
        """Lay the marks onto the nerves as posed now; ``moved``: only where a marked nerve
        has moved since (a pose that moves the toes leaves a fibular cut as it was)."""
        nerves = [m.nerve for m in self._marks if m.nerve in self._drawn]
        now = {sid: np.array(self._vertices(sid), dtype=np.float32) for sid in nerves}
        if moved and now.keys() == self._laid.keys() and all(
                np.array_equal(now[sid], self._laid[sid]) for sid in now):
            return
        self._laid = now
        for actor in self._actors:
            self._renderer.RemoveActor(actor)
            self._on_top.RemoveActor(actor)
        self._actors, self._drawn_marks, self.places = [], [], {}
        grey = {sid for sid in self._cut_off if sid in self._drawn}
        for mark in self._marks:
            grey |= self._draw(mark)
        self.grey = frozenset(grey)
        self.show_with()

    def _layout(self, sid: str, n_vertices: int) -> tuple[int, int] | None:
        if sid not in self._layouts:
            self._layouts[sid] = tube_layout(n_vertices, self._faces(sid))
        return self._layouts[sid]

    def _draw(self, mark: Mark) -> set[str]:
        """Draw one mark; the drawn nerves it cuts off whole."""
        if mark.nerve not in self._drawn:
            return set()
        v = np.asarray(self._vertices(mark.nerve), dtype=np.float64)
        layout = self._layout(mark.nerve, len(v))
        if layout is None:
            return set()
        stations, ring = layout
        place = place_cut(v, stations, ring, mark.along)
        self.places[mark.nerve] = place
        below = _grey_actor(*below_cut(v, stations, ring, place))
        radius = max(MARK_SCALE * place.radius, MARK_MIN_RADIUS)
        disc = _bead(radius, MARK_HEX)
        rim = _disc(radius + RIM_EXTRA, RIM_THICKNESS, RIM_HEX)
        for actor in (disc, rim):
            _turn_to(actor, place.centre, place.direction)
        self._renderer.AddActor(below)
        for actor in (disc, rim):
            self._on_top.AddActor(actor)
        self._actors += [below, disc, rim]
        x, y, z = (float(p) for p in place.centre)
        self._drawn_marks.append((mark.nerve, [below, disc, rim], Label(mark.label, "cut",
                                                                         (x, y, z))))
        off = set()
        for sid, parent in self._branch_of.items():
            if parent != mark.nerve or sid not in self._drawn:
                continue
            start = np.asarray(self._vertices(sid), dtype=np.float64)
            branch = self._layout(sid, len(start))
            if branch is not None and arises_below(v, stations, ring, place,
                                                   centres(start, *branch)[0]):
                off.add(sid)
        return off


def _grey_actor(vertices: np.ndarray, faces: np.ndarray, normals: np.ndarray) -> vtkActor:
    mapper = vtkPolyDataMapper()
    mapper.SetInputData(_polydata(vertices, faces, normals))
    actor = vtkActor()
    actor.SetMapper(mapper)
    prop = actor.GetProperty()
    prop.SetColor(*style.hex_rgb(CUT_OFF_HEX))
    nerve = style.MATERIALS["nerve"]
    prop.SetAmbient(nerve.ambient)
    prop.SetDiffuse(nerve.diffuse)
    prop.SetSpecular(nerve.specular)
    actor.PickableOff()
    return actor


def grey_colours(ids: Iterable[str]) -> dict[str, style.RGB]:
    """The 3D colour of each cut-off nerve in ``ids``."""
    return dict.fromkeys(ids, style.hex_rgb(CUT_OFF_HEX))


__all__ = ["CUT_OFF_HEX", "CutPlace", "NerveCuts", "grey_colours", "place_cut", "tube_layout"]
