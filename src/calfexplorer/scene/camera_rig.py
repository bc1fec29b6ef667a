"""The scene's camera: preset views framing the leg as posed, keeping it in view, and smooth
moves onto a structure. The framing itself is :mod:`calfexplorer.scene.camera` (pure numpy)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import numpy as np
from vtkmodules.vtkRenderingCore import vtkCamera, vtkRenderer, vtkRenderWindow

from calfexplorer.scene.camera import (
    DEFAULT_VIEW,
    VIEW_ANGLE_DEG,
    CameraMove,
    CameraPose,
    fit_direction,
    fit_view,
)
from calfexplorer.scene.catalog import StructureInfo
from calfexplorer.scene.polydata import MeshData

#: How far up the femur (metres from the knee) the default views reach.
DISTAL_FEMUR = 0.1
#: Bones left out of the default view's frame (which reaches only up to the distal femur).
_ABOVE_THE_LEG = frozenset({"hip_bone", "sacrum", "coccyx", "femur"})

Box = tuple[np.ndarray, np.ndarray]


class CameraRig:
    """Points the renderer's camera. ``meshes()`` gives the meshes as posed now; ``moved()``
    is called after every camera change (to draw it)."""

    def __init__(
        self,
        renderer: vtkRenderer,
        window: vtkRenderWindow,
        catalog: Mapping[str, StructureInfo],
        meshes: Callable[[], Mapping[str, MeshData]],
        moved: Callable[[], None],
    ) -> None:
        self._renderer = renderer
        self._window = window
        self._catalog = catalog
        self._meshes = meshes
        self._moved = moved
        self.view = DEFAULT_VIEW
        self._move: CameraMove | None = None

    @property
    def camera(self) -> vtkCamera:
        """The renderer's camera."""
        return self._renderer.GetActiveCamera()

    def _aspect(self) -> float:
        w, h = self._window.GetSize()
        return w / h if h else 1.0

    def leg_bones(self) -> list[str]:
        """The bones the default views frame (with the distal femur): those of the leg."""
        return [sid for sid in self._meshes()
                if self._catalog[sid].kind == "bone" and sid not in _ABOVE_THE_LEG]

    def leg_box(self) -> Box:
        """Box the default views frame: the leg's bones and the distal femur (or everything)."""
        meshes = self._meshes()
        leg = [meshes[sid].bounds() for sid in self.leg_bones()]
        if not leg:
            if not meshes:
                return np.full(3, -0.1), np.full(3, 0.1)
            return union(d.bounds() for d in meshes.values())
        lo, hi = union(leg)
        knee = meshes.get("patella") or meshes.get("tibia")
        femur = meshes.get("femur")
        if knee is not None and femur is not None:
            femur_world = femur.world_vertices
            near = np.linalg.norm(femur_world - knee.centroid, axis=1) < DISTAL_FEMUR
            if near.any():
                lo = np.minimum(lo, femur_world[near].min(axis=0))
                hi = np.maximum(hi, femur_world[near].max(axis=0))
        return lo, hi

    def pose(self) -> CameraPose:
        """The current camera position, focal point and view-up."""
        cam = self.camera
        return CameraPose(
            np.array(cam.GetPosition()), np.array(cam.GetFocalPoint()), np.array(cam.GetViewUp())
        )

    def place(self, pose: CameraPose, view_angle: float | None = None) -> None:
        """Put the camera there (and set its view angle, degrees, if given)."""
        cam = self.camera
        if view_angle is not None:
            cam.SetViewAngle(float(view_angle))
        cam.SetFocalPoint(*pose.focal_point)
        cam.SetPosition(*pose.position)
        cam.SetViewUp(*pose.view_up)
        self._renderer.ResetCameraClippingRange()
        self._moved()

    def _cancel_move(self) -> None:
        if self._move is not None:
            self._move.cancel()
            self._move = None

    def set_view(self, view: str) -> None:
        """Look from a preset, framing the leg (a focus move still running stops)."""
        self._cancel_move()
        lo, hi = self.leg_box()
        pose = fit_view(view, lo, hi, self._aspect(), view_angle_deg=VIEW_ANGLE_DEG)
        self.view = view
        self.place(pose, VIEW_ANGLE_DEG)

    def frame_leg(self) -> None:
        """Frame the leg as posed now, looking from where the camera looks now (a focus move
        still running stops)."""
        self.frame_box(*self.leg_box())

    def frame_box(self, lo: np.ndarray, hi: np.ndarray) -> None:
        """Frame a box, looking from where the camera looks now (a focus move still running
        stops)."""
        self._cancel_move()
        now = self.pose()
        self.place(
            fit_direction(
                now.position - now.focal_point, now.view_up, lo, hi, self._aspect(),
                view_angle_deg=self.camera.GetViewAngle(),
            )
        )

    def focus(self, parts: Iterable[str], duration: float,
              points: np.ndarray | None = None) -> CameraMove:
        """Start a smooth move framing these structures and the world ``points`` (n, 3)
        (none of either: the whole leg), in place of one still running."""
        self._cancel_move()
        meshes = self._meshes()
        boxes = [meshes[p].bounds() for p in parts if p in meshes]
        if points is not None and len(points):
            boxes.append((points.min(axis=0), points.max(axis=0)))
        lo, hi = union(boxes) if boxes else self.leg_box()
        start = self.pose()
        end = fit_direction(
            start.position - start.focal_point, start.view_up, lo, hi, self._aspect(), 1.25,
            self.camera.GetViewAngle(),
        )
        self._move = CameraMove(start, end, duration, self.place)
        if duration <= 0:
            self._move.finish()
        return self._move


def union(boxes: Iterable[Box]) -> Box:
    """The box holding all these (lo, hi) boxes."""
    los, his = zip(*boxes, strict=True)
    return np.min(los, axis=0).astype(float), np.max(his, axis=0).astype(float)
