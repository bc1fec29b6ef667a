"""Checks of the BodyParts3D leg for ``calfexplorer check-geometry``.

The pack's meshes load; each muscle's and tendon's share of vertices inside bone at rest, beside
the same share as BodyParts3D itself has it (every bone placed with the muscle's own transform,
from the registration matrices in the manifest), so what the registration added shows; every
attachment patch lies on its bone and every site the built-in model draws has one; and the
built-in nerves and vessels the pack keeps run beside the pack's muscles, not through them (the
share of each one's length inside pack muscles, tendons and bones other than those it runs in on
purpose, as drawn: routed when the pack routes it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from calfexplorer.anatomy.overlap import inside_bone
from calfexplorer.anatomy.route_apply import apply_routes, route_problem
from calfexplorer.anatomy.route_solids import inside_share, solids
from calfexplorer.anatomy.route_tubes import kept_tubes
from calfexplorer.anatomy.simplify import MAX_TOLERANCE_MM, P99_TOLERANCE_MM, VESSEL_KINDS
from calfexplorer.geometry.collide import BoneField
from calfexplorer.geometry.implicit import surface_samples
from calfexplorer.geometry.mesh import Mesh, edge_report

#: A patch vertex farther than this from its bone's surface fails (m).
PATCH_TOLERANCE = 0.002
#: A kept structure with more of its length than this inside pack tissue it should not enter fails.
MAX_KEPT_INSIDE = 0.02
#: Noted (not failing): the registration puts this much more of a muscle inside bone than
#: BodyParts3D has (the posed-leg checks measure change from the rest pose).
NOTE_ADDED_INSIDE = 0.05


@dataclass
class PackItem:
    """One checked structure of the BodyParts3D leg: a measure in words and what fails."""

    id: str
    kind: str
    triangles: int
    measure: str
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: a built-in nerve or vessel the pack keeps (not one of the pack's own meshes)
    kept: bool = False


@dataclass
class PackReport:
    """The pack's checks; ``coverage`` lists built-in sites without a pack patch."""

    items: list[PackItem]
    coverage: list[str]

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.coverage and not any(i.problems for i in self.items)


def _bone_source_fields(pack: Any) -> dict[str, BoneField]:
    """Per registration group, the pack's bones as BodyParts3D places them relative to soft
    tissue of that group (each bone through its own fit back to millimetres, then the group's)."""
    reg = pack.manifest["registration"]
    mats = {g: np.asarray(r["matrix_mm_to_m"], dtype=np.float64) for g, r in reg.items()}
    bones = {sid: e["placement"]["group"] for sid, e in pack.manifest["meshes"].items()
             if e["kind"] == "bone" and sid in pack.meshes}
    out = {}
    for g, m in mats.items():
        placed = {}
        for sid, gb in bones.items():
            t = m @ np.linalg.inv(mats[gb])
            v = pack.meshes[sid].vertices.astype(np.float64) @ t[:3, :3].T + t[:3, 3]
            placed[sid] = Mesh(v, pack.meshes[sid].faces)
        out[g] = BoneField(placed)
    return out


def _tissue_items(pack: Any) -> list[PackItem]:
    bones = BoneField({i: m for i, m in pack.meshes.items() if pack.kinds.get(i) == "bone"})
    source = _bone_source_fields(pack)
    out = []
    for sid, entry in pack.manifest["meshes"].items():
        if entry["kind"] not in ("muscle", "tendon") or sid not in pack.meshes:
            continue
        mesh = pack.meshes[sid]
        now = inside_bone(mesh.vertices, bones)
        was = inside_bone(mesh.vertices, source[entry["placement"]["group"]])
        item = PackItem(sid, entry["kind"], mesh.n_triangles,
                        f"{now:.1%} inside bone (BodyParts3D {was:.1%})",
                        {"inside_bone": now, "inside_bone_source": was})
        if now - was > NOTE_ADDED_INSIDE:
            item.notes.append(f"the registration adds {now - was:.1%} inside bone")
        out.append(item)
    return out


def _vessel_items(pack: Any) -> list[PackItem]:
    """The pack's own arteries and veins: closed, and how far the lighter ones lie from their
    source (:mod:`.simplify`, as the build measured it)."""
    out = []
    for sid, entry in pack.manifest["meshes"].items():
        if entry["kind"] not in VESSEL_KINDS or sid not in pack.meshes:
            continue
        mesh = pack.meshes[sid]
        done = entry.get("simplified")
        item = PackItem(sid, entry["kind"], mesh.n_triangles, "as BodyParts3D draws it")
        if done:
            item.values = dict(done)
            item.measure = (f"{done['source_triangles']} triangles in BodyParts3D; 99% of its "
                            f"points within {done['p99_mm']:.2f} mm, all within "
                            f"{done['max_mm']:.2f} mm")
            if done["p99_mm"] > P99_TOLERANCE_MM or done["max_mm"] > MAX_TOLERANCE_MM:
                item.problems.append("lies farther from BodyParts3D's surface than allowed")
        if any(edge_report(mesh.faces)):
            item.problems.append("surface not closed/oriented")
        out.append(item)
    return out


