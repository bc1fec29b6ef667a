"""The explorer window driven as a user drives it: clicks, links, layers, search, undo."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from calfexplorer.scene import style


def _click_structure(qtbot, window, structure_id: str) -> QPoint:
    """Click the viewport where ``structure_id`` is visible; returns the widget position."""
    scene, viewport = window.scene, window.viewport
    window.set_view("posterior")
    scene.render()
    point = scene.visible_point(structure_id)
    assert point is not None, f"{structure_id} is not visible anywhere in the posterior view"
    pos = viewport.widget_point(*point)
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=pos)
    return pos


def test_clicking_the_soleus_selects_it_and_names_its_nerve(qtbot, main_window):
    _click_structure(qtbot, main_window, "soleus")
    qtbot.waitUntil(lambda: main_window.state.selected == "soleus")
    text = main_window.info.toPlainText()
    assert "Soleus" in text
    assert "Tibial nerve" in text
    assert "tibial_nerve" in main_window.info.link_targets()


def test_a_link_in_the_panel_selects_the_linked_muscle(qtbot, main_window):
    main_window.select("gastrocnemius")
    assert "soleus" in main_window.info.link_targets()
    main_window.info.anchorClicked.emit(main_window.info.source().fromUserInput("select:soleus"))
    qtbot.waitUntil(lambda: main_window.state.selected == "soleus")
    assert main_window.info.current_id == "soleus"


def test_a_reference_link_without_a_web_browser_says_so(qtbot, main_window, monkeypatch):
    """With no web browser to start, a click on a reference's address did nothing to be seen
    (Qt told stderr only): the address is copied and the status bar says so."""
    import re

    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices, QGuiApplication

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda _url: False))
    main_window.select("soleus")
    address = re.findall(r'href="(https?://[^"]+)"', main_window.info.toHtml())[0]
    main_window.info.anchorClicked.emit(QUrl(address))
    message = main_window.statusBar().currentMessage()
    assert "No web browser could be started" in message and "copied" in message
    assert QGuiApplication.clipboard().text() == QUrl(address).toString()
    assert main_window.state.selected == "soleus"


def test_a_link_to_a_hidden_structure_shows_it_first(qtbot, main_window):
    main_window.state.set_layer_visible("deep", False)
    assert not main_window.scene.is_shown("tibialis_posterior")
    main_window.select("soleus")
    main_window.info.link_activated.emit("tibialis_posterior")
    assert main_window.state.selected == "tibialis_posterior"
    assert main_window.scene.is_shown("tibialis_posterior")


def test_toggling_a_layer_hides_its_structures(qtbot, main_window):
    superficial = main_window.scene.ids_in_layer("superficial")
    assert "soleus" in superficial and "gastrocnemius_medial_head" in superficial
    assert all(main_window.scene.is_shown(i) for i in superficial)
    main_window.layer_actions["superficial"].trigger()
    assert not any(main_window.scene.is_shown(i) for i in superficial)
    assert main_window.scene.is_shown("tibialis_posterior")
    tree_item = main_window.tree.item_for("soleus")
    assert tree_item.checkState() == Qt.CheckState.Unchecked
    main_window.layer_actions["superficial"].trigger()
    assert all(main_window.scene.is_shown(i) for i in superficial)


def test_unticking_a_tree_row_hides_that_structure(qtbot, main_window):
    item = main_window.tree.item_for("plantaris")
    item.setCheckState(Qt.CheckState.Unchecked)
    assert not main_window.scene.is_shown("plantaris")
    assert main_window.scene.is_shown("soleus")


def test_unticking_the_selected_structure_s_row_lets_go_of_it_as_hide_does(qtbot, main_window):
    """Space on tibialis posterior's own row (or its group's tick) took the muscle away but
    left it selected: its site patches and labels floated over a leg faded round nothing, its
    page and 'Selected: Tibialis posterior' stayed, as a peel's did before it let go."""
    state, scene, tree = main_window.state, main_window.scene, main_window.tree
    main_window.select("tibialis_posterior")
    assert scene.lit_sites
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_Space)
    assert not scene.is_shown("tibialis_posterior")
    assert state.selected is None and not scene.lit_sites
    assert main_window.info.current_id is None
    assert main_window.statusBar().currentMessage() == (  # (why the page emptied)
        "Hidden: Tibialis posterior (Ctrl+Z to undo, Shift+A to show all)")
    main_window.act_undo.trigger()  # the row ticked again, the muscle selected again
    assert scene.is_shown("tibialis_posterior") and state.selected == "tibialis_posterior"
    assert tree.item_for("tibialis_posterior").checkState() == Qt.CheckState.Checked
    main_window.act_redo.trigger()  # hidden again by Redo: no "Ctrl+Z to undo" told for it
    assert state.selected is None
    assert not main_window.statusBar().currentMessage().startswith("Hidden:")
    main_window.act_undo.trigger()
    group = tree.item_for("tibialis_posterior").parent()  # "Posterior compartment, deep"
    group.setCheckState(Qt.CheckState.Unchecked)
    assert state.selected is None and not scene.is_shown("flexor_hallucis_longus")


