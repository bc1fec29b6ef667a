"""The pose of the right leg in anatomical terms (hip fixed at 0)."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

#: Pose field -> (min, max) in degrees. These are MyoLeg's joint ranges (the knee's
#: 0..120 is also the UI range); a test checks them against the compiled model.
RANGES_DEG: dict[str, tuple[float, float]] = {
    "knee": (0.0, 120.0),  # flexion +
    "ankle": (-40.0, 30.0),  # dorsiflexion +, plantarflexion -
    "subtalar": (-20.0, 20.0),  # inversion +, eversion -
    "toes": (-30.0, 30.0),  # metatarsophalangeal extension +, flexion -
}

#: Anatomical word for the positive and negative direction of each pose field.
DIRECTIONS: dict[str, tuple[str, str]] = {
    "knee": ("flexion", "extension"),
    "ankle": ("dorsiflexion", "plantarflexion"),
    "subtalar": ("inversion", "eversion"),
    "toes": ("extension", "flexion"),
}

#: Other names of a pose field: the model's moment-arm key for the toes' joint.
JOINT_ALIASES: dict[str, str] = {"mtp": "toes"}

_TOL_DEG = 1e-6


@dataclass(frozen=True)
class Pose:
    """Right-leg pose in radians. Positive: knee flexion, ankle dorsiflexion, subtalar
    inversion, toe (MTP) extension. Angles outside :data:`RANGES_DEG` raise ``ValueError``
    (use :meth:`from_degrees` with ``clamp=True`` to clamp instead)."""

    knee: float = 0.0
    ankle: float = 0.0
    subtalar: float = 0.0
    toes: float = 0.0

    def __post_init__(self) -> None:
        for name, (lo, hi) in RANGES_DEG.items():
            value = getattr(self, name)
            if not math.isfinite(value):
                raise ValueError(f"{name} angle must be a finite number, got {value!r}")
            deg = math.degrees(value)
            if not lo - _TOL_DEG <= deg <= hi + _TOL_DEG:
                raise ValueError(
                    f"{name} angle {deg:g} degrees is outside the model's range {lo:g}..{hi:g}"
                )

    @classmethod
    def from_degrees(
        cls,
        knee: float = 0.0,
        ankle: float = 0.0,
        subtalar: float = 0.0,
        toes: float = 0.0,
        *,
        clamp: bool = False,
    ) -> Pose:
        """Build a pose from degrees; ``clamp=True`` clamps to the model's range."""
        values = {"knee": knee, "ankle": ankle, "subtalar": subtalar, "toes": toes}
        if clamp:
            values = {k: min(max(v, RANGES_DEG[k][0]), RANGES_DEG[k][1]) for k, v in values.items()}
        return cls(**{k: math.radians(float(v)) for k, v in values.items()})

    @classmethod
    def parse(cls, text: str, *, clamp: bool = False) -> Pose:
        """Parse ``"knee=90,ankle=-20"`` (degrees; omitted joints are 0)."""
        values: dict[str, float] = {}
        for raw in text.split(","):
            item = raw.strip()
            if not item:
                continue
            name, sep, number = item.partition("=")
            name = name.strip().lower()
            name = JOINT_ALIASES.get(name, name)  # (the JSON's moment arms say "mtp")
            if not sep:
                raise ValueError(f"pose item {item!r} is not NAME=DEGREES (e.g. knee=90)")
            if name not in RANGES_DEG:
                raise ValueError(f"unknown joint {name!r} in pose; use {', '.join(RANGES_DEG)}")
            if name in values:
                raise ValueError(f"joint {name!r} given twice in pose")
            try:
                values[name] = float(number)
            except ValueError:
                raise ValueError(
                    f"angle for {name!r} must be a number of degrees, got {number.strip()!r}"
                ) from None
        return cls.from_degrees(**values, clamp=clamp)

    def degrees(self) -> dict[str, float]:
        """The pose in degrees, keyed knee, ankle, subtalar, toes."""
        return {f.name: math.degrees(getattr(self, f.name)) for f in fields(self)}

    def replace(self, **radians: float) -> Pose:
        """A copy with some angles (radians) changed."""
        return Pose(**{**{f.name: getattr(self, f.name) for f in fields(self)}, **radians})


ANATOMICAL = Pose()
