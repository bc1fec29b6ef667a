"""The plantar aponeurosis (plantar fascia) and the spring ligament: in the atlas, found by what
students type, on the info page, in the facts export and among the study cards."""

from __future__ import annotations

import json

import pytest

from calfexplorer.atlas import Atlas, load_atlas
from calfexplorer.cli import main
from calfexplorer.search import NameIndex
from calfexplorer.study.facts import StudyFacts
from calfexplorer.study.kinds import CardKey
from calfexplorer.ui.explore.info_html import structure_html

APONEUROSIS = "plantar_aponeurosis"
SPRING = "plantar_calcaneonavicular_ligament"


@pytest.fixture(scope="module")
def real() -> Atlas:
    atlas, problems = load_atlas()  # the app's own data (this folder's conftest has a small one)
    assert not problems
    return atlas


@pytest.fixture(scope="module")
def index(real: Atlas) -> NameIndex:
    return NameIndex(real)


def test_both_load_with_their_kind_region_layer_and_bones(real: Atlas) -> None:
    fascia, spring = real.structures[APONEUROSIS], real.structures[SPRING]
    assert (fascia.kind, fascia.region, real.layer_of(APONEUROSIS)) == ("fascia", "foot", "regions")
    assert (spring.kind, spring.region, real.layer_of(SPRING)) == ("ligament", "foot", "bones")
    assert [(a.bone, a.landmark) for a in fascia.attachments] == [
        ("calcaneus", "Medial process of the calcaneal tuberosity"), ("phalanges", None)]
    assert [(a.bone, a.landmark) for a in spring.attachments] == [
        ("calcaneus", "Sustentaculum tali"), ("navicular", "Plantar surface of the navicular")]
    assert "five" in fascia.attachments[1].text and "plantar plates" in fascia.attachments[1].text


def test_every_fact_cites_two_sources_or_more(real: Atlas) -> None:
    fascia, spring = real.structures[APONEUROSIS], real.structures[SPRING]
    records = [*fascia.attachments, *fascia.notes, *spring.attachments, *spring.resists,
               *spring.notes, *spring.clinical]
    for record in records:
        assert len(record.refs) >= 2, record.text[:60]


@pytest.mark.parametrize(("query", "wanted"), [
    ("plantar fascia", APONEUROSIS),
    ("plantar aponeurosis", APONEUROSIS),
    ("plantar fasciitis", APONEUROSIS),
    ("windlass", APONEUROSIS),
    ("heel spur", APONEUROSIS),
    ("spring ligament", SPRING),
    ("plantar calcaneonavicular", SPRING),
    ("flatfoot", SPRING),
])
def test_search_finds_them_by_what_students_type(index: NameIndex, query: str, wanted: str) -> None:
    assert wanted in [hit.id for hit in index.search(query, 3)]


def test_info_page_shows_the_attachments_and_the_clinical_notes(real: Atlas) -> None:
    fascia = structure_html(real, APONEUROSIS)
    assert "Medial process of the calcaneal tuberosity" in fascia
    assert "The windlass mechanism" in fascia and "Plantar fasciitis" in fascia
    spring = structure_html(real, SPRING)
    assert "Sustentaculum tali" in spring and "adult acquired flatfoot" in spring
    assert "tibialis posterior" in spring and "deltoid ligament" in spring


def test_facts_export_lists_them(capsys) -> None:
    main(["facts", "--json", "--id", APONEUROSIS, "--id", SPRING])
    by_id = {s["id"]: s for s in json.loads(capsys.readouterr().out)["structures"]}
    assert by_id[APONEUROSIS]["layer"] == "regions"
    assert by_id[SPRING]["resists"][0]["text"].startswith("The head of the talus")
    assert by_id[SPRING]["clinical"][0]["disputed"]  # which fails first: tendon or ligament


def test_study_mode_asks_to_name_and_find_them(real: Atlas) -> None:
    facts = StudyFacts.with_lesions(real)
    for sid in (APONEUROSIS, SPRING):
        assert sid not in facts.not_drawn
        for kind in ("name_it", "find_it"):
            assert CardKey(sid, kind) in facts.cards
