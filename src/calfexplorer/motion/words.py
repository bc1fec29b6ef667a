"""Angles and moment arms in anatomical words, and the pose as ``AppState`` stores it.

``AppState.pose`` holds radians keyed by :class:`~calfexplorer.biomech.Pose` field names
(``knee``, ``ankle``, ``subtalar``, ``toes``); ``mtp`` is read as an alias of ``toes``.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from calfexplorer.biomech.pose import DIRECTIONS, JOINT_ALIASES, RANGES_DEG, Pose

if TYPE_CHECKING:
    from calfexplorer.atlas import Atlas

#: Pose fields in slider order.
JOINTS: tuple[str, ...] = ("knee", "ankle", "subtalar", "toes")

#: Display title of each pose field.
JOINT_TITLES: dict[str, str] = {
    "knee": "Knee",
    "ankle": "Ankle",
    "subtalar": "Subtalar (heel)",
    "toes": "Toes",
}

#: Word for a zero angle of each pose field.
NEUTRAL_WORDS: dict[str, str] = {
    "knee": "straight",
    "ankle": "neutral",
    "subtalar": "neutral",
    "toes": "neutral",
}

#: Moment-arm key -> (word for a positive moment arm, word for a negative one).
ROLE_WORDS: dict[str, tuple[str, str]] = {
    "hip": ("hip flexor", "hip extensor"),
    "hip_adduction": ("adductor", "abductor"),
    "hip_rotation": ("medial rotator", "lateral rotator"),
    "knee": ("flexor", "extensor"),
    "ankle": ("dorsiflexor", "plantarflexor"),
    "subtalar": ("invertor", "evertor"),
    "mtp": ("toe extensor", "toe flexor"),
}

#: Moment-arm key -> (the atlas's joints it turns, its movement for a positive moment arm, for a
#: negative one).
MOMENT_ARM_MOVEMENTS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "hip": (("hip",), "flexion", "extension"),
    "hip_adduction": (("hip",), "adduction", "abduction"),
    "hip_rotation": (("hip",), "medial_rotation", "lateral_rotation"),
    "knee": (("knee",), "flexion", "extension"),
    "ankle": (("ankle",), "dorsiflexion", "plantarflexion"),
    "subtalar": (("subtalar",), "inversion", "eversion"),
    "mtp": (("great_toe", "lateral_toes"), "extension", "flexion"),
}

#: Moment-arm key -> short joint title for tables.
MOMENT_ARM_TITLES: dict[str, str] = {
    "hip": "Hip",
    "hip_adduction": "Hip (add/abd)",
    "hip_rotation": "Hip (rotation)",
    "knee": "Knee",
    "ankle": "Ankle",
    "subtalar": "Subtalar",
    "mtp": "Toes (MTP)",
}

#: Moment-arm key -> the joint named in a note on it.
JOINT_NOUNS: dict[str, str] = {
    "hip": "hip", "hip_adduction": "hip", "hip_rotation": "hip", "knee": "knee",
    "ankle": "ankle", "subtalar": "subtalar joint", "mtp": "toes' joints",
}

def angle_words(joint: str, degrees: float) -> str:
    """``("ankle", -20)`` -> ``"20° plantarflexion"``; zero -> ``"neutral (0°)"``."""
    if joint not in DIRECTIONS:
        raise ValueError(f"unknown joint {joint!r}; use {', '.join(JOINTS)}")
    value = round(float(degrees))
    if value == 0:
        return f"{NEUTRAL_WORDS[joint]} (0°)"
    positive, negative = DIRECTIONS[joint]
    return f"{abs(value)}° {positive if value > 0 else negative}"


def angle_label(joint: str, degrees: float) -> str:
    """``("ankle", -20)`` -> ``"Ankle: 20° plantarflexion"``."""
    words = angle_words(joint, degrees)
    return f"{JOINT_TITLES[joint]}: {words}"


def pose_words(pose: Pose) -> str:
    """A whole pose in words, leaving out neutral joints (``"anatomical position"`` if all)."""
    parts = [
        f"{JOINT_TITLES[j].split(' ')[0].lower()} {angle_words(j, d)}"
        for j, d in pose.degrees().items()
        if round(d) != 0
    ]
    return ", ".join(parts) if parts else "anatomical position"


def moment_arm_words(joint_key: str, metres: float) -> str:
    """``("knee", 0.0219)`` -> ``"21.9 mm flexor"`` (sign as an anatomical role)."""
    positive, negative = ROLE_WORDS.get(joint_key, ("+", "-"))
    mm = metres * 1000.0
    if abs(mm) < 0.05:
        return "0.0 mm"
    return f"{abs(mm):.1f} mm {positive if mm > 0 else negative}"


def against_atlas(actions: Collection[tuple[str, str]], joint_key: str,
                  metres: float) -> str | None:
    """The movement the atlas gives a muscle where the model's moment arm reads the opposite
    one (``actions``: its (joint, movement) pairs): past about 110 degrees of knee flexion the
    model's lateral gastrocnemius path crosses the knee's axis and reads as an extensor, while
    the muscle flexes the knee. None where they agree, the atlas names neither, or the arm is
    about zero."""
    if joint_key not in MOMENT_ARM_MOVEMENTS or abs(metres) < 0.05e-3:  # shown as 0.0 mm
        return None
    joints, positive, negative = MOMENT_ARM_MOVEMENTS[joint_key]
    model, other = (positive, negative) if metres > 0 else (negative, positive)
    pairs = set(actions)
    if any((j, model) in pairs for j in joints):
        return None
    return other if any((j, other) in pairs for j in joints) else None


def atlas_actions(atlas: Atlas, muscle_id: str) -> set[tuple[str, str]]:
    """The (joint, movement) pairs the atlas gives a muscle or any of its parts, with those
    some sources give instead (a model that agrees with either is not against the atlas)."""
    return atlas.movements_of(muscle_id, disputed=True) if muscle_id in atlas else set()


def against_atlas_words(atlas: Atlas, name: str, joint_key: str, movement: str) -> str:
    """Why a moment arm reads against the atlas's ``movement`` (see :func:`against_atlas`)."""
    joints = MOMENT_ARM_MOVEMENTS[joint_key][0]
    where = JOINT_NOUNS.get(joint_key, joint_key)
    doing = (atlas.action_label(joints[0], movement).lower() if len(joints) == 1
             else f"toe {atlas.movement_name(joints[0], movement)}")  # (both toes)
    return (f"{name}: in this pose the model's path crosses the axis of the {where}, so its "
            f"moment arm has the other sign; the muscle itself still acts in {doing}.")


