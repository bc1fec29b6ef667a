"""Angles and moment arms in anatomical words, and the pose as ``AppState`` stores it.

``AppState.pose`` holds radians keyed by :class:`~calfexplorer.biomech.Pose` field names
(``knee``, ``ankle``, ``subtalar``, ``toes``); ``mtp`` is read as an alias of ``toes``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from calfexplorer.biomech.pose import DIRECTIONS, RANGES_DEG, Pose

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

_ALIASES = {"mtp": "toes"}


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


def pose_from_angles(angles: Mapping[str, float]) -> Pose:
    """The :class:`Pose` of an ``AppState.pose`` mapping (radians; clamped to the model)."""
    values = {_ALIASES.get(k, k): math.degrees(v) for k, v in angles.items()}
    known = {k: v for k, v in values.items() if k in RANGES_DEG}
    return Pose.from_degrees(**known, clamp=True)


def angles_of(pose: Pose) -> dict[str, float]:
    """The ``AppState.pose`` mapping of a pose (radians by pose field)."""
    return {j: float(getattr(pose, j)) for j in JOINTS}
