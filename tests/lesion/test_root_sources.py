"""Root lesions rest on textbook-grade sources (the bones29 audit): a muscle is shown as
possibly weak after a root lesion only where a reputable anatomy text gives it that root."""

from __future__ import annotations

import pytest

from calfexplorer.atlas import Atlas
from calfexplorer.lesion import Lesion, LesionModel, open_lesion_model


@pytest.fixture(scope="module")
def model(atlas: Atlas) -> LesionModel:
    model, problems = open_lesion_model(atlas)
    assert problems == []
    return model


def _possibly(model: LesionModel, root: str) -> set[str]:
    return {m.muscle for m in model.compute(Lesion(roots=(model.root(root),))).possibly}


def test_an_l4_root_lesion_spares_the_first_layer_of_the_sole(model: LesionModel) -> None:
    """Abductor hallucis and flexor digitorum brevis were 'possibly weak' after L4 on one
    orthopaedic web text (Wheeless) alone; anatomy texts give them S1 and S2, with S3 or L5."""
    possibly = _possibly(model, "L4")
    assert "abductor_hallucis" not in possibly
    assert "flexor_digitorum_brevis" not in possibly
    assert "extensor_hallucis_longus" in possibly  # a dispute with its sources still counts
    # L5 stays possible for abductor hallucis (Kenhub gives the medial sole muscles L5 to S2)
    assert "abductor_hallucis" in _possibly(model, "L5")
    assert "flexor_digitorum_brevis" not in _possibly(model, "L5")


def test_abductor_hallucis_roots_cite_textbook_grade_sources(atlas: Atlas) -> None:
    innervation = atlas.get("abductor_hallucis").innervation
    assert innervation.roots == ["S1", "S2"]
    assert {"r25_elsevier_abductor_hallucis", "r29_kenhub_medial_plantar_muscles",
            "lesion_harrison19_radiculopathy"} <= set(innervation.refs)
    assert "r15_yogabook_abductor_hallucis" not in innervation.refs
    assert "r15_medschoolhub_foot_layers" not in innervation.refs
    wheeless = next(d for d in innervation.disputed
                    if d.refs == ["r15_wheeless_abductor_hallucis"])
    assert not wheeless.roots and "L4" in wheeless.text  # told, not modelled


def test_every_lower_limb_dermatome_names_its_test_point(model: LesionModel) -> None:
    """L3 alone gave no key sensory point (the international standard: the medial femoral
    condyle), while L2 and L4 to S3 each named theirs."""
    areas = {root: " ".join(d.area.split()) for root, d in model.data.dermatomes.items()}
    assert "medial femoral condyle" in areas["L3"]
    for root in ("L2", "L3", "L4", "L5", "S1", "S2", "S3"):
        assert "test point" in areas[root] or "tested" in areas[root], root
