"""Where geometry gets the model from: bone meshes, body transforms and muscle paths.

Poses come from :mod:`calfexplorer.biomech` when it is installed in this tree; until then a small
MuJoCo reader stands in with the same shape of result (:class:`PoseLike`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
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
    """What geometry reads from a pose: rigid body transforms and muscle path points (world)."""

    body_transforms: dict[str, tuple[np.ndarray, np.ndarray]]  # body -> (R 3x3, p 3)
    muscle_paths: dict[str, np.ndarray]  # actuator -> (n, 3) path points incl. wrapping


@dataclass
class SimplePose:
    """A pose as geometry needs it (see :class:`PoseLike`)."""

    body_transforms: dict[str, tuple[np.ndarray, np.ndarray]]
    muscle_paths: dict[str, np.ndarray]


@dataclass(frozen=True)
class BoneSource:
    """A model bone mesh in its body's frame."""

    mesh: str
    body: str
    vertices: np.ndarray
    faces: np.ndarray


@lru_cache(maxsize=1)
def _mujoco() -> tuple[Any, Any]:
    import myo_sim

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model, data = myo_sim.load("myolegs")
    return model, data


def source_info() -> dict[str, str]:
    """Name and version of the package the model comes from."""
    from importlib.metadata import version

    return {"package": "myo-sim", "version": version("myo-sim"), "model": "myolegs"}


def bone_sources() -> list[BoneSource]:
    """The right leg's bone meshes, vertices in their body frames."""
    import mujoco

    m, _ = _mujoco()
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


def _mujoco_pose(qpos_by_joint: dict[str, float] | None = None) -> SimplePose:
    """Forward kinematics with MuJoCo; coupled knee joints follow their polynomial constraints."""
    import mujoco

    m, _ = _mujoco()
    d = mujoco.MjData(m)
    d.qpos[:] = m.qpos0
    for name, value in (qpos_by_joint or {}).items():
        d.qpos[m.jnt_qposadr[m.joint(name).id]] = value
    for e in range(m.neq):
        if m.eq_type[e] != mujoco.mjtEq.mjEQ_JOINT or m.eq_obj2id[e] < 0:
            continue
        j1, j2 = m.eq_obj1id[e], m.eq_obj2id[e]
        a1, a2 = m.jnt_qposadr[j1], m.jnt_qposadr[j2]
        x = d.qpos[a2] - m.qpos0[a2]
        c = m.eq_data[e][:5]
        d.qpos[a1] = m.qpos0[a1] + c[0] + c[1] * x + c[2] * x**2 + c[3] * x**3 + c[4] * x**4
    mujoco.mj_forward(m, d)
    bodies = {}
    for b in range(m.nbody):
        bodies[m.body(b).name] = (d.xmat[b].reshape(3, 3).copy(), d.xpos[b].copy())
    paths = {}
    for a in range(m.nu):
        t = m.actuator_trnid[a][0]
        wa, wn = d.ten_wrapadr[t], d.ten_wrapnum[t]
        pts = np.array(d.wrap_xpos.reshape(-1, 3)[wa : wa + wn])
        paths[m.actuator(a).name] = pts
    return SimplePose(bodies, paths)


def rest_pose() -> PoseLike:
    """The model in anatomical position."""
    return _mujoco_pose()


def pose_from_angles(angles: dict[str, float]) -> PoseLike:
    """A pose from model joint angles in radians (e.g. ``{"knee_angle_r": 1.2}``)."""
    return _mujoco_pose(angles)
