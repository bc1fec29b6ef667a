"""The info page's citations: numbers a reader can follow to the reference list."""

from __future__ import annotations

import re
from html import escape

from calfexplorer.atlas import Atlas
from calfexplorer.ui.explore.info_html import structure_html


def _page_parts(html: str) -> tuple[list[int], dict[int, str]]:
    """Citation numbers in reading order (before the list), and the list: number -> entry."""
    body, _, listing = html.partition("<h2>References</h2>")
    cited = [int(n) for marks in re.findall(r'class="refs">\[([\d, ]+)\]', body)
             for n in marks.split(", ")]
    entries = dict(
        (int(n), text) for n, text in re.findall(r'<p class="ref">\[(\d+)\] (.*?)</p>', listing)
    )
    return cited, entries


def test_citations_are_numbered_in_reading_order_and_listed_once(atlas: Atlas) -> None:
    html = structure_html(atlas, "soleus")
    cited, entries = _page_parts(html)
    assert cited and cited[0] == 1
    first_seen = list(dict.fromkeys(cited))
    assert first_seen == list(range(1, len(first_seen) + 1))  # a new source gets the next number
    assert sorted(entries) == list(range(1, len(entries) + 1))
    assert set(cited) <= set(entries)
    soleus = atlas.get("soleus")
    sources = {r for o in soleus.origins for r in o.refs} | set(soleus.references)
    texts = " ".join(entries.values())
    for ref_id in sources:
        assert escape(atlas.references[ref_id].citation) in texts
        assert ref_id not in html  # readers see numbers and citations, not our internal keys


def test_an_attachment_site_page_lists_its_sources(atlas: Atlas) -> None:
    site = next(s for s in atlas.attachments_of("soleus") if s.attachment.refs)
    cited, entries = _page_parts(structure_html(atlas, site.id))
    assert cited and set(cited) == set(entries)


def test_a_foot_bone_without_origins_says_the_foot_muscles_are_not_in_the_atlas(
    atlas: Atlas,
) -> None:
    cuboid = structure_html(atlas, "cuboid")
    assert "Origins on this bone (0)" in cuboid
    assert "Not all of the foot's own" in cuboid
    assert "Not all of the foot's own" not in structure_html(atlas, "calcaneus")  # it has origins
    assert "Not all of the foot's own" not in structure_html(atlas, "tibia")
    assert "Not all of the foot's own" not in structure_html(atlas, "talus")  # no muscle at all


def test_region_retinaculum_and_ligament_pages(atlas: Atlas) -> None:
    tunnel = structure_html(atlas, "tarsal_tunnel")
    assert "<h2>Contents, from front to back</h2><ol>" in tunnel
    assert 'href="select:tibial_nerve"' in tunnel and 'href="select:flexor_retinaculum"' in tunnel
    retinaculum = structure_html(atlas, "flexor_retinaculum")
    assert "What passes under it" in retinaculum
    assert 'href="select:flexor_hallucis_longus"' in retinaculum
    ligament = structure_html(atlas, "anterior_talofibular_ligament")
    assert "<h2>Resists</h2>" in ligament and 'href="select:talus"' in ligament
    assert "<h2>References</h2>" in ligament


def test_a_spaces_contents_carry_the_colour_key_of_the_3d_view_and_stay_links(
    atlas: Atlas,
) -> None:
    # each content is marked in the colour the 3D view lights it in inside the space
    from calfexplorer.scene.style import SPACE_CONTENT_HEX

    tunnel = structure_html(atlas, "tarsal_tunnel")
    contents = tunnel.split("<h2>Contents", 1)[1].split("</ol>", 1)[0]
    marked = {sid: fill for (fill, _), sid in _keyed_links(contents)}
    assert marked == {sid: SPACE_CONTENT_HEX[atlas.get(sid).kind]
                      for sid in atlas.get("tarsal_tunnel").contents.ids}
    assert len(set(marked.values())) == 4  # tendons, artery, veins, nerve
    fossa = dict((sid, fill) for (fill, _), sid in _keyed_links(
        structure_html(atlas, "popliteal_fossa")))
    assert fossa["common_fibular_nerve"] == SPACE_CONTENT_HEX["nerve"]
    # a compartment's page is not keyed: nothing in it is lit in those colours
    assert not _swatches(structure_html(atlas, "deep_posterior_compartment_leg"))