def _click_row(qtbot, tree, sid: str) -> None:
    index = tree.item_for(sid).index()
    tree.scrollTo(index)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton,
                     pos=tree.visualRect(index).center())


def test_a_row_selects_again_after_the_selection_was_cleared(qtbot, main_window):
    """Click a row, clear the selection (Esc, a click on empty space), click the row again:
    nothing happened, and the row stayed drawn as selected."""
    tree = main_window.tree
    _click_row(qtbot, tree, "popliteus")
    assert main_window.state.selected == "popliteus"
    main_window.state.clear_selection()
    assert not tree.selectionModel().hasSelection()
    _click_row(qtbot, tree, "popliteus")
    assert main_window.state.selected == "popliteus"


def test_a_row_of_a_hidden_structure_shows_it(qtbot, main_window):
    """The list selected a hidden structure and left it hidden (search and links show it)."""
    main_window.select("soleus")
    main_window.state.hide_selected()
    assert not main_window.scene.is_shown("soleus")
    _click_row(qtbot, main_window.tree, "plantaris")
    _click_row(qtbot, main_window.tree, "soleus")
    assert main_window.state.selected == "soleus"
    assert main_window.scene.is_shown("soleus")
    assert main_window.tree.item_for("soleus").checkState() == Qt.CheckState.Checked


def test_browsing_the_list_with_the_keys_keeps_what_is_hidden_hidden(qtbot, main_window):
    """Arrowing through the list switched peeled layers back on and grew an isolation (each
    row passed was shown); a click or Return shows a hidden row, the arrows only select."""
    state, tree = main_window.state, main_window.tree
    _click_row(qtbot, tree, "tibialis_posterior")
    state.isolate(main_window.atlas.isolation_of("tibialis_posterior"))
    state.set_layer_visible("superficial", False)
    tree.setFocus()
    for _ in range(3):  # popliteus, the deep group's row, plantaris
        qtbot.keyClick(tree, Qt.Key.Key_Up)
    assert state.selected == "plantaris"
    assert not state.layer_visible("superficial")
    assert not state.is_visible("plantaris", "superficial")
    assert not state.is_visible("popliteus", "deep")  # (the isolation did not grow)
    qtbot.keyClick(tree, Qt.Key.Key_Return)  # chosen: shown
    assert state.is_visible("plantaris", "superficial")


def _popup_actions(qtbot) -> list[str]:
    from PySide6.QtWidgets import QApplication, QMenu

    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    texts = [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
    menu.close()
    return texts


def test_a_right_click_on_a_structure_offers_hide_isolate_and_focus(qtbot, main_window):
    """Right-clicking a structure in the list or the 3D view opened nothing."""
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QApplication

    tree = main_window.tree
    index = tree.item_for("plantaris").index()
    tree.scrollTo(index)
    at = tree.visualRect(index).center()
    QApplication.sendEvent(tree.viewport(), QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, at, tree.viewport().mapToGlobal(at)))
    assert main_window.state.selected == "plantaris"
    assert {"Focus on selection", "Hide selected", "Isolate selected", "Show all"} <= set(
        _popup_actions(qtbot))
    if main_window.viewport is None or main_window.scene is None:
        return
    main_window.set_view("posterior")
    main_window.scene.render()
    point = main_window.scene.visible_point("soleus")
    assert point is not None
    qtbot.mouseClick(main_window.viewport, Qt.MouseButton.RightButton,
                     pos=main_window.viewport.widget_point(*point))
    assert "Isolate selected" in _popup_actions(qtbot)
    assert main_window.state.selected == "soleus"


