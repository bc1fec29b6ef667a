"""Built meshes on disk (``assets/meshes/``): fast loading, and building them.

>>> assets = load_assets()
>>> assets.meshes["soleus"].vertices.shape  # (n, 3) float32, metres, anatomical position
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

import numpy as np

from calfexplorer.assets.manifest import GLB, load_manifest, mesh_checksum
from calfexplorer.geometry.mesh import Mesh

__all__ = ["BODYPARTS3D", "BUILTIN", "REBUILD_HINT", "AssetSet", "Mesh", "load_assets"]

#: The two legs an asset set can be (see :mod:`calfexplorer.anatomy.leg_model`).
BUILTIN = "builtin"
BODYPARTS3D = "bodyparts3d"


#: Mesh coordinates (metres, the model's world frame: the leg stands about 1 m high) beyond this
#: belong to no leg: an edited file, refused.
MAX_COORDINATE_M = 10.0

#: The way on for a user whose meshes are missing or broken.
REBUILD_HINT = "run 'calfexplorer build-assets' to rebuild them"


@dataclass
class AssetSet:
    """Meshes by structure id, with what the scene needs to group and move them.

    ``kinds``: bone, muscle, tendon, nerve, artery, vein, site. ``layers``: superficial, deep,
    bone, site, ... ``bodies``: the model body a rigid structure moves with (bones, sites).
    ``unavailable``: id -> reason for meshes that are missing or corrupt. ``problem``: what is
    wrong with the folder as a whole, in one line (None when every listed mesh loaded checked).
    ``model``: :data:`BUILTIN`, or :data:`BODYPARTS3D` for the pack laid over the built-in
    meshes, whose own set is then ``pack``.
    """

    meshes: dict[str, Mesh] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    layers: dict[str, str] = field(default_factory=dict)
    bodies: dict[str, str | None] = field(default_factory=dict)
    extras: dict[str, dict[str, Any]] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    problem: str | None = None
    #: Why the folder's manifest cannot be used (its meshes then loaded unchecked), or None.
    manifest_problem: str | None = None
    model: str = BUILTIN
    pack: AssetSet | None = None

    def ids(self, kind: str | None = None) -> list[str]:
        """Ids of loaded meshes, optionally of one kind."""
        return [i for i in self.meshes if kind is None or self.kinds.get(i) == kind]


def load_assets(path: Path | str | None = None, verify: bool = True) -> AssetSet:
    """Load every mesh from ``path`` (default: :func:`calfexplorer.paths.assets_dir`).

    Never raises for bad files: missing or corrupt meshes are listed in ``unavailable`` and
    what is wrong with the folder as a whole is in ``problem``.
    """
    if path is None:
        from calfexplorer.paths import assets_dir

        path = assets_dir()
    folder = Path(path)
    out = AssetSet(path=folder)
    manifest, manifest_problem = load_manifest(folder)
    out.manifest = manifest or {}
    listed: dict[str, dict[str, Any]] = out.manifest.get("meshes", {})
    glb = folder / out.manifest.get("file", GLB) if manifest else _mesh_file(folder)
    _read_meshes(out, glb, listed, verify)
    for mid in listed:
        if mid not in out.meshes and mid not in out.unavailable:
            out.unavailable[mid] = "listed in the manifest but missing from the mesh file"
    out.manifest_problem = manifest_problem
    if manifest_problem:  # the cause first: a mesh file not found follows from it
        out.problem = (f"{manifest_problem}; {out.problem}" if out.problem
                       else f"{manifest_problem}: the meshes were loaded unchecked")
    elif out.problem is None and out.unavailable:
        first = next(iter(out.unavailable.items()))
        out.problem = (
            f"{len(out.unavailable)} of {len(out.unavailable) + len(out.meshes)} meshes in "
            f"{folder} could not be loaded ({first[0]}: {first[1]})"
        )
    return out


def _mesh_file(folder: Path) -> Path:
    """The mesh file of a folder without a usable manifest: the usual name, else its only
    .glb file."""
    try:
        found = [] if (folder / GLB).exists() else sorted(folder.glob("*.glb"))
    except OSError:  # (reading it says why)
        found = []
    return found[0] if len(found) == 1 else folder / GLB


def _text(value: Any, default: str | None) -> str | None:
    """A kind, layer or body read from a file: text, else ``default``."""
    return value if isinstance(value, str) else default


@overload
def _own(arr: np.ndarray) -> np.ndarray: ...


@overload
def _own(arr: None) -> None: ...


def _own(arr: np.ndarray | None) -> np.ndarray | None:
    """A read-only copy of an array read from the mesh file: the file's bytes (which also hold
    the uint32 faces, kept as int32 copies, and meshes a pack replaces) are freed after loading,
    and what draws the mesh may share it (:class:`calfexplorer.scene.polydata.MeshData`)."""
    if arr is None:
        return None
    out = arr.copy()
    out.flags.writeable = False
    return out


def _read_meshes(out: AssetSet, glb: Path, listed: dict[str, dict[str, Any]], verify: bool) -> None:
    """Fill ``out`` from the mesh file; a file that cannot be used at all sets ``out.problem``."""
    from calfexplorer.assets.gltf import TooLarge, read_glb

    try:
        doc, arrays = read_glb(glb)
    except FileNotFoundError:
        out.problem = f"the mesh file {glb.name} is missing from {glb.parent}"
    except OSError as exc:
        out.problem = f"the mesh file {glb} cannot be read ({exc.strerror or exc})"
    except TooLarge as exc:
        out.problem = f"the file {glb} is too large to be a mesh file ({exc})"
    except ValueError as exc:
        out.problem = f"the mesh file {glb} is damaged ({exc})"
    if out.problem is not None:
        for mid in listed:
            out.unavailable[mid] = out.problem
        return
    extras: dict[Any, dict[str, Any]] = {}  # (by the mesh's name, which the file may lack)
    for m in doc["meshes"]:
        if isinstance(m, dict):
            ex = m.get("extras")
            extras[m.get("name")] = ex if isinstance(ex, dict) else {}
    for mid, arr in arrays.items():
        if "error" in arr:
            out.unavailable[mid] = f"corrupt mesh data: {arr['error']}"
            continue
        v, f, n, belly = arr["vertices"], arr["faces"], arr["normals"], arr.get("belly")
        info = listed.get(mid, {})
        if verify and info and mesh_checksum(v, f, n, belly) != info.get("sha256"):
            out.unavailable[mid] = "checksum mismatch (corrupt or edited mesh)"
            continue
        if not len(f):
            out.unavailable[mid] = "no triangles"
            continue
        if int(f.max()) >= len(v):
            out.unavailable[mid] = "face index out of range"
            continue
        if not all(np.isfinite(a).all() for a in (v, n, belly) if a is not None):
            out.unavailable[mid] = "coordinates that are NaN or infinite"
            continue
        if np.abs(v).max(initial=0.0) > MAX_COORDINATE_M:
            out.unavailable[mid] = f"coordinates more than {MAX_COORDINATE_M:g} m from the body"
            continue
        faces = f.astype(np.int32)
        faces.flags.writeable = False
        out.meshes[mid] = Mesh(_own(v), faces, _own(n), _own(belly))
        ex = extras.get(mid, {})
        out.extras[mid] = ex
        out.kinds[mid] = _text(ex.get("kind"), _text(info.get("kind"), "unknown")) or ""
        out.layers[mid] = _text(ex.get("layer"), _text(info.get("layer"), "")) or ""
        out.bodies[mid] = _text(ex.get("body"), _text(info.get("body"), None))
    if not arrays:
        out.problem = f"the mesh file {glb} holds no usable mesh"