def pose_from_angles(angles: Mapping[str, float]) -> Pose:
    """The :class:`Pose` of an ``AppState.pose`` mapping (radians; clamped to the model)."""
    values = {JOINT_ALIASES.get(k, k): math.degrees(v) for k, v in angles.items()}
    known = {k: v for k, v in values.items() if k in RANGES_DEG}
    return Pose.from_degrees(**known, clamp=True)


def angles_of(pose: Pose) -> dict[str, float]:
    """The ``AppState.pose`` mapping of a pose (radians by pose field)."""
    return {j: float(getattr(pose, j)) for j in JOINTS}


#: The atlas joint whose movements a pose field moves (the model's one toe joint: the
#: great toe's, as its normal ranges are the ones sources give first).
ATLAS_JOINTS: dict[str, str] = {"knee": "knee", "ankle": "ankle", "subtalar": "subtalar",
                                "toes": "great_toe"}


def normal_range_words(atlas: Atlas, joint: str) -> str:
    """A pose field's normal ranges as sources give them ("Normal: dorsiflexion about 20
    degrees; plantarflexion about 50 degrees."), or "" where the data gives none."""
    atlas_joint = ATLAS_JOINTS.get(joint, joint)
    parts = []
    for movement in DIRECTIONS[joint]:
        normal = atlas.normal_range(atlas_joint, movement)
        if normal is not None:
            parts.append(f"{movement} {normal.text}")
    where = " at the great toe" if joint == "toes" else ""
    return f"Normal{where}: {'; '.join(parts)}." if parts else ""
