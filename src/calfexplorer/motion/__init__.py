"""Motion lab logic (no Qt): presets, action animations, per-muscle numbers, sweeps, colours
and exercise cards, all computed from the MyoLeg model.

Public API::

    from calfexplorer.motion import MotionModel, PRESETS, ACTIONS, exercise_cards
    model = MotionModel(atlas, leg)                 # anatomical-position references cached
    model.readout(pose, ["gastrocnemius"])          # {id: MuscleReadout(percent, moment_arms_m)}
    model.percentages(pose)                         # {id: % of anatomical length}, all muscles
    model.sweep("knee", pose)                       # Sweep(angles_deg, percent {id: array}), cached
    preset("bent_knee_calf_stretch").pose           # Pose
    action_frames(action("plantarflexion"), start)  # [Frame(t, pose), ...]
    muscle_colours(model.percentages(pose))         # {id: (r, g, b)} blue shorter, orange longer
    exercise_cards(atlas, model)                    # [ExerciseCard(headline, lines, advice)]
    angle_label("ankle", -20)                       # "Ankle: 20° plantarflexion"
    pose_from_angles(state.pose); angles_of(pose)   # AppState.pose <-> Pose

``AppState.pose`` holds radians keyed knee, ankle, subtalar, toes (the Pose fields).
"""

from calfexplorer.motion.actions import ACTIONS, Action, Frame, action, action_frames
from calfexplorer.motion.cards import Advice, ExerciseCard, exercise_cards, matching_advice
from calfexplorer.motion.colours import (
    DEFAULT_SPAN_PERCENT,
    STOPS,
    diverging,
    legend,
    length_colour,
    length_value,
    muscle_colours,
)
from calfexplorer.motion.numbers import MotionModel, MuscleReadout, Sweep
from calfexplorer.motion.presets import PRESETS, Preset, preset
from calfexplorer.motion.words import (
    JOINT_NOUNS,
    JOINT_TITLES,
    JOINTS,
    MOMENT_ARM_MOVEMENTS,
    MOMENT_ARM_TITLES,
    ROLE_WORDS,
    against_atlas,
    against_atlas_words,
    angle_label,
    angle_words,
    angles_of,
    atlas_actions,
    moment_arm_words,
    normal_range_words,
    pose_from_angles,
    pose_words,
)

__all__ = [
    "ACTIONS",
    "DEFAULT_SPAN_PERCENT",
    "JOINTS",
    "JOINT_NOUNS",
    "JOINT_TITLES",
    "MOMENT_ARM_MOVEMENTS",
    "MOMENT_ARM_TITLES",
    "PRESETS",
    "ROLE_WORDS",
    "STOPS",
    "Action",
    "Advice",
    "ExerciseCard",
    "Frame",
    "MotionModel",
    "MuscleReadout",
    "Preset",
    "Sweep",
    "action",
    "action_frames",
    "against_atlas",
    "against_atlas_words",
    "angle_label",
    "angle_words",
    "angles_of",
    "atlas_actions",
    "diverging",
    "exercise_cards",
    "legend",
    "length_colour",
    "length_value",
    "matching_advice",
    "moment_arm_words",
    "normal_range_words",
    "muscle_colours",
    "pose_from_angles",
    "pose_words",
    "preset",
]