def _site_items(pack: Any) -> list[PackItem]:
    trees = {i: cKDTree(surface_samples(m.vertices.astype(np.float64), m.faces, 0.001))
             for i, m in pack.meshes.items() if pack.kinds.get(i) == "bone"}
    out = []
    for sid in pack.ids("site"):
        mesh = pack.meshes[sid]
        bone = pack.extras.get(sid, {}).get("bone")
        method = pack.manifest["meshes"].get(sid, {}).get("placement", {}).get("method", "?")
        item = PackItem(sid, "site", mesh.n_triangles, f"on {bone} ({method})")
        if bone not in trees:
            item.problems.append(f"its bone {bone!r} is not in the pack" if bone is not None
                                 else "the mesh file gives it no bone (its 'extras.bone')")
            out.append(item)
            continue
        v = mesh.vertices.astype(np.float64)
        # sampled at 1 mm: the distance is over-estimated by at most about 0.6 mm
        off = float(trees[bone].query(v)[0].max())
        item.values = {"bone": bone, "max_off_bone_mm": round(off * 1000, 2), "method": method}
        item.measure += f", {off * 1000:.1f} mm off it at most"
        if off > PATCH_TOLERANCE + 0.0006:
            item.problems.append(f"floats {off * 1000:.1f} mm off {bone}")
        if any(edge_report(mesh.faces)):
            item.problems.append("surface not closed/oriented")
        out.append(item)
    return out


def _kept_items(pack: Any, builtin: Any, mapping: Any, params: Any) -> list[PackItem]:
    kept = [sid for sid in builtin.meshes if sid not in pack.meshes]
    tubes = kept_tubes(builtin, kept, params)
    routed = apply_routes(builtin, pack.manifest)
    routed_tubes = kept_tubes(_With(builtin, routed), list(routed), params)
    others = solids({i: m for i, m in pack.meshes.items()
                     if pack.kinds.get(i) in ("muscle", "tendon", "bone")})
    vessels = {i: m for i, m in pack.meshes.items() if pack.kinds.get(i) in VESSEL_KINDS}
    out = []
    for sid, tube in tubes.items():
        s = mapping.structures.get(sid)
        within = set(s.within) if s else set()
        obstacles = {i: o for i, o in others.items() if i not in within}
        drawn = routed_tubes.get(sid, tube)
        before = inside_share(tube.centres, obstacles)
        after = inside_share(drawn.centres, obstacles)
        total = sum(after.values())
        how = "routed" if sid in routed_tubes else "not routed"
        routes = pack.manifest.get("routes")
        doc = routes.get(sid) if isinstance(routes, dict) else None
        why = route_problem(builtin.meshes[sid], doc) if doc is not None else None
        if why is not None:
            how = f"{why}: run 'calfexplorer get-anatomy'"
        item = PackItem(sid, builtin.kinds.get(sid, "?"), builtin.meshes[sid].n_triangles,
                        f"{total:.1%} of its length inside pack tissue ({how}; built-in path "
                        f"{sum(before.values()):.1%})",
                        {"inside": after, "inside_built_in_path": before, "routed": how},
                        kept=True)
        for comp in (s.beside if s else ()):
            if comp in vessels:
                d = cKDTree(vessels[comp].vertices).query(drawn.centres)[0]
                item.values.setdefault("beside_mm", {})[comp] = round(float(np.median(d)) * 1000,
                                                                      1)
        if total > MAX_KEPT_INSIDE:
            worst = sorted(after.items(), key=lambda kv: -kv[1])[:3]
            item.problems.append("runs through " + ", ".join(f"{k} ({v:.0%})" for k, v in worst))
        out.append(item)
    return out


class _With:
    """An asset set with some meshes replaced (what the BodyParts3D leg draws)."""

    def __init__(self, base: Any, meshes: dict[str, Mesh]) -> None:
        self.meshes = {**base.meshes, **meshes}
        self.kinds = base.kinds


def _coverage(pack: Any, atlas: Any, params: Any) -> list[str]:
    from calfexplorer.geometry.quality import expected_ids

    without = pack.manifest.get("attachment_sites", {}).get("without_patch", {})
    return [f"{sid}: no patch on the pack's bones" for sid, kind in
            sorted(expected_ids(atlas, params.no_geometry).items())
            if kind == "site" and sid not in pack.meshes and sid not in without]


def check_pack(pack: Any, builtin: Any, atlas: Any, mapping: Any = None,
               params: Any = None) -> PackReport:
    """Check a loaded pack (``load_assets(pack_dir)``) against the built-in meshes."""
    from calfexplorer.anatomy.mapping import load_mapping
    from calfexplorer.geometry.params import load_params

    mapping = mapping or load_mapping()
    params = params or load_params()
    items = (_tissue_items(pack) + _vessel_items(pack) + _site_items(pack)
             + _kept_items(pack, builtin, mapping, params))
    return PackReport(items, _coverage(pack, atlas, params))
