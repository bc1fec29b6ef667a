"""Picking and projecting: which structure a display pixel shows, and where a point or a
structure lands on screen. Display coordinates are VTK's: pixels, origin bottom-left."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

import numpy as np
from vtkmodules.vtkCommonDataModel import vtkStaticCellLocator
from vtkmodules.vtkRenderingCore import vtkActor, vtkRenderer, vtkRenderWindow

from calfexplorer.recent import Recent
from calfexplorer.scene import picking
from calfexplorer.scene.catalog import StructureInfo
from calfexplorer.scene.polydata import MeshData
from calfexplorer.scene.stand_ins import StandIns

#: Attachment patches are drawn pulled towards the camera (actors.SITE_OFFSET): a pick counts
#: them this much nearer (metres; the offset grows where a surface is seen obliquely, up to
#: about this at the calcaneal tuberosity), so a tendon ending on the spot does not win where
#: the patch is drawn over it.
SITE_PICK_LEAD = 0.003
#: Cell locators kept, the most recently used: one costs ~80 bytes a triangle (all of the
#: BodyParts3D leg's ~23 MiB, grown into by a long session's picks), and building one again
#: takes a fraction of a millisecond. A pick, or a hover's, tests a few to twenty meshes.
MAX_LOCATORS = 48
#: Kinds drawn as thin lines: in front of the selection, a click on one is meant for it.
_LINES = frozenset({"nerve", "artery", "vein"})


class Picker:
    """Picks what the last frame drew. ``meshes()`` gives the meshes as posed now."""

    def __init__(
        self,
        renderer: vtkRenderer,
        window: vtkRenderWindow,
        catalog: Mapping[str, StructureInfo],
        actors: Mapping[str, vtkActor],
        meshes: Callable[[], Mapping[str, MeshData]],
        stand_ins: StandIns,
    ) -> None:
        self._renderer = renderer
        self._window = window
        self._catalog = catalog
        self._actors = actors
        self._meshes = meshes
        self._stand_ins = stand_ins
        self._locators: Recent[str, vtkStaticCellLocator] = Recent(MAX_LOCATORS)

    def _locator(self, key: str, data: MeshData) -> vtkStaticCellLocator:
        """A cell locator over a mesh (built again when the mesh moved): a pick then costs
        microseconds per mesh instead of a scan of every triangle. The :data:`MAX_LOCATORS`
        used last are kept."""
        locator = self._locators.get(key)
        if locator is None or locator.GetDataSet() is not data.polydata:
            locator = self._locators.put(key, vtkStaticCellLocator())
            locator.SetDataSet(data.polydata)
        if locator.GetBuildTime() < data.polydata.GetMTime():
            locator.BuildLocator()
        return locator

    def _drawn_meshes(self) -> Iterator[tuple[str, MeshData, str]]:
        """(id, mesh, locator key) of each structure a click can select, as the last frame
        drew it: shown, opaque enough, and its coarse twin where the frame drew that."""
        meshes = self._meshes()
        twins = self._stand_ins.twins
        coarse = set(self._stand_ins.last_twins)
        for sid, actor in self._actors.items():
            if not (actor.GetVisibility() and actor.GetPickable()):
                continue
            if sid in coarse and sid in twins:
                yield sid, twins[sid].data, "twin:" + sid
            else:
                yield sid, meshes[sid], sid

    def pick(self, x: float, y: float, seen_through: frozenset[str] = frozenset(),
             faded: frozenset[str] = frozenset()) -> str | None:
        """See :meth:`calfexplorer.scene.Scene.pick`. An id of ``seen_through`` (the
        highlighted selection) behind ``faded`` (see-through) structures only is what the
        pixel shows: it wins over them."""
        hits = self._hits(x, y, list(self._drawn_meshes()))
        if hits and self._catalog[hits[0][1]].kind in _LINES:
            return hits[0][1]  # a vessel or nerve in front is a line drawn over it: its click
        for _, sid in hits:  # (a faded muscle in front of a lit deep one took its clicks)
            if sid in seen_through:
                return sid
            if sid not in faded:
                break
        return hits[0][1] if hits else None

    def of_kind_along(self, x: float, y: float, kind: str) -> list[tuple[float, str]]:
        """The structures of ``kind`` the ray through pixel (x, y) meets, nearest first, with
        how far behind the first each begins (world units), drawn or not (a compartment is a
        space: it is drawn only when asked for, and never takes a click from what it holds)."""
        meshes = self._meshes()
        candidates = [(sid, meshes[sid], sid) for sid in self._actors
                      if self._catalog[sid].kind == kind and sid in meshes]
        hits = self._hits(x, y, candidates)
        return [(d - hits[0][0], sid) for d, sid in hits]

    def run_behind(self, start: Iterable[float], end: Iterable[float],
                   ids: Iterable[str]) -> float:
        """How far (world units) the segment ``start``-``end`` runs after it first meets one of
        the meshes ``ids`` on a side facing ``start``, before reaching ``end``; 0 where it meets
        none (how deep a point lies behind them, seen from ``start``)."""
        meshes = self._meshes()
        p0, p1 = np.asarray(list(start), np.float64), np.asarray(list(end), np.float64)
        first = 1.0
        for sid in ids:
            data = meshes.get(sid)
            if data is None:
                continue
            t = picking.nearest_front_hit(
                self._locator(sid, data), data.vertices, data.faces,
                picking.to_local(data.transform, p0), picking.to_local(data.transform, p1),
            )
            if t is not None:
                first = min(first, t)
        return (1.0 - first) * float(np.linalg.norm(p1 - p0))

    def _ray(self, x: float, y: float) -> tuple[np.ndarray, np.ndarray]:
        """World points where the ray through pixel (x, y) meets the near and far planes."""
        ren = self._renderer
        ends = []
        for depth in (0.0, 1.0):  # the near and far clipping planes
            ren.SetDisplayPoint(float(x) + 0.5, float(y) + 0.5, depth)
            ren.DisplayToWorld()
            wx, wy, wz, w = ren.GetWorldPoint()
            ends.append(np.array([wx, wy, wz]) / (w or 1.0))
        return ends[0], ends[1]

    def _hits(
        self, x: float, y: float, candidates: list[tuple[str, MeshData, str]]
    ) -> list[tuple[float, str]]:
        """(distance from the near plane in world units, id) of each candidate the ray
        through pixel (x, y) meets on a camera-facing side, nearest first."""
        near, far = self._ray(x, y)
        if not candidates:
            return []
        length = float(np.linalg.norm(far - near))
        # each mesh's box as drawn, placed in numpy: asking VTK for every actor's bounds took
        # ~4 us each (its pipeline's bookkeeping), ~1 ms of a pick among ~220 structures
        bounds = picking.world_boxes(
            np.array([data.box for _, data, _ in candidates]),
            [data.transform for _, data, _ in candidates],
        )
        crossed = picking.rays_hit_boxes(near, far, bounds)
        hits: list[tuple[float, str]] = []
        for (sid, data, key), hit in zip(candidates, crossed, strict=True):
            if not hit:
                continue
            p0, p1 = picking.to_local(data.transform, near), picking.to_local(data.transform, far)
            t = picking.nearest_front_hit(
                self._locator(key, data), data.vertices, data.faces, p0, p1
            )
            if t is not None:
                lead = SITE_PICK_LEAD if self._catalog[sid].is_site else 0.0  # drawn in front
                hits.append((t * length - lead, sid))
        hits.sort()
        return hits

    def world_to_display(self, point: Iterable[float]) -> tuple[float, float]:
        """Display position (x, y; origin bottom-left) of a world point."""
        x, y, z = (float(v) for v in point)
        self._renderer.SetWorldPoint(x, y, z, 1.0)
        self._renderer.WorldToDisplay()
        dx, dy, _ = self._renderer.GetDisplayPoint()
        return dx, dy

    def _ndc(self, points: np.ndarray) -> np.ndarray:
        """Normalized device x, y (n, 2; -1..1 across the renderer's viewport) of world points
        (n, 3); NaN for points at or behind the camera's plane, which have none."""
        camera = self._renderer.GetActiveCamera()
        m = camera.GetCompositeProjectionTransformMatrix(
            self._renderer.GetTiledAspectRatio(), -1.0, 1.0)
        matrix = np.array([[m.GetElement(i, j) for j in range(4)] for i in range(4)])
        clip = np.c_[np.asarray(points, np.float64), np.ones(len(points))] @ matrix.T
        w = clip[:, 3:4]
        return clip[:, :2] / np.where(w > 1e-9, w, np.nan)

    def points_to_display(self, points: np.ndarray) -> np.ndarray:
        """Display positions (n, 2) of world points (n, 3), as :meth:`world_to_display` gives
        them one at a time (through the camera's projection and the renderer's viewport); NaN
        for points at or behind the camera's plane, which have none."""
        ndc = self._ndc(points)
        x0, y0, x1, y1 = self._renderer.GetViewport()
        w, h = self._window.GetSize()
        return np.c_[(x0 + (ndc[:, 0] + 1.0) / 2.0 * (x1 - x0)) * w,
                     (y0 + (ndc[:, 1] + 1.0) / 2.0 * (y1 - y0)) * h]

    def project(self, structure_id: str) -> tuple[float, float]:
        """Display position of a structure's centre as posed now."""
        return self.world_to_display(self._meshes()[structure_id].centroid)

    def box_on_screen(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """Display positions (8, 2) of the corners of the world box ``lo``..``hi``."""
        corners = np.array(np.meshgrid(*zip(lo, hi, strict=True))).reshape(3, -1).T
        return self.points_to_display(corners)

    def box_in_view(self, lo: np.ndarray, hi: np.ndarray) -> bool:
        """Whether the world box ``lo``..``hi`` is wholly on screen (a corner behind the camera
        is not)."""
        xy = self.box_on_screen(lo, hi)
        w, h = self._window.GetSize()
        return bool((xy >= 0).all() and (xy[:, 0] <= w).all() and (xy[:, 1] <= h).all())

    def visible_point(self, structure_id: str, step: int = 4) -> tuple[int, int] | None:
        """See :meth:`calfexplorer.scene.Scene.visible_point`."""
        data = self._meshes().get(structure_id)
        actor = self._actors.get(structure_id)
        if data is None or actor is None or not actor.GetVisibility():
            return None
        xy = self.box_on_screen(*data.bounds())
        xy = xy[np.isfinite(xy).all(axis=1)]  # (corners behind the camera have no place)
        if not len(xy):
            return None
        w, h = self._window.GetSize()
        x0, y0 = np.clip(xy.min(axis=0), 0, [w - 1, h - 1]).astype(int)
        x1, y1 = np.clip(xy.max(axis=0), 0, [w - 1, h - 1]).astype(int)
        cx, cy = self.project(structure_id)
        gx, gy = np.meshgrid(np.arange(x0, x1 + 1, step), np.arange(y0, y1 + 1, step))
        order = np.argsort((gx - cx) ** 2 + (gy - cy) ** 2, axis=None)
        for k in order[:2000]:
            px, py = int(gx.flat[k]), int(gy.flat[k])
            if self.pick(px, py) == structure_id:
                return px, py
        return None

    def share_on_screen(self, parts: Iterable[str]) -> float:
        """Fraction (0..1) of the vertices of these structures inside the view now."""
        meshes = self._meshes()
        shown = [p for p in parts if p in meshes]
        if not shown:
            return 0.0
        return self.points_on_screen(
            np.concatenate([meshes[p].world_vertices[::7] for p in shown]))

    def points_on_screen(self, points: np.ndarray) -> float:
        """Fraction (0..1) of the world points ``points`` (n, 3) inside the view now."""
        if not len(points):
            return 0.0
        inside = (np.abs(self._ndc(points)) <= 1.0).all(axis=1)  # (NaN behind: not inside)
        return float(inside.sum()) / len(points)
