"""The MyoLeg musculoskeletal model (myo-sim, simulated with MuJoCo), posed by anatomical angles.

Public API::

    from calfexplorer.biomech import LegModel, Pose

    leg = LegModel.load()              # once per process; compiled model cached on disk
    pose = Pose.parse("knee=90,ankle=-20")      # degrees in, radians inside
    state = leg.evaluate(pose)         # PoseState
    state.bodies["tibia_r"]            # 4x4 world transform (z up, -y anterior, metres)
    ms = state.muscles["gasmed_r"]     # MuscleState
    ms.length                          # muscle-tendon length (m), == MuJoCo's ten_length
    ms.moment_arms                     # {"knee": 0.022, "ankle": -0.043, "subtalar": ...}
    ms.points, ms.point_bodies, ms.local_points, ms.is_wrap   # path incl. wrap points
    leg.evaluate(pose, arc_points=8)   # + 8 points along each wrap surface (smooth paths)
    leg.evaluate(pose, paths=False)    # numbers only (~0.25 ms)
    leg.lengths(pose)                  # fast path: {muscle: length}
    leg.muscle_names(), leg.crossed_joints("soleus_r"), leg.joint_ranges_deg()

    from calfexplorer.biomech import atlas_lengths
    atlas_lengths(atlas, state)        # {atlas id: AtlasMuscleNumbers} via Muscle.model_muscles
    model_mapping(atlas, leg)          # ({atlas id: (actuators...)}, problems)

An atlas muscle with several actuators (gastrocnemius = gasmed_r + gaslat_r) reports the mean
length and the mean moment arms (non-crossing parts count 0, so the aggregate moment arm is
exactly -d(mean length)/dtheta) plus each part in ``parts``; see ``atlas_map``.

Conventions:

- :class:`Pose` angles are radians; positive = knee flexion, ankle dorsiflexion, subtalar
  inversion, toe (MTP) extension; the hip is fixed at 0. An angle outside the model's range
  (:data:`RANGES_DEG`: knee 0..120, ankle -40..30, subtalar -20..20, toes -30..30 degrees)
  raises ``ValueError``; ``Pose.from_degrees(..., clamp=True)`` clamps instead.
- The knee drives seven coupled joints (tibia translations/rotations, patella) through
  MuJoCo joint equality constraints; posing places them exactly on their polynomials.
- Moment arm about joint k = ``-dL/dtheta_k`` (metres) with theta_k the anatomical angle
  (keys: "hip" flexion, "hip_adduction", "hip_rotation" internal, "knee" flexion, "ankle"
  dorsiflexion, "subtalar" inversion, "mtp" toe extension), reported only for the joints the
  path crosses. Positive means the muscle moves the joint in the positive direction (e.g.
  gastrocnemius: knee > 0, flexor; ankle < 0, plantarflexor). The knee value is the total
  derivative including the coupled joints.
- This package imports neither Qt nor VTK.
"""

from calfexplorer.biomech.atlas_map import (
    AtlasMuscleNumbers,
    aggregate,
    atlas_lengths,
    model_mapping,
)
from calfexplorer.biomech.model import (
    BODIES,
    JOINT_KEYS,
    CoupledJoint,
    LegModel,
    MuscleState,
    PoseState,
)
from calfexplorer.biomech.pose import DIRECTIONS, RANGES_DEG, Pose

__all__ = [
    "AtlasMuscleNumbers",
    "aggregate",
    "atlas_lengths",
    "model_mapping",
    "BODIES",
    "DIRECTIONS",
    "JOINT_KEYS",
    "RANGES_DEG",
    "CoupledJoint",
    "LegModel",
    "MuscleState",
    "Pose",
    "PoseState",
]
