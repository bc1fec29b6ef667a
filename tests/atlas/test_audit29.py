"""Bones, ligaments, regions and joints corrected in the bones29 accuracy audit, as the info
panel and search show them."""

from __future__ import annotations

from calfexplorer.atlas import Atlas


def _text(text: str) -> str:
    return " ".join(text.split())


def test_anterior_tarsal_tunnel_names_both_short_extensors(atlas: Atlas) -> None:
    """The note said only extensor digitorum brevis weakens, while the atlas gives extensor
    hallucis brevis the same lateral terminal branch (and the lesion model weakens both)."""
    retinaculum = atlas.get("inferior_extensor_retinaculum")
    note = _text(next(n for n in retinaculum.notes if n.title == "Anterior tarsal tunnel").text)
    assert "extensor digitorum brevis and extensor hallucis brevis" in note
    assert "only extensor digitorum brevis" not in note
    assert "first web space" in note
    ehb = atlas.get("extensor_hallucis_brevis")  # the muscle's own record agrees
    assert ehb.innervation.nerves == ["deep_fibular_nerve"]


def _ids(atlas: Atlas, query: str, limit: int = 10) -> list[str]:
    from calfexplorer.search import NameIndex

    return [hit.id for hit in NameIndex(atlas).search(query, limit)]


def test_bone_words_students_type_find_the_bones(atlas: Atlas) -> None:
    """'tarsal bones' and 'tarsus' gave the metatarsals (and the sacrum) but no tarsal bone;
    'tibial plateau', 'fibular head', 'greater trochanter' and 'acetabulum' found nothing,
    'toes' no phalanges, 'sustentaculum tali' only an attachment site."""
    tarsals = {"talus", "calcaneus", "navicular", "cuboid", "cuneiforms"}
    for query in ("tarsal bones", "tarsus"):
        found = _ids(atlas, query, 6)
        assert set(found[:5]) == tarsals, (query, found)
    assert _ids(atlas, "tibial plateau")[0] == "tibia"
    assert "tibial plateau" in _text(atlas.get("tibia").description)
    assert _ids(atlas, "fibular head")[0] == "fibula"
    assert _ids(atlas, "greater trochanter")[0] == "femur"
    assert _ids(atlas, "acetabulum")[0] == "hip_bone"
    assert _ids(atlas, "toes")[0] == "phalanges"
    assert _ids(atlas, "sustentaculum tali")[0] == "calcaneus"
    for bone in tarsals:  # each says what the search term says
        assert "tarsal" in _text(atlas.get(bone).description), bone
