"""Camera presets for the right leg, framing, and a smooth camera move stepped by the caller.

The model's world (MuJoCo, metres) is z up; anterior is -y (the toes point to -y) and, for the
right leg (at x < 0), medial is +x. Pure numpy; the scene applies the results to a vtkCamera.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

#: view name -> (unit vector from the focal point to the camera, view-up vector)
VIEWS: dict[str, tuple[tuple[float, float, float], tuple[float, float, float]]] = {
    "anterior": ((0.0, -1.0, 0.0), (0.0, 0.0, 1.0)),
    "posterior": ((0.0, 1.0, 0.0), (0.0, 0.0, 1.0)),
    "medial": ((1.0, 0.0, 0.0), (0.0, 0.0, 1.0)),
    "lateral": ((-1.0, 0.0, 0.0), (0.0, 0.0, 1.0)),
    # From above and in front (30 degrees off the vertical), as one looks down one's own leg:
    # straight down, the thigh would cover the knee and everything below it.
    "superior": ((0.0, -0.5, 0.8660254037844386), (0.0, -1.0, 0.0)),
    # The sole, toes up, as an atlas shows the plantar muscles.
    "inferior": ((0.0, 0.0, -1.0), (0.0, -1.0, 0.0)),
}

VIEW_ANGLE_DEG = 30.0
#: The view the app starts in and Reset view (R) returns to.
DEFAULT_VIEW = "posterior"


@dataclass(frozen=True)
class CameraPose:
    """Position, focal point and view-up of a camera (world coordinates)."""

    position: np.ndarray
    focal_point: np.ndarray
    view_up: np.ndarray

    @property
    def distance(self) -> float:
        """Distance from the camera to its focal point."""
        return float(np.linalg.norm(self.position - self.focal_point))

    def same_as(self, other: CameraPose | None, tolerance: float = 1e-9) -> bool:
        """Whether ``other`` is this pose (within ``tolerance`` metres)."""
        return other is not None and all(
            np.allclose(a, b, rtol=0.0, atol=tolerance)
            for a, b in ((self.position, other.position), (self.focal_point, other.focal_point),
                         (self.view_up, other.view_up)))


class CameraTurn:
    """A mode turning the camera away from the preset the user looks from (a study question,
    a lesion): the user's preset, kept while the camera stays where the mode left it."""

    def __init__(self) -> None:
        self.user_view: str | None = None
        self._left: tuple[str, CameraPose] | None = None  # the preset and camera it left

    def left_alone(self, scene: Any) -> bool:
        """Whether the camera is still where the mode last left it."""
        return self._left is not None and scene.view == self._left[0] \
            and scene.camera_pose().same_as(self._left[1])

    def left(self, scene: Any) -> None:
        """The mode has placed the camera: remember where."""
        self._left = (scene.view, scene.camera_pose())

    def remembered(self, scene: Any) -> str | None:
        """The user's preset while the camera is where the mode left it, else None."""
        return self.user_view if self.user_view and self.left_alone(scene) else None

    def clear(self) -> None:
        """Forget the turn: the camera is the user's again."""
        self.user_view = self._left = None


def fit_view(
    view: str,
    lo: np.ndarray,
    hi: np.ndarray,
    aspect: float,
    margin: float = 1.08,
    view_angle_deg: float = VIEW_ANGLE_DEG,
) -> CameraPose:
    """A camera looking from ``view`` that shows the box ``lo..hi`` whole in a viewport.

    ``aspect`` is width / height of the viewport; ``margin`` > 1 leaves a border.
    """
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; known: {', '.join(VIEWS)}")
    back, up = (np.asarray(v, dtype=float) for v in VIEWS[view])
    return fit_direction(back, up, lo, hi, aspect, margin, view_angle_deg)


