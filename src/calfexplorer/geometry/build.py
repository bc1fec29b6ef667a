"""Build every mesh for the rest (anatomical) pose: bones, swept structures, attachment patches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from calfexplorer.geometry import sweep
from calfexplorer.geometry.bones import build_bone
from calfexplorer.geometry.collide import BoneField, push_out
from calfexplorer.geometry.mesh import Mesh, vertex_normals, volume
from calfexplorer.geometry.params import GeometryParams, SweepSpec, load_params
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


FALLBACK_UP = np.array([0.0, 0.0, 1.0])


def sweep_fallback(pose: PoseLike) -> np.ndarray:
    """Direction used where 'outwards from the leg axis' is undefined: the tibia's anterior."""
    rot, _ = pose.body_transforms["tibia_r"]
    return -np.asarray(rot)[:, 0]


def build_sweep(
    spec: SweepSpec, rest: PoseLike, params: GeometryParams, bones: BoneField | None
) -> Built:
    """A closed tube around the structure's path in the rest pose, kept out of bone."""
    axis = sweep.leg_axis(rest, params.axis_bodies)
    st = sweep.compute_stations(spec, rest, None, axis, sweep_fallback(rest))
    local = np.concatenate([sweep.ring_local(spec), np.zeros((2, 3))])
    sidx = sweep.station_of_vertex(spec.stations, spec.ring)
    verts = sweep.place(st, local, sidx)
    faces = sweep.tube_faces(spec.stations, spec.ring)
    if volume(verts, faces) < 0:
        faces = faces[:, ::-1].copy()
    if bones is not None and spec.push_out:
        verts = push_out(bones, verts)
    return Built(spec.id, spec.kind, spec.layer, Mesh(verts, faces, vertex_normals(verts, faces)))


def build_all(
    params: GeometryParams | None = None,
    rest: PoseLike | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Built]:
    """Build all structures in anatomical position (world frame of the model, metres)."""
    params = params or load_params()
    rest = rest or rest_pose()
    say = progress or (lambda _msg: None)
    sources = {b.mesh: b for b in bone_sources()}
    out: list[Built] = []
    for spec in params.bones:
        say(f"bone {spec.id}")
        b = build_bone(spec, sources[spec.mesh], rest)
        out.append(Built(spec.id, "bone", "bone", b.mesh, body=b.body))
    field_ = BoneField([b.mesh for b in out])
    for spec in params.sweeps:
        say(f"{spec.kind} {spec.id}")
        out.append(build_sweep(spec, rest, params, field_))
    return out
