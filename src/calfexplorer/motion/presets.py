"""Named poses of the motion lab, each documented with why it has these angles.

All angles are degrees within the model's range (:data:`calfexplorer.biomech.RANGES_DEG`:
knee 0..120, ankle -40..30, subtalar -20..20, toes -30..30). MyoLeg's hip stays at 0, so
poses that also bend the hip in life (squat) move only the knee, ankle and foot here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from calfexplorer.biomech.pose import Pose


@dataclass(frozen=True)
class Preset:
    """A named pose.

    ``kind`` and ``knee`` tie the preset to the atlas's exercises (``Exercise.kind`` and
    ``Exercise.knee``); ``exercises``, when given, names the only ones it shows (a seated
    raise is not a standing one); ``focus`` names the muscles its exercise card compares;
    ``start`` is the position a strengthening movement starts from (the preset itself is its
    end); ``also`` names muscles beyond the focus whose share in the pose its card tells from
    the model (the thigh in a squat).
    """

    id: str
    name: str
    degrees: dict[str, float]
    why: str
    kind: Literal["stretch", "strengthen"] | None = None
    knee: Literal["straight", "bent"] | None = None
    focus: tuple[str, ...] = ()
    start: dict[str, float] = field(default_factory=dict)
    exercises: tuple[str, ...] = ()
    also: tuple[str, ...] = ()

    @property
    def pose(self) -> Pose:
        """The preset as a :class:`Pose` (raises ``ValueError`` if out of range)."""
        return Pose.from_degrees(**self.degrees, clamp=False)

    @property
    def start_pose(self) -> Pose:
        """Where the movement starts (anatomical position unless ``start`` says otherwise)."""
        return Pose.from_degrees(**self.start, clamp=False)


CALF = ("gastrocnemius", "soleus")
#: The thigh muscles at work in a squat that the model has.
SQUAT_THIGH = ("vastus_lateralis", "vastus_medialis", "vastus_intermedius", "rectus_femoris",
               "gluteus_maximus", "adductor_magnus", "biceps_femoris_long_head",
               "semitendinosus", "semimembranosus")

PRESETS: tuple[Preset, ...] = (
    Preset(
        "anatomical",
        "Anatomical position",
        {"knee": 0, "ankle": 0, "subtalar": 0, "toes": 0},
        "Standing upright, foot at a right angle to the leg: the reference every length "
        "percentage is measured against.",
    ),
    Preset(
        "standing_heel_raise",
        "Standing heel raise",
        {"knee": 0, "ankle": -30, "subtalar": 5, "toes": 30},
        "Top of a straight-knee heel raise: ankle well plantarflexed, the heel tipped slightly "
        "into inversion and the toes extended at the metatarsophalangeal joints as the body "
        "rises onto the forefoot (30° is the model's limit for toe extension).",
        kind="strengthen",
        knee="straight",
        focus=CALF,
    ),
    Preset(
        "straight_knee_calf_stretch",
        "Straight-knee calf stretch",
        {"knee": 0, "ankle": 20, "subtalar": 0, "toes": 0},
        "Back leg of a wall calf stretch: knee straight, heel down, ankle dorsiflexed about 20°.",
        kind="stretch",
        knee="straight",
        focus=CALF,
    ),
    Preset(
        "bent_knee_calf_stretch",
        "Bent-knee calf stretch",
        {"knee": 40, "ankle": 25, "subtalar": 0, "toes": 0},
        "The same stretch with the back knee bent about 40°: bending the knee slackens the "
        "gastrocnemius, so the ankle can dorsiflex a little further (25°).",
        kind="stretch",
        knee="bent",
        focus=CALF,
    ),
    Preset(
        "seated_calf_raise",
        "Seated calf raise",
        {"knee": 90, "ankle": -30, "subtalar": 0, "toes": 20},
        "Top of a seated calf raise: knee bent to 90° under a load on the thighs, ankle "
        "plantarflexed, toes extended on the edge of a block.",
        kind="strengthen",
        knee="bent",
        focus=CALF,
        start={"knee": 90},
        exercises=("Seated calf raise",),
    ),
    Preset(
        "deep_squat",
        "Deep squat",
        {"knee": 120, "ankle": 30, "subtalar": 0, "toes": 0},
        "Bottom of a heels-down squat, at the model's limits: knee flexed 120° and ankle "
        "dorsiflexed 30° (a full squat goes further; MyoLeg's hip stays straight, so "
        "the thigh muscles' numbers leave out hip flexion). The angles are the squat's, the "
        "picture is not: the model's thigh stays upright, so the shank swings back and the "
        "foot lifts, where in the squat the thigh tips forward over a planted heel. "
        "Past about 110° of knee flexion "
        "the model's path for the lateral gastrocnemius head crosses the knee's axis, so its "
        "knee moment arm reads as a small extensor one: a limit of the model's muscle path at "
        "the end of its range, not of the anatomy (the head still lies behind the knee).",
        focus=CALF,
        exercises=("Squat",),
        also=SQUAT_THIGH,
    ),
)

_BY_ID = {p.id: p for p in PRESETS}


def preset(preset_id: str) -> Preset:
    """The preset with this id (``KeyError`` naming the known ids if unknown)."""
    try:
        return _BY_ID[preset_id]
    except KeyError:
        raise KeyError(f"unknown preset {preset_id!r}; known: {', '.join(_BY_ID)}") from None
