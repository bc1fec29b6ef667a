"""Where geometry gets the model from: bone meshes (MuJoCo model data) and poses (biomech).

Poses are :class:`calfexplorer.biomech.PoseState` objects: ``bodies[name]`` is a 4x4 world
transform and ``muscles[actuator].points`` the path points including wrapping.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

BODY_MESHES: dict[str, str] = {
    # model mesh name -> body it is attached to (right leg)
    "r_pelvis": "pelvis",
    "r_femur": "femur_r",
    "r_patella": "patella_r",
    "r_tibia": "tibia_r",
    "r_fibula": "tibia_r",
    "r_talus": "talus_r",
    "r_foot": "calcn_r",
    "r_bofoot": "toes_r",
}



class PoseLike(Protocol):
    """What geometry reads from a pose (a biomech ``PoseState`` satisfies it)."""

    @property
    def bodies(self) -> dict[str, np.ndarray]: ...  # body -> 4x4 world transform

    @property
    def muscles(self) -> dict[str, Any]: ...  # actuator -> object with ``points`` (n, 3)


@dataclass(frozen=True)
class BoneSource:
    """A model bone mesh in its body's frame."""

    mesh: str
    body: str
    vertices: np.ndarray
    faces: np.ndarray


def leg_model() -> Any:
    """The process-wide biomech model."""
    from calfexplorer.biomech import LegModel

    return LegModel.load()


def source_info() -> dict[str, str]:
    """Name and versions of the packages the model comes from."""
    from calfexplorer.biomech import LegModel

    versions = LegModel.versions()
    return {"package": "myo-sim", "version": versions.get("myo-sim", "?"), "model": "myolegs",
            "mujoco": versions.get("mujoco", "?")}


def bone_sources() -> list[BoneSource]:
    """The right leg's bone meshes, vertices in their body frames (from the model with its
    meshes: the posing one leaves them out)."""
    import mujoco

    from calfexplorer.biomech.loader import load_model

    m = load_model(visual=True)
    out = []
    for g in range(m.ngeom):
        if m.geom_type[g] != mujoco.mjtGeom.mjGEOM_MESH:
            continue
        mid = m.geom_dataid[g]
        name = m.mesh(mid).name
        if name not in BODY_MESHES:
            continue
        va, vn = m.mesh_vertadr[mid], m.mesh_vertnum[mid]
        fa, fn = m.mesh_faceadr[mid], m.mesh_facenum[mid]
        verts = np.array(m.mesh_vert[va : va + vn], dtype=np.float64)
        rot = np.zeros(9)
        mujoco.mju_quat2Mat(rot, m.geom_quat[g])
        verts = verts @ rot.reshape(3, 3).T + m.geom_pos[g]
        body = m.body(m.geom_bodyid[g]).name
        out.append(BoneSource(name, body, verts, np.array(m.mesh_face[fa : fa + fn])))
    return out


def pose_state(pose: Any = None) -> PoseLike:
    """The model in a pose (default: anatomical position), with smooth wrapped paths: the
    shared evaluation the motion lab's numbers read too (one MuJoCo pass per pose)."""
    from calfexplorer.biomech.posed import posed_leg

    return posed_leg().at(pose)


def rest_pose() -> PoseLike:
    """The model in anatomical position."""
    return pose_state(None)


def body_rt(pose: PoseLike, body: str) -> tuple[np.ndarray, np.ndarray]:
    """Rotation and translation of a body in a pose."""
    tf = np.asarray(pose.bodies[body])
    return tf[:3, :3], tf[:3, 3]
