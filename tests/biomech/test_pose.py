import math

import pytest

from calfexplorer.biomech import RANGES_DEG, Pose


def test_from_degrees_stores_radians():
    pose = Pose.from_degrees(knee=90, ankle=-20)
    assert pose.knee == pytest.approx(math.pi / 2)
    assert pose.ankle == pytest.approx(math.radians(-20))
    assert pose.degrees() == pytest.approx({"knee": 90, "ankle": -20, "subtalar": 0, "toes": 0})


def test_parse_reads_degrees_and_defaults_to_zero():
    pose = Pose.parse(" knee=90 , ankle=-20,")
    assert pose == Pose.from_degrees(knee=90, ankle=-20)
    assert Pose.parse("") == Pose()
    # the moment arms' name for the toes' joint ("--pose mtp=10" was "unknown joint 'mtp'")
    assert Pose.parse("mtp=10") == Pose.from_degrees(toes=10)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hip=10", "unknown joint 'hip' in pose; use knee, ankle, subtalar, toes"),
        ("knee", "pose item 'knee' is not NAME=DEGREES (e.g. knee=90)"),
        ("knee=ninety", "angle for 'knee' must be a number of degrees, got 'ninety'"),
        ("knee=10,knee=20", "joint 'knee' given twice in pose"),
        ("knee=130", "knee angle 130 degrees is outside the model's range 0..120"),
        ("ankle=-45", "ankle angle -45 degrees is outside the model's range -40..30"),
        ("knee=nan", "knee angle must be a finite number, got nan"),
    ],
)
def test_parse_errors_are_clear(text, message):
    with pytest.raises(ValueError) as err:
        Pose.parse(text)
    assert str(err.value) == message


def test_clamp_instead_of_error():
    pose = Pose.parse("knee=130,ankle=-90", clamp=True)
    assert pose.degrees()["knee"] == pytest.approx(120)
    assert pose.degrees()["ankle"] == pytest.approx(RANGES_DEG["ankle"][0])


def test_pose_is_frozen_and_hashable():
    pose = Pose()
    with pytest.raises(AttributeError):
        pose.knee = 1.0  # type: ignore[misc]
    assert {pose: 1}[Pose.from_degrees()] == 1
