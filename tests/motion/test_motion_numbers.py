"""Per-muscle readouts and sweeps from the model."""

from __future__ import annotations

import numpy as np
import pytest

from calfexplorer.biomech import LegModel, Pose, atlas_lengths
from calfexplorer.motion import MotionModel


def test_anatomical_position_is_100_percent(motion_model: MotionModel) -> None:
    readout = motion_model.readout(Pose())
    assert set(readout) == set(motion_model.ids)
    assert "soleus" in readout and "gastrocnemius" in readout
    for r in readout.values():
        assert r.percent == pytest.approx(100.0)
        assert r.change_mm == pytest.approx(0.0)


def test_readout_matches_the_biomech_numbers(motion_atlas, motion_model: MotionModel) -> None:
    pose = Pose.from_degrees(knee=70, ankle=-15, subtalar=8, toes=-10)
    readout = motion_model.readout(pose, ["gastrocnemius", "soleus", "tibialis_anterior"])
    numbers = atlas_lengths(motion_atlas, LegModel.load().evaluate(pose, paths=False))
    for aid, r in readout.items():
        assert r.length_m == pytest.approx(numbers[aid].length_m, abs=1e-12)
        assert r.moment_arms_m == pytest.approx(numbers[aid].moment_arms_m)
    fast = motion_model.percentages(pose, readout)
    for aid, r in readout.items():
        assert fast[aid] == pytest.approx(r.percent, rel=1e-9)


def test_moment_arms_per_crossed_joint(motion_model: MotionModel) -> None:
    r = motion_model.readout(Pose(), ["gastrocnemius", "soleus", "tibialis_anterior"])
    assert r["gastrocnemius"].moment_arms_m["knee"] > 0  # knee flexor
    assert r["gastrocnemius"].moment_arms_m["ankle"] < 0  # plantarflexor
    assert "knee" not in r["soleus"].moment_arms_m
    assert r["soleus"].moment_arms_m["ankle"] < 0
    assert r["tibialis_anterior"].moment_arms_m["ankle"] > 0  # dorsiflexor


def test_unmodelled_and_unknown_ids_are_left_out(motion_model: MotionModel) -> None:
    assert not motion_model.has("popliteus")  # no MyoLeg path
    assert motion_model.readout(Pose(), ["popliteus", "no_such_muscle"]) == {}


def test_knee_sweep_soleus_flat_gastrocnemius_not(motion_model: MotionModel) -> None:
    sweep = motion_model.sweep("knee")
    assert sweep.angles_deg[0] == 0.0 and sweep.angles_deg[-1] == 120.0
    assert sweep.span("soleus") < 1e-6
    assert sweep.span("gastrocnemius") > 5.0
    gas = sweep.percent["gastrocnemius"]
    knee = sweep.angles_deg
    assert np.all(np.diff(gas[knee <= 90]) < 0)  # shortens steadily as the knee bends
    assert gas[-1] < gas[0] - 5.0


def test_ankle_sweep_moves_both(motion_model: MotionModel) -> None:
    sweep = motion_model.sweep("ankle", Pose.from_degrees(knee=45))
    assert sweep.held["knee"] == 45.0
    assert sweep.angles_deg[0] == -40.0 and sweep.angles_deg[-1] == 30.0
    for aid in ("soleus", "gastrocnemius"):
        assert sweep.span(aid) > 5.0
        assert np.all(np.diff(sweep.percent[aid]) > 0)  # longer with dorsiflexion


def test_sweeps_are_cached_per_held_pose(motion_model: MotionModel) -> None:
    first = motion_model.sweep("knee", Pose.from_degrees(ankle=10.2))
    assert motion_model.sweep("knee", Pose.from_degrees(ankle=9.8, knee=50)) is first
    assert motion_model.sweep("knee", Pose.from_degrees(ankle=-10)) is not first
    with pytest.raises(ValueError):
        motion_model.sweep("hip")
