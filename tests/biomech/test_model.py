import math

import mujoco
import numpy as np
import pytest
from biomech_reference import knee_dependents, reference_forward

from calfexplorer.biomech import BODIES, RANGES_DEG, Pose

POSES = [
    Pose(),
    Pose.from_degrees(knee=90, ankle=-10),
    Pose.from_degrees(knee=120, ankle=30, subtalar=-20, toes=30),
    Pose.from_degrees(knee=35, ankle=-40, subtalar=20, toes=-30),
    Pose.from_degrees(knee=60, ankle=12, subtalar=5, toes=10),
]


@pytest.mark.parametrize("pose", POSES, ids=lambda p: str(p.degrees()))
def test_lengths_equal_mujoco_own_lengths(leg, reference, pose):
    model, data = reference
    reference_forward(model, data, pose.knee, pose.ankle, pose.subtalar, -pose.toes)
    state = leg.evaluate(pose)
    assert len(state.muscles) == 40
    for name, muscle in state.muscles.items():
        actuator = model.actuator(name).id
        tendon = model.actuator_trnid[actuator, 0]
        assert abs(muscle.length - data.ten_length[tendon]) < 1e-6, name
        assert abs(muscle.length - data.actuator_length[actuator]) < 1e-6, name


def test_constraints_are_satisfied_at_posed_qpos(leg, reference):
    model, data = reference
    for deg in (0, 45, 90, 120):
        data.qpos[:] = leg.qpos_for(Pose.from_degrees(knee=deg))
        mujoco.mj_forward(model, data)
        joint_rows = data.efc_type == mujoco.mjtConstraint.mjCNSTR_EQUALITY
        assert np.abs(data.efc_pos[joint_rows]).max() < 1e-12


def _fd_length(leg, pose: Pose, field: str, h: float = 1e-5) -> dict[str, float]:
    lo = leg.lengths(pose.replace(**{field: getattr(pose, field) - h}))
    hi = leg.lengths(pose.replace(**{field: getattr(pose, field) + h}))
    return {n: (hi[n] - lo[n]) / (2 * h) for n in lo}


@pytest.mark.parametrize(
    ("field", "key"),
    [("knee", "knee"), ("ankle", "ankle"), ("subtalar", "subtalar"), ("toes", "mtp")],
)
@pytest.mark.parametrize("pose", POSES[1:2] + POSES[4:], ids=lambda p: str(p.degrees()))
def test_moment_arms_match_finite_differences(leg, pose, field, key):
    state = leg.evaluate(pose)
    dl = _fd_length(leg, pose, field)
    for name, muscle in state.muscles.items():
        expected = -dl[name]
        assert muscle.moment_arms.get(key, 0.0) == pytest.approx(expected, abs=2e-6), name
        if abs(expected) > 1e-6:
            assert key in leg.crossed_joints(name), name


def test_knee_moment_arm_includes_coupled_joints(leg):
    """Dropping the coupled joints' part would be off by millimetres for the quadriceps."""
    pose = Pose.from_degrees(knee=60)
    state = leg.evaluate(pose)
    fd = -_fd_length(leg, pose, "knee")["vaslat_r"]
    assert state.moment_arm("vaslat_r", "knee") == pytest.approx(fd, abs=2e-6)
    assert state.moment_arm("vaslat_r", "knee") < -0.02  # knee extensor, ~4 cm


def test_coupled_knee_joints_move_the_tibia(leg, reference):
    model, data = reference
    pose = Pose.from_degrees(knee=90)
    coupled = leg.evaluate(pose).bodies["tibia_r"]
    reference_forward(model, data, pose.knee)
    assert np.allclose(coupled[:3, 3], data.xpos[model.body("tibia_r").id], atol=1e-12)
    # The dependent joints sit on their polynomials ...
    for dep, knee, c in knee_dependents(model):
        x = pose.knee - model.qpos0[knee]
        want = model.qpos0[dep] + sum(c[i] * x**i for i in range(5))
        assert data.qpos[dep] == pytest.approx(want, abs=1e-12)
    # ... and ignoring them would put the tibia elsewhere.
    data.qpos[:] = model.qpos0
    data.qpos[model.jnt_qposadr[model.joint("knee_angle_r").id]] = pose.knee
    mujoco.mj_kinematics(model, data)
    uncoupled = data.xpos[model.body("tibia_r").id]
    assert np.linalg.norm(coupled[:3, 3] - uncoupled) > 2e-3


