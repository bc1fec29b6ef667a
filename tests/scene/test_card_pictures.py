"""Pictures for study cards (the Anki export): what a card asks about is large enough to see."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest

from calfexplorer.paths import assets_dir
from calfexplorer.scene import style

pytestmark = pytest.mark.skipif(
    not (assets_dir() / "manifest.json").is_file(),
    reason="assets/meshes not built yet (calfexplorer build-assets)",
)


def _highlighted(png: bytes) -> np.ndarray:
    """Pixels of the highlight's hue, lit or shaded: red and blue well above green."""
    from PIL import Image

    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float) / 255.0
    r, g, b = style.HIGHLIGHT.color
    assert r - g > 0.25 and b - g > 0.2  # (the rule fits the highlight colour)
    return (rgb[..., 0] - rgb[..., 1] > 0.25) & (rgb[..., 2] - rgb[..., 1] > 0.2)


def test_a_small_structure_fills_part_of_its_card_not_a_speck(atlas) -> None:
    """Name-it cards of the talofibular ligaments showed a 10-pixel dot on the whole leg,
    attachment-site cards a speck; a space named lit what it holds from knee to sole."""
    from calfexplorer.anatomy.leg_model import BUILTIN
    from calfexplorer.scene.cards import make_card_renderer
    from calfexplorer.study.facts import StudyFacts

    render, close = make_card_renderer(atlas, (480, 600), StudyFacts(atlas), BUILTIN)
    try:
        for sid in ("anterior_talofibular_ligament", "calcaneofibular_ligament"):
            assert _highlighted(render(sid)).mean() > 0.002, sid  # was 0.03 % and 0.05 %
        tunnel = _highlighted(render("tarsal_tunnel"))
        rows = np.flatnonzero(tunnel.any(axis=1))
        assert 0 < (rows.max() - rows.min()) / len(tunnel) < 0.4  # was 86 %, knee to sole
    finally:
        close()


def test_pictures_drawn_from_the_built_in_leg_for_a_broken_pack_say_so(
    atlas, tmp_path, monkeypatch
) -> None:
    """export-anki drew every picture from the built-in leg without a word when the pack was
    damaged (render warned): a teacher could ship a deck believing it showed the realistic
    leg."""
    from calfexplorer.scene.cards import make_card_renderer

    pack = tmp_path / "anatomy" / "bodyparts3d"
    pack.mkdir(parents=True)
    (pack / "manifest.json").write_text("{not json")
    (pack / "bodyparts3d.glb").write_bytes(b"garbage")
    monkeypatch.setenv("CALFEXPLORER_ANATOMY_DIR", str(tmp_path / "anatomy"))
    said: list[str] = []
    render, close = make_card_renderer(atlas, (64, 80), None, None, say=said.append)
    close()
    assert len(said) == 1 and said[0].startswith("the pictures show the built-in leg: ")
    assert str(pack) in said[0]


def _lesion_coloured(png: bytes) -> np.ndarray:
    """Pixels of the lesion colours (vermillion and its pale apricot tint), lit or shaded: red
    above green above blue, unlike the red-brown muscles (green and blue close) and nerves; or
    the apricot's own share of red in green and blue, which shading keeps (red above green
    above blue by 50 and 40 levels missed it in shade on the calf: (167, 128, 87))."""
    from PIL import Image

    from calfexplorer.lesion.report import DENERVATED_HEX, PARTLY_DENERVATED_HEX

    for colour in (DENERVATED_HEX, PARTLY_DENERVATED_HEX):  # (the rule fits the colours)
        r, g, b = style.hex_rgb(colour)
        assert r - g > 50 / 255 and g - b > 40 / 255
    r, g, b = style.hex_rgb(PARTLY_DENERVATED_HEX)
    assert 0.68 <= g / r <= 0.82 and 0.42 <= b / r <= 0.6
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)
    red = np.maximum(rgb[..., 0], 1)
    green, blue = rgb[..., 1] / red, rgb[..., 2] / red
    apricot = ((rgb[..., 0] >= 77) & (rgb[..., 0] == rgb.max(axis=-1))
               & (green >= 0.68) & (green <= 0.82) & (blue >= 0.42) & (blue <= 0.6))
    return ((rgb[..., 0] - rgb[..., 1] > 50) & (rgb[..., 1] - rgb[..., 2] > 40)) | apricot


