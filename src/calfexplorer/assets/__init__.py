"""Built meshes on disk (``assets/meshes/``): fast loading, and building them.

>>> assets = load_assets()
>>> assets.meshes["soleus"].vertices.shape  # (n, 3) float32, metres, anatomical position
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from calfexplorer.assets.manifest import GLB, MANIFEST, mesh_checksum, read_manifest
from calfexplorer.geometry.mesh import Mesh

__all__ = ["AssetSet", "Mesh", "load_assets"]


@dataclass
class AssetSet:
    """Meshes by structure id, with what the scene needs to group and move them.

    ``kinds``: bone, muscle, tendon, nerve, artery, vein, site. ``layers``: superficial, deep,
    bone, site, ... ``bodies``: the model body a rigid structure moves with (bones, sites).
    ``unavailable``: id -> reason for meshes that are missing or corrupt.
    """

    meshes: dict[str, Mesh] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    layers: dict[str, str] = field(default_factory=dict)
    bodies: dict[str, str | None] = field(default_factory=dict)
    extras: dict[str, dict[str, Any]] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def ids(self, kind: str | None = None) -> list[str]:
        """Ids of loaded meshes, optionally of one kind."""
        return [i for i in self.meshes if kind is None or self.kinds.get(i) == kind]


def load_assets(path: Path | str | None = None, verify: bool = True) -> AssetSet:
    """Load every mesh from ``path`` (default: :func:`calfexplorer.paths.assets_dir`).

    Never raises for bad files: missing or corrupt meshes are listed in ``unavailable``.
    """
    from calfexplorer.assets.gltf import read_glb

    if path is None:
        from calfexplorer.paths import assets_dir

        path = assets_dir()
    folder = Path(path)
    out = AssetSet(path=folder)
    manifest = read_manifest(folder) or {}
    out.manifest = manifest
    listed: dict[str, dict[str, Any]] = manifest.get("meshes", {})
    if not manifest:
        out.unavailable["*"] = f"{MANIFEST} missing or unreadable in {folder}"
    try:
        doc, arrays = read_glb(folder / manifest.get("file", GLB))
    except (OSError, ValueError, KeyError) as exc:
        reason = f"mesh file unreadable: {exc}"
        for mid in listed:
            out.unavailable[mid] = reason
        if not listed:
            out.unavailable["*"] = reason
        return out
    extras = {m["name"]: m.get("extras", {}) for m in doc.get("meshes", [])}
    for mid, arr in arrays.items():
        if "error" in arr:
            out.unavailable[mid] = f"corrupt mesh data: {arr['error']}"
            continue
        v, f, n, belly = arr["vertices"], arr["faces"], arr["normals"], arr.get("belly")
        info = listed.get(mid, {})
        if verify and info and mesh_checksum(v, f, n, belly) != info.get("sha256"):
            out.unavailable[mid] = "checksum mismatch (corrupt or edited mesh)"
            continue
        if len(f) and (int(f.max()) >= len(v)):
            out.unavailable[mid] = "face index out of range"
            continue
        out.meshes[mid] = Mesh(v, f.astype(np.int32), n, belly)
        ex = extras.get(mid, {})
        out.extras[mid] = ex
        out.kinds[mid] = ex.get("kind", info.get("kind", "unknown"))
        out.layers[mid] = ex.get("layer", info.get("layer", ""))
        out.bodies[mid] = ex.get("body", info.get("body"))
    for mid in listed:
        if mid not in out.meshes and mid not in out.unavailable:
            out.unavailable[mid] = "listed in the manifest but missing from the mesh file"
    return out
