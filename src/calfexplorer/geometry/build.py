"""Build every mesh for the rest (anatomical) pose: bones, swept structures, attachment patches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from calfexplorer.geometry import slips, sweep
from calfexplorer.geometry.batch import StationBatch
from calfexplorer.geometry.bones import build_bone
from calfexplorer.geometry.collide import BoneField, push_out
from calfexplorer.geometry.deform import _fallback
from calfexplorer.geometry.hug import hug_shift
from calfexplorer.geometry.mesh import Mesh, vertex_normals, volume
from calfexplorer.geometry.params import GeometryParams, SweepSpec, load_params
from calfexplorer.geometry.patches import build_patch
from calfexplorer.geometry.sites import atlas_sites, model_mapping, place_site
from calfexplorer.geometry.source import PoseLike, bone_sources, rest_pose


@dataclass
class Built:
    """One built structure: its mesh (rest pose, world frame) and how it moves."""

    id: str
    kind: str  # bone, muscle, tendon, nerve, artery, vein, site
    layer: str
    mesh: Mesh
    body: str | None = None  # rigid structures: the model body they move with
    meta: dict = field(default_factory=dict)




def build_sweep(
    spec: SweepSpec, rest: PoseLike, params: GeometryParams, bones: BoneField | None,
    tissue: BoneField | None = None,
) -> Built:
    """A closed tube around the structure's path in the rest pose, kept out of bone and, with
    ``spec.hug``, laid on ``tissue`` (bones, muscles, tendons) where the path runs in the air."""
    centres, frames, _ = StationBatch([spec], rest, params.axis_bodies).compute(
        rest, _fallback(rest)
    )
    ring = sweep.ring_local(spec)
    local = np.concatenate([ring, np.zeros((2, 3))])
    sidx = sweep.station_of_vertex(spec.stations, spec.ring)
    verts = sweep.place(centres, frames, local, sidx)
    if spec.hug is not None and tissue is not None:
        radius = np.linalg.norm(ring.reshape(spec.stations, spec.ring, 3), axis=2).max(axis=1)
        shift = hug_shift(tissue, centres, radius, spec.hug, spec.subcutaneous)
        verts = verts + shift[sidx]
    faces = sweep.tube_faces(spec.stations, spec.ring)
    if spec.slips:
        first_cap = faces[2 * spec.ring * (spec.stations - 1):][: spec.ring]
        faces = slips.slip_faces(spec, spec.stations, spec.ring, first_cap)
    if volume(verts, faces) < 0:
        faces = faces[:, ::-1].copy()
    if bones is not None and spec.push_out:
        verts = push_out(bones, verts, faces)
    belly = None
    if spec.kind == "muscle":
        belly = np.clip(3.0 * sweep.profile(spec)[2], 0.0, 1.0)[sidx]
    mesh = Mesh(verts, faces, vertex_normals(verts, faces), belly)
    return Built(spec.id, spec.kind, spec.layer, mesh)


def build_sweeps(
    params: GeometryParams, rest: PoseLike, bones: list[Built],
    say: Callable[[str], None] | None = None,
) -> list[Built]:
    """Every swept structure, in the order of ``params``: those that hug the tissue are built
    last, against the bones, muscles and tendons built before them."""
    say = say or (lambda _msg: None)
    field_ = BoneField({b.id: b.mesh for b in bones})
    done: dict[str, Built] = {}
    for spec in params.sweeps:
        if spec.hug is None:
            say(f"{spec.kind} {spec.id}")
            done[spec.id] = build_sweep(spec, rest, params, field_)
    tissue_meshes = {b.id: b.mesh for b in bones}
    tissue_meshes.update(
        {i: b.mesh for i, b in done.items() if b.kind in ("muscle", "tendon")}
    )
    tissue = BoneField(tissue_meshes)
    for spec in params.sweeps:
        if spec.hug is not None:
            say(f"{spec.kind} {spec.id}")
            done[spec.id] = build_sweep(spec, rest, params, field_, tissue)
    return [done[s.id] for s in params.sweeps]


def build_patches(
    atlas: Any, params: GeometryParams, rest: PoseLike, bones: list[Built],
    problems: dict[str, str] | None = None,
) -> list[Built]:
    """One patch per atlas attachment site, on the bone the atlas names."""
    by_id = {b.id: b for b in bones if b.kind == "bone"}
    overrides = {s.id: s for s in params.sites}
    mapping = model_mapping(atlas)
    out = []
    for req in atlas_sites(atlas):
        bone = by_id.get(req.bone)
        if bone is None:
            if problems is not None:
                problems[req.id] = f"bone {req.bone!r} has no mesh"
            continue
        assert bone.body is not None
        place = place_site(req, overrides.get(req.id), bone.mesh, bone.body, params, rest, mapping)
        if isinstance(place, str):
            if problems is not None:
                problems[req.id] = place
            continue
        mesh = build_patch(bone.mesh, place)
        if mesh is None:
            if problems is not None:
                problems[req.id] = "empty patch region"
            continue
        meta = {"bone": req.bone, "shape": req.shape, "role": req.role,
                "structure": req.structure}
        out.append(Built(req.id, "site", "attachments", mesh, body=bone.body, meta=meta))
    return out


def build_all(
    params: GeometryParams | None = None,
    rest: PoseLike | None = None,
    progress: Callable[[str], None] | None = None,
    atlas: Any = None,
) -> list[Built]:
    """Build all structures in anatomical position (world frame of the model, metres)."""
    params = params or load_params()
    rest = rest or rest_pose()
    say = progress or (lambda _msg: None)
    if atlas is None:
        from calfexplorer.atlas import load_atlas

        atlas, _ = load_atlas()
    sources = {b.mesh: b for b in bone_sources()}
    out: list[Built] = []
    for spec in params.bones:
        say(f"bone {spec.id}")
        b = build_bone(spec, sources[spec.mesh], rest)
        out.append(Built(spec.id, "bone", "bones", b.mesh, body=b.body))
    out.extend(build_sweeps(params, rest, out, say))
    say("attachment patches")
    out.extend(build_patches(atlas, params, rest, out))
    return out