def _differ(a: bytes, b: bytes) -> float:
    from PIL import Image

    pa, pb = (np.asarray(Image.open(io.BytesIO(p)).convert("RGB"), dtype=int) for p in (a, b))
    return float((np.abs(pa - pb).max(axis=2) > 10).mean())


def _differ_drawn(a: bytes, b: bytes) -> float:
    """Of the pixels the leg covers in either picture, the share that differ: unlike
    :func:`_differ`, not raised by a framing that moved the whole leg."""
    from PIL import Image

    pa, pb = (np.asarray(Image.open(io.BytesIO(p)).convert("RGB"), dtype=int) for p in (a, b))
    drawn = [(np.abs(p - p[0, 0]).max(axis=2) > 10) for p in (pa, pb)]  # (corner: background)
    leg = drawn[0] | drawn[1]
    return float(((np.abs(pa - pb).max(axis=2) > 10) & leg).sum() / max(int(leg.sum()), 1))


def test_a_lesion_picture_shows_its_muscles_and_those_that_tell_it_apart(atlas) -> None:
    """The deep fibular nerve cut in front of the ankle was drawn from behind, no muscle
    coloured; the common fibular nerve at the fibular neck and the deep fibular nerve high in
    the leg, S1 and S2, gave near-identical pictures (the muscles that tell them apart were
    behind the leg)."""
    from calfexplorer.anatomy.leg_model import BUILTIN
    from calfexplorer.scene.cards import make_card_renderer
    from calfexplorer.study.facts import StudyFacts

    render, close = make_card_renderer(atlas, (480, 600), StudyFacts.with_lesions(atlas),
                                       BUILTIN)
    try:
        png = {key: render(f"lesion:{key}") for key in (
            "deep_fibular_nerve@ankle", "deep_fibular_nerve@upper_leg",
            "common_fibular_nerve@fibular_neck", "root:S1", "root:S2")}
    finally:
        close()
    for key, picture in png.items():
        assert picture is not None
        assert _lesion_coloured(picture).mean() > 0.005, key  # the ankle's was 0.01 %
    common, deep = png["common_fibular_nerve@fibular_neck"], png["deep_fibular_nerve@upper_leg"]
    assert _differ(common, deep) > 0.05  # was 0.34 %
    # (framed alike since S1's and S2's muscles reach the same toes: what differs is colour)
    assert _differ_drawn(png["root:S1"], png["root:S2"]) > 0.08  # 13 % measured


def _numb(png: bytes) -> np.ndarray:
    """Pixels of the numb skin's tint (its cyan rim, lit or shaded): green and blue well above
    red, unlike the muscles, bones, nerves' yellow and veins' dark blue."""
    from PIL import Image

    from calfexplorer.scene.skin_layer import NUMB_HEX

    r, g, b = style.hex_rgb(NUMB_HEX)
    assert g - r > 50 / 255 and b - r > 70 / 255  # (the rule fits the colour)
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)
    return (rgb[..., 1] - rgb[..., 0] > 50) & (rgb[..., 2] - rgb[..., 0] > 70)


def _card_pictures(html: str, media: Any) -> list[bytes]:
    import re

    return [(media / name).read_bytes() for name in re.findall(r'<img src="([^"]+)"', html)]


