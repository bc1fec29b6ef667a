"""Typed-answer matching: synonyms, case and small typos, but never a different structure."""

from __future__ import annotations

import pytest

from calfexplorer.study.text import Vocabulary, format_roots, normalize, parse_roots

NAMES = [
    ("Soleus", "soleus"),
    ("Musculus soleus", "soleus"),
    ("Popliteus", "popliteus"),
    ("Fibularis longus", "fibularis_longus"),
    ("Peroneus longus", "fibularis_longus"),
    ("Fibularis brevis", "fibularis_brevis"),
    ("Peroneus brevis", "fibularis_brevis"),
    ("Extensor digitorum longus", "extensor_digitorum_longus"),
    ("Flexor digitorum longus", "flexor_digitorum_longus"),
    ("Tibialis anterior", "tibialis_anterior"),
    ("Tibialis posterior", "tibialis_posterior"),
    ("Gastrocnemius", "gastrocnemius"),
    ("Medial head of gastrocnemius", "gastrocnemius_medial_head"),
    ("Lateral head of gastrocnemius", "gastrocnemius_lateral_head"),
    ("Tibial nerve", "tibial_nerve"),
    ("Tibia", "tibia"),
]


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary(NAMES)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("soleus", "soleus"),
        ("SOLEUS", "soleus"),
        ("the soleus muscle", "soleus"),
        ("m. soleus", "soleus"),
        ("musculus soleus", "soleus"),
        ("solues", "soleus"),
        ("solius", "soleus"),
        ("peroneus longus", "fibularis_longus"),
        ("Peroneous longus", "fibularis_longus"),
        ("fibularis longs", "fibularis_longus"),
        ("longus fibularis", "fibularis_longus"),
        ("fibularis brevis", "fibularis_brevis"),
        ("flexor digitorum longs", "flexor_digitorum_longus"),
        ("gastrocnemius medial head", "gastrocnemius_medial_head"),
        ("gastrocnemus", "gastrocnemius"),
        ("tibial nerv", "tibial_nerve"),
        ("tibial", "tibial_nerve"),
        ("tibia", "tibia"),
    ],
)
def test_reads_names_synonyms_case_and_typos(vocab, typed, expected):
    match = vocab.match(typed)
    assert match is not None
    assert match.ids == {expected}


@pytest.mark.parametrize(
    ("typed", "never"),
    [
        ("soleus", "popliteus"),
        ("popliteus", "soleus"),
        ("fibularis brevis", "fibularis_longus"),
        ("peroneus brevis", "fibularis_longus"),
        ("extensor digitorum longus", "flexor_digitorum_longus"),
        ("tibialis anterior", "tibialis_posterior"),
        ("lateral head of gastrocnemius", "gastrocnemius_medial_head"),
    ],
)
def test_never_reads_a_different_structure(vocab, typed, never):
    match = vocab.match(typed)
    assert match is None or never not in match.ids


@pytest.mark.parametrize(
    "typed",
    ["", "xyz", "gastroc", "extensor digitorum brevis", "soleus gastrocnemius", "medial gastroc"],
)
def test_unclear_or_unknown_answers_match_nothing(vocab, typed):
    assert vocab.match(typed) is None


def test_normalize_drops_filler_and_accents():
    assert normalize("The Soléus Muscle") == "soleus"
    assert normalize("m. fibularis_longus") == "fibularis longus"


@pytest.mark.parametrize(
    ("text", "roots"),
    [
        ("L4-S1", {"L4", "L5", "S1"}),
        ("l4 – s1", {"L4", "L5", "S1"}),
        ("s1, s2", {"S1", "S2"}),
        ("L5 to S2", {"L5", "S1", "S2"}),
        ("S1", {"S1"}),
    ],
)
def test_parse_roots(text, roots):
    assert parse_roots(text) == roots


def test_parse_roots_none_and_format_order():
    assert parse_roots("tibial nerve") is None
    assert format_roots({"S2", "L5", "S1"}) == "L5, S1, S2"
