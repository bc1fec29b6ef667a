"""Quality measures of the built meshes: closed and oriented, muscle-in-bone share, patches on
their bones, and coverage of the atlas (every structure that should have geometry has one mesh)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from calfexplorer.geometry.collide import BoneField
from calfexplorer.geometry.mesh import Mesh, edge_report, face_normals

MAX_INSIDE_BONE = 0.02  # share of a muscle's surface allowed inside bone
PATCH_TOLERANCE = 0.002  # m: a patch vertex must be this close to its bone's surface


@dataclass
class StructureReport:
    """Measures of one mesh; ``problems`` is empty when it passes."""

    id: str
    kind: str
    triangles: int
    open_edges: int = 0
    misoriented_edges: int = 0
    inside_bone: float | None = None  # share of surface area (muscles and tendons)
    on_bone: str | None = None  # patches: the bone they lie on
    problems: list[str] = field(default_factory=list)


@dataclass
class GeometryReport:
    """Per-structure reports plus atlas coverage problems."""

    structures: list[StructureReport]
    coverage: list[str]

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.coverage and not any(s.problems for s in self.structures)


def inside_bone_share(mesh: Mesh, bones: BoneField) -> float:
    """Share of the mesh's surface area whose face centres lie inside a bone."""
    tri = mesh.vertices.astype(np.float64)[mesh.faces]
    centres = tri.mean(axis=1)
    areas = np.linalg.norm(face_normals(mesh.vertices, mesh.faces, unit=False), axis=1)
    inside = bones.inside(centres)
    return float(areas[inside].sum() / max(areas.sum(), 1e-20))


def expected_ids(atlas: Any, no_geometry: dict[str, str]) -> dict[str, str]:
    """Atlas structures and attachment sites that should have exactly one mesh -> kind."""
    out: dict[str, str] = {}
    for sid, s in atlas.structures.items():
        if sid in no_geometry or atlas.children(sid):
            continue  # not rendered, or a whole shown through its parts (gastrocnemius heads)
        out[sid] = s.kind
    for site in atlas.attachments():
        if site.attachment.bone not in no_geometry and site.muscle not in no_geometry:
            out[site.id] = "site"  # a muscle not drawn has no patches either
    return out


def check_assets(assets: Any, atlas: Any, no_geometry: dict[str, str]) -> GeometryReport:
    """Measure every loaded mesh and compare the set of meshes with the atlas."""
    bones = BoneField({i: m for i, m in assets.meshes.items() if assets.kinds.get(i) == "bone"})
    reports = []
    for sid, mesh in assets.meshes.items():
        kind = assets.kinds.get(sid, "?")
        rep = StructureReport(sid, kind, mesh.n_triangles)
        rep.open_edges, rep.misoriented_edges = edge_report(mesh.faces)
        if rep.open_edges or rep.misoriented_edges:
            rep.problems.append(
                f"surface not closed/oriented ({rep.open_edges} open, "
                f"{rep.misoriented_edges} misoriented edges)"
            )
        if kind in ("muscle", "tendon"):
            rep.inside_bone = inside_bone_share(mesh, bones)
            if rep.inside_bone > MAX_INSIDE_BONE:
                rep.problems.append(f"{rep.inside_bone:.1%} of the surface lies inside bone")
        if kind == "site":
            want = assets.extras.get(sid, {}).get("bone") or sid
            if atlas is not None and ":" in sid and atlas.attachment(sid) is not None:
                want = atlas.attachment(sid).attachment.bone
            dist, idx = bones.tree.query(mesh.vertices.astype(np.float64))
            near = bones.ids[int(np.bincount(bones.owner[idx]).argmax())]
            rep.on_bone = near
            if near != want:
                rep.problems.append(f"lies on {near}, atlas says {want}")
            elif np.quantile(dist, 0.95) > PATCH_TOLERANCE:
                rep.problems.append(f"floats {np.quantile(dist, 0.95) * 1000:.1f} mm off the bone")
        reports.append(rep)
    coverage: list[str] = []
    if atlas is not None:
        want = expected_ids(atlas, no_geometry)
        for sid in sorted(want):
            if sid in assets.unavailable:
                coverage.append(f"{sid}: mesh unavailable ({assets.unavailable[sid]})")
            elif sid not in assets.meshes:
                coverage.append(f"{sid}: no mesh")
        for sid in sorted(assets.meshes):
            if sid not in want:
                coverage.append(f"{sid}: mesh for no atlas structure or site")
    return GeometryReport(reports, coverage)