def test_soleus_ignores_the_knee_and_gastrocnemius_does_not(leg):
    knees = np.linspace(0, 120, 13)
    soleus = [leg.lengths(Pose.from_degrees(knee=k))["soleus_r"] for k in knees]
    gasmed = [leg.lengths(Pose.from_degrees(knee=k))["gasmed_r"] for k in knees]
    gaslat = [leg.lengths(Pose.from_degrees(knee=k))["gaslat_r"] for k in knees]
    assert max(soleus) - min(soleus) < 1e-4
    assert gasmed[0] - gasmed[-1] > 0.02  # shortens by centimetres as the knee bends
    assert gaslat[0] - gaslat[-1] > 0.02
    assert "knee" not in leg.crossed_joints("soleus_r")
    assert "knee" in leg.crossed_joints("gasmed_r")


def test_signs_follow_anatomy(leg):
    state = leg.evaluate(Pose.from_degrees(knee=20))
    assert state.moment_arm("gasmed_r", "knee") > 0  # knee flexor
    assert state.moment_arm("gasmed_r", "ankle") < 0  # plantarflexor
    assert state.moment_arm("tibant_r", "ankle") > 0  # dorsiflexor
    assert state.moment_arm("tibant_r", "subtalar") > 0  # invertor
    assert state.moment_arm("perlong_r", "subtalar") < 0  # evertor
    assert state.moment_arm("edl_r", "mtp") > 0  # toe extensor
    assert state.moment_arm("fdl_r", "mtp") < 0  # toe flexor
    assert state.moment_arm("recfem_r", "hip") > 0  # hip flexor
    assert state.moment_arm("recfem_r", "knee") < 0  # knee extensor


def test_path_points_start_and_end_on_the_right_bodies(leg):
    expected = {
        "gasmed_r": ("femur_r", "calcn_r"),
        "gaslat_r": ("femur_r", "calcn_r"),
        "soleus_r": ("tibia_r", "calcn_r"),
        "tibant_r": ("tibia_r", "calcn_r"),
        "edl_r": ("tibia_r", "toes_r"),
        "fhl_r": ("tibia_r", "toes_r"),
        "recfem_r": ("pelvis", "tibia_r"),
        "bfsh_r": ("femur_r", "tibia_r"),
    }
    for pose in POSES:
        state = leg.evaluate(pose)
        for name, (first, last) in expected.items():
            muscle = state.muscles[name]
            assert (muscle.point_bodies[0], muscle.point_bodies[-1]) == (first, last), name
        for muscle in state.muscles.values():
            pts = muscle.points
            assert pts.shape == muscle.local_points.shape == (len(muscle.point_bodies), 3)
            assert len(pts) >= 2 and np.isfinite(pts).all()
            # Straight segments between path points never exceed the wrapped length.
            poly = np.linalg.norm(np.diff(pts, axis=0), axis=1).sum()
            assert poly <= muscle.length + 1e-9
            assert poly > muscle.length - 0.01
            # Local coordinates map back to the world points through the body transforms.
            for p, local, body in zip(pts, muscle.local_points, muscle.point_bodies, strict=True):
                if body in state.bodies:
                    tf = state.bodies[body]
                    assert np.allclose(tf[:3, :3] @ local + tf[:3, 3], p, atol=1e-12)


def test_wrap_points_appear_where_the_path_wraps(leg):
    state = leg.evaluate(Pose.from_degrees(knee=90))
    assert state.muscles["gasmed_r"].is_wrap.sum() == 2
    assert not state.muscles["soleus_r"].is_wrap.any()


def test_body_transforms_are_rigid(leg):
    state = leg.evaluate(Pose.from_degrees(knee=45, ankle=10))
    assert set(state.bodies) == set(BODIES)
    for tf in state.bodies.values():
        assert np.allclose(tf[:3, :3] @ tf[:3, :3].T, np.eye(3), atol=1e-9)
        assert np.allclose(tf[3], [0, 0, 0, 1])