def _swatch_colours(swatch: str) -> tuple[str, str]:
    """A swatch's fill and outermost colour (``#RRGGBB``): a coloured square glyph's are its
    colour; an image's (an unfiltered RGB PNG) its middle pixel's and its corner's."""
    import base64
    import struct
    import zlib

    glyph = re.search(r'color:(#[0-9A-Fa-f]{6})">&#9632;', swatch)
    if glyph:
        return glyph[1].upper(), glyph[1].upper()
    data = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', swatch)[1])
    width, height = struct.unpack(">II", data[16:24])
    raw = zlib.decompress(data[data.index(b"IDAT") + 4:data.index(b"IEND") - 8])
    row = 1 + 3 * width

    def pixel(x: int, y: int) -> str:
        return "#" + raw[y * row + 1 + 3 * x:y * row + 4 + 3 * x].hex().upper()

    return pixel(width // 2, height // 2), pixel(0, 0)


_SWATCH = r'<img class="swatch"[^>]*>|<span class="swatch"[^>]*>&#9632;</span>'


def _swatches(html: str) -> list[tuple[str, str]]:
    """Every swatch on a page: its fill and outermost colour."""
    return [_swatch_colours(s) for s in re.findall(_SWATCH, html)]


def _keyed_links(html: str) -> list[tuple[tuple[str, str], str]]:
    """Each link after a swatch: the swatch's colours and the link's id."""
    return [(_swatch_colours(s), sid)
            for s, sid in re.findall(f'({_SWATCH})&nbsp;<a href="select:(\\w+)">', html)]


def _contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#RRGGBB`` colours."""
    def luminance(code: str) -> float:
        c = [int(code[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_colour_swatch_is_seen_on_the_white_page(atlas: Atlas) -> None:
    """A swatch is told from the page by its edge, whatever its colour: a nerve's yellow
    square alone was 1.3:1 against white (WCAG asks 3:1 of a graphic's edge)."""
    from calfexplorer.lesion import open_lesion_model
    from calfexplorer.lesion.model import Lesion
    from calfexplorer.ui.lesion.lesion_html import lesion_html

    model, _ = open_lesion_model(atlas)
    pages = {space: structure_html(atlas, space) for space in ("tarsal_tunnel", "popliteal_fossa")}
    cut = Lesion((model.cut("deep_fibular_nerve", "upper_leg"),))
    pages["cut"] = lesion_html(atlas, model, model.compute(cut))  # muscles wholly denervated
    pages["root"] = lesion_html(atlas, model, model.compute(Lesion((), ("L5",))))  # partly
    fills = set()
    for name, page in pages.items():
        swatches = _swatches(page)
        assert swatches, name
        for fill, edge in swatches:
            fills.add(fill)
            assert _contrast(edge, "#FFFFFF") >= 3.0, f"{name}: a {fill} swatch's edge"
    # every kind's colour (artery, vein, nerve, tendon) and both lesion grades
    assert len(fills) >= 6


def test_new_fields_reach_the_pages(atlas: Atlas) -> None:
    qp = structure_html(atlas, "quadratus_plantae")
    assert 'On the tendon of <a href="select:flexor_digitorum_longus">' in qp
    fdl = structure_html(atlas, "flexor_digitorum_longus")
    assert "Inserting on its tendon" in fdl and 'href="select:quadratus_plantae"' in fdl
    assert 'href="select:tarsal_tunnel"' in fdl  # where it lies
    assert "<h2>Skin it supplies</h2>" in structure_html(atlas, "medial_plantar_nerve")
    assert "by its upper fibres" in structure_html(atlas, "gluteus_maximus")


def test_every_link_on_every_page_selects_something(atlas: Atlas) -> None:
    import re

    for s in atlas:
        for target in re.findall(r'href="select:([^"]+)"', structure_html(atlas, s.id)):
            assert target in atlas or atlas.attachment(target) is not None, (s.id, target)


def test_a_nerve_or_artery_that_supplies_muscles_through_its_branches_lists_them(atlas):
    # The common fibular nerve and the popliteal artery showed "Muscles supplied —".
    import html as html_lib
    import re

    from calfexplorer.ui.explore.info_html import nerve_html, vessel_html

    def supplied(page: str) -> str:
        part = page[page.index("Muscles supplied"):]
        part = part[: part.index("<h2>", 5)] if "<h2>" in part[5:] else part
        return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", part)).split())

    fibular = supplied(nerve_html(atlas, atlas["common_fibular_nerve"]))
    assert fibular.startswith("Muscles supplied Through its branches:")
    assert "Deep fibular nerve : Extensor digitorum brevis" in fibular
    assert "Superficial fibular nerve : Fibularis longus , Fibularis brevis" in fibular
    popliteal = supplied(vessel_html(atlas, atlas["popliteal_artery"]))
    assert "Sural arteries : Gastrocnemius" in popliteal
    femoral = supplied(vessel_html(atlas, atlas["femoral_artery"]))
    assert femoral.count("Vastus intermedius") == 1
    sural = supplied(nerve_html(atlas, atlas["sural_nerve"]))
    assert sural == "Muscles supplied None: it carries sensation from the skin only."


def test_a_loop_of_branches_edited_into_the_data_does_not_break_the_page(tmp_path) -> None:
    from calfexplorer.atlas.loader import validate_folder
    from calfexplorer.ui.explore.info_html import nerve_html
    from data_copy import data_copy

    data = data_copy(tmp_path)
    nerves = data / "structures" / "nerves.yaml"
    text = nerves.read_text(encoding="utf-8")
    start = text.index("id: superficial_fibular_nerve")
    end = text.index("branch_of: common_fibular_nerve", start)
    nerves.write_text(text[:end] + "branch_of: deep_fibular_nerve" +
                      text[end + len("branch_of: common_fibular_nerve"):], encoding="utf-8")
    text = nerves.read_text(encoding="utf-8")
    start = text.index("id: deep_fibular_nerve")
    end = text.index("branch_of: common_fibular_nerve", start)
    nerves.write_text(text[:end] + "branch_of: superficial_fibular_nerve" +
                      text[end + len("branch_of: common_fibular_nerve"):], encoding="utf-8")
    atlas, problems = validate_folder(data)
    # reported and cut (a lesion's walk down the branches would never end), the page intact
    assert any("a loop of branches" in str(p) for p in problems)
    assert atlas["deep_fibular_nerve"].branch_of is None
    assert "Muscles supplied" in nerve_html(atlas, atlas["deep_fibular_nerve"])


def test_helpers_name_a_whole_muscle_once_not_also_its_parts(atlas: Atlas) -> None:
    html = structure_html(atlas, "soleus")
    plantarflexion = re.search(r"<b>Ankle plantarflexion</b>.*?</p>", html, re.S).group(0)
    helped = plantarflexion.split("Helped by:")[1].split("Opposed by:")[0]
    assert "select:gastrocnemius'" in helped or 'select:gastrocnemius"' in helped
    assert "gastrocnemius_medial_head" not in helped  # the whole covers its heads
    assert "gastrocnemius_lateral_head" not in helped


def _related_line(html: str, action: str, which: str) -> str:
    block = re.search(rf"<b>{action}</b>.*?</p>", html, re.S).group(0)
    helped, opposed = block.split("Helped by:")[1].split("Opposed by:")
    return helped if which == "helped" else opposed


def test_a_muscle_acting_through_a_part_is_named_with_the_part(atlas: Atlas) -> None:
    """Sartorius read 'Helped by: Gluteus maximus' and 'Opposed by: ..., Gluteus maximus' for
    hip abduction: its upper fibres abduct, its lower ones adduct."""
    html = structure_html(atlas, "sartorius")
    assert "Gluteus maximus (upper fibres)</a>" in _related_line(html, "Hip abduction", "helped")
    opposed = _related_line(html, "Hip abduction", "opposed")
    assert "Gluteus maximus (lower fibres)</a>" in opposed
    assert "Gluteus maximus</a>" not in opposed


def test_helpers_of_a_movement_whose_main_movers_are_missing_name_them(atlas: Atlas) -> None:
    """Rectus femoris was 'helped by' the adductors, gracilis and sartorius in hip flexion,
    with no word that iliopsoas, the main flexor, is not in the atlas; then with a word that
    did not name it."""
    html = structure_html(atlas, "rectus_femoris")
    note = "counting only this atlas&#x27;s muscles; main movers it lacks: iliopsoas"
    assert note in _related_line(html, "Hip flexion", "helped")
    assert "main movers" not in _related_line(html, "Hip flexion", "opposed")  # gluteus maximus
    assert "main movers" not in _related_line(html, "Knee extension", "helped")


def test_a_movement_lacking_some_main_movers_says_so_beside_one_it_has(atlas: Atlas) -> None:
    """Gluteus maximus, a main lateral rotator, was 'helped by' the adductors, biceps femoris
    and sartorius in hip lateral rotation with no word that the short lateral rotators, the
    other main movers, are not in the atlas."""
    html = structure_html(atlas, "gluteus_maximus")
    helped = _related_line(html, "Hip lateral rotation", "helped")
    assert "main movers it lacks: the short lateral rotators (piriformis" in helped
    opposed = _related_line(html, "Hip lateral rotation", "opposed")
    assert "front fibres of gluteus medius and gluteus minimus" in opposed
    cited = re.search(r"quadratus femoris\)(.*?)\)</span>", helped).group(1)  # its sources
    assert "[" in cited and "Texas Tech University Health Sciences Center" in html


def test_the_abductors_of_the_toes_abduct(atlas: Atlas) -> None:
    """Abductor hallucis and abductor digiti minimi listed flexion alone: the handout and the
    Anki cards taught that an abductor does not abduct. Movers of other toes are not named
    for the little toe (the dorsal interossei abduct toes 2 to 4); its opposers' note names
    the plantar interossei, and the great toe's the adductor hallucis, with no atlas muscle
    to list."""
    hallucis = structure_html(atlas, "abductor_hallucis")
    assert "<b>Great toe abduction</b>" in hallucis
    opposed = _related_line(hallucis, "Great toe abduction", "opposed")
    assert opposed.startswith(" &mdash; ") and "not in this atlas: adductor hallucis" in opposed
    minimi = structure_html(atlas, "abductor_digiti_minimi_foot")
    assert "<b>Abduction of the little toe</b>" in minimi
    assert "interossei" not in _related_line(minimi, "Abduction of the little toe", "helped")
    assert "plantar interossei" in _related_line(minimi, "Abduction of the little toe", "opposed")


def test_an_actions_disputes_follow_its_helpers_and_opposers(atlas: Atlas) -> None:
    """Two disputed readings of hip lateral rotation stood between the movement and its
    helpers, parting them."""
    html = structure_html(atlas, "gluteus_maximus")
    block = html.split("<b>Hip lateral rotation</b>")[1].split("<b>Hip abduction")[0]
    assert block.index("Helped by:") < block.index("Opposed by:") < block.index("Disputed")


def test_a_bone_lists_a_whole_muscle_not_also_each_of_its_heads(atlas: Atlas) -> None:
    html = structure_html(atlas, "calcaneus")
    insertions = html.split("Insertions on this bone")[1].split("</ul>")[0]
    assert "select:gastrocnemius:insertion" in insertions
    assert "gastrocnemius_medial_head" not in insertions
    assert "gastrocnemius_lateral_head" not in insertions
    assert insertions.startswith(f" ({insertions.count('<li>')})")
    femur = structure_html(atlas, "femur").split("Origins on this bone")[1].split("</ul>")[0]
    assert "biceps_femoris_short_head" not in femur and "select:biceps_femoris:" in femur


def test_a_space_with_no_artery_in_it_says_so_not_a_dash(atlas: Atlas) -> None:
    """'Artery: —' read as 'no blood supply' for the superficial posterior compartment."""
    html = structure_html(atlas, "superficial_posterior_compartment_leg")
    artery = html.split("Artery: ")[1].split("</p>")[0]
    assert "no main artery runs within it" in artery


def test_the_welcome_page_tells_a_new_user_about_the_modes_and_f1() -> None:
    """The first page spoke only of peeling: Study, the motion lab, Lesion and F1 went
    undiscovered."""
    from calfexplorer.atlas import load_atlas
    from calfexplorer.ui.explore.info_html import structure_html

    page = structure_html(load_atlas()[0], None)
    for word in ("Modes", "Study", "Motion lab", "Lesion", "F1"):
        assert word in page


def test_a_bone_page_has_its_clinical_notes_with_their_sources(atlas: Atlas) -> None:
    """Bones had no clinical notes (the data could not hold them): the talus said no muscle
    attaches to it, not that a neck fracture can cost the body its blood supply."""
    html = structure_html(atlas, "talus")
    cited, entries = _page_parts(html)
    assert "<h2>Clinical notes</h2>" in html and "avascular necrosis" in html
    assert set(cited) <= set(entries) and len(entries) >= 3
    assert all(atlas.get(b).clinical for b in ("tibia", "fibula", "talus", "calcaneus"))


def test_a_nerve_or_vessel_running_under_its_compartment_s_muscles_says_so_with_sources(atlas):
    """The deep fibular nerve's and the anterior tibial artery's pages say they run on the
    interosseous membrane under the anterior muscles, cited; the tibial nerve's says nothing
    of the kind (the atlas holds no such fact for it)."""
    import html as html_lib

    for sid in ("deep_fibular_nerve", "anterior_tibial_artery"):
        page = html_lib.unescape(structure_html(atlas, sid))
        depth = page[page.index("Depth:"):]
        depth = depth[: depth.index("</p>")]
        assert "interosseous membrane" in depth and "anterior compartment" in depth, sid
        assert re.search(r"\[\d+(, \d+)+\]", depth), f"{sid}: the depth is not cited"
    assert "Depth:" not in structure_html(atlas, "tibial_nerve")


def test_the_numb_skin_key_is_seen_on_the_white_page_and_reads_as_the_3d_cyan(
        atlas: Atlas) -> None:
    """The lesion page's key to the numb skin was a cyan glyph at 2.4:1 on white (WCAG 1.4.11
    asks 3:1 of a graphic); it is drawn as the 3D leg draws the numb skin: a cyan outline
    (darkened to 3:1) around a pale cyan tint."""
    import colorsys

    from calfexplorer.lesion import open_lesion_model
    from calfexplorer.lesion.model import Lesion
    from calfexplorer.scene.style import NUMB_SKIN_HEX, hex_rgb
    from calfexplorer.ui.lesion.lesion_html import lesion_html

    model, _ = open_lesion_model(atlas)
    page = lesion_html(atlas, model, model.compute(Lesion((model.cut("sural_nerve", "calf"),))))
    key = re.search(r'<p class="muted">(<[^>]*>)[^<]*On the 3D leg', page)
    assert key and key[1].startswith('<img class="swatch"'), "the key is not a swatch"
    fill, edge = _swatch_colours(key[1])
    assert _contrast(edge, "#FFFFFF") >= 3.0

    def hue(code: str) -> float:
        return colorsys.rgb_to_hsv(*hex_rgb(code))[0] * 360

    for colour in (fill, edge):  # the 3D view's cyan, not another colour's
        assert abs(hue(colour) - hue(NUMB_SKIN_HEX)) < 10, colour
    assert _contrast(fill, "#FFFFFF") < _contrast(edge, "#FFFFFF")  # a tint inside an outline
