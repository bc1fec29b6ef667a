from dataclasses import dataclass, field

import pytest

from calfexplorer.biomech import Pose
from calfexplorer.biomech.atlas_map import aggregate, atlas_lengths, model_mapping


@dataclass
class FakeMuscle:
    id: str
    model_muscles: list[str] = field(default_factory=list)


class FakeAtlas:
    def __init__(self, *muscles: FakeMuscle) -> None:
        self._muscles = list(muscles)

    def muscles(self) -> list[FakeMuscle]:
        return self._muscles

    def __contains__(self, structure_id: str) -> bool:
        return self.get(structure_id) is not None

    def get(self, structure_id: str) -> FakeMuscle | None:
        return next((m for m in self._muscles if m.id == structure_id), None)

    def movements_of(self, structure_id: str, disputed: bool = False) -> set[tuple[str, str]]:
        return set()

    def name_of(self, structure_id: str) -> str:
        return structure_id


ATLAS = FakeAtlas(
    FakeMuscle("gastrocnemius", ["gasmed_r", "gaslat_r"]),
    FakeMuscle("gastrocnemius_medial_head", ["gasmed_r"]),
    FakeMuscle("soleus", ["soleus_r"]),
    FakeMuscle("biceps_femoris", ["bflh_r", "bfsh_r"]),
    FakeMuscle("plantaris"),
    FakeMuscle("typo_muscle", ["soleus_l", "nosuch_r"]),
)


def test_mapping_comes_from_the_data_and_reports_unknown_actuators(leg):
    mapping, problems = model_mapping(ATLAS, leg)
    assert mapping["gastrocnemius"] == ("gasmed_r", "gaslat_r")
    assert mapping["soleus"] == ("soleus_r",)
    assert "plantaris" not in mapping  # no model path
    assert "typo_muscle" not in mapping
    assert problems == [
        "typo_muscle: model_muscles names soleus_l, nosuch_r, which MyoLeg's right leg does "
        "not have"
    ]


def test_single_actuator_muscle_reports_its_actuator(leg):
    state = leg.evaluate(Pose.from_degrees(knee=40, ankle=-10))
    numbers = atlas_lengths(ATLAS, state, leg)
    head = numbers["gastrocnemius_medial_head"]
    assert head.length_m == state.length("gasmed_r")
    assert head.moment_arms_m == state.muscles["gasmed_r"].moment_arms


def test_multi_actuator_muscle_is_the_mean_and_keeps_its_parts(leg):
    state = leg.evaluate(Pose.from_degrees(knee=40, ankle=-10))
    gastro = aggregate("gastrocnemius", ("gasmed_r", "gaslat_r"), state)
    assert gastro.length_m == pytest.approx(
        (state.length("gasmed_r") + state.length("gaslat_r")) / 2
    )
    assert gastro.moment_arms_m["knee"] == pytest.approx(
        (state.moment_arm("gasmed_r", "knee") + state.moment_arm("gaslat_r", "knee")) / 2
    )
    assert set(gastro.parts) == {"gasmed_r", "gaslat_r"}
    assert gastro.as_json()["parts"]["gaslat_r"]["length_m"] == state.length("gaslat_r")


def test_aggregate_moment_arm_is_minus_derivative_of_aggregate_length(leg):
    """Biceps femoris: only the long head crosses the hip; the mean stays consistent."""
    pose = Pose.from_degrees(knee=50)
    biceps = aggregate("biceps_femoris", ("bflh_r", "bfsh_r"), leg.evaluate(pose))
    assert "hip" in biceps.moment_arms_m
    h = 1e-5

    def mean_length(knee: float) -> float:
        lengths = leg.lengths(pose.replace(knee=knee))
        return (lengths["bflh_r"] + lengths["bfsh_r"]) / 2

    fd = -(mean_length(pose.knee + h) - mean_length(pose.knee - h)) / (2 * h)
    assert biceps.moment_arms_m["knee"] == pytest.approx(fd, abs=2e-6)


def test_every_model_muscle_named_in_the_data_exists(leg):
    from calfexplorer.atlas import load_atlas

    atlas, _ = load_atlas()
    mapping, problems = model_mapping(atlas, leg)
    assert problems == []
    assert mapping["soleus"] == ("soleus_r",)
    assert mapping["gastrocnemius_medial_head"] == ("gasmed_r",)
    # every muscle the data gives model muscles is posed (none left out for a missing one)
    assert set(mapping) == {m.id for m in atlas.muscles() if m.model_muscles}
