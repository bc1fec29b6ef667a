"""A pack's stored routes applied to the built-in tubes it keeps, as the window's start needs them.

The pack build routes each kept built-in tube beside the pack's muscles (:mod:`.routing`) and
stores one offset per station in its manifest under ``routes``, with the tube's easing as drawn
at rest (:func:`.routing.ease`); here they are read back and applied to the built-in meshes.
Apart from :mod:`.routing` so that drawing the pack leg does not import the build's routing
and its inside tests (:mod:`.envelope`, :mod:`.fan_winding`, :mod:`calfexplorer.geometry.implicit`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from calfexplorer.geometry import sweep
from calfexplorer.geometry.mesh import Mesh, vertex_normals


def routed_mesh(mesh: Mesh, route_doc: dict[str, Any]) -> Mesh | None:
    """The built-in mesh moved by a stored route and eased as drawn at rest (None when the
    route does not fit the mesh, built-in meshes rebuilt since the pack was, or cannot be
    read: a manifest edited by hand)."""
    layout, offsets = route_layout(route_doc), _rows(route_doc, "offsets_m")
    if layout is None or offsets is None or len(mesh.vertices) != layout[0] * layout[1] + 2:
        return None
    eased = _rows(route_doc, "eased_m") if "eased_m" in route_doc else None
    if eased is not None:
        offsets = offsets + eased
    verts = mesh.vertices.astype(np.float64) + offsets[sweep.station_of_vertex(*layout)]
    return Mesh(verts, mesh.faces, vertex_normals(verts, mesh.faces))


def eased_offsets(route_doc: dict[str, Any]) -> np.ndarray:
    """A stored route's easing at rest (:func:`ease`), per station; zeros where it has none,
    or it or the route's offsets cannot be read (the route is then not drawn eased)."""
    layout = route_layout(route_doc)
    eased = _rows(route_doc, "eased_m") if _rows(route_doc, "offsets_m") is not None else None
    return eased if eased is not None else np.zeros((layout[0] if layout else 0, 3))


def drawn_routes(routes: Any, routed: Any) -> dict[str, dict[str, Any]]:
    """Of a pack manifest's ``routes``, what posing the leg reads later (per route that can be
    read: its ``stations`` and ``ring``, and ``eased_m``, its easing at rest as drawn, an
    array; zeros where the tube is drawn as built in, not in ``routed``): ~0.2 MiB of parsed
    JSON less for the window to hold."""
    out: dict[str, dict[str, Any]] = {}
    for sid, doc in (routes.items() if isinstance(routes, dict) else ()):
        layout = route_layout(doc)
        if layout is not None:
            eased = eased_offsets(doc) if sid in routed else np.zeros((layout[0], 3))
            out[sid] = {"stations": layout[0], "ring": layout[1], "eased_m": eased}
    return out


def route_layout(route_doc: Any) -> tuple[int, int] | None:
    """A stored route's stations and ring size (None where they are not whole numbers over
    zero, or missing)."""
    try:
        layout = route_doc["stations"], route_doc["ring"]
    except (KeyError, TypeError, IndexError):
        return None
    if not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in layout):
        return None
    return layout


#: A stored route moving a station further than this (metres) was not made by the build (its
#: moves stay within a few centimetres): a hand-edited manifest, not drawn.
MAX_STORED_SHIFT_M = 0.25


def _rows(route_doc: dict[str, Any], key: str) -> np.ndarray | None:
    """A stored route's per-station rows under ``key`` (stations x 3, finite, each within
    :data:`MAX_STORED_SHIFT_M`), else None."""
    layout = route_layout(route_doc)
    try:
        rows = np.asarray(route_doc[key], dtype=np.float64)
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
    if (layout is None or rows.shape != (layout[0], 3) or not np.isfinite(rows).all()
            or np.abs(rows).max(initial=0.0) > MAX_STORED_SHIFT_M):
        return None
    return rows


def apply_routes(builtin: Any, pack_manifest: dict[str, Any]) -> dict[str, Mesh]:
    """Routed meshes of the kept built-in structures a pack routes (id -> mesh); a route
    that no longer fits its built-in mesh (or whose mesh changed) is left out."""
    out: dict[str, Mesh] = {}
    routes = pack_manifest.get("routes")
    for sid, doc in (routes.items() if isinstance(routes, dict) else ()):
        mesh = builtin.meshes.get(sid)
        if mesh is None or not _made_for(mesh, doc):
            continue
        moved = routed_mesh(mesh, doc)
        if moved is not None:
            out[sid] = moved
    return out


def route_problem(mesh: Mesh, route_doc: Any) -> str | None:
    """Why a stored route is not drawn on the built-in ``mesh`` (None: it is)."""
    if not _made_for(mesh, route_doc):
        return "its route was made for another built-in mesh"
    return None if routed_mesh(mesh, route_doc) is not None else "its route cannot be read"


def _made_for(mesh: Mesh, route_doc: Any) -> bool:
    """Whether a stored route was made for this very built-in mesh."""
    from calfexplorer.assets.manifest import mesh_checksum

    return isinstance(route_doc, dict) and route_doc.get("builtin_sha256") == mesh_checksum(
        mesh.vertices, mesh.faces, mesh.normals, mesh.belly)
