"""Broken meshes: the window says what is wrong and how to rebuild, and the rest still works."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from calfexplorer.assets.manifest import GLB, MANIFEST
from calfexplorer.paths import assets_dir


@pytest.fixture
def meshes(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "meshes"
    shutil.copytree(assets_dir(), folder)
    monkeypatch.setenv("CALFEXPLORER_ASSETS_DIR", str(folder))
    return folder


def _open(qtbot):
    from calfexplorer.ui.main_window import MainWindow

    window = MainWindow.create(show_problems=False)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    return window


def _fully_shown(label) -> bool:
    """The label's wrapped text fits in the height it was given (nothing cut off)."""
    return label.isVisible() and label.height() >= label.heightForWidth(label.width())


@pytest.mark.parametrize("damage", ["deleted", "truncated", "garbage"])
def test_without_meshes_the_view_says_why_and_the_rest_works(qtbot, meshes, damage):
    glb = meshes / GLB
    if damage == "deleted":
        glb.unlink()
    elif damage == "truncated":
        glb.write_bytes(glb.read_bytes()[:100_000])
    else:
        glb.write_bytes(b"garbage")
    window = _open(qtbot)
    notice = window.centralWidget()
    text = notice.text()
    assert "3D model not loaded" in text and "leg.glb" in text
    assert "calfexplorer build-assets" in text
    assert _fully_shown(notice)
    qtbot.keyClicks(window.search.edit, "soleus")
    assert window.search.result_ids()[0] == "soleus"
    qtbot.keyClick(window.search.edit, Qt.Key.Key_Return)
    assert window.state.selected == "soleus"
    assert "Tibial nerve" in window.info.toPlainText()
    assert "3D model unavailable: the mesh file" in window.info.toPlainText()
    window.modes_menu.actions()[0].trigger()  # Modes > Study
    assert window.mode_docks["study"].isVisible()
    window.close()


def test_a_list_shaped_manifest_draws_under_a_banner(qtbot, meshes):
    man = json.loads((meshes / MANIFEST).read_text())
    man["meshes"] = list(man["meshes"])
    (meshes / MANIFEST).write_text(json.dumps(man))
    window = _open(qtbot)
    banner = window.asset_banner
    assert banner is not None and _fully_shown(banner)
    assert "manifest.json is malformed" in banner.text()
    assert "calfexplorer build-assets" in banner.text()
    window.scene.render()
    qtbot.waitUntil(lambda: window.viewport.frames_rendered > 0, timeout=10000)
    assert window.scene.parts("soleus")
    window.close()


def test_good_meshes_have_no_banner(qtbot):
    window = _open(qtbot)
    assert window.asset_banner is None
    assert window.centralWidget() is window.viewport
    window.close()


def test_the_realistic_leg_note_is_dismissed_by_clicking_its_link(qtbot) -> None:
    from PySide6.QtWidgets import QWidget

    from calfexplorer.ui import asset_notice

    from .clicking import click_link

    note = "the BodyParts3D anatomy pack in /x cannot be used: it holds no mesh"
    box, (banner,) = asset_notice.with_banners(QWidget(), [asset_notice.model_note_html(note)])
    qtbot.addWidget(box)
    box.resize(700, 300)
    box.show()
    qtbot.waitExposed(box)
    assert banner.isVisible() and "Showing the built-in model." in banner.text()
    assert click_link(qtbot, banner, lambda: not banner.isVisible())
