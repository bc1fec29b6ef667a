"""Played actions after a lesion: lost movements do not happen, weak ones go part of the way,
and unopposed muscles pull the foot aside."""

from __future__ import annotations

import pytest

from calfexplorer.atlas import Atlas
from calfexplorer.lesion import Lesion, LesionModel, open_lesion_model
from calfexplorer.motion.actions import action, action_frames
from calfexplorer.motion.lesioned import lesioned_action, lesioned_frames


@pytest.fixture(scope="module")
def model(atlas: Atlas) -> LesionModel:
    return open_lesion_model(atlas)[0]


def weak(model: LesionModel, nerve: str, level: str, act: str):
    result = model.compute(Lesion(cuts=(model.cut(nerve, level),)))
    return lesioned_action(model.atlas, result, action(act))


def peak(frames, joint: str) -> float:
    return max((abs(f.pose.degrees()[joint]) for f in frames), default=0.0)


def test_dorsiflexion_does_not_happen_with_the_deep_fibular_nerve_cut(model) -> None:
    la = weak(model, "deep_fibular_nerve", "upper_leg", "dorsiflexion")
    assert la.status == "lost" and la.reach == 0
    frames = lesioned_frames(la)
    assert len(frames) == len(action_frames(action("dorsiflexion")))  # same duration
    assert peak(frames, "ankle") == 0 and peak(frames, "subtalar") == 0


def test_dorsiflexion_turns_the_foot_in_with_the_superficial_fibular_nerve_cut(model) -> None:
    la = weak(model, "superficial_fibular_nerve", "upper_lateral_compartment", "dorsiflexion")
    assert la.status == "spared" and la.reach == 1
    assert la.drift["subtalar"] > 0  # towards inversion: tibialis anterior, evertors gone
    assert "Tibialis anterior" in la.drift_text
    frames = lesioned_frames(la)
    normal = action_frames(action("dorsiflexion"))
    assert peak(frames, "ankle") == pytest.approx(peak(normal, "ankle"))
    inversion_target = action("inversion").target_deg
    assert 0 < peak(frames, "subtalar") < inversion_target


def test_plantarflexion_is_weak_after_a_tibial_nerve_lesion(model) -> None:
    la = weak(model, "tibial_nerve", "popliteal_fossa", "plantarflexion")
    assert la.status == "severely_weakened"
    normal = peak(action_frames(action("plantarflexion")), "ankle")
    assert peak(lesioned_frames(la), "ankle") == pytest.approx(normal * la.reach)
    assert 0 < la.reach < 0.5


def test_an_untouched_action_is_unchanged(model) -> None:
    la = weak(model, "superficial_fibular_nerve", "crural_fascia", "knee_flexion")
    assert la.status == "spared" and la.drift == {}
    normal = action_frames(action("knee_flexion"))
    for ours, theirs in zip(lesioned_frames(la), normal, strict=True):
        assert ours.t == theirs.t
        for joint, deg in theirs.pose.degrees().items():
            assert ours.pose.degrees()[joint] == pytest.approx(deg, abs=1e-9)
