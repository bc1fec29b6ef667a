"""Presets and action animations: in the model's range, and what the model says about them."""

from __future__ import annotations

import math

import pytest

from calfexplorer.biomech import RANGES_DEG, Pose
from calfexplorer.motion import ACTIONS, PRESETS, MotionModel, action, action_frames, preset


def test_the_six_presets_exist_and_are_in_range() -> None:
    ids = [p.id for p in PRESETS]
    assert ids == [
        "anatomical",
        "standing_heel_raise",
        "straight_knee_calf_stretch",
        "bent_knee_calf_stretch",
        "seated_calf_raise",
        "deep_squat",
    ]
    for p in PRESETS:
        for joint, value in p.degrees.items():
            lo, hi = RANGES_DEG[joint]
            assert lo <= value <= hi, (p.id, joint)
        assert p.pose == Pose.from_degrees(**p.degrees)
        assert p.why
    assert preset("anatomical").pose == Pose()


def test_unknown_preset_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="bent_knee_calf_stretch"):
        preset("lunge")


def test_stretch_presets_differ_by_the_knee() -> None:
    straight = preset("straight_knee_calf_stretch")
    bent = preset("bent_knee_calf_stretch")
    assert straight.degrees["knee"] == 0 and bent.degrees["knee"] >= 30
    assert straight.degrees["ankle"] > 0 and bent.degrees["ankle"] > 0  # both dorsiflexed


def test_bent_knee_stretch_shifts_the_stretch_to_the_soleus(motion_model: MotionModel) -> None:
    def soleus_minus_gastrocnemius(preset_id: str) -> float:
        r = motion_model.readout(preset(preset_id).pose, ["gastrocnemius", "soleus"])
        return r["soleus"].percent - r["gastrocnemius"].percent

    straight = soleus_minus_gastrocnemius("straight_knee_calf_stretch")
    bent = soleus_minus_gastrocnemius("bent_knee_calf_stretch")
    assert bent > straight + 2.0  # percentage points
    r_straight = motion_model.readout(preset("straight_knee_calf_stretch").pose)
    r_bent = motion_model.readout(preset("bent_knee_calf_stretch").pose)
    assert r_straight["gastrocnemius"].percent > r_bent["gastrocnemius"].percent
    assert r_bent["soleus"].percent > 100.0 and r_straight["gastrocnemius"].percent > 100.0


def test_seated_calf_raise_starts_with_a_slack_gastrocnemius(motion_model: MotionModel) -> None:
    p = preset("seated_calf_raise")
    start = motion_model.readout(p.start_pose, ["gastrocnemius", "soleus"])
    assert start["gastrocnemius"].percent < 95.0
    assert start["soleus"].percent == pytest.approx(100.0, abs=1e-6)


@pytest.mark.parametrize("act", ACTIONS, ids=lambda a: a.id)
def test_action_goes_to_its_target_and_back(act) -> None:
    start = Pose.from_degrees(knee=30, ankle=5, subtalar=-3, toes=4)
    frames = action_frames(act, start, fps=30)
    assert frames[0].pose == start and frames[-1].pose == start
    times = [f.t for f in frames]
    assert times == sorted(times) and times[0] == 0.0
    values = [f.pose.degrees()[act.joint] for f in frames]
    target_reached = min(abs(v - act.target_deg) for v in values)
    assert target_reached < 0.5
    for f in frames:  # only the action's joint moves
        for joint, deg in f.pose.degrees().items():
            if joint != act.joint:
                assert deg == pytest.approx(start.degrees()[joint])


def test_actions_cover_the_requested_movements() -> None:
    ids = {a.id for a in ACTIONS}
    assert {"plantarflexion", "dorsiflexion", "knee_flexion", "inversion", "eversion"} <= ids
    assert {"toe_flexion", "toe_extension"} <= ids
    assert action("plantarflexion").target_deg == RANGES_DEG["ankle"][0]
    knee = action_frames(action("knee_flexion"), fps=30)
    assert math.isclose(max(f.pose.degrees()["knee"] for f in knee), 120.0, abs_tol=0.5)
    with pytest.raises(ValueError):
        action_frames(action("inversion"), fps=0)


def test_each_preset_shows_the_advice_of_its_own_exercise() -> None:
    """The seated calf raise's card gave the advice for heel raises standing with bent knees
    besides its own; every exercise a preset names is one of the atlas's."""
    from calfexplorer.atlas import load_atlas
    from calfexplorer.motion.cards import matching_advice

    atlas = load_atlas()[0]
    named = {ex.name for m in atlas.muscles() for ex in m.exercises}
    for p in PRESETS:
        assert set(p.exercises) <= named, p.id
    shown = {p.id: [a.name for a in matching_advice(atlas, p)] for p in PRESETS}
    assert shown["seated_calf_raise"] == ["Seated calf raise"]
    assert shown["bent_knee_calf_stretch"] == ["Bent-knee wall calf stretch"]
    assert shown["standing_heel_raise"] == ["Straight-knee standing calf raise"]
