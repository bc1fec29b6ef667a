"""The pack folder's file of the built-in foot muscles carried onto its foot (:mod:`.foot_carry`).

Apart from the carrying itself so that the window loads them without the build's imports
(scipy's optimize, spatial and ndimage: ~0.4 s of CPU at every start with the pack).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from calfexplorer.geometry.mesh import Mesh
from calfexplorer.npz_cache import DAMAGED, write_npz

#: The pack folder's file of carried vertices (atlas id -> float32 (n, 3), rest pose, metres).
CARRIED_NAME = "carried_muscles.npz"
_SHA = "sha256:"


def save_carried(folder: Path, carried: dict[str, np.ndarray], builtin: Any) -> None:
    """Keep the carried vertices in the pack folder, each with its built-in mesh's checksum."""
    from calfexplorer.assets.manifest import mesh_checksum

    arrays: dict[str, Any] = {}
    for sid, verts in carried.items():
        m = builtin.meshes[sid]
        arrays[sid] = verts
        arrays[_SHA + sid] = np.array(mesh_checksum(m.vertices, m.faces, m.normals, m.belly))
    write_npz(folder / CARRIED_NAME, **arrays)


def apply_carried(builtin: Any, pack: Path | None) -> dict[str, Mesh]:
    """The kept built-in muscles as the pack folder carries them (id -> mesh; same faces and
    belly); one made for another built-in mesh, one with numbers no build makes (not finite,
    or carried further than :data:`.route_apply.MAX_STORED_SHIFT_M`: a hand-edited file, drawn
    as NaN or metres away), or an unreadable file, leaves it as built in."""
    from calfexplorer.anatomy.route_apply import MAX_STORED_SHIFT_M
    from calfexplorer.assets.manifest import mesh_checksum

    path = Path(pack) / CARRIED_NAME if pack is not None else None
    if path is None or not path.is_file():
        return {}
    out: dict[str, Mesh] = {}
    try:
        with np.load(path, allow_pickle=False) as data:
            for sid in data.files:
                mesh = builtin.meshes.get(sid)
                if sid.startswith(_SHA) or mesh is None or _SHA + sid not in data.files:
                    continue
                verts = data[sid]
                if verts.shape != mesh.vertices.shape or str(data[_SHA + sid]) != mesh_checksum(
                        mesh.vertices, mesh.faces, mesh.normals, mesh.belly):
                    continue
                with np.errstate(invalid="ignore", over="ignore"):
                    shift = np.abs(verts - mesh.vertices)
                if not (np.isfinite(shift).all() and shift.max(initial=0.0) <= MAX_STORED_SHIFT_M):
                    continue
                out[sid] = Mesh(verts.astype(np.float32), mesh.faces, belly=mesh.belly)
    except DAMAGED:
        return {}
    return out
