"""Anatomical words, colours and exercise cards."""

from __future__ import annotations

import math

import pytest

from calfexplorer.motion import (
    MotionModel,
    angle_label,
    angles_of,
    diverging,
    exercise_cards,
    legend,
    length_colour,
    moment_arm_words,
    muscle_colours,
    pose_from_angles,
    pose_words,
    preset,
)


def test_angle_labels_use_anatomical_words() -> None:
    assert angle_label("ankle", -20) == "Ankle: 20° plantarflexion"
    assert angle_label("ankle", 15) == "Ankle: 15° dorsiflexion"
    assert angle_label("knee", 0) == "Knee: straight (0°)"
    assert angle_label("knee", 90) == "Knee: 90° flexion"
    assert angle_label("subtalar", -7) == "Subtalar (heel): 7° eversion"
    assert angle_label("toes", -12) == "Toes: 12° flexion"
    assert pose_words(preset("anatomical").pose) == "anatomical position"
    with pytest.raises(ValueError):
        angle_label("hip", 10)


def test_moment_arm_words() -> None:
    assert moment_arm_words("knee", 0.0219) == "21.9 mm flexor"
    assert moment_arm_words("ankle", -0.041) == "41.0 mm plantarflexor"
    assert moment_arm_words("subtalar", -0.01) == "10.0 mm evertor"
    assert moment_arm_words("mtp", 0.0) == "0.0 mm"


def test_state_pose_round_trip_and_alias() -> None:
    pose = preset("seated_calf_raise").pose
    assert pose_from_angles(angles_of(pose)) == pose
    assert pose_from_angles({"mtp": math.radians(10)}).degrees()["toes"] == pytest.approx(10)
    assert pose_from_angles({"knee": math.radians(500)}).degrees()["knee"] == pytest.approx(120)
    assert pose_from_angles({}) == preset("anatomical").pose


def test_diverging_colours_blue_white_orange() -> None:
    blue, white, orange = diverging(-1), diverging(0), diverging(1)
    assert blue[2] > blue[0]  # blue end
    assert orange[0] > orange[2]  # orange end
    assert min(white) > 0.9
    assert diverging(-5) == blue and diverging(5) == orange
    assert length_colour(100.0) == white
    assert length_colour(80.0) == blue and length_colour(120.0) == orange
    # lightness falls monotonically away from 100 % on both sides
    light = [sum(length_colour(100 + d)) for d in (0, 2.5, 5, 7.5, 10)]
    assert light == sorted(light, reverse=True)
    assert len(legend()) == 5 and "longer" in legend()[-1][0]
    assert set(muscle_colours({"soleus": 104.0})) == {"soleus"}


def test_cards_tie_presets_to_atlas_advice(motion_atlas, motion_model: MotionModel) -> None:
    cards = {c.preset.id: c for c in exercise_cards(motion_atlas, motion_model)}
    assert "anatomical" not in cards
    straight = cards["straight_knee_calf_stretch"]
    bent = cards["bent_knee_calf_stretch"]
    assert any(a.muscle_id == "gastrocnemius" and a.kind == "stretch" for a in straight.advice)
    assert all(a.knee in ("straight", "any") for a in straight.advice)
    assert any(a.muscle_id == "soleus" for a in bent.advice)
    assert any(a.muscle_id == "soleus" for a in cards["seated_calf_raise"].advice)
    # the headline states the model's numbers, in the focus muscles' order
    r = motion_model.readout(preset("bent_knee_calf_stretch").pose, ["gastrocnemius", "soleus"])
    assert f"soleus +{r['soleus'].change_mm:.0f} mm ({r['soleus'].percent:.1f}%)" in bent.headline
    assert bent.headline.index("gastrocnemius") < bent.headline.index("soleus")


def test_cards_say_what_the_knee_does_at_the_same_ankle_angle(
    motion_atlas, motion_model: MotionModel
) -> None:
    """The cards ranked the muscles by percent of their own length: "Relative to its own
    length it lengthens the soleus more" on the straight-knee stretch, under advice that says
    it targets the gastrocnemius, and the bent-knee stretch "stretches [the soleus] more" only
    because its ankle goes 5 degrees further. They now compare the same ankle angle with the
    other knee position: the gastrocnemius changes with the knee, the soleus does not."""
    cards = {c.preset.id: c for c in exercise_cards(motion_atlas, motion_model)}
    straight, bent = cards["straight_knee_calf_stretch"], cards["bent_knee_calf_stretch"]
    assert straight.knee_mm["gastrocnemius"] > 10 and abs(straight.knee_mm["soleus"]) < 0.5
    assert bent.knee_mm["gastrocnemius"] < -10 and abs(bent.knee_mm["soleus"]) < 0.5
    text = " ".join(straight.lines)
    assert "straight knee is what stretches the gastrocnemius further" in text
    assert "lengthens the soleus more" not in text
    text = " ".join(bent.lines)
    assert "slackens the gastrocnemius" in text and "the stretch falls on the soleus" in text
    assert "only because the ankle goes to 25° here and 20° there" in text
    seated = " ".join(cards["seated_calf_raise"].lines)
    assert "the raise relies more on the soleus" in seated
    assert "shortens most" not in " ".join(cards["standing_heel_raise"].lines)


def test_the_deep_squat_card_says_what_the_thigh_does(motion_atlas, motion_model) -> None:
    """A coach asking what works in a squat got the calf muscles only: the card now tells the
    thigh muscles the model has, as far as its straight hip allows, and the atlas's sourced
    word on which of them the squat loads."""
    squat = {c.preset.id: c for c in exercise_cards(motion_atlas, motion_model)}["deep_squat"]
    text = " ".join(squat.lines)
    r = motion_model.readout(preset("deep_squat").pose, ["vastus_lateralis"])
    assert f"vastus lateralis +{r['vastus_lateralis'].change_mm:.0f} mm" in text
    assert "Crossing only the knee" in text  # (the vasti's numbers hold for the squat)
    assert "knee's share only" in text and "shortens the rectus femoris" in text
    assert "lengthens the long head of biceps femoris" in text
    assert "unchanged in the model's straight hip: gluteus maximus;" in text
    assert {a.muscle_id for a in squat.advice} == {"vastus_lateralis", "gluteus_maximus",
                                                   "adductor_magnus"}
    assert all(a.name == "Squat" for a in squat.advice)
    assert "hamstrings" in " ".join(a.text for a in squat.advice)


def test_a_moment_arm_against_the_atlas_names_the_atlas_movement() -> None:
    from calfexplorer.motion import against_atlas

    gastrocnemius = {("knee", "flexion"), ("ankle", "plantarflexion")}
    assert against_atlas(gastrocnemius, "knee", -0.002) == "flexion"  # the model: an extensor
    assert against_atlas(gastrocnemius, "knee", 0.02) is None  # agrees
    assert against_atlas(gastrocnemius, "knee", -0.00001) is None  # shown as 0.0 mm
    assert against_atlas(gastrocnemius, "subtalar", 0.003) is None  # the atlas names neither
    toes = {("great_toe", "flexion")}
    assert against_atlas(toes, "mtp", 0.004) == "flexion"
    assert against_atlas({("knee", "flexion"), ("knee", "extension")}, "knee", -0.01) is None