def fit_direction(
    back: np.ndarray,
    up: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    aspect: float,
    margin: float = 1.08,
    view_angle_deg: float = VIEW_ANGLE_DEG,
) -> CameraPose:
    """Like :func:`fit_view` for any direction ``back`` (focal point to camera) and ``up``."""
    back = np.asarray(back, dtype=float)
    back = back / np.linalg.norm(back)
    up = np.asarray(up, dtype=float)
    up = up - back * float(up @ back)
    up /= np.linalg.norm(up)
    right = np.cross(up, back)
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    centre = (lo + hi) / 2.0
    corners = np.array(
        [[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])]
    )
    rel = corners - centre
    half_w = float(np.abs(rel @ right).max()) * margin
    half_h = float(np.abs(rel @ up).max()) * margin
    half_d = float(np.abs(rel @ back).max())
    tan_v = math.tan(math.radians(view_angle_deg) / 2.0)
    distance = max(half_h / tan_v, half_w / (tan_v * max(aspect, 1e-6))) + half_d
    return CameraPose(centre + back * distance, centre, up)


def smoothstep(t: float) -> float:
    """Ease in and out on 0..1."""
    t = min(max(t, 0.0), 1.0)
    return t * t * (3.0 - 2.0 * t)


class CameraMove:
    """A short, smooth camera move, advanced by whoever owns the clock.

    ``advance(dt)`` moves the camera ``dt`` seconds further and returns True while the move is
    still running; a Qt timer calls it every frame, tests call it with fixed steps.
    """

    def __init__(self, start: CameraPose, end: CameraPose, duration: float, apply) -> None:
        self.start = start
        self.end = end
        self.duration = max(float(duration), 1e-9)
        self.elapsed = 0.0
        self._apply = apply
        self._start_offset = start.position - start.focal_point
        self._cancelled = False
        self._end_offset = end.position - end.focal_point

    @property
    def done(self) -> bool:
        """Whether the camera has reached the end pose (or the move was cancelled)."""
        return self._cancelled or self.elapsed >= self.duration

    def cancel(self) -> None:
        """Leave the camera where it is: ``advance`` moves it no more (the camera was placed
        another way meanwhile: a preset view, the leg framed again)."""
        self._cancelled = True

    def pose_at(self, t: float) -> CameraPose:
        """The camera at fraction ``t`` (0..1) of the move, eased."""
        s = smoothstep(t)
        focal = self.start.focal_point + (self.end.focal_point - self.start.focal_point) * s
        d0 = float(np.linalg.norm(self._start_offset))
        d1 = float(np.linalg.norm(self._end_offset))
        if min(d0, d1) < 1e-12:  # (a camera on its focal point: nothing to turn about)
            return self.end if s >= 1.0 else CameraPose(
                self.start.position + (self.end.position - self.start.position) * s, focal,
                self.end.view_up)
        u0, u1 = self._start_offset / d0, self._end_offset / d1
        direction = _slerp(u0, u1, s)
        distance = d0 + (d1 - d0) * s
        up = self.start.view_up + (self.end.view_up - self.start.view_up) * s
        up = up - direction * float(up @ direction)
        norm = np.linalg.norm(up)
        up = up / norm if norm > 1e-9 else self.end.view_up
        return CameraPose(focal + direction * distance, focal, up)

    def advance(self, dt: float) -> bool:
        """Move on by ``dt`` seconds; returns True while the move is not finished."""
        if self._cancelled:
            return False
        self.elapsed = min(self.elapsed + max(float(dt), 0.0), self.duration)
        self._apply(self.pose_at(self.elapsed / self.duration))
        return not self.done

    def finish(self) -> None:
        """Jump to the end of the move."""
        self.advance(self.duration)


def _slerp(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    dot = float(np.clip(a @ b, -1.0, 1.0))
    if dot > 0.9995:
        v = a + (b - a) * t
        return v / np.linalg.norm(v)
    omega = math.acos(dot)
    return (math.sin((1 - t) * omega) * a + math.sin(t * omega) * b) / math.sin(omega)
