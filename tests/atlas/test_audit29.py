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
