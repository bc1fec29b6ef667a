"""The lesion model against the textbook pictures of the classic lesions of the leg.

Each test states what anatomy textbooks (Moore's Clinically Oriented Anatomy, Gray's Anatomy)
describe for the lesion and checks that the model, computing from the atlas and
``data/lesions.yaml``, arrives at the same picture.
"""

from __future__ import annotations

import pytest

from calfexplorer.atlas import Atlas
from calfexplorer.lesion import Lesion, LesionModel, LesionResult, open_lesion_model


@pytest.fixture(scope="module")
def model(atlas: Atlas) -> LesionModel:
    model, problems = open_lesion_model(atlas)
    assert problems == []
    return model


def cut(model: LesionModel, nerve: str, level: str) -> LesionResult:
    return model.compute(Lesion(cuts=(model.cut(nerve, level),)))


def root(model: LesionModel, name: str) -> LesionResult:
    return model.compute(Lesion(roots=(model.root(name),)))


def status(result: LesionResult, joint: str, movement: str) -> str:
    effect = result.movement(joint, movement)
    assert effect is not None
    return effect.status


def signs(result: LesionResult) -> set[str]:
    return {sign_id for sign_id, *_ in result.signs}


def skin(result: LesionResult) -> set[str]:
    return {s.id for s in result.skin}


def reflex(result: LesionResult, reflex_id: str) -> str:
    return next(r.status for r in result.reflexes if r.reflex.id == reflex_id)


def denervated(result: LesionResult) -> set[str]:
    return {m.muscle for m in result.muscles if m.supply_left == 0}


def test_common_fibular_nerve_at_the_fibular_neck(model: LesionModel) -> None:
    # Foot drop: dorsiflexion, eversion and toe extension lost; inversion and plantarflexion
    # kept by the tibial muscles; numb dorsum of the foot and first web space; ankle jerk kept.
    r = cut(model, "common_fibular_nerve", "fibular_neck")
    assert denervated(r) == {
        "tibialis_anterior", "extensor_digitorum_longus", "extensor_hallucis_longus",
        "fibularis_tertius", "fibularis_longus", "fibularis_brevis",
        "extensor_digitorum_brevis", "extensor_hallucis_brevis",
    }
    assert status(r, "ankle", "dorsiflexion") == "lost"
    assert status(r, "subtalar", "eversion") == "lost"
    assert status(r, "great_toe", "extension") == "lost"
    assert status(r, "lateral_toes", "extension") == "lost"
    # inversion kept strong by tibialis posterior (tibial nerve): what tells it from L5
    assert status(r, "subtalar", "inversion") == "slightly_weakened"
    assert "tibialis_posterior" in r.movement("subtalar", "inversion").intact_prime
    assert status(r, "ankle", "plantarflexion") == "slightly_weakened"
    assert reflex(r, "medial_hamstring_reflex") == "normal"
    assert skin(r) == {"first_web_space", "dorsum_of_foot"}
    assert reflex(r, "ankle_reflex") == "normal"
    assert {"foot_drop", "equinovarus", "loss_of_eversion"} <= signs(r)
    assert "cannot_rise_on_toes" not in signs(r)


def test_deep_fibular_nerve(model: LesionModel) -> None:
    # Foot drop without loss of eversion; numbness only in the first web space.
    r = cut(model, "deep_fibular_nerve", "upper_leg")
    assert denervated(r) == {
        "tibialis_anterior", "extensor_digitorum_longus", "extensor_hallucis_longus",
        "fibularis_tertius", "extensor_digitorum_brevis", "extensor_hallucis_brevis",
    }
    assert status(r, "ankle", "dorsiflexion") == "lost"
    assert status(r, "subtalar", "eversion") == "slightly_weakened"
    assert skin(r) == {"first_web_space"}
    assert "foot_drop" in signs(r)
    assert "loss_of_eversion" not in signs(r)


