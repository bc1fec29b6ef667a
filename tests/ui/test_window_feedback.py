"""What a first-time user sees: group boxes in the structure list, status messages, search list."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMenu, QStyle, QStyleOptionViewItem


def _group(tree, title: str):
    root = tree.model_.invisibleRootItem()
    for row in range(root.rowCount()):
        if root.child(row).text() == title:
            return root.child(row)
    raise AssertionError(f"no group {title!r}")


def _click_check_box(qtbot, tree, item) -> None:
    """Click the check box of a tree row, where the style draws it."""
    index = item.index()
    tree.scrollTo(index)
    option = QStyleOptionViewItem()
    option.initFrom(tree)
    option.rect = tree.visualRect(index)
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    box = tree.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, tree)
    assert box.isValid() and tree.viewport().rect().contains(box.center())
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=box.center())


def test_unticking_a_group_box_hides_everything_in_it(qtbot, main_window):
    tree, state = main_window.tree, main_window.state
    bones = _group(tree, "Bones")
    _click_check_box(qtbot, tree, bones)
    qtbot.waitUntil(lambda: not state.is_visible("tibia", "bones"))
    assert not state.is_visible("calcaneus", "bones")
    assert bones.checkState() == Qt.CheckState.Unchecked
    assert tree.item_for("tibia").checkState() == Qt.CheckState.Unchecked
    _click_check_box(qtbot, tree, bones)
    qtbot.waitUntil(lambda: state.is_visible("tibia", "bones"))
    assert bones.checkState() == Qt.CheckState.Checked
    assert tree.item_for("fibula").checkState() == Qt.CheckState.Checked


def test_group_boxes_follow_what_is_shown(qtbot, main_window):
    tree, state = main_window.tree, main_window.state
    leg = _group(tree, "Muscles of the leg")
    bones = _group(tree, "Bones")
    state.hide("soleus")
    qtbot.waitUntil(lambda: leg.checkState() == Qt.CheckState.PartiallyChecked)
    assert bones.checkState() == Qt.CheckState.Checked
    main_window.state.set_layer_visible("bones", False)
    qtbot.waitUntil(lambda: bones.checkState() == Qt.CheckState.Unchecked)
    main_window.state.show_all()
    qtbot.waitUntil(lambda: leg.checkState() == Qt.CheckState.Checked)
    assert bones.checkState() == Qt.CheckState.Checked


def test_the_status_bar_never_names_a_selection_that_is_gone(qtbot, main_window):
    bar = main_window.statusBar()
    main_window.select("soleus")
    qtbot.waitUntil(lambda: bar.currentMessage() == "Selected: Soleus")
    main_window.viewport.setFocus()
    qtbot.keyClick(main_window.viewport, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: main_window.state.selected is None)
    assert "Soleus" not in bar.currentMessage()
    assert "Click a structure" in bar.currentMessage()


def test_hiding_and_isolating_say_what_happened_and_how_to_undo(qtbot, main_window):
    bar = main_window.statusBar()
    main_window.select("soleus")
    main_window.viewport.setFocus()
    qtbot.keyClick(main_window.viewport, Qt.Key.Key_H)
    qtbot.waitUntil(lambda: not main_window.state.is_visible("soleus", "superficial"))
    assert bar.currentMessage().startswith("Hidden: Soleus")
    assert "Ctrl+Z" in bar.currentMessage()
    main_window.select("tibialis_anterior")
    qtbot.keyClick(main_window.viewport, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: bool(main_window.state.isolated))
    assert bar.currentMessage().startswith("Showing only Tibialis anterior")
    assert "Shift+A" in bar.currentMessage()
    qtbot.keyClick(main_window.viewport, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not main_window.state.isolated)  # undone: no longer said,
    assert bar.currentMessage() == "Undone: showing only Tibialis anterior"  # but the undo


def test_a_timed_message_gives_the_selection_back_when_it_runs_out(qtbot, main_window):
    bar = main_window.statusBar()
    main_window.select("soleus")
    bar.showMessage("Saved somewhere", 50)
    qtbot.waitUntil(lambda: bar.currentMessage() == "Selected: Soleus")


def test_moving_off_a_structure_leaves_no_stale_hover_name(qtbot, main_window):
    bar, scene, viewport = main_window.statusBar(), main_window.scene, main_window.viewport
    main_window.set_view("posterior")
    main_window.select("tibia")
    scene.render()
    point = scene.visible_point("soleus")
    assert point is not None
    qtbot.mouseMove(viewport, viewport.widget_point(*point))
    qtbot.waitUntil(lambda: bar.currentMessage() == "Soleus")
    qtbot.mouseMove(viewport, QPoint(3, 3))  # the background in a corner
    qtbot.waitUntil(lambda: main_window.state.hovered is None)
    assert bar.currentMessage() == "Selected: Tibia"


def test_search_results_fit_their_list_without_scroll_bars(qtbot, main_window):
    search = main_window.search
    search.edit.setFocus()
    qtbot.keyClicks(search.edit, "peroneus")
    results = search.results
    qtbot.waitUntil(lambda: results.isVisible() and results.count() > 3)
    viewport = results.viewport().rect()
    row_height = results.sizeHintForRow(0)
    assert not results.horizontalScrollBar().isVisible()
    assert not results.verticalScrollBar().isVisible()
    assert viewport.height() < (results.count() + 1) * row_height  # no empty band below
    for row in range(results.count()):
        item = results.item(row)
        assert viewport.contains(results.visualItemRect(item)), item.text()
        assert item.toolTip().startswith(item.text().split("  (")[0])  # read whole there
    assert any("nervus fibularis" in t for t in search.result_texts())


def test_a_result_found_by_a_long_text_keeps_the_words_typed_in_sight(qtbot, atlas):
    """At 1400 pixels 'Tibia  (note: Medial tibial stress syndrome ("shin splints"))' ended
    in 'syndrome ("shin splint…': the words typed, the reason it was offered, were cut off."""
    from calfexplorer.ui.explore.search_box import SearchBox

    box = SearchBox(atlas)
    qtbot.addWidget(box)
    box.setFixedWidth(300)
    box.show()
    qtbot.waitExposed(box)
    qtbot.keyClicks(box.edit, "shin splints")
    qtbot.waitUntil(lambda: box.results.isVisible() and box.results.count() > 0)
    item = box.results.item(0)
    assert item.text().startswith("Tibia  (note: …")
    assert item.text().endswith('("shin splints"))')
    room = box.results.viewport().width()
    assert box.results.fontMetrics().horizontalAdvance(item.text()) < room
    assert item.toolTip() == 'Tibia  (note: Medial tibial stress syndrome ("shin splints"))'


def test_a_reference_link_opens_in_the_web_browser(qtbot, main_window, monkeypatch):
    from PySide6.QtGui import QDesktopServices, QTextCursor

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    info = main_window.info
    main_window.select("soleus")
    muscle_refs = [
        r for r in main_window.atlas.references.values()
        if r.url and r.url.startswith("https") and r.url in info.toPlainText()
    ]
    assert muscle_refs, "the soleus page lists no reference with a web address"
    ref = muscle_refs[0]
    found = info.document().find(ref.url)
    assert not found.isNull()
    cursor = QTextCursor(info.document())
    cursor.setPosition(found.selectionStart() + 4)
    info.setTextCursor(cursor)
    info.ensureCursorVisible()
    pos = info.cursorRect(cursor).center()
    assert info.anchorAt(pos) == ref.url  # the address is a link, not plain text
    qtbot.mouseClick(info.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: opened == [ref.url])
    assert main_window.state.selected == "soleus"  # the page stays where it was


def test_select_at_start_shows_its_page_over_a_restored_mode_tab(qtbot, main_window):
    study = main_window.mode_docks["study"]
    study.show()
    study.raise_()
    qtbot.waitUntil(lambda: main_window.info.visibleRegion().isEmpty())
    main_window.apply_startup_options(select="soleus")
    qtbot.waitUntil(lambda: not main_window.info.visibleRegion().isEmpty())
    assert main_window.info.current_id == "soleus"


def test_after_choosing_a_search_result_single_keys_act_on_it(qtbot, main_window):
    from PySide6.QtWidgets import QApplication

    main_window.activateWindow()
    main_window.search.edit.setFocus()
    qtbot.keyClicks(main_window.search.edit, "soleus")
    qtbot.keyClick(main_window.search.edit, Qt.Key.Key_Return)
    assert main_window.state.selected == "soleus"
    assert QApplication.focusWidget() is main_window.viewport
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_H)  # Hide selected
    assert "soleus" in main_window.state.hidden
    assert main_window.search.edit.text() == "soleus"  # no letter typed into the box



def test_a_view_export_that_cannot_be_written_says_so(qtbot, main_window, monkeypatch):
    from calfexplorer.ui import main_window as mw
    from calfexplorer.ui import save_dialog

    if main_window.scene is None:
        pytest.skip("no OpenGL: no 3D view")
    warned: list[str] = []
    monkeypatch.setattr(mw.QInputDialog, "getText", lambda *a, **k: ("64x64", True))
    monkeypatch.setattr(save_dialog.QFileDialog, "getSaveFileName",
                        lambda *a, **k: ("/proc/nope/calf.png", "PNG images (*.png)"))
    monkeypatch.setattr(mw.QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    main_window.export_view_dialog()
    assert warned and warned[0].startswith("Nothing was saved: ")  # (before drawing)
    assert "Saved" not in main_window.statusBar().currentMessage()


def test_one_key_commands_act_on_the_row_chosen_in_the_list(qtbot, main_window):
    """The list's row search took the letters for a while: after a click on Soleus, H chose
    the hip bone instead of hiding the soleus (the menus and the welcome page name the keys)."""
    window = main_window
    window.select("soleus")
    window.activateWindow()
    window.tree.setFocus()
    qtbot.waitUntil(window.tree.hasFocus)
    qtbot.keyClick(window.tree, Qt.Key.Key_H)
    assert "soleus" in window.state.hidden


def test_shift_f10_opens_the_list_s_menu_on_the_current_row(qtbot, main_window):
    """Only the Menu key opened it: many laptops have none."""
    window = main_window
    window.select("soleus")
    window.activateWindow()
    window.tree.setFocus()
    qtbot.waitUntil(window.tree.hasFocus)
    qtbot.keyClick(window.tree, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    assert "Isolate selected" in [a.text().replace("&", "") for a in menu.actions()]
    assert window.state.selected == "soleus"
    menu.close()


def test_a_view_saved_under_a_name_without_its_ending_gets_png(
        qtbot, main_window, monkeypatch, tmp_path):
    """A name typed without .png was saved with no ending at all."""
    from calfexplorer.ui import main_window as mw
    from calfexplorer.ui import save_dialog

    if main_window.scene is None:
        pytest.skip("no OpenGL: no 3D view")
    monkeypatch.setattr(mw.QInputDialog, "getText", lambda *a, **k: ("64x64", True))
    monkeypatch.setattr(save_dialog.QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(tmp_path / "calf"), "PNG images (*.png)"))
    main_window.export_view_dialog()
    assert (tmp_path / "calf.png").stat().st_size > 0 and not (tmp_path / "calf").exists()


def test_a_view_export_whose_pose_cannot_be_made_says_so(
        qtbot, main_window, monkeypatch, tmp_path):
    """The export draws the window's pose in a scene of its own, whose poser failed to load
    (an import missing from the install, a damaged pack): the ImportError escaped the menu's
    action, a traceback on stderr only."""
    import calfexplorer.scene.posing as posing
    from calfexplorer.ui import main_window as mw
    from calfexplorer.ui import save_dialog

    if main_window.scene is None:
        pytest.skip("no OpenGL: no 3D view")

    def missing(*_args, **_kwargs):
        raise ImportError("No module named 'calfexplorer.geometry.deform'")

    main_window.state.set_pose({"knee": 1.0})  # (posed with the real poser)
    monkeypatch.setattr(posing, "poser_for", missing)
    warned: list[str] = []
    monkeypatch.setattr(mw.QInputDialog, "getText", lambda *a, **k: ("64x64", True))
    monkeypatch.setattr(save_dialog.QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(tmp_path / "calf.png"), "PNG images (*.png)"))
    monkeypatch.setattr(mw.QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    main_window.export_view_dialog()
    assert warned == ["The view was not saved: ImportError: No module named "
                      "'calfexplorer.geometry.deform'"]
    assert not (tmp_path / "calf.png").exists()