def test_searching_peroneus_offers_fibularis_longus(qtbot, main_window):
    qtbot.keyClicks(main_window.search.edit, "peroneus")
    assert "fibularis_longus" in main_window.search.result_ids()
    assert "fibularis_brevis" in main_window.search.result_ids()
    main_window.search.edit.clear()
    qtbot.keyClicks(main_window.search.edit, "gastroc")
    assert main_window.search.result_ids()[0] == "gastrocnemius"
    qtbot.keyClick(main_window.search.edit, Qt.Key.Key_Return)
    assert main_window.state.selected == "gastrocnemius"


def test_searching_a_root_s_dermatome_opens_its_lesion(qtbot, main_window):
    """'S1 dermatome' found nothing: it offers the S1 root's lesion first (its dermatome as
    numb skin, its myotome and its muscles), then the muscles S1 supplies."""
    window = main_window
    qtbot.keyClicks(window.search.edit, "S1 dermatome")
    assert window.search.result_roots() == ["S1"]
    assert "soleus" in window.search.result_ids()
    assert window.search.result_texts()[0].startswith("S1 root")
    qtbot.keyClick(window.search.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.mode_docks["lesion"].isVisible())
    panel = window.lesion.panel
    qtbot.waitUntil(lambda: panel.result is not None)
    assert panel.root_boxes["S1"].isChecked()
    assert [r for r, box in panel.root_boxes.items() if box.isChecked()] == ["S1"]
    text = panel.browser.toPlainText()
    assert "Myotomes" in text and "Numb skin" in text and "Soleus" in text


def test_isolate_then_undo_restores_visibility(qtbot, main_window):
    scene = main_window.scene
    before = {sid: scene.is_shown(sid) for sid in scene.ids}
    main_window.select("soleus")
    main_window.act_isolate.trigger()
    shown = {sid for sid in scene.ids if scene.is_shown(sid)}
    assert "soleus" in shown and "tibia" in shown and "fibula" in shown
    assert "calcaneal_tendon" in shown and "calcaneus" in shown  # where it inserts
    assert "tibialis_anterior" not in shown
    main_window.act_undo.trigger()
    assert {sid: scene.is_shown(sid) for sid in scene.ids} == before


def test_undo_offers_redo_and_redo_offers_undo(qtbot, main_window):
    """After Ctrl+Z the Redo button stayed grey (the buttons were refreshed before the step was
    kept for Redo), so an undone isolate could not be redone."""
    main_window.select("gastrocnemius")
    main_window.act_isolate.trigger()
    assert main_window.act_undo.isEnabled() and not main_window.act_redo.isEnabled()
    main_window.act_undo.trigger()
    assert main_window.act_redo.isEnabled() and not main_window.act_undo.isEnabled()
    main_window.act_redo.trigger()
    assert main_window.state.isolated and main_window.act_undo.isEnabled()
    assert not main_window.act_redo.isEnabled()


def test_hide_then_undo_selects_the_structure_again(qtbot, main_window):
    main_window.select("soleus")
    main_window.act_hide.trigger()
    assert not main_window.scene.is_shown("soleus") and main_window.state.selected is None
    main_window.act_undo.trigger()
    assert main_window.scene.is_shown("soleus") and main_window.state.selected == "soleus"
    assert main_window.info.toPlainText().startswith("Soleus")


def test_peel_and_restore_with_one_key_each(qtbot, main_window):
    main_window.viewport.setFocus()
    qtbot.keyClick(main_window.viewport, Qt.Key.Key_P)
    assert not main_window.state.layer_visible("superficial")
    qtbot.keyClick(main_window.viewport, Qt.Key.Key_P, Qt.KeyboardModifier.ShiftModifier)
    assert main_window.state.layer_visible("superficial")