def test_superficial_fibular_nerve(model: LesionModel) -> None:
    # Eversion lost (only the weak help of extensor digitorum longus and fibularis tertius
    # left), dorsiflexion kept, numb dorsum of the foot sparing the first web space.
    r = cut(model, "superficial_fibular_nerve", "upper_lateral_compartment")
    assert denervated(r) == {"fibularis_longus", "fibularis_brevis"}
    assert status(r, "subtalar", "eversion") == "severely_weakened"
    assert set(r.movement("subtalar", "eversion").intact_assisting) == {
        "extensor_digitorum_longus", "fibularis_tertius",
    }
    assert status(r, "ankle", "dorsiflexion") == "spared"
    assert skin(r) == {"dorsum_of_foot"}
    assert "loss_of_eversion" in signs(r) and "foot_drop" not in signs(r)


def test_superficial_fibular_nerve_where_it_pierces_the_fascia_is_purely_sensory(
    model: LesionModel,
) -> None:
    r = cut(model, "superficial_fibular_nerve", "crural_fascia")
    assert r.muscles == ()
    assert skin(r) == {"dorsum_of_foot"}


def test_tibial_nerve_in_the_popliteal_fossa(model: LesionModel) -> None:
    # Cannot plantarflex (the fibular muscles give a little) or flex the toes; inversion
    # weakened; ankle jerk lost; numb sole and lateral foot.
    r = cut(model, "tibial_nerve", "popliteal_fossa")
    assert {"soleus", "gastrocnemius_medial_head", "tibialis_posterior"} <= denervated(r)
    assert status(r, "ankle", "plantarflexion") == "severely_weakened"
    assert set(r.movement("ankle", "plantarflexion").intact_assisting) == {
        "fibularis_longus", "fibularis_brevis",
    }
    assert status(r, "great_toe", "flexion") == "lost"
    assert status(r, "lateral_toes", "flexion") == "lost"
    assert status(r, "subtalar", "inversion") == "severely_weakened"  # tibialis anterior left
    assert status(r, "ankle", "dorsiflexion") == "spared"
    assert reflex(r, "ankle_reflex") == "absent"
    assert {"sole", "lateral_foot", "medial_heel"} <= skin(r)
    assert "cannot_rise_on_toes" in signs(r)


def test_tibial_nerve_in_the_tarsal_tunnel(model: LesionModel) -> None:
    # No leg muscle lost: only the muscles of the sole and its skin, the heel with it (its
    # branches usually leave in the tunnel); the long toe flexors still work, so the toes claw.
    r = cut(model, "tibial_nerve", "tarsal_tunnel")
    assert denervated(r) == {
        "abductor_hallucis", "flexor_digitorum_brevis", "abductor_digiti_minimi_foot",
        "quadratus_plantae",
    }
    for joint in ("hip", "knee", "ankle", "subtalar"):
        assert all(m.status == "spared" for m in r.movements if m.joint == joint)
    assert status(r, "lateral_toes", "flexion") == "weakened"  # flexor digitorum longus left
    assert {"medial_plantar_nerve", "lateral_plantar_nerve"} <= set(r.nerves_cut)
    assert skin(r) == {"sole", "medial_heel"}
    assert reflex(r, "ankle_reflex") == "normal"
    assert "clawing" in signs(r)


def test_the_hamstring_part_of_adductor_magnus_goes_with_the_sciatic_nerve(
    model: LesionModel,
) -> None:
    # Two nerves supply it: cutting one leaves the other's share (an estimate).
    r = cut(model, "sciatic_nerve", "gluteal")
    loss = next(m for m in r.muscles if m.muscle == "adductor_magnus")
    assert 0 < loss.supply_left < 1 and loss.estimate
    assert "obturator nerve" in loss.because
    assert status(r, "hip", "adduction") == "weakened"
    adductors = set(r.movement("hip", "adduction").intact_prime)
    assert {"adductor_longus", "adductor_brevis"} <= adductors
    # its adductor part (obturator nerve) still flexes the hip; its hamstring part no longer
    # extends it
    assert status(r, "hip", "flexion") == "spared"
    assert "adductor_magnus" in r.movement("hip", "extension").lost


