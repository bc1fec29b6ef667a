"""Meshes as plain arrays: smoothed bones, swept muscles and tendons, patches, posing.

Public API: :func:`build_all` (rest-pose meshes), :class:`Mesh`, :class:`Deformer` (posing).
No Qt and no VTK here.
"""

from __future__ import annotations

from calfexplorer.geometry.mesh import Mesh

__all__ = ["Mesh"]