def test_a_peel_takes_the_selected_muscle_away_too_as_the_list_says(qtbot, main_window):
    """With the soleus selected, P unticked its row but left it drawn, solid magenta, over the
    deep muscles the student peeled to see; then (drawn no more) its patches and labels still
    floated and every deep muscle stayed faded behind it; Back brought a peeled gastrocnemius
    back drawn, its row and layer still off."""
    state, scene = main_window.state, main_window.scene
    main_window.select("gastrocnemius")
    main_window.select("soleus")
    assert scene.is_shown("soleus")
    faded = scene.drawn_style("tibialis_posterior").opacity
    main_window.viewport.setFocus()
    qtbot.keyClick(main_window.viewport, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: not scene.is_shown("soleus"))
    assert state.selected is None and not scene.lit_sites  # as a hide (H) does
    # the emptied page is explained (it went back to the welcome text unexplained)
    assert main_window.statusBar().currentMessage() == (
        "Peeled: Superficial muscles, and with it Soleus (Ctrl+Z to undo)")
    assert scene.drawn_style("tibialis_posterior").opacity > faded  # the deep layer, solid
    main_window.act_undo.trigger()  # the layer and the selection come back together
    qtbot.waitUntil(lambda: scene.is_shown("soleus") and state.selected == "soleus")
    qtbot.keyClick(main_window.viewport, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: not scene.is_shown("soleus"))
    main_window.act_back.trigger()  # the soleus again, shown as a link would show it
    assert state.selected == "soleus" and state.layer_visible("superficial")
    main_window.act_back.trigger()
    assert state.selected == "gastrocnemius"
    qtbot.waitUntil(lambda: scene.is_shown("gastrocnemius_medial_head"))


def test_a_layer_button_that_takes_the_selection_away_says_so(qtbot, main_window):
    """With tibialis posterior's page open, the Deep layer button took the muscle and its page
    away without a word (the status bar: 'Click a structure...'); P said why, the button not."""
    from PySide6.QtWidgets import QToolBar

    state = main_window.state
    main_window.select("tibialis_posterior")
    bar = main_window.findChild(QToolBar, "layers_toolbar")
    button = bar.widgetForAction(main_window.layer_actions["deep"])
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not state.layer_visible("deep") and state.selected is None
    assert main_window.statusBar().currentMessage() == (
        "Hidden: Deep muscles, and with it Tibialis posterior (Ctrl+Z to undo)")
    main_window.act_undo.trigger()  # as it says: the layer and the selection come back
    assert state.layer_visible("deep") and state.selected == "tibialis_posterior"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # a layer the selection is not in:
    main_window.select("soleus")  # the usual selection line, nothing about a hidden one
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert state.layer_visible("deep") and state.selected == "soleus"
    assert main_window.statusBar().currentMessage() == "Selected: Soleus"


def test_selected_muscle_pixels_carry_the_highlight_colour(qtbot, main_window):
    main_window.select("soleus")
    main_window.set_view("posterior")
    main_window.scene.render()
    x, y = main_window.scene.visible_point("soleus")
    image = main_window.scene.capture()  # top row first
    h = image.shape[0]
    patch = image[h - 1 - y - 2 : h - 1 - y + 3, x - 2 : x + 3].reshape(-1, 3).astype(float)
    target = np.array(style.HIGHLIGHT.color) * 255.0
    # Lit from the front, the highlight keeps its hue: red and blue high, green low.
    mean = patch.mean(axis=0)
    assert mean[1] < 0.6 * min(mean[0], mean[2]), (mean, target)


def test_back_and_forward_walk_the_selection_history(qtbot, main_window):
    main_window.select("soleus")
    main_window.select("tibia")
    main_window.act_back.trigger()
    assert main_window.state.selected == "soleus"
    main_window.act_forward.trigger()
    assert main_window.state.selected == "tibia"
    assert "Origins on this bone" in main_window.info.toPlainText()