def test_a_lesion_card_shows_what_is_lost_after_the_flip(atlas, tmp_path) -> None:
    """Lesion cards showed a small whole leg on the back, no numb skin, no cut (a skin
    nerve's, the sural nerve's, no picture at all); now, as Anki shows them, the back shows the
    lesion as the Lesion mode does (numb skin, weak muscles), and the front of a card that asks
    what is lost shows the cut alone, nothing of what it takes away."""
    from pathlib import Path

    anki_collection = pytest.importorskip("anki.collection")
    from calfexplorer.anatomy.leg_model import BUILTIN
    from calfexplorer.scene.cards import make_card_renderer
    from calfexplorer.study.anki import export_deck
    from calfexplorer.study.facts import StudyFacts
    from calfexplorer.study.scope import Scope

    facts = StudyFacts.with_lesions(atlas)
    asked = {"lesion:sural_nerve@calf", "lesion:common_fibular_nerve@fibular_neck"}
    drawn, close = make_card_renderer(atlas, (240, 300), facts, BUILTIN)

    def render(sid: str, answered: bool = True) -> bytes | None:  # (two lesions: time)
        if sid not in asked:
            return None
        return drawn(sid) if answered else drawn(sid, answered=False)

    deck = tmp_path / "lesions.apkg"
    try:
        export_deck(facts, deck, Scope.of(kinds=["lesion_loss", "lesion_locate"]), render)
    finally:
        close()
    col = anki_collection.Collection(str(tmp_path / "collection.anki2"))
    try:
        col.import_anki_package(anki_collection.ImportAnkiPackageRequest(package_path=str(deck)))
        media = Path(col.media.dir())
        sides = {}
        for cid in col.find_cards("tag:calfexplorer::lesion_*"):
            card = col.get_card(cid)
            note = card.note()
            if note["StructureId"] in asked:
                kind = next(t for t in note.tags if t.startswith("calfexplorer::"))
                sides[note["StructureId"], kind.removeprefix("calfexplorer::")] = (
                    _card_pictures(card.question(), media), _card_pictures(card.answer(), media))
    finally:
        col.close()
    from PIL import Image

    assert set(sides) == {(sid, kind) for sid in asked for kind in ("lesion_loss", "lesion_locate")
                          if (sid, kind) != ("lesion:sural_nerve@calf", "lesion_loss")}
    for (sid, kind), (front, back) in sides.items():
        assert len(back) == 1, (sid, kind)  # (the back's picture in place of the front's)
        assert Image.open(io.BytesIO(back[0])).size == (240, 300)
        assert _numb(back[0]).mean() > 0.005, (sid, kind)  # the sural nerve's: 2.6 %
        if kind == "lesion_locate":  # (where is the lesion? Its picture would tell)
            assert front == [], sid
    front, back = sides["lesion:common_fibular_nerve@fibular_neck", "lesion_loss"]
    assert len(front) == 1 and Image.open(io.BytesIO(front[0])).size == (240, 300)
    assert _numb(front[0]).mean() == 0 and _lesion_coloured(front[0]).mean() < 0.001
    assert _lesion_coloured(back[0]).mean() > 0.01


def test_a_lesion_picture_is_taken_from_where_its_numb_skin_is_seen(atlas) -> None:
    """The deep fibular nerve's first web space hid behind the foot in a picture from the
    side (0.06 % of it numb tint); a saphenous lesion, which colours no muscle, was drawn
    from the lateral side (the muscles telling the lesion nearest to it apart) with its numb
    skin on the medial leg out of sight."""
    from calfexplorer.anatomy.leg_model import BUILTIN
    from calfexplorer.scene.cards import make_card_renderer
    from calfexplorer.study.facts import StudyFacts

    render, close = make_card_renderer(atlas, (240, 300), StudyFacts.with_lesions(atlas),
                                       BUILTIN)
    try:
        numb = {key: _numb(render(f"lesion:{key}")).mean() for key in (
            "deep_fibular_nerve@upper_leg", "deep_fibular_nerve@ankle",
            "saphenous_nerve@adductor_canal", "sural_nerve@calf")}
    finally:
        close()
    assert numb.pop("deep_fibular_nerve@upper_leg") > 0.0015  # 0.27 % from the front
    for key, share in numb.items():
        assert share > 0.008, key  # 1.4-2.6 %