def test_sciatic_nerve_in_the_buttock(model: LesionModel) -> None:
    # Hamstrings and every muscle below the knee: knee flexion left to gracilis and sartorius,
    # a flail foot, the ankle jerk lost and the knee jerk kept.
    r = cut(model, "sciatic_nerve", "gluteal")
    assert {"semitendinosus", "biceps_femoris_short_head", "soleus", "tibialis_anterior"} <= (
        denervated(r)
    )
    assert status(r, "knee", "flexion") == "severely_weakened"
    assert set(r.movement("knee", "flexion").intact_assisting) == {"gracilis", "sartorius"}
    assert status(r, "ankle", "dorsiflexion") == "lost"
    assert status(r, "ankle", "plantarflexion") == "lost"
    assert status(r, "hip", "extension") == "weakened"  # gluteus maximus is left
    # Only assisting muscles of hip medial rotation are in the atlas: never called lost.
    assert status(r, "hip", "medial_rotation") == "weakened"
    assert r.movement("hip", "medial_rotation").partial_atlas
    assert reflex(r, "ankle_reflex") == "absent"
    assert reflex(r, "knee_reflex") == "normal"
    assert reflex(r, "medial_hamstring_reflex") == "absent"
    assert {"foot_drop", "cannot_rise_on_toes"} <= signs(r)
    # a flail foot: not held plantarflexed and inverted (the calf and invertors are gone too)
    assert "equinovarus" not in signs(r)


def test_l4_root(model: LesionModel) -> None:
    # Weak dorsiflexion (tibialis anterior) and knee extension; knee jerk reduced; medial leg.
    r = root(model, "L4")
    assert status(r, "ankle", "dorsiflexion") == "weakened"
    assert status(r, "knee", "extension") == "weakened"
    assert reflex(r, "knee_reflex") == "reduced"
    assert reflex(r, "ankle_reflex") == "normal"
    assert skin(r) == {"dermatome_l4"}
    assert all(m.estimate for m in r.muscles)  # every muscle keeps another root
    assert not denervated(r)


def test_l5_root(model: LesionModel) -> None:
    # Weak great-toe extension and inversion (tibialis posterior); the medial hamstring
    # reflex reduced, knee and ankle jerks kept; lateral leg and dorsum of the foot.
    r = root(model, "L5")
    assert status(r, "great_toe", "extension") == "weakened"
    assert status(r, "subtalar", "inversion") == "weakened"
    assert reflex(r, "ankle_reflex") == "normal"
    assert reflex(r, "knee_reflex") == "normal"
    assert reflex(r, "medial_hamstring_reflex") == "reduced"
    assert skin(r) == {"dermatome_l5"}
    assert "foot_drop" not in signs(r)


def test_a_root_lesion_says_how_much_of_a_reflex_arc_it_takes(model: LesionModel) -> None:
    """The medial hamstring reflex, whose arc is L5 alone, read "L5 is part of its arc (L5)"
    after an L5 lesion."""
    def because(result: LesionResult, reflex_id: str) -> str:
        return next(r.because for r in result.reflexes if r.reflex.id == reflex_id)

    assert because(root(model, "L5"), "medial_hamstring_reflex") == "L5 is the root of its arc"
    assert because(root(model, "S1"), "ankle_reflex") == "S1 is part of its arc (S1, S2)"
    both = model.compute(Lesion((), ("L3", "L4")))
    assert reflex(both, "knee_reflex") == "reduced"  # (the quadriceps keep L2)
    assert because(both, "knee_reflex") == "L3, L4 are all the roots of its arc"


def test_s1_root(model: LesionModel) -> None:
    # Weak plantarflexion and eversion, ankle jerk reduced, lateral border of the foot numb.
    r = root(model, "S1")
    assert status(r, "ankle", "plantarflexion") == "weakened"
    assert status(r, "subtalar", "eversion") == "weakened"
    assert reflex(r, "ankle_reflex") == "reduced"
    assert reflex(r, "knee_reflex") == "normal"
    assert skin(r) == {"dermatome_s1"}