def test_ranges_match_the_model(leg):
    model_ranges = leg.joint_ranges_deg()
    for field, (lo, hi) in RANGES_DEG.items():
        assert model_ranges[field][0] == pytest.approx(lo, abs=1e-3)
        assert model_ranges[field][1] == pytest.approx(hi, abs=1e-3)


def test_muscle_names_are_right_leg_actuators(leg):
    names = leg.muscle_names()
    assert {"gasmed_r", "gaslat_r", "soleus_r", "tibant_r", "glmax1_r"} <= set(names)
    assert all(n.endswith("_r") for n in names)
    assert math.isfinite(leg.lengths(Pose())["soleus_r"])


def test_path_points_are_the_model_sites_and_wrap_surface_points(leg, reference):
    """Site points sit at the sites' body-frame positions; wrap points on the wrap surface."""
    model, data = reference
    for pose in POSES:
        state = leg.evaluate(pose)
        reference_forward(model, data, pose.knee, pose.ankle, pose.subtalar, -pose.toes)
        for name, muscle in state.muscles.items():
            tendon = model.actuator_trnid[model.actuator(name).id, 0]
            adr, num = model.tendon_adr[tendon], model.tendon_num[tendon]
            sites = [
                model.wrap_objid[k]
                for k in range(adr, adr + num)
                if model.wrap_type[k] == mujoco.mjtWrap.mjWRAP_SITE
            ]
            site_points = ~muscle.is_wrap
            assert site_points.sum() == len(sites), name
            for site, p, local, body in zip(
                sites,
                muscle.points[site_points],
                muscle.local_points[site_points],
                np.array(muscle.point_bodies)[site_points],
                strict=True,
            ):
                assert model.body(model.site_bodyid[site]).name == body, name
                assert np.allclose(local, model.site_pos[site], atol=1e-9), name
                assert np.allclose(p, data.site_xpos[site], atol=1e-9), name
            wraps = [
                model.wrap_objid[k]
                for k in range(adr, adr + num)
                if int(model.wrap_type[k])
                in (int(mujoco.mjtWrap.mjWRAP_CYLINDER), int(mujoco.mjtWrap.mjWRAP_SPHERE))
            ]
            for p, body in zip(
                muscle.points[muscle.is_wrap],
                np.array(muscle.point_bodies)[muscle.is_wrap],
                strict=True,
            ):
                # The tangent point lies on one of the tendon's wrapping geoms.
                on_surface = []
                for g in wraps:
                    rel = data.geom_xmat[g].reshape(3, 3).T @ (p - data.geom_xpos[g])
                    radius = model.geom_size[g, 0]
                    if model.geom_type[g] == mujoco.mjtGeom.mjGEOM_CYLINDER:
                        dist = np.hypot(rel[0], rel[1])
                    else:
                        dist = np.linalg.norm(rel)
                    on_surface.append(
                        abs(dist - radius) < 1e-6 and model.body(model.geom_bodyid[g]).name == body
                    )
                assert any(on_surface), name


@pytest.mark.parametrize("pose", POSES, ids=lambda p: str(p.degrees()))
def test_arc_points_follow_the_wrapped_length(leg, pose):
    """With points along each wrap surface, the polyline length converges to MuJoCo's length."""
    state = leg.evaluate(pose, arc_points=24)
    plain = leg.evaluate(pose)
    for name, muscle in state.muscles.items():
        poly = np.linalg.norm(np.diff(muscle.points, axis=0), axis=1).sum()
        assert abs(poly - muscle.length) < 5e-5, name
        assert len(muscle.points) == len(plain.muscles[name].points) + 24 * (
            plain.muscles[name].is_wrap.sum() // 2
        )
        for p, local, body in zip(
            muscle.points, muscle.local_points, muscle.point_bodies, strict=True
        ):
            if body in state.bodies:
                tf = state.bodies[body]
                assert np.allclose(tf[:3, :3] @ local + tf[:3, 3], p, atol=1e-12)


def test_load_returns_one_model_per_process(leg):
    from calfexplorer.biomech import LegModel

    assert LegModel.load() is LegModel.load() is leg
