"""The tendinous arch of the soleus opened over the tibial nerve's way (#12).

In the real leg the tibial nerve, with the popliteal vessels, leaves the popliteal fossa deep to
the heads of gastrocnemius and the plantaris, crosses the popliteus and passes under the
tendinous arch of the soleus (between its fibular and tibial origins) to lie between the soleus
and tibialis posterior. BodyParts3D's soleus, placed on the model, leaves no such way: its tibial
part reaches the back of the tibia and the popliteus all along the arch, and the kept tibial
nerve (which BodyParts3D lacks) could reach the posterior tibial vessels only through it.

The pack's soleus is opened there at build time: in a corridor along the nerve's way, the
muscle's deep part is lifted posteriorly, above the way with clearance, and pressed into the
layer under the arch's posterior surface (every point moved along one direction, in order, so
the surface stays closed and never passes through itself; the back of the muscle stays put).
The binding then carries the opening into every pose.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from calfexplorer.geometry.mesh import Mesh, subdivide_where, volume

#: The structure opened.
MUSCLE = "soleus"
#: The nerve's way under the arch in the model frame (m; +y posterior, z up): from the
#: popliteal fossa, medial to the soleus' top (on the popliteus), to beside the posterior
#: tibial vessels under the soleus, where the rest route stepped across the muscle before
#: the arch was opened (stations 12-13 of the tibial nerve, lying 40-60 % in the soleus).
WAY_M = np.array([[-0.0669, 0.0859, 0.4501], [-0.0880, 0.0806, 0.4347]])
#: Direction the arch's deep part is lifted (posterior in the model frame).
LIFT = np.array([0.0, 1.0, 0.0])
#: Clearance kept between the way and the lifted muscle, and the thickness of the layer the
#: lifted part is pressed into above that (m).
CLEAR_M = 0.006
LAYER_M = 0.003
#: Half-width of the corridor across the way, fully opened and faded out by (m), and the
#: stretch of the way opened (fractions of it: the fossa's end lies outside the muscle), faded
#: over this much more at each end.
CORE_M = 0.008
FADE_M = 0.014
SPAN = (0.3, 1.0)
SPAN_FADE = 0.25


def open_arch(mesh: Mesh) -> tuple[Mesh, dict[str, Any]]:
    """The soleus ``mesh`` opened over the nerve's way (finer there, so the opening is
    smooth), and a record of the change for the manifest."""
    w = _weight(mesh.vertices.astype(np.float64))
    centres = mesh.vertices[mesh.faces].mean(axis=1).astype(np.float64)
    touched = (w[mesh.faces] > 0).any(axis=1) | (_weight(centres) > 0)
    fine = subdivide_where(mesh, touched)
    v = fine.vertices.astype(np.float64)
    moved = v + np.outer(_weight(v) * _lift(v), LIFT)
    out = Mesh(moved, fine.faces)
    shift = np.linalg.norm(moved - v, axis=1)
    before = volume(mesh.vertices, mesh.faces)
    return out, {
        "how": ("the soleus' deep part lifted posteriorly off the tibial nerve's way under "
                f"the tendinous arch, {CLEAR_M * 1000:.0f} mm clear of it"),
        "vertices_moved": int((shift > 1e-6).sum()),
        "max_shift_mm": round(float(shift.max()) * 1000, 1),
        "volume_change": round(volume(out.vertices, out.faces) / before - 1.0, 4),
    }


def _weight(points: np.ndarray) -> np.ndarray:
    """How fully each point is opened (0-1): by its distance across the way and its place
    along it, both measured across :data:`LIFT` (a point's lift never changes along it)."""
    a, b = WAY_M
    flat = np.eye(3) - np.outer(LIFT, LIFT)
    ab = (b - a) @ flat
    length = float(np.linalg.norm(ab))
    along = ab / length
    rel = (points - a) @ flat
    t = rel @ along / length
    across = np.linalg.norm(rel - np.outer(rel @ along, along), axis=1)
    lo, hi = SPAN
    c = np.clip((FADE_M - across) / (FADE_M - CORE_M), 0.0, 1.0)
    e = np.clip(np.minimum(t - (lo - SPAN_FADE), (hi + SPAN_FADE) - t) / SPAN_FADE, 0.0, 1.0)
    return (0.5 - 0.5 * np.cos(np.pi * c)) * (0.5 - 0.5 * np.cos(np.pi * e))


def _lift(points: np.ndarray) -> np.ndarray:
    """How far each point moves along :data:`LIFT` when fully opened: what lies below the
    layer over the way is pressed into it (exponentially, keeping order), the rest stays."""
    a, b = WAY_M
    flat = np.eye(3) - np.outer(LIFT, LIFT)
    ab = (b - a) @ flat
    t = np.clip((points - a) @ flat @ ab / float(ab @ ab), 0.0, 1.0)
    top = a @ LIFT + t * ((b - a) @ LIFT) + CLEAR_M + LAYER_M
    s = points @ LIFT
    pressed = top - LAYER_M * np.exp(-np.maximum(top - s, 0.0) / LAYER_M)
    return np.where(s < top, pressed - s, 0.0)
