"""The part-of hierarchy comes from the atlas with the state, not from the 3D scene: a window
without OpenGL (no scene at all) still hides a muscle's heads with the muscle."""

from __future__ import annotations

from PySide6.QtCore import Qt


def test_unticking_a_muscle_unticks_its_heads_without_a_scene(qtbot, monkeypatch):
    monkeypatch.setenv("CALFEXPLORER_DISABLE_GL", "1")
    from calfexplorer.ui.main_window import MainWindow

    window = MainWindow.create(show_problems=False)
    qtbot.addWidget(window)
    assert window.scene is None
    heads = window.atlas.children("gastrocnemius")
    assert len(heads) == 2
    tree = window.tree
    assert all(tree.item_for(h).checkState() == Qt.CheckState.Checked for h in heads)

    tree.item_for("gastrocnemius").setCheckState(Qt.CheckState.Unchecked)  # the user's untick

    qtbot.waitUntil(
        lambda: all(tree.item_for(h).checkState() == Qt.CheckState.Unchecked for h in heads)
    )
    assert not any(window.state.is_visible(h, "superficial") for h in heads)
    assert tree.item_for("soleus").checkState() == Qt.CheckState.Checked
    window.close()