def test_s1_is_told_from_l5(model: LesionModel) -> None:
    """An S1 lesion gave the same grades as L5 for great toe extension and the L5 medial
    hamstring reflex: every root of a muscle counted alike, and a reflex was reduced by any
    weakened muscle of its arc. A muscle sources test through another root (extensor hallucis
    longus: L5) is only possibly weak, and a reflex needs its own root."""
    s1, l5 = root(model, "S1"), root(model, "L5")
    assert status(l5, "great_toe", "extension") == "weakened"
    assert status(s1, "great_toe", "extension") == "slightly_weakened"
    assert "extensor_hallucis_longus" not in {m.muscle for m in s1.muscles}
    why = next(m.because for m in s1.possibly if m.muscle == "extensor_hallucis_longus")
    assert why.startswith("S1 is one of its roots") and "test it for L5" in why
    # with its nerve cut as well, it is lost, not "possibly" weak
    both = model.compute(Lesion(cuts=(model.cut("common_fibular_nerve", "fibular_neck"),),
                                roots=("S1",)))
    assert "extensor_hallucis_longus" not in {m.muscle for m in both.possibly}
    assert "extensor_hallucis_longus" in {m.muscle for m in both.muscles}
    assert reflex(s1, "medial_hamstring_reflex") == "normal"
    assert reflex(l5, "medial_hamstring_reflex") == "reduced"
    assert reflex(root(model, "L2"), "knee_reflex") == "normal"
    # a cut nerve still reduces a reflex through part of its muscles
    sciatic = model.compute(Lesion(cuts=(model.cut("sciatic_nerve"),)))
    assert reflex(sciatic, "ankle_reflex") == "absent"


def test_a_root_only_some_sources_give_is_reported_as_possible(model: LesionModel) -> None:
    r = root(model, "L4")
    possibly = {m.muscle for m in r.possibly}
    assert "extensor_hallucis_longus" in possibly  # main L5, S1; some sources add L4
    assert "extensor_hallucis_longus" not in {m.muscle for m in r.muscles}


def test_a_nerve_and_a_root_together(model: LesionModel) -> None:
    r = model.compute(
        Lesion(cuts=(model.cut("superficial_fibular_nerve", "crural_fascia"),), roots=("S1",))
    )
    assert skin(r) == {"dorsum_of_foot", "dermatome_s1"}
    assert status(r, "ankle", "plantarflexion") == "weakened"


def test_the_same_lesion_gives_the_same_result(model: LesionModel) -> None:
    lesion = Lesion(cuts=(model.cut("tibial_nerve", "popliteal_fossa"),), roots=("L5",))
    assert model.compute(lesion) == model.compute(lesion)


def test_the_leg_s_muscles_are_named_before_the_foot_s(model: LesionModel) -> None:
    """A tibial nerve palsy listed (and the study's feedback linked) abductor hallucis, flexor
    digitorum brevis and abductor digiti minimi first, not the calf; the common fibular nerve
    the two short extensors of the foot before tibialis anterior."""
    tibial = model.compute(Lesion(cuts=(model.cut("tibial_nerve", "popliteal_fossa"),)))
    first = [m.muscle for m in tibial.muscles[:3]]
    assert "soleus" in first or "gastrocnemius_medial_head" in first, first
    fibular = model.compute(Lesion(cuts=(model.cut("common_fibular_nerve", "fibular_neck"),)))
    names = [m.muscle for m in fibular.muscles]
    assert names.index("tibialis_anterior") < names.index("extensor_digitorum_brevis")


def test_inversion_kept_tells_a_fibular_palsy_from_l5(model: LesionModel) -> None:
    """Both give a foot drop; the common fibular palsy listed inversion among the weakened
    movements ("slightly weakened") with nothing saying that strong inversion is the test
    that tells it from an L5 root lesion."""
    fibular = model.compute(Lesion(cuts=(model.cut("common_fibular_nerve", "fibular_neck"),)))
    assert "inversion_kept" in signs(fibular)
    assert "inversion_kept" not in signs(root(model, "L5"))
    sciatic = model.compute(Lesion(cuts=(model.cut("sciatic_nerve"),)))
    assert "inversion_kept" not in signs(sciatic)


def test_an_l2_lesion_names_its_skin(model: LesionModel) -> None:
    """L2 said "Numb skin: None", though sources give it the upper front of the thigh."""
    assert skin(root(model, "L2")) == {"dermatome_l2"}


def test_an_s3_lesion_names_its_skin_off_the_3d_leg(model: LesionModel) -> None:
    """S3 said "Numb skin: None"; its dermatome lies on the buttock, above the 3D skin."""
    assert skin(root(model, "S3")) == {"dermatome_s3"}
    assert not model.data.dermatomes["S3"].on_skin


