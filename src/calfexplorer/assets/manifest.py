"""The manifest next to the built meshes: provenance, per-mesh counts and checksums, staleness."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

# Bump when the generator's output changes for the same inputs; the staleness test then asks for
# a rebuild (calfexplorer build-assets).
GENERATOR_VERSION = "1.2.3"  # (1.2.0: the skin learns its moves for the bent knee; 1.2.1:
# relaxed where they turned its faces over; 1.2.2: no longer ballooning into the crease; 1.2.3:
# smoothed by mesh_graph's neighbour mean, one move 2e-28 m apart)
MANIFEST = "manifest.json"
GLB = "leg.glb"
NOTICE = "NOTICE.md"
#: Larger manifests are refused unread (the anatomy pack's is ~160 kB).
MAX_MANIFEST_BYTES = 16 * 2**20

FRAME = {
    "units": "metres",
    "axes": "MyoLeg world frame: +z superior, -y anterior, -x lateral (right leg), +x medial",
    "pose": "anatomical position (all joint angles zero; coupled knee joints at knee angle 0)",
}


def mesh_checksum(
    vertices: np.ndarray, faces: np.ndarray, normals: np.ndarray, belly: np.ndarray | None = None
) -> str:
    """sha256 over the mesh's float32 vertices, uint32 faces, float32 normals (and belly)."""
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(vertices, np.float32).tobytes())
    h.update(np.ascontiguousarray(faces, np.uint32).tobytes())
    h.update(np.ascontiguousarray(normals, np.float32).tobytes())
    if belly is not None:
        h.update(np.ascontiguousarray(belly, np.float32).tobytes())
    return h.hexdigest()


def file_hash(path: Path) -> str:
    """sha256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def input_hashes(geometry_files: list[Path], extra: dict[str, str]) -> dict[str, str]:
    """What the build depends on: geometry parameter files, model version, atlas-derived sites."""
    out = {f"data/geometry/{p.name}": file_hash(p) for p in sorted(geometry_files)}
    out.update(extra)
    return out


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest in ``folder``, or None when missing, unreadable or malformed."""
    return load_manifest(folder)[0]


def load_manifest(folder: Path) -> tuple[dict[str, Any] | None, str | None]:
    """The manifest in ``folder`` and, when it cannot be used, None and why (one line)."""
    doc, problem = _parse(folder)
    if problem:
        return None, problem
    path = Path(folder) / MANIFEST
    shape = manifest_shape_problem(doc)
    if shape:
        return None, f"{path} is malformed ({shape})"
    return doc, None


def parsed_manifest(folder: Path) -> dict[str, Any]:
    """The manifest's JSON object whatever its shape (empty when it cannot be read or is not
    an object): what a later version's manifest says about itself."""
    doc = _parse(folder)[0]
    return doc if isinstance(doc, dict) else {}


def _parse(folder: Path) -> tuple[Any, str | None]:
    """The manifest in ``folder`` parsed, or None and why it cannot be (one line)."""
    path = Path(folder) / MANIFEST
    try:
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            return None, (f"{path} is too large to be a manifest (more than "
                          f"{MAX_MANIFEST_BYTES // 2**20} MB)")
        return json.loads(path.read_text(encoding="utf-8")), None
    except FileNotFoundError:
        return None, f"{MANIFEST} is missing from {folder}"
    except OSError as exc:
        return None, f"{path} cannot be read ({exc.strerror or exc})"
    except ValueError as exc:  # JSON syntax or text encoding
        return None, f"{path} is not valid JSON ({exc})"
    except RecursionError:  # ([[[[... nested deeper than the parser goes)
        return None, f"{path} is not a manifest (nested deeper than any manifest is)"


def manifest_shape_problem(doc: Any) -> str | None:
    """What about a parsed manifest is not the shape :func:`write_assets` writes (None: fine)."""
    if not isinstance(doc, dict):
        return f"a {type(doc).__name__}, not an object"
    meshes = doc.get("meshes", {})
    if not isinstance(meshes, dict):
        return f"'meshes' is a {type(meshes).__name__}, not an object of id -> entry"
    if not meshes:  # (the mesh file was then read unchecked: posing the leg failed later)
        return "'meshes' lists no mesh"
    bad = [mid for mid, entry in meshes.items() if not isinstance(entry, dict)]
    if bad:
        return f"the entry of mesh {bad[0]!r} is not an object"
    file = doc.get("file", GLB)
    if not isinstance(file, str) or not file or Path(file).name != file:
        return f"'file' must be a plain file name, not {file!r}"
    for key in ("generator", "inputs"):
        if not isinstance(doc.get(key, {}), dict):
            return f"{key!r} is not an object"
    return None


def stale_reasons(manifest: dict[str, Any] | None, inputs: dict[str, str]) -> list[str]:
    """Why committed assets do not match the current generator and inputs (empty when fresh)."""
    if manifest is None:
        return ["no manifest.json"]
    reasons = []
    if manifest.get("generator", {}).get("version") != GENERATOR_VERSION:
        reasons.append(
            f"generator version {manifest.get('generator', {}).get('version')} != "
            f"{GENERATOR_VERSION}"
        )
    old = manifest.get("inputs", {})
    for key in sorted(set(old) | set(inputs)):
        if old.get(key) != inputs.get(key):
            reasons.append(f"input changed: {key}")
    return reasons