def test_export_view_png_at_a_chosen_size(qtbot, main_window, tmp_path):
    out = main_window.export_view_png(tmp_path / "view.png", (640, 480))
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert (image.width(), image.height()) == (640, 480)


def test_export_view_png_shows_the_pose_and_the_colours_of_the_window(
    qtbot, main_window, tmp_path
):
    """The export drew the leg at rest in its anatomical colours whatever the window showed
    (the knee bent in the motion lab, muscles coloured by lengthening)."""
    from PySide6.QtGui import QImage

    def pixels(name: str) -> np.ndarray:
        out = main_window.export_view_png(tmp_path / name, (320, 400))
        image = QImage(str(out)).convertToFormat(QImage.Format.Format_RGB888)
        return np.frombuffer(image.constBits(), np.uint8).reshape(400, -1)[:, : 320 * 3].copy()

    main_window.set_view("lateral")
    rest = pixels("rest.png")
    main_window.state.set_pose({"knee": np.radians(90.0)})
    qtbot.waitUntil(lambda: main_window.scene.posing_ready, timeout=60_000)
    bent = pixels("bent.png")
    assert np.abs(bent.astype(int) - rest).mean() > 2  # the leg is drawn bent
    main_window.scene.set_colour_overrides({"soleus": (0.0, 1.0, 0.0)})
    green = pixels("green.png")
    g = green.reshape(400, 320, 3).astype(int)
    assert ((g[..., 1] > 180) & (g[..., 0] < 80) & (g[..., 2] < 80)).sum() > 200


@pytest.mark.parametrize("typed", ["0x100", "-5x100", "100000x100", "big"])
def test_export_view_refuses_a_size_it_cannot_draw(qtbot, main_window, monkeypatch, typed):
    """"0x100" and "-5x100" saved a 300 x 100 image and said "Saved"; no size was too big."""
    from calfexplorer.ui import main_window as mw
    from calfexplorer.ui import save_dialog

    warnings: list[str] = []
    monkeypatch.setattr(mw.QInputDialog, "getText", lambda *a, **k: (typed, True))
    monkeypatch.setattr(mw.QMessageBox, "warning", lambda _w, _t, text: warnings.append(text))
    monkeypatch.setattr(save_dialog.QFileDialog, "getSaveFileName",
                        lambda *a, **k: pytest.fail("asked for a file name"))
    main_window.export_view_dialog()
    assert len(warnings) == 1 and "size must be" in warnings[0].lower()
    assert "16..8192" in warnings[0] or "WIDTHxHEIGHT" in warnings[0]


@pytest.mark.parametrize("missing", ["plantaris"])
def test_a_structure_without_mesh_is_listed_as_unavailable(qtbot, missing, monkeypatch):
    from types import SimpleNamespace

    from calfexplorer.ui import main_window as mw

    real, _note = mw.load_scene_assets()
    meshes = {k: v for k, v in real.meshes.items() if k != missing}
    unavailable = {**real.unavailable, missing: "mesh file missing"}
    monkeypatch.setattr(
        mw, "load_scene_assets",
        lambda model=None: (SimpleNamespace(meshes=meshes, unavailable=unavailable), None),
    )
    window = mw.MainWindow.create(show_problems=False)
    qtbot.addWidget(window)
    item = window.tree.item_for(missing)
    assert item.text().endswith("(not in 3D)")
    assert "Not drawn in 3D: mesh file missing" in item.toolTip()
    window.select(missing)
    assert "3D model unavailable: mesh file missing" in window.info.toPlainText()
    window.close()


def test_no_opengl_gives_a_message_not_a_crash(qtbot, monkeypatch):
    monkeypatch.setenv("CALFEXPLORER_DISABLE_GL", "1")
    from calfexplorer.ui.main_window import MainWindow

    window = MainWindow.create(show_problems=False)
    qtbot.addWidget(window)
    assert window.viewport is None
    assert "3D view unavailable" in window.centralWidget().text()
    window.select("soleus")
    assert "Tibial nerve" in window.info.toPlainText()
    window.close()


