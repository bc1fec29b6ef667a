"""Pictures for study cards (the Anki export): what a card asks about is large enough to see."""

from __future__ import annotations

import io

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