def _leg(png: bytes) -> np.ndarray:
    """Pixels of the leg: all but the view's background."""
    from PIL import Image

    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float) / 255.0
    return np.abs(rgb - np.array(style.BACKGROUND)).sum(axis=-1) > 30 / 255


def test_a_lesion_picture_holds_all_its_numb_skin_weak_muscles_and_cut(atlas, tmp_path) -> None:
    """Framed on one side of the knee, the femoral nerve's card showed the thigh: its numb
    medial leg (the saphenous nerve's skin, down to the medial malleolus) was out of the
    picture; the sciatic nerve's back left out its cut in the buttock, the roots' their
    thigh or calf. Each card's picture, projected with the camera it is drawn with, holds
    all of its lesion's numb skin, weak muscles and cuts; the femoral one shows its numb
    skin below the knee, from the medial side (from the front it was edge on)."""
    from calfexplorer.anatomy.leg_model import BUILTIN, load_leg
    from calfexplorer.lesion.report import denervation_colours, telling_muscles
    from calfexplorer.lesion.shown import lesion_shown
    from calfexplorer.scene.cards import draw_lesion, lesion_shot
    from calfexplorer.scene.scene import Scene
    from calfexplorer.state import AppState
    from calfexplorer.study.facts import StudyFacts

    facts = StudyFacts.with_lesions(atlas)
    colours = {key: denervation_colours(atlas, card.result) for key, card in facts.lesions.items()}
    assets, _ = load_leg(BUILTIN)
    size = (240, 300)
    scene = Scene(assets, atlas, AppState.from_atlas(atlas, labels=False), size=size)

    def outside(points: np.ndarray) -> float:
        """The share of ``points`` (every one, at most ~300 of them) out of the picture."""
        xy = np.array([scene.world_to_display(p) for p in points[:: max(len(points) // 300, 1)]])
        inside = (xy >= 0).all(axis=1) & (xy[:, 0] <= size[0]) & (xy[:, 1] <= size[1])
        return float(1.0 - inside.mean())

    try:
        for key, card in facts.lesions.items():
            shown = lesion_shown(atlas, facts.lesion_model, card.result)
            draw_lesion(scene, shown)
            telling = telling_muscles(colours, key) if shown.colours else set()
            shot = lesion_shot(scene, shown, telling)
            if shot is None:
                continue
            numb = scene.skin.numb_triangles().mean(axis=1)
            weak = [scene.world_vertices(p) for m in shown.colours for p in scene.parts(m)]
            cuts = np.array([p.centre for p in scene.nerve_cuts.places.values()])
            scene.set_view(shot.view)
            scene.set_camera_pose(shot.pose)
            if len(numb):
                assert outside(numb) == 0, (key, "numb skin")
            if weak:
                assert outside(np.concatenate(weak)) == 0, (key, "weak muscles")
            if len(cuts):
                assert outside(cuts) == 0, (key, "cut")
            if key != "lesion:femoral_nerve@inguinal":
                continue
            scene.skin.set_numb(["saphenous"])
            saphenous = scene.skin.numb_triangles().mean(axis=1)
            assert len(saphenous) and outside(saphenous) == 0  # (18 % out on the thigh's frame)
            draw_lesion(scene, shown)
            knee = scene.world_vertices("tibia")[:, 2].max()
            below = size[1] - scene.world_to_display(
                [*scene.world_vertices("tibia").mean(axis=0)[:2], knee])[1]
            png = scene.save_png(tmp_path / "femoral.png").read_bytes()
            assert _numb(png)[int(below):].mean() > 0.005  # the numb medial leg, seen
            assert _leg(png).mean() > 0.12  # (from the medial side; 10.6 % from the front)
    finally:
        scene.close()