def test_a_data_error_shows_a_dialog_and_the_app_opens_with_the_rest(qtbot, tmp_path, monkeypatch):
    import shutil

    from calfexplorer import paths

    data = tmp_path / "data"
    shutil.copytree(paths.data_dir(), data)
    posterior = data / "structures" / "leg_posterior.yaml"
    text = posterior.read_text().replace("nerves: [tibial_nerve]", "nerves: [tibal_nerve]", 1)
    posterior.write_text(text)
    monkeypatch.setenv("CALFEXPLORER_DATA_DIR", str(data))
    from calfexplorer.ui.main_window import MainWindow

    window = MainWindow.create(show_problems=True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: getattr(window, "problem_box", None) is not None)
    details = window.problem_box.detailedText()
    assert "structures/leg_posterior.yaml" in details
    assert "tibal_nerve" in details
    assert window.atlas.get("tibialis_anterior") is not None
    window.problem_box.close()
    window.close()


def test_start_up_leaves_the_search_index_until_after_the_first_frame(qtbot):
    from calfexplorer.ui.main_window import MainWindow

    window = MainWindow.create(show_problems=False)
    qtbot.addWidget(window)
    assert window.search._index is None  # not built before the window is drawn
    window.show()
    qtbot.waitUntil(lambda: window.search._index is not None, timeout=10000)
    qtbot.keyClicks(window.search.edit, "solues")
    assert window.search.result_ids()[0] == "soleus"
    window.close()


def test_without_opengl_the_reason_the_realistic_leg_is_not_shown_still_shows(qtbot, monkeypatch):
    monkeypatch.setenv("CALFEXPLORER_DISABLE_GL", "1")
    from calfexplorer.ui import main_window
    from calfexplorer.ui.main_window import MainWindow

    real = main_window.load_scene_assets
    note = "the BodyParts3D anatomy pack in /x cannot be used: it holds no mesh"
    monkeypatch.setattr(main_window, "load_scene_assets",
                        lambda model=None: (real("builtin")[0], note))
    window = MainWindow.create(show_problems=False)
    qtbot.addWidget(window)
    text = window.centralWidget().text()
    assert "3D view unavailable" in text
    assert "Showing the built-in model." in text and "it holds no mesh" in text
    assert "Dismiss" not in text
    window.close()


