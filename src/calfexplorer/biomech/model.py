"""MyoLeg posed by anatomical angles: body transforms, muscle paths, lengths and moment arms."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import mujoco
import numpy as np

from calfexplorer.biomech.loader import load_model, source_versions
from calfexplorer.biomech.pose import RANGES_DEG, Pose

#: Right-leg bodies whose transforms :meth:`LegModel.evaluate` reports.
BODIES: tuple[str, ...] = (
    "pelvis",
    "femur_r",
    "tibia_r",
    "patella_r",
    "talus_r",
    "calcn_r",
    "toes_r",
)

#: Moment-arm key -> (model joint, sign that turns the model coordinate into the anatomical
#: one). MyoLeg's mtp_angle_r is positive in toe flexion, so the sign for "mtp" is -1 (our
#: convention is toe extension positive, like :class:`Pose.toes`).
JOINT_KEYS: dict[str, tuple[str, float]] = {
    "hip": ("hip_flexion_r", 1.0),  # flexion +
    "hip_adduction": ("hip_adduction_r", 1.0),  # adduction +
    "hip_rotation": ("hip_rotation_r", 1.0),  # internal (medial) rotation +
    "knee": ("knee_angle_r", 1.0),  # flexion +
    "ankle": ("ankle_angle_r", 1.0),  # dorsiflexion +
    "subtalar": ("subtalar_angle_r", 1.0),  # inversion +
    "mtp": ("mtp_angle_r", -1.0),  # toe extension +
}

#: Pose field -> moment-arm key of the joint it drives.
POSE_JOINTS: dict[str, str] = {
    "knee": "knee",
    "ankle": "ankle",
    "subtalar": "subtalar",
    "toes": "mtp",
}


@dataclass(frozen=True)
class CoupledJoint:
    """A joint MuJoCo drives from the knee angle through a joint equality constraint.

    ``q_dep - q0_dep = c0 + c1*x + c2*x^2 + c3*x^3 + c4*x^4`` with ``x = q_knee - q0_knee``
    (MuJoCo's mjEQ_JOINT definition, relative to ``qpos0`` of both joints).
    """

    name: str
    qposadr: int
    dofadr: int
    qpos0: float
    coeffs: tuple[float, float, float, float, float]

    def value(self, x: float) -> float:
        c = self.coeffs
        return self.qpos0 + c[0] + x * (c[1] + x * (c[2] + x * (c[3] + x * c[4])))

    def slope(self, x: float) -> float:
        c = self.coeffs
        return c[1] + x * (2 * c[2] + x * (3 * c[3] + x * 4 * c[4]))


@dataclass(frozen=True)
class MuscleState:
    """One muscle-tendon actuator at a pose.

    ``moment_arms`` holds, for every joint the path crosses, ``-dL/dtheta`` in metres, where
    theta is the anatomical angle of :data:`JOINT_KEYS` (so a positive knee moment arm means
    the muscle flexes the knee, a negative ankle moment arm that it plantarflexes). The knee
    value is the total derivative including the coupled knee joints.

    ``points`` (n, 3) is the path in world coordinates, from origin to insertion, including
    the tangent points where the path wraps over a cylinder or sphere (``is_wrap`` True);
    ``point_bodies`` names each point's body and ``local_points`` gives it in that body's
    frame. Wrap points come and go with the pose, so ``n`` can change.
    """

    name: str
    length: float
    moment_arms: dict[str, float]
    points: np.ndarray
    point_bodies: tuple[str, ...]
    local_points: np.ndarray
    is_wrap: np.ndarray


@dataclass(frozen=True)
class PoseState:
    """Everything :meth:`LegModel.evaluate` computes for one pose (world frame: z up,
    -y anterior, -x lateral for the right leg; metres)."""

    pose: Pose
    bodies: dict[str, np.ndarray]
    muscles: dict[str, MuscleState]

    def length(self, muscle: str) -> float:
        """Muscle-tendon length in metres of a model muscle (e.g. ``soleus_r``)."""
        return self.muscles[muscle].length

    def moment_arm(self, muscle: str, joint: str) -> float:
        """Moment arm in metres (0.0 for a joint the muscle does not cross)."""
        return self.muscles[muscle].moment_arms.get(joint, 0.0)


@dataclass(frozen=True)
class _MuscleIndex:
    name: str
    tendon: int
    sites: tuple[int, ...]  # site ids in path order (each path's -1 wrap_obj entries)
    joints: tuple[str, ...]  # moment-arm keys of the joints it crosses


class LegModel:
    """The compiled MyoLeg model with a fast right-leg posing path.

    Use :meth:`load` for the process-wide instance. :meth:`evaluate` is thread-safe (one
    lock around the shared ``MjData``).
    """

    _instance: ClassVar[LegModel | None] = None
    _instance_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, model: mujoco.MjModel) -> None:
        self.model = model
        self.data = mujoco.MjData(model)
        self._lock = threading.Lock()
        m = model
        self._jid = {key: m.joint(name).id for key, (name, _) in JOINT_KEYS.items()}
        self._sign = {key: sign for key, (_, sign) in JOINT_KEYS.items()}
        self._qadr = {key: int(m.jnt_qposadr[j]) for key, j in self._jid.items()}
        self._dadr = {key: int(m.jnt_dofadr[j]) for key, j in self._jid.items()}
        self.coupled: tuple[CoupledJoint, ...] = self._find_coupled()
        self._body_ids = {name: m.body(name).id for name in BODIES}
        self._body_names = [m.body(i).name for i in range(m.nbody)]
        self._muscles = self._index_muscles()
        self._index_all_sites()
        self._build_jacobian_index()

    # ------------------------------------------------------------------ construction
    @classmethod
    def load(cls, cache_dir: Path | None = None) -> LegModel:
        """The process-wide model, loaded once (compiled model cached on disk)."""
        with cls._instance_lock:
            if cls._instance is None:
                cls._instance = cls(load_model(cache_dir))
            return cls._instance

    def _find_coupled(self) -> tuple[CoupledJoint, ...]:
        """Joint equalities driven by the right knee (kept in ``self.coupled``); the others
        (the left knee's) are kept in ``self._other_couplings`` with their driver's qposadr."""
        m = self.model
        knee = self._jid["knee"]
        out = []
        self._other_couplings: list[tuple[CoupledJoint, int]] = []
        for i in range(m.neq):
            if m.eq_type[i] != mujoco.mjtEq.mjEQ_JOINT or not m.eq_active0[i]:
                continue
            j, driver = int(m.eq_obj1id[i]), int(m.eq_obj2id[i])
            coupling = CoupledJoint(
                name=m.joint(j).name,
                qposadr=int(m.jnt_qposadr[j]),
                dofadr=int(m.jnt_dofadr[j]),
                qpos0=float(m.qpos0[m.jnt_qposadr[j]]),
                coeffs=tuple(float(c) for c in m.eq_data[i, :5]),  # type: ignore[arg-type]
            )
            if driver == knee:
                out.append(coupling)
            else:
                adr = int(m.jnt_qposadr[driver]) if driver >= 0 else -1
                self._other_couplings.append((coupling, adr))
        return tuple(out)

    def _ancestors(self, body: int) -> list[int]:
        chain = [body]
        while body != 0:
            body = int(self.model.body_parentid[body])
            chain.append(body)
        return chain

    def _crossed_keys(self, bodies: list[int]) -> tuple[str, ...]:
        """Moment-arm keys of the joints between consecutive bodies of a path."""
        m = self.model
        between: set[int] = set()
        for a, b in zip(bodies, bodies[1:], strict=False):
            up_a, up_b = self._ancestors(a), self._ancestors(b)
            common = set(up_a) & set(up_b)
            between.update(x for x in up_a + up_b if x not in common)
        joints = {j for j in range(m.njnt) if int(m.jnt_bodyid[j]) in between}
        coupled_ids = {m.joint(c.name).id for c in self.coupled}
        keys = []
        for key, jid in self._jid.items():
            if jid in joints or (key == "knee" and joints & coupled_ids):
                keys.append(key)
        return tuple(keys)

    def _index_muscles(self) -> dict[str, _MuscleIndex]:
        m = self.model
        out: dict[str, _MuscleIndex] = {}
        for a in range(m.nu):
            name = m.actuator(a).name
            if not name.endswith("_r") or m.actuator_trntype[a] != mujoco.mjtTrn.mjTRN_TENDON:
                continue
            t = int(m.actuator_trnid[a, 0])
            adr, num = int(m.tendon_adr[t]), int(m.tendon_num[t])
            sites = tuple(
                int(m.wrap_objid[k])
                for k in range(adr, adr + num)
                if m.wrap_type[k] == mujoco.mjtWrap.mjWRAP_SITE
            )
            bodies = [int(m.site_bodyid[s]) for s in sites]
            out[name] = _MuscleIndex(name, t, sites, self._crossed_keys(bodies))
        return out

    def _index_all_sites(self) -> None:
        """Bodies of every tendon's sites, concatenated, with each tendon's offset."""
        m = self.model
        bodies: list[int] = []
        offsets = np.zeros(m.ntendon, dtype=int)
        for t in range(m.ntendon):
            offsets[t] = len(bodies)
            adr, num = int(m.tendon_adr[t]), int(m.tendon_num[t])
            for k in range(adr, adr + num):
                if m.wrap_type[k] == mujoco.mjtWrap.mjWRAP_SITE:
                    bodies.append(int(m.site_bodyid[m.wrap_objid[k]]))
        self._all_site_bodies = np.array(bodies + [0], dtype=int)
        self._site_offset = offsets

    def _build_jacobian_index(self) -> None:
        """Positions in the sparse ``ten_J`` of the columns the moment arms need."""
        m = self.model
        self._tendons = np.array([mi.tendon for mi in self._muscles.values()], dtype=int)
        cols = [self._dadr[k] for k in JOINT_KEYS] + [c.dofadr for c in self.coupled]
        index = np.full((len(self._tendons), len(cols)), -1, dtype=int)
        for r, t in enumerate(self._tendons):
            adr, nnz = int(m.ten_J_rowadr[t]), int(m.ten_J_rownnz[t])
            where = {int(m.ten_J_colind[adr + k]): adr + k for k in range(nnz)}
            for c, dof in enumerate(cols):
                index[r, c] = where.get(dof, -1)
        self._jidx = index
        self._jmask = index >= 0
        self._jidx_safe = np.where(self._jmask, index, 0)

    # ------------------------------------------------------------------ static facts
    def muscle_names(self) -> list[str]:
        """Right-leg muscle actuators (tendon-driven), e.g. ``gasmed_r``, in model order."""
        return list(self._muscles)

    def crossed_joints(self, muscle: str) -> tuple[str, ...]:
        """Moment-arm keys of the joints a muscle's path crosses."""
        return self._muscles[muscle].joints

    def joint_ranges_deg(self) -> dict[str, tuple[float, float]]:
        """The model's range of each pose field in degrees, in the anatomical sign convention."""
        out = {}
        for field, key in POSE_JOINTS.items():
            lo, hi = (
                math.degrees(v) * self._sign[key] for v in self.model.jnt_range[self._jid[key]]
            )
            out[field] = (min(lo, hi), max(lo, hi))
        return out

    @staticmethod
    def ui_ranges_deg() -> dict[str, tuple[float, float]]:
        """Slider ranges in degrees (the knee's UI range is 0..120)."""
        return dict(RANGES_DEG)

    @staticmethod
    def versions() -> dict[str, str]:
        """Versions of myo-sim and mujoco the model comes from."""
        return source_versions()

    # ------------------------------------------------------------------ posing
    def qpos_for(self, pose: Pose) -> np.ndarray:
        """The full ``qpos`` for a pose: ``qpos0`` with the right leg set, hip at 0, and the
        coupled knee joints placed on their constraint polynomials."""
        q = self.model.qpos0.copy()
        self._write_qpos(q, pose)
        return q

    def _write_qpos(self, q: np.ndarray, pose: Pose) -> None:
        for key in ("hip", "hip_adduction", "hip_rotation"):
            q[self._qadr[key]] = 0.0
        for field, key in POSE_JOINTS.items():
            q[self._qadr[key]] = self._sign[key] * getattr(pose, field)
        qpos0 = self.model.qpos0
        x = q[self._qadr["knee"]] - qpos0[self._qadr["knee"]]
        for c in self.coupled:
            q[c.qposadr] = c.value(x)
        # Keep the rest of the model (the left leg at qpos0) consistent too.
        for c, adr in self._other_couplings:
            q[c.qposadr] = c.value(q[adr] - qpos0[adr] if adr >= 0 else 0.0)

    def _pose_data(self, pose: Pose) -> None:
        m, d = self.model, self.data
        d.qpos[:] = m.qpos0
        self._write_qpos(d.qpos, pose)
        mujoco.mj_kinematics(m, d)
        mujoco.mj_comPos(m, d)
        mujoco.mj_tendon(m, d)

    def _moment_arms(self, knee_x: float) -> np.ndarray:
        """(muscles, keys) array of -dL/dtheta for the posed data."""
        jac = np.where(self._jmask, self.data.ten_J[self._jidx_safe], 0.0)
        nkeys = len(JOINT_KEYS)
        dl = jac[:, :nkeys].copy()
        if self.coupled:
            slopes = np.array([c.slope(knee_x) for c in self.coupled])
            knee_col = list(JOINT_KEYS).index("knee")
            dl[:, knee_col] += jac[:, nkeys:] @ slopes
        signs = np.array([self._sign[k] for k in JOINT_KEYS])
        return -dl * signs

    def lengths(self, pose: Pose) -> dict[str, float]:
        """Fast path: muscle-tendon lengths (m) of the right-leg muscles only."""
        with self._lock:
            self._pose_data(pose)
            lengths = self.data.ten_length[self._tendons]
            return dict(zip(self._muscles, lengths.tolist(), strict=True))

    def evaluate(self, pose: Pose, *, paths: bool = True, arc_points: int = 0) -> PoseState:
        """Pose the right leg and return body transforms, paths, lengths and moment arms.

        ``paths=False`` skips the path points (empty arrays) for sweeps that need numbers only.
        ``arc_points=n`` adds ``n`` points along each wrapping surface between its two tangent
        points (flagged ``is_wrap``), so a polyline through the points follows the wrapped
        path instead of cutting through the wrap cylinder.
        """
        with self._lock:
            m, d = self.model, self.data
            self._pose_data(pose)
            knee_x = float(d.qpos[self._qadr["knee"]] - m.qpos0[self._qadr["knee"]])
            arms = self._moment_arms(knee_x)
            lengths = d.ten_length[self._tendons].tolist()
            bodies = {}
            for name, b in self._body_ids.items():
                tf = np.eye(4)
                tf[:3, :3] = d.xmat[b].reshape(3, 3)
                tf[:3, 3] = d.xpos[b]
                bodies[name] = tf
            col = {k: i for i, k in enumerate(JOINT_KEYS)}
            raw = self._paths() if paths else None
            names = self._body_names
            muscles = {}
            for r, (name, mi) in enumerate(self._muscles.items()):
                moment = {k: float(arms[r, col[k]]) for k in mi.joints}
                if raw is None:
                    path = (np.empty((0, 3)), (), np.empty((0, 3)), np.empty(0, dtype=bool))
                else:
                    xpos, body_ids, local, objs = raw[r]
                    if arc_points > 0 and (objs >= 0).any():
                        xpos, body_ids, local, objs = self._with_arcs(
                            xpos, body_ids, local, objs, arc_points
                        )
                    path = (xpos, tuple(names[i] for i in body_ids.tolist()), local, objs >= 0)
                muscles[name] = MuscleState(name, lengths[r], moment, *path)
            return PoseState(pose, bodies, muscles)

    def _paths(self) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        """Path points of every right-leg muscle, computed in one vectorised pass.

        MuJoCo fills ``wrap_obj``/``wrap_xpos`` tendon after tendon: -1 marks a site (the
        tendon's sites in order), -2 a pulley (a break between branches, not a point) and
        a geom id a tangent point on a wrapping cylinder or sphere.
        """
        m, d = self.model, self.data
        nums = d.ten_wrapnum
        total = int(d.ten_wrapadr[-1] + nums[-1])
        objs = d.wrap_obj.reshape(-1)[:total]
        xpos = d.wrap_xpos.reshape(-1, 3)[:total]
        tendon = np.repeat(np.arange(m.ntendon), nums)
        is_site = objs == -1
        site_count = np.cumsum(is_site)
        starts = d.ten_wrapadr
        before = np.where(starts > 0, site_count[np.maximum(starts - 1, 0)], 0)
        rank = site_count - 1 - before[tendon]
        site_body = self._all_site_bodies[np.where(is_site, self._site_offset[tendon] + rank, 0)]
        geom_body = m.geom_bodyid[np.where(objs >= 0, objs, 0)]
        body_ids = np.where(is_site, site_body, geom_body)
        rel = xpos - d.xpos[body_ids]
        local = np.einsum("nji,nj->ni", d.xmat[body_ids].reshape(-1, 3, 3), rel)
        out = []
        for t in self._tendons.tolist():
            a, b = int(starts[t]), int(starts[t] + nums[t])
            o = objs[a:b]
            keep = o != -2
            idx = np.arange(a, b)[keep] if not keep.all() else slice(a, b)
            out.append((xpos[idx].copy(), body_ids[idx], local[idx], o[keep]))
        return out

    def _with_arcs(
        self, xpos: np.ndarray, bodies: np.ndarray, local: np.ndarray, objs: np.ndarray, n: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Insert ``n`` points along the wrapping surface between each pair of tangent points
        (a helix on a cylinder, a great-circle arc on a sphere; the shorter way round)."""
        m, d = self.model, self.data
        pts, bods, locs, obs = [xpos[:1]], [bodies[:1]], [local[:1]], [objs[:1]]
        for i in range(1, len(objs)):
            g = int(objs[i])
            if g >= 0 and int(objs[i - 1]) == g:
                rot = d.geom_xmat[g].reshape(3, 3)
                p1 = rot.T @ (xpos[i - 1] - d.geom_xpos[g])
                p2 = rot.T @ (xpos[i] - d.geom_xpos[g])
                t = np.arange(1, n + 1) / (n + 1)
                if m.geom_type[g] == mujoco.mjtGeom.mjGEOM_CYLINDER:
                    r = float(m.geom_size[g, 0])
                    a1, a2 = math.atan2(p1[1], p1[0]), math.atan2(p2[1], p2[0])
                    da = (a2 - a1 + math.pi) % (2 * math.pi) - math.pi
                    ang = a1 + t * da
                    arc = np.stack(
                        [r * np.cos(ang), r * np.sin(ang), p1[2] + t * (p2[2] - p1[2])], axis=1
                    )
                else:  # sphere: slerp between the two tangent directions
                    r = float(m.geom_size[g, 0])
                    u1, u2 = p1 / np.linalg.norm(p1), p2 / np.linalg.norm(p2)
                    om = math.acos(max(-1.0, min(1.0, float(u1 @ u2))))
                    if om < 1e-9:
                        arc = np.outer(1 - t, p1) + np.outer(t, p2)
                    else:
                        w1 = np.sin((1 - t) * om) / math.sin(om)
                        w2 = np.sin(t * om) / math.sin(om)
                        arc = r * (np.outer(w1, u1) + np.outer(w2, u2))
                world = arc @ rot.T + d.geom_xpos[g]
                b = int(m.geom_bodyid[g])
                brot = d.xmat[b].reshape(3, 3)
                pts.append(world)
                bods.append(np.full(n, b))
                locs.append((world - d.xpos[b]) @ brot)
                obs.append(np.full(n, g))
            pts.append(xpos[i : i + 1])
            bods.append(bodies[i : i + 1])
            locs.append(local[i : i + 1])
            obs.append(objs[i : i + 1])
        return (
            np.concatenate(pts),
            np.concatenate(bods),
            np.concatenate(locs),
            np.concatenate(obs),
        )