def test_the_hip_abductors_tell_l5_from_a_fibular_palsy(model: LesionModel) -> None:
    """Gluteus medius and minimus are not in the atlas: L5, S1 and S2 all read 'weak hip
    abduction' through the upper fibres of gluteus maximus alone, and nothing taught the
    Trendelenburg sign that tells an L5 root from a fibular nerve lesion."""
    from calfexplorer.lesion.cases import findings_sentence

    assert "trendelenburg_l5" in signs(root(model, "L5"))
    fibular = cut(model, "common_fibular_nerve", "fibular_neck")
    assert "trendelenburg_l5" not in signs(fibular) | signs(root(model, "S1"))
    for name in ("L5", "S1", "S2"):
        found = findings_sentence(model.atlas, root(model, name))
        assert "hip abduction" not in found and "hip medial rotation" not in found, name
    assert "weak hip flexion" in findings_sentence(model.atlas, root(model, "L2"))  # (its key test)
    assert "Trendelenburg" in findings_sentence(model.atlas, root(model, "L5"))


def test_femoral_saphenous_and_obturator_nerves_can_be_cut(model: LesionModel) -> None:
    """They could not be: a class could not set an L4 root against a femoral or saphenous
    lesion (all numb the medial leg; only the femoral takes the knee jerk, and the adductors
    are spared)."""
    femoral = model.compute(Lesion(cuts=(model.cut("femoral_nerve"),)))
    assert status(femoral, "knee", "extension") == "lost"
    assert reflex(femoral, "knee_reflex") == "absent"
    assert status(femoral, "hip", "adduction") == "spared"
    assert skin(femoral) == {"anterior_thigh", "infrapatellar", "saphenous"}
    low = cut(model, "saphenous_nerve", "medial_leg")
    assert not low.muscles and skin(low) == {"saphenous"}  # (the knee's skin keeps feeling)
    assert skin(cut(model, "saphenous_nerve", "adductor_canal")) == {"infrapatellar",
                                                                    "saphenous"}
    obturator = model.compute(Lesion(cuts=(model.cut("obturator_nerve"),)))
    assert status(obturator, "hip", "adduction") == "weakened"  # (adductor magnus: sciatic too)
    assert {"adductor_longus", "gracilis"} <= denervated(obturator)
    assert skin(obturator) == {"medial_thigh"} and reflex(obturator, "knee_reflex") == "normal"


def test_a_tibial_cut_says_the_sural_skin_may_keep_its_feeling(model: LesionModel) -> None:
    """A tibial nerve cut at the knee listed the sural nerve's skin as numb without a word
    that the fibular communicating branch often keeps part or all of it feeling (the data had
    the caveat on the branch, where no page showed it); a cut of the sural nerve itself takes
    that skin without the caveat."""
    tibial = {s.id: s for s in cut(model, "tibial_nerve", "popliteal_fossa").skin}
    said = [a.text for a in tibial["lateral_foot"].disputed]
    assert any("tibial nerve alone may leave part or all" in t for t in said), said
    sural = {s.id: s for s in cut(model, "sural_nerve", "calf").skin}
    assert not any("tibial nerve alone" in a.text for a in sural["lateral_foot"].disputed)
    # a sciatic cut takes the fibular fibres too: that skin is numb without a doubt
    sciatic = {s.id: s for s in cut(model, "sciatic_nerve", "gluteal").skin}
    assert not any("tibial nerve alone" in a.text for a in sciatic["lateral_foot"].disputed)


def test_a_fibular_palsy_with_an_l5_root_lesion_is_not_held_inverted(
    model: LesionModel,
) -> None:
    """The common fibular nerve cut at the fibular neck with the L5 root listed "Foot held
    plantarflexed and inverted ... tibialis posterior still working" beside tibialis posterior
    half lost and inversion weakened; the combined lesion weakens the invertors too, so the
    foot hangs down without turning in, and weak inversion is what points beyond the nerve."""
    both = model.compute(Lesion(
        cuts=(model.cut("common_fibular_nerve", "fibular_neck"),), roots=(model.root("L5"),),
    ))
    assert status(both, "subtalar", "inversion") == "weakened"
    assert "equinovarus" not in signs(both)
    assert {"foot_drop", "foot_drop_weak_inversion", "loss_of_eversion"} <= signs(both)
    fibular = cut(model, "common_fibular_nerve", "fibular_neck")
    assert "foot_drop_weak_inversion" not in signs(fibular)
    assert "foot_drop_weak_inversion" not in signs(cut(model, "sciatic_nerve", "gluteal"))