def test_the_shortcuts_list_fits_a_laptop_screen_and_scrolls(qtbot, main_window):
    from calfexplorer.ui.text_dialog import TextDialog

    main_window.act_shortcuts.trigger()
    dialog = main_window.findChild(TextDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert "Open the panel, bring it forward, or close it" in dialog.browser.toPlainText()
    screen = dialog.screen().availableGeometry()
    assert dialog.frameGeometry().height() <= screen.height()

    short = TextDialog(main_window, "x", "<p>line</p>" * 400)  # taller than any screen
    qtbot.addWidget(short)
    short.show()
    qtbot.waitUntil(short.isVisible)
    assert short.frameGeometry().height() <= screen.height()
    assert short.browser.verticalScrollBar().maximum() > 0  # the rest is a scroll away
    dialog.close()


def test_choosing_a_search_result_folds_the_list_and_down_brings_it_back(qtbot, main_window):
    search = main_window.search
    qtbot.keyClicks(search.edit, "tib post")
    qtbot.waitUntil(search.results.isVisible)
    qtbot.keyClick(search.edit, Qt.Key.Key_Return)
    assert main_window.state.selected == "tibialis_posterior"
    assert search.results.isHidden() and search.edit.text() == "tib post"
    qtbot.keyClick(search.edit, Qt.Key.Key_Down)  # the list is back, to pick another
    qtbot.waitUntil(search.results.isVisible)
    qtbot.keyClick(search.edit, Qt.Key.Key_Down)
    qtbot.keyClick(search.edit, Qt.Key.Key_Return)
    assert main_window.state.selected == search.result_ids()[1]
    assert search.results.isHidden()


def test_vtk_s_own_letter_keys_do_nothing_in_the_3d_view(qtbot, main_window) -> None:
    """"w" (a hidden VTK key) turned every structure into wire and only "s" undid it."""
    from PySide6.QtCore import Qt

    window = main_window
    if window.viewport is None:
        pytest.skip("no 3D view")
    window.viewport.setFocus()
    qtbot.waitUntil(window.viewport.hasFocus)
    for key in (Qt.Key.Key_W, Qt.Key.Key_3, Qt.Key.Key_J):
        qtbot.keyClick(window.viewport, key)
    shown = [a for a in window.scene._actors.values() if a.GetVisibility()]
    assert shown and all(a.GetProperty().GetRepresentation() == 2 for a in shown)  # surface
    assert window.isVisible()


def test_the_camera_turns_and_zooms_from_the_keyboard(qtbot, main_window) -> None:
    """Arrows, + and - did nothing in the 3D view: a keyboard user had the five presets and
    nothing between them."""
    import numpy as np
    from PySide6.QtCore import Qt

    window = main_window
    if window.viewport is None:
        pytest.skip("no 3D view")
    window.set_view("posterior")
    window.viewport.setFocus()
    qtbot.waitUntil(window.viewport.hasFocus)

    def distance() -> float:
        pose = window.scene.camera_pose()
        return float(np.linalg.norm(np.subtract(pose.position, pose.focal_point)))

    far = distance()
    for _ in range(6):  # 90 degrees round: from behind to the side
        qtbot.keyClick(window.viewport, Qt.Key.Key_Right)
    assert not window.scene.looking_from("posterior")
    assert window.scene.looking_from("lateral") or window.scene.looking_from("medial")
    qtbot.keyClick(window.viewport, Qt.Key.Key_Plus)
    assert distance() < far
    qtbot.keyClick(window.viewport, Qt.Key.Key_Minus)
    assert distance() == pytest.approx(far, rel=1e-6)


def test_escape_in_the_search_box_clears_the_search_not_the_selection(qtbot, main_window):
    """Esc went to the window's Clear selection: the user's selection was lost, and the text
    and the list stayed."""
    main_window.select("soleus")
    search = main_window.search
    search.edit.setFocus()
    qtbot.keyClicks(search.edit, "tibialis")
    qtbot.waitUntil(search.results.isVisible)
    qtbot.keyClick(search.edit, Qt.Key.Key_Escape)
    assert search.edit.text() == "" and main_window.state.selected == "soleus"
    qtbot.keyClick(search.edit, Qt.Key.Key_Escape)  # an empty box: Esc clears the selection
    assert main_window.state.selected is None


def test_peeling_while_isolated_says_how_instead_of_peeling_unseen(qtbot, main_window):
    """P under an isolation said 'Peeled: Superficial muscles' while nothing changed, and
    left undo steps and the layer buttons off."""
    window = main_window
    window.select("tibialis_posterior")
    window.isolate_selected()
    shown = window.state.snapshot()
    window.peel()
    assert window.state.snapshot() == shown
    assert window.statusBar().currentMessage().startswith("Layers are peeled on the whole leg")
    window.state.show_all()
    window.peel()
    assert window.statusBar().currentMessage() == "Peeled: Superficial muscles"


def test_a_result_found_by_a_note_opens_its_page_at_the_note(qtbot, main_window):
    """'shin splints' found the tibia by its note's title, but the page opened at its top,
    the note several screens below."""
    search, info = main_window.search, main_window.info
    qtbot.keyClicks(search.edit, "shin splints")
    qtbot.waitUntil(search.results.isVisible)
    qtbot.keyClick(search.edit, Qt.Key.Key_Return)
    assert main_window.state.selected == "tibia"
    assert info.textCursor().selectedText() == 'Medial tibial stress syndrome ("shin splints")'
    top = info.cursorRect().top()
    assert info.verticalScrollBar().value() > 0 and 0 <= top < info.viewport().height() // 3


def test_every_note_s_title_opens_its_page_at_the_note_not_an_earlier_mention(qtbot, atlas):
    """'fabella' marked the word in the description above the Fabella note (9 of 162 titles
    were found first elsewhere on their page)."""
    from calfexplorer.search import note_titles
    from calfexplorer.ui.explore.info_panel import InfoPanel

    panel = InfoPanel(atlas)
    qtbot.addWidget(panel)
    wrong = []
    for structure in atlas:
        for title in note_titles(structure):
            panel.show_structure(structure.id)
            if not (panel.show_passage(title) and panel.textCursor().selectedText() == title
                    and panel.textCursor().block().text().startswith(f"{title}.")):
                wrong.append((structure.id, title))
    assert wrong == []


def test_every_menu_entry_has_its_own_alt_key_letter(main_window):
    """Most entries had no underlined letter: a keyboard user could not reach them with Alt."""
    from calfexplorer.ui.mnemonics import mnemonic_key

    def check(menu, where: str) -> None:
        entries = [a for a in menu.actions() if not a.isSeparator()]
        keys = [mnemonic_key(a.text()) for a in entries]
        assert None not in keys, f"{where}: {[a.text() for a in entries]}"
        assert len(set(keys)) == len(keys), f"{where}: {[a.text() for a in entries]}"
        for action in entries:
            if action.menu() is not None:
                check(action.menu(), f"{where} > {action.text()}")

    check(main_window.menuBar(), "menu bar")
    assert main_window.view_actions["inferior"].text() == "&Inferior (sole)"


def test_undoing_a_link_s_reveal_says_so_and_goes_back_to_where_it_was_followed(qtbot,
                                                                                 main_window):
    """A reviewer isolated flexor hallucis longus, clicked the Tibial nerve link in its page
    and pressed Ctrl+Z: the nerve went and the selection was cleared with no word (Undo undid
    the link's reveal, not the isolation). Undo now says what it undid and selects flexor
    hallucis longus again, still isolated; Redo shows the nerve and selects it again."""
    from PySide6.QtCore import QUrl

    state, scene, bar = main_window.state, main_window.scene, main_window.statusBar()
    main_window.select("flexor_hallucis_longus")
    main_window.act_isolate.trigger()
    isolated = state.isolated
    assert not scene.is_shown("tibial_nerve")
    assert "tibial_nerve" in main_window.info.link_targets()
    main_window.info.anchorClicked.emit(QUrl("select:tibial_nerve"))
    qtbot.waitUntil(lambda: state.selected == "tibial_nerve")
    assert scene.is_shown("tibial_nerve")
    main_window.act_undo.trigger()
    assert state.selected == "flexor_hallucis_longus"
    assert main_window.info.current_id == "flexor_hallucis_longus"
    assert not scene.is_shown("tibial_nerve") and state.isolated == isolated
    assert bar.currentMessage() == (
        "Undone: showing Tibial nerve (a link); Flexor hallucis longus selected")
    main_window.act_redo.trigger()
    assert state.selected == "tibial_nerve" and scene.is_shown("tibial_nerve")
    assert bar.currentMessage() == "Redone: showing Tibial nerve (a link); Tibial nerve selected"
    main_window.act_undo.trigger()  # an isolation undone says so too
    main_window.act_undo.trigger()
    assert not state.isolated and state.selected == "flexor_hallucis_longus"
    assert bar.currentMessage() == "Undone: showing only Flexor hallucis longus"


def test_hide_and_isolate_are_offered_only_with_a_selection(qtbot, main_window):
    """With nothing selected, Hide and Isolate (toolbar, H and I, a right-click on empty
    space) did nothing and said nothing: they are greyed until something is selected."""
    window = main_window
    assert window.state.selected is None
    menu = window.structure_menu()  # (a right-click on empty space)
    offered = {a.text().replace("&", ""): a.isEnabled() for a in menu.actions() if a.text()}
    assert not offered["Hide selected"] and not offered["Isolate selected"]
    window.select("soleus")
    assert window.act_hide.isEnabled() and window.act_isolate.isEnabled()
    window.act_hide.trigger()  # (the selection goes with it)
    assert window.state.selected is None
    assert not window.act_hide.isEnabled() and not window.act_isolate.isEnabled()
    window.act_undo.trigger()
    assert window.state.selected == "soleus" and window.act_isolate.isEnabled()
