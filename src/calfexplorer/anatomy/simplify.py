"""Lighter vessel meshes for the pack: BodyParts3D draws its thin vessels densely.

The pack's arteries and veins held 38 % of its triangles (89k of 236k) although they are tubes
a few millimetres across: rings ~1-2 mm apart along straight runs. Every triangle costs memory,
posing and drawing in every frame. Quadric decimation to :data:`VESSEL_KEEP` of the triangles
keeps each vessel's source vertices within a few tenths of a millimetre of the lighter surface
(measured at build time and written to the manifest); a vessel for which it cannot keep them
within :data:`P99_TOLERANCE_MM` and :data:`MAX_TOLERANCE_MM`, or closed, stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from calfexplorer.anatomy.twins import follow_matrix
from calfexplorer.geometry.bones import decimate_closed
from calfexplorer.geometry.mesh import Mesh, edge_report

#: The kinds of structure simplified.
VESSEL_KINDS = ("artery", "vein")
#: Share of a vessel's triangles kept. Measured on the pack's 11 vessels of 3,000 triangles or
#: more (distance of the source's vertices from the lighter surface, p99 / largest): keeping
#: 0.5, 0.22-0.70 / 0.60-1.96 mm; 0.4, 0.27-0.70 / 0.61-1.96 mm; 0.3, 0.29-0.80 / 1.07-1.96 mm.
#: Past 0.75 mm lie at most 14 of a vessel's vertices (keeping 0.4).
VESSEL_KEEP = 0.4
#: What is accepted (mm): 99 % of the source's vertices within the first, all within the second.
P99_TOLERANCE_MM = 0.75
MAX_TOLERANCE_MM = 2.0
#: Meshes with fewer triangles are left alone (the femoral vessels' stubs are already coarse).
SMALLEST = 1000


@dataclass(frozen=True)
class Simplified:
    """A vessel mesh after :func:`lighter_vessel`, and how far it lies from its source."""

    vertices: np.ndarray
    faces: np.ndarray
    source_triangles: int
    max_mm: float
    p99_mm: float

    @property
    def mesh(self) -> Mesh:
        """The lighter vessel as a mesh (its normals made anew)."""
        return Mesh(self.vertices, self.faces)

    def record(self) -> dict[str, float | int]:
        """What the manifest says of the simplification."""
        return {"source_triangles": self.source_triangles, "keep": VESSEL_KEEP,
                "max_mm": round(self.max_mm, 3), "p99_mm": round(self.p99_mm, 3)}


def deviation_mm(points: np.ndarray, vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Distance (mm) of each point (metres) from the surface (metres)."""
    nearest = follow_matrix(points, vertices, faces) @ np.asarray(vertices, np.float64)
    return np.linalg.norm(nearest - points, axis=1) * 1000.0


def lighter_vessel(vertices: np.ndarray, faces: np.ndarray) -> Simplified | None:
    """The vessel (metres) decimated to :data:`VESSEL_KEEP` of its triangles, or None where it
    is small, open, or would lie farther from its source than the tolerances allow."""
    if len(faces) < SMALLEST or edge_report(faces) != (0, 0):
        return None
    src = np.asarray(vertices, np.float64)
    out = decimate_closed(src, np.asarray(faces), int(len(faces) * VESSEL_KEEP))
    if out is None:
        return None
    v, f = out
    dev = deviation_mm(src, v, f)
    p99 = float(np.percentile(dev, 99))
    if p99 > P99_TOLERANCE_MM or dev.max() > MAX_TOLERANCE_MM:
        return None
    return Simplified(np.asarray(v), np.asarray(f), int(len(faces)), float(dev.max()), p99)
