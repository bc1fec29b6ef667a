"""The built-in nerves and vessels the pack keeps, as the routing sees them: each swept tube's
stations (centres and radii)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from calfexplorer.geometry.mesh import Mesh

#: Kinds of built-in structure that are routed.
ROUTED_KINDS = ("nerve", "artery", "vein")


@dataclass(frozen=True)
class Tube:
    """A built-in swept mesh as stations: centres (S, 3), radii (S,), and its layout."""

    centres: np.ndarray
    radii: np.ndarray
    stations: int
    ring: int

    @staticmethod
    def of(mesh: Mesh, stations: int, ring: int) -> Tube | None:
        """The tube of a built-in sweep mesh (None when its vertex count does not match)."""
        if len(mesh.vertices) != stations * ring + 2:
            return None
        v = mesh.vertices[: stations * ring].astype(np.float64).reshape(stations, ring, 3)
        c = v.mean(axis=1)
        return Tube(c, np.linalg.norm(v - c[:, None], axis=2).max(axis=1), stations, ring)


def kept_tubes(builtin: Any, kept: list[str], params: Any) -> dict[str, Tube]:
    """The built-in tubes of ``kept`` ids that are swept nerves or vessels."""
    specs = {s.id: s for s in params.sweeps}
    out = {}
    for sid in kept:
        spec, mesh = specs.get(sid), builtin.meshes.get(sid)
        if spec is None or mesh is None or builtin.kinds.get(sid) not in ROUTED_KINDS:
            continue
        tube = Tube.of(mesh, spec.stations, spec.ring)
        if tube is not None:
            out[sid] = tube
    return out
