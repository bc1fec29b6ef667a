"""The realistic leg in the window: shown when installed, View > Model, the offer, the Get
realistic anatomy dialog (download from a local server, cancel, wrong file), About."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from calfexplorer.anatomy.leg_model import BODYPARTS3D, BUILTIN, load_leg, pack_installed
from ui.clicking import click_link

from .conftest import Server, sha256

pytestmark = pytest.mark.skipif(
    not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")),
    reason="window tests need a display: run them under Xvfb (scripts/dev.sh test does)",
)


@pytest.fixture()
def user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings, progress and the anatomy pack in a temporary folder."""
    monkeypatch.setenv("CALFEXPLORER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CALFEXPLORER_USER_DIR", str(tmp_path / "user"))
    monkeypatch.setenv("CALFEXPLORER_ANATOMY_DIR", str(tmp_path / "anatomy"))
    return tmp_path / "anatomy"


@pytest.fixture()
def installed(user_dirs: Path, built_pack: Path) -> Path:
    """The pack installed in the user's anatomy folder."""
    shutil.copytree(built_pack, user_dirs / "bodyparts3d")
    return user_dirs / "bodyparts3d"


_WINDOWS: list[Any] = []


@pytest.fixture(autouse=True)
def _close_windows() -> Iterator[None]:
    """Close the test's windows still there (View > Model deletes the one it replaces, which
    pytest-qt's own clean-up would then fail to close)."""
    yield
    import shiboken6

    while _WINDOWS:
        window = _WINDOWS.pop()
        if shiboken6.isValid(window):
            window.close()


def _open(qtbot: Any) -> Any:
    from calfexplorer.ui.main_window import MainWindow

    window = MainWindow.create(show_problems=False)
    _WINDOWS.append(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _reopened(qtbot: Any, old: Any) -> Any:
    from calfexplorer.ui import main_window

    qtbot.waitUntil(lambda: bool(main_window._open_windows) and not old.isVisible())
    window = main_window._open_windows[-1]
    _WINDOWS.append(window)
    return window


def test_the_window_shows_the_installed_pack(qtbot: Any, installed: Path) -> None:
    window = _open(qtbot)
    pack, _ = load_leg(BODYPARTS3D, pack=installed)
    assert window.assets.model == BODYPARTS3D
    # the soleus drawn is BodyParts3D's, the nerves the built-in model's
    drawn = window.scene.world_vertices("soleus")
    assert len(drawn) == len(pack.pack.meshes["soleus"].vertices)
    assert "tibial_nerve" in window.scene.ids
    window.select("soleus")
    assert "soleus" in window.scene.highlighted
    assert window.info.toPlainText().startswith("Soleus")
    actions = window.anatomy.model_actions
    assert actions[BODYPARTS3D].isEnabled() and actions[BODYPARTS3D].isChecked()
    about = window.about_html()
    assert "BodyParts3D 4.0" in about and "CC Attribution 4.0 International" in about
    assert "Share Alike 2.1 Japan" in about and "Mitsuhashi" in about
    assert "isa_BP3D_4.0_obj_99.zip" in about  # the archive the pack was made from
    window.close()


def test_the_pack_moves_with_the_knee(qtbot: Any, installed: Path) -> None:
    import numpy as np

    window = _open(qtbot)
    rest = window.scene.world_vertices("gastrocnemius_medial_head").copy()
    window.state.set_pose({"knee": np.radians(90.0), "ankle": 0.0, "subtalar": 0.0, "toes": 0.0})
    bent = window.scene.world_vertices("gastrocnemius_medial_head")
    assert bent.shape == rest.shape
    assert float(np.abs(bent - rest).max()) > 0.02  # the head follows the femur and tibia
    window.close()


def test_view_model_switches_and_is_remembered(qtbot: Any, installed: Path) -> None:
    import numpy as np

    window = _open(qtbot)
    window.select("soleus")
    bent = {"knee": np.radians(60.0), "ankle": np.radians(-20.0), "subtalar": 0.0, "toes": 0.0}
    window.state.set_pose(bent)  # (as the motion lab leaves it)
    window.anatomy.model_actions[BUILTIN].trigger()
    builtin = _reopened(qtbot, window)
    assert builtin.assets.model == BUILTIN
    assert builtin.state.selected == "soleus"
    pose = builtin.state.pose  # (the pose was dropped)
    assert [pose.get(j, 0.0) for j in bent] == pytest.approx(list(bent.values()))
    assert builtin.anatomy.model_actions[BUILTIN].isChecked()
    builtin.close()
    again = _open(qtbot)  # the next start keeps the choice
    assert again.assets.model == BUILTIN
    again.close()


def test_without_a_pack_the_builtin_model_and_an_offer(qtbot: Any, user_dirs: Path) -> None:
    window = _open(qtbot)
    assert window.assets.model == BUILTIN
    assert not window.anatomy.model_actions[BODYPARTS3D].isEnabled()
    assert window.anatomy.offer_if_wanted()
    assert window.anatomy.offer_bar.isVisible()
    window.anatomy.offer_never.click()
    assert not window.anatomy.offer_bar.isVisible()
    window.close()
    again = _open(qtbot)
    assert not again.anatomy.offer_if_wanted()  # declined for good
    assert again.anatomy.get_action in again.file_menu.actions()  # the way back stays
    again.close()


def test_a_pack_an_earlier_version_built_is_offered_a_new_build(
        qtbot: Any, installed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from calfexplorer.anatomy import pack_format

    monkeypatch.setattr(pack_format, "PACK_VERSION", "1.99.0")  # (the pack is 1.x: earlier)
    monkeypatch.setitem(pack_format.BUILT_AGAIN_BRINGS, "1.99.0", "the calf looks better")
    window = _open(qtbot)
    assert window.assets.model == BODYPARTS3D  # (drawn all the same)
    assert window.anatomy.offer_if_wanted()
    bar = window.anatomy.offer_bar
    assert bar.isVisible() and "the calf looks better" in window.anatomy.offer_text.text()
    window.anatomy.offer_get.click()
    assert window.anatomy.dialog.isVisible()  # the way to build it again
    window.anatomy.dialog.close()
    window.anatomy.offer_never.click()
    assert not bar.isVisible()
    window.anatomy.dialog.installed.emit(True)  # built again, "show it now": the new pack
    rebuilt = _reopened(qtbot, window)  # (the old one's meshes stayed drawn)
    assert rebuilt.assets.model == BODYPARTS3D
    rebuilt.close()
    again = _open(qtbot)
    assert not again.anatomy.offer_if_wanted()  # declined for this version
    assert again.anatomy.offer_bar is None
    again.close()
    monkeypatch.setattr(pack_format, "PACK_VERSION", "1.100.0")
    later = _open(qtbot)
    assert later.anatomy.offer_if_wanted()  # offered again by the next version that changes
    later.close()


def test_a_pack_this_version_built_is_not_offered_again(qtbot: Any, installed: Path) -> None:
    window = _open(qtbot)
    assert window.assets.model == BODYPARTS3D
    assert not window.anatomy.offer_if_wanted()
    window.close()


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (lambda p: (p / "manifest.json").write_text("{ not json", encoding="utf-8"),
         "manifest.json is not valid JSON"),
        (lambda p: (p / "bodyparts3d.glb").unlink(), "bodyparts3d.glb is missing"),
    ],
    ids=["manifest", "mesh file"],
)
def test_a_damaged_pack_falls_back_with_a_banner_saying_why(
    qtbot: Any, installed: Path, damage: Any, why: str
) -> None:
    """The reason stays above the 3D view until dismissed (a status-bar message was soon
    replaced by the next hover)."""
    damage(installed)
    window = _open(qtbot)
    assert window.assets.model == BUILTIN
    banner = window.model_banner
    assert banner is not None and banner.isVisible()
    text = banner.text()
    assert "Showing the built-in model" in text and "cannot be used" in text
    assert why in text and "Get realistic anatomy" in text
    assert click_link(qtbot, banner, lambda: not banner.isVisible())  # Dismiss
    window.close()


@pytest.fixture()
def local_server(archive_files: dict[str, bytes]) -> Iterator[Server]:
    srv = Server(dict(archive_files))
    yield srv
    srv.close()


def _dialog(window: Any, server: Server, archive_files: dict[str, bytes], right: bool) -> Any:
    dialog = window.anatomy.open_dialog()
    dialog.base_url = server.url
    zip_name = next(n for n in archive_files if n.endswith(".zip"))
    dialog.sha256 = sha256(archive_files[zip_name]) if right else None
    return dialog


def test_the_dialog_downloads_builds_and_shows_the_leg(
    qtbot: Any, user_dirs: Path, local_server: Server, archive_files: dict[str, bytes]
) -> None:
    window = _open(qtbot)
    dialog = _dialog(window, local_server, archive_files, right=True)
    progress: list[tuple[float, float, float]] = []
    dialog.worker_progress.connect(lambda *a: progress.append(a))
    dialog.download_button.click()
    # (a whole build: minutes on a loaded 2-core machine, which 180 s did not always allow)
    qtbot.waitUntil(lambda: dialog.show_button.isVisible(), timeout=600_000)
    assert progress and progress[-1][0] == pytest.approx(progress[-1][1])
    assert "ready" in dialog.status.text()
    assert pack_installed(user_dirs / "bodyparts3d")
    assert not (user_dirs / "download").exists()  # the download is removed after the build
    assert window.anatomy.model_actions[BODYPARTS3D].isEnabled()
    dialog.show_button.click()
    realistic = _reopened(qtbot, window)
    assert realistic.assets.model == BODYPARTS3D
    realistic.close()


def test_cancel_leaves_no_pack_and_the_model_unchanged(
    qtbot: Any, user_dirs: Path, local_server: Server, archive_files: dict[str, bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from calfexplorer.anatomy import download

    gate = threading.Event()
    real_tables = download.fetch_tables

    def held_tables(base: str, folder: Path) -> None:
        gate.wait(60)  # the download is under way when the user clicks Cancel
        real_tables(base, folder)

    monkeypatch.setattr(download, "fetch_tables", held_tables)
    window = _open(qtbot)
    dialog = _dialog(window, local_server, archive_files, right=True)
    dialog.download_button.click()
    assert dialog.cancel_button.isVisible() and not dialog.close_button.isVisible()
    dialog.cancel_button.click()
    gate.set()
    qtbot.waitUntil(lambda: not dialog.running and dialog.close_button.isVisible(),
                    timeout=60_000)
    assert dialog.status.text().startswith("Cancelled") and "next download" in \
        dialog.status.text()
    assert not pack_installed(user_dirs / "bodyparts3d")
    assert window.assets.model == BUILTIN and window.isVisible()
    dialog.close()
    window.close()


def test_cancelling_a_build_from_a_folder_says_nothing_of_a_download(
    qtbot: Any, user_dirs: Path, source_dir: Path
) -> None:
    window = _open(qtbot)
    dialog = window.anatomy.open_dialog()
    dialog.start(source_dir)
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: not dialog.running and dialog.close_button.isVisible(),
                    timeout=60_000)
    assert dialog.status.text() == "Cancelled. The model shown is unchanged."
    assert not pack_installed(user_dirs / "bodyparts3d")
    dialog.close()
    window.close()


def test_esc_or_closing_the_window_stops_a_build(
    qtbot: Any, user_dirs: Path, source_dir: Path
) -> None:
    """Esc only hid the dialog and left the build running; quitting then destroyed the running
    thread and the app aborted. Esc cancels like Close, and the window's close stops it."""
    from PySide6.QtCore import Qt

    window = _open(qtbot)
    dialog = window.anatomy.open_dialog()
    dialog.start(source_dir)
    assert dialog.running
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.running and not dialog.isVisible()
    assert not pack_installed(user_dirs / "bodyparts3d")
    dialog = window.anatomy.open_dialog()
    dialog.start(source_dir)
    assert dialog.running
    window.close()
    assert not dialog.running
    assert not pack_installed(user_dirs / "bodyparts3d")


def test_a_wrong_archive_is_refused_in_the_dialog(
    qtbot: Any, user_dirs: Path, local_server: Server, archive_files: dict[str, bytes]
) -> None:
    window = _open(qtbot)
    dialog = _dialog(window, local_server, archive_files, right=False)  # official checksum
    dialog.download_button.click()
    qtbot.waitUntil(lambda: not dialog.running and dialog.close_button.isVisible(),
                    timeout=120_000)
    text = dialog.status.text()
    assert text.startswith("Could not get the anatomy") and "not the expected" in text
    assert dialog.download_button.text() == "Try again"
    assert not pack_installed(user_dirs / "bodyparts3d")
    dialog.close()
    window.close()


def test_a_download_while_another_calfexplorer_gets_the_pack_says_to_wait(
    qtbot: Any, user_dirs: Path, local_server: Server, archive_files: dict[str, bytes],
    tmp_path: Path
) -> None:
    """A second window downloaded into the first one's partial file and built beside it."""
    from .conftest import another_build

    window = _open(qtbot)
    dialog = _dialog(window, local_server, archive_files, right=True)
    with another_build(user_dirs / "bodyparts3d") as other:
        dialog.download_button.click()
        qtbot.waitUntil(lambda: not dialog.running and dialog.close_button.isVisible(),
                        timeout=60_000)
        text = dialog.status.text()
        if os.environ.get("CALFEXPLORER_SHOTS"):
            dialog.grab().save(str(Path(os.environ["CALFEXPLORER_SHOTS"]) / "busy.png"))
    assert text.startswith(f"Could not get the anatomy: another CalfExplorer (process "
                           f"{other.pid}) is getting the anatomy pack into {user_dirs} now: "
                           "wait for it to finish")
    assert not local_server.requests  # nothing downloaded
    assert not pack_installed(user_dirs / "bodyparts3d")
    dialog.close()
    window.close()


def test_render_draws_the_pack_or_says_why_not(installed: Path, tmp_path: Path, capsys: Any,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np
    from vtkmodules.util.numpy_support import vtk_to_numpy
    from vtkmodules.vtkIOImage import vtkPNGReader

    from calfexplorer import cli

    def picture(path: Path) -> np.ndarray:
        reader = vtkPNGReader()
        reader.SetFileName(str(path))
        reader.Update()
        return vtk_to_numpy(reader.GetOutput().GetPointData().GetScalars())

    shots = {}
    for model in ("bodyparts3d", "builtin"):
        out = tmp_path / f"{model}.png"
        argv = ["render", "--model", model, "--view", "lateral", "--out", str(out),
                "--size", "200x260", "--no-labels"]
        assert cli.main(argv) == 0, capsys.readouterr().err
        shots[model] = picture(out)
    differ = np.abs(shots["bodyparts3d"].astype(int) - shots["builtin"]).sum(axis=1) > 60
    assert differ.mean() > 0.05  # another leg, not the same picture

    monkeypatch.setenv("CALFEXPLORER_ANATOMY_DIR", str(tmp_path / "no-pack"))
    code = cli.main(["render", "--model", "bodyparts3d", "--out", str(tmp_path / "x.png")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1 and "not installed" in err[0]
    assert not (tmp_path / "x.png").exists()


def _open_lab(qtbot: Any, window: Any) -> None:
    dock = window.mode_docks["motion"]
    dock.show()
    dock.raise_()
    qtbot.waitUntil(lambda: window.motion.built, timeout=30000)
    qtbot.waitUntil(lambda: window.scene.posing_ready, timeout=60000)


def _dialogs_shown() -> list[str]:
    """``"step/steps text"`` of each progress dialog on screen."""
    from PySide6.QtWidgets import QApplication, QProgressDialog

    return [f"{d.value() + 1}/{d.maximum()} {d.labelText()}"
            for d in QApplication.topLevelWidgets()
            if isinstance(d, QProgressDialog) and d.isVisible()]


class QuickLearning(list[str]):
    """The text of the progress dialogs shown at each pose; ``at_pose`` (if set) is called
    with the number of each pose told, then the learning waits on its (absent) workers."""

    at_pose: Any = None


@pytest.fixture()
def quick_learning(monkeypatch: pytest.MonkeyPatch, installed: Path) -> QuickLearning:
    """The installed pack as after an update of the program: its kept tubes' saved moves
    gone, to be learnt again, by a learning that only tells its poses (the build's tests run
    the real one, ~30 s)."""
    import numpy as np

    from calfexplorer.anatomy import leg_poser

    shown = QuickLearning()

    def learn_quickly(self: Any, poses: list[tuple[int, int]], _key: str, say: Any,
                      still: Any = None, meanwhile: Any = None) -> Any:
        if meanwhile is not None:  # (as the real one, once its workers have the poses)
            meanwhile(self)
        for knee, ankle in (p for p in poses if p[0] != 0):  # as the real one: the bent knee
            say(f"  knee bent {knee} degrees, ankle at {ankle} degrees")
            shown.extend(_dialogs_shown())
            if shown.at_pose is not None:
                shown.at_pose(len(shown))
            if still is not None:
                still()
        n = len(self._tubes.radii)
        return {p: (np.zeros((n, 3)), np.broadcast_to(np.eye(3), (n, 3, 3)).copy())
                for p in poses}

    monkeypatch.setattr(leg_poser.PackLegPoser, "_learn_poses", learn_quickly)
    saved = installed / leg_poser.LEARNT_NAME
    with np.load(saved) as f:  # (learnt by an older version: another key)
        arrays = {name: f[name] for name in f.files if name != "key"}
    saved.unlink()
    np.savez(saved, key=np.array("an older version's"), **arrays)
    return shown


def test_relearning_the_kept_tubes_shows_progress(
    qtbot: Any, installed: Path, quick_learning: QuickLearning
) -> None:
    """After an update of the program the pack's kept tubes learn their moves again when the
    motion lab first opens (~30 s): a progress dialog over the window says what it does, then
    goes; once saved, a later opening shows none."""
    from PySide6.QtWidgets import QApplication, QProgressDialog

    from calfexplorer.anatomy import leg_poser

    shown = quick_learning
    window = _open(qtbot)
    _open_lab(qtbot, window)
    assert len(shown) == leg_poser.learning_steps() == 9  # knee 45/90/120 by 3 ankles
    knee, ankle = leg_poser.LEARN_KNEES_DEG[1], leg_poser.LEARN_ANKLES_DEG[0]
    first = f"knee bent {knee} degrees, ankle at {ankle} degrees"
    assert "once after an update" in shown[0] and first in shown[0]
    assert shown[0].startswith("1/9 ") and shown[-1].startswith("9/9 ")
    assert not any(isinstance(d, QProgressDialog) and d.isVisible()
                   for d in QApplication.topLevelWidgets())
    assert (installed / leg_poser.LEARNT_NAME).is_file()  # saved for the next time
    window.close()
    shown.clear()
    again = _open(qtbot)
    _open_lab(qtbot, again)
    assert shown == []  # read, not learnt: no dialog
    again.close()


@pytest.mark.parametrize("damage", ["garbage", "missing"])
def test_a_damaged_or_missing_moves_file_is_told_as_such(
    qtbot: Any, installed: Path, quick_learning: QuickLearning, damage: str
) -> None:
    """A damaged kept_tubes.npz was relearnt behind a dialog saying it happens "once after an
    update of CalfExplorer": the dialog now names the file and says it is being rebuilt."""
    from calfexplorer.anatomy import leg_poser

    saved = installed / leg_poser.LEARNT_NAME
    saved.unlink()
    if damage == "garbage":
        saved.write_bytes(b"PK\x03\x04 not a zip archive any more")
    window = _open(qtbot)
    _open_lab(qtbot, window)
    assert len(quick_learning) == leg_poser.learning_steps()
    assert all(leg_poser.LEARNT_NAME in text and "being rebuilt" in text
               and "once after an update" not in text for text in quick_learning)
    assert ("damaged" in quick_learning[0]) == (damage == "garbage")
    assert quick_learning[0].startswith("1/9 ") and quick_learning[-1].startswith("9/9 ")
    assert saved.is_file()  # rebuilt, for the next time
    window.close()


def test_cancelling_the_relearning_closes_the_lab_until_it_opens_again(
    qtbot: Any, installed: Path, quick_learning: QuickLearning
) -> None:
    """Cancel in the motion lab's progress dialog stops the learning at once, even while it
    waits on its workers after the last pose is told: the lab closes, the status bar says why
    and what happens next, nothing is saved. Opened again, the lab prepares again, and it
    works."""
    import numpy as np
    from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

    from calfexplorer.anatomy import leg_poser

    last = leg_poser.learning_steps()

    def click_cancel(pose: int) -> None:
        if pose == last:  # no step is told after it: only the waiting can see the Cancel
            dialog = next(d for d in QApplication.topLevelWidgets()
                          if isinstance(d, QProgressDialog) and d.isVisible())
            button = dialog.findChild(QPushButton)
            assert button is not None and button.text() == "Cancel"
            button.click()

    quick_learning.at_pose = click_cancel
    window = _open(qtbot)
    dock = window.mode_docks["motion"]
    dock.show()
    qtbot.waitUntil(lambda: len(quick_learning) >= last and not dock.isVisible(),
                    timeout=60000)
    assert len(quick_learning) == last
    assert not window.scene.posing_ready and window.state.mode == "explore"
    assert "Motion lab closed before it was ready" in window.statusBar().currentMessage()
    assert not any(isinstance(d, QProgressDialog) and d.isVisible()
                   for d in QApplication.topLevelWidgets())
    with np.load(installed / leg_poser.LEARNT_NAME) as f:  # nothing saved over it
        assert str(f["key"]) == "an older version's"
    quick_learning.clear()
    quick_learning.at_pose = None
    _open_lab(qtbot, window)
    assert len(quick_learning) == leg_poser.learning_steps()  # prepared again, whole
    assert (installed / leg_poser.LEARNT_NAME).is_file()
    rest = window.scene.world_vertices("gastrocnemius_medial_head").copy()
    window.state.update_pose(knee=1.5)
    assert float(np.abs(window.scene.world_vertices("gastrocnemius_medial_head")
                        - rest).max()) > 0.02  # the lab poses the leg
    window.close()


def test_binding_anew_is_shown_before_the_learning(
    qtbot: Any, installed: Path, quick_learning: QuickLearning, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An update that changes how the pack's soft tissue is bound binds it again (a few
    seconds) before the kept tubes learn: the dialog shows from that first step and counts it."""
    from calfexplorer.anatomy import leg_poser, soft_tissue
    from calfexplorer.anatomy.binding_cache import CACHE_NAME

    shown = quick_learning
    bind = soft_tissue.bind_assets

    def bind_and_look(*args: Any, **kwargs: Any) -> Any:
        shown.extend(_dialogs_shown())
        return bind(*args, **kwargs)

    monkeypatch.setattr(soft_tissue, "bind_assets", bind_and_look)
    (installed / CACHE_NAME).unlink()
    window = _open(qtbot)
    _open_lab(qtbot, window)
    steps = leg_poser.learning_steps() + 1
    assert len(shown) == steps
    assert shown[0].startswith(f"1/{steps} ") and soft_tissue.BINDING_STEP in shown[0]
    assert shown[-1].startswith(f"{steps}/{steps} ")
    assert (installed / CACHE_NAME).is_file()  # saved for the next time
    window.close()


def test_render_tells_the_relearning_and_poses(
    installed: Path, quick_learning: QuickLearning, tmp_path: Path, capsys: Any
) -> None:
    from calfexplorer import cli
    from calfexplorer.anatomy import leg_poser
    from calfexplorer.anatomy.binding_cache import CACHE_NAME
    from calfexplorer.anatomy.soft_tissue import BINDING_STEP

    (installed / CACHE_NAME).unlink()  # bound again too
    out = tmp_path / "bent.png"
    argv = ["render", "--pose", "knee=90", "--out", str(out), "--size", "160x200", "--no-labels"]
    assert cli.main(argv) == 0
    err = capsys.readouterr().err
    assert "once after an update" in err and "knee bent 90 degrees, ankle at 0 degrees" in err
    assert err.index(BINDING_STEP) < err.index("knee bent")
    assert out.is_file() and (installed / leg_poser.LEARNT_NAME).is_file()
    assert cli.main(argv) == 0  # read back: nothing to tell
    assert "once after an update" not in capsys.readouterr().err


def test_a_model_choice_kept_back_for_unsaved_answers_changes_nothing(
        qtbot: Any, installed: Path) -> None:
    """View > Model while study answers wait to be saved, and the user keeps the window: the
    leg shown, the menu's tick and the stored choice all stay as they were."""
    from calfexplorer.ui import main_window

    window = _open(qtbot)
    shown = window.assets.model
    other = BUILTIN if shown != BUILTIN else next(m for m in window.anatomy.model_actions
                                                  if m != BUILTIN)
    window._study_answers_settled = lambda: False  # (answers waiting; the user keeps it open)
    before = list(main_window._open_windows)
    window.anatomy.model_actions[other].trigger()
    assert window.isVisible() and main_window._open_windows == before
    assert window.anatomy.model_actions[shown].isChecked()
    window._study_answers_settled = lambda: True
    window.close()
    again = _open(qtbot)  # the next start shows what was shown
    assert again.assets.model == shown
    again.close()


def test_view_model_keeps_what_is_shown_and_lets_the_old_window_go(
        qtbot: Any, installed: Path) -> None:
    """A teacher's prepared view (a hidden muscle, a peeled layer, the dermatome map, a
    lesion) went back to the whole leg, the old window's Statistics stayed open and out of
    date, and every switch kept the closed window, its scene and meshes (~28 MB each)."""
    import shiboken6
    from PySide6.QtCore import QCoreApplication, QEvent

    window = _open(qtbot)
    window.state.hide("gastrocnemius")
    window.peel()
    window.skin.set_mode("dermatomes")
    window.mode_docks["lesion"].show()  # (a lesion goes over from an open panel only)
    window.lesion.panel.set_lesion("common_fibular_nerve", "fibular_neck", ())
    study = window.mode_docks["study"]
    study.show()
    stats = window.study.panel.open_stats()
    shown = window.state.snapshot()
    window.anatomy.model_actions[BUILTIN].trigger()
    builtin = _reopened(qtbot, window)
    assert builtin.state.snapshot() == shown
    assert builtin.skin.mode == "dermatomes" or builtin.scene is None
    assert builtin.lesion.panel.nerve_combo.currentData() == "common_fibular_nerve"
    assert not stats.isVisible()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    assert not shiboken6.isValid(window)  # (deleted: closed windows were kept for ever)
    builtin.close()


def test_view_model_after_a_data_file_broke_says_so(
        qtbot: Any, installed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A data file broken while the window was open: View > Model opened a window without
    the posterior compartment and said nothing, and a 3D click on its still-drawn meshes
    read 'No atlas entry for this structure.'"""
    from calfexplorer.ui.explore.info_html import structure_html
    from data_copy import append, data_copy

    data = data_copy(tmp_path, monkeypatch)
    window = _open(qtbot)
    assert not window.problems
    append(data / "structures" / "leg_posterior.yaml")
    window.anatomy.model_actions[BUILTIN].trigger()
    builtin = _reopened(qtbot, window)
    assert builtin.problems
    qtbot.waitUntil(lambda: getattr(builtin, "problem_box", None) is not None)
    assert builtin.problem_box.isVisible()
    page = structure_html(builtin.atlas, "soleus")
    assert "run <code>calfexplorer validate</code>" in page
    builtin.close()


def test_a_file_that_fails_offers_the_download_by_its_name_and_a_folder_can_be_chosen(
        qtbot: Any, user_dirs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a file that failed, 'Try again' started a 143 MB download (a user without a
    connection had chosen the file for that); 'Use a file I have…' promised 'or the unpacked
    folder', which its file dialog could not pick."""
    from calfexplorer.ui import anatomy_dialog

    window = _open(qtbot)
    dialog = window.anatomy.open_dialog()
    bad = tmp_path / "garbage.zip"
    bad.write_bytes(b"not a zip")
    dialog.start(bad)
    qtbot.waitUntil(lambda: not dialog.running and dialog.close_button.isVisible())
    assert dialog.download_button.text().startswith("Download (")
    chosen: list[Path | None] = []
    monkeypatch.setattr(anatomy_dialog.QFileDialog, "getExistingDirectory",
                        lambda *_a: str(tmp_path))
    monkeypatch.setattr(dialog, "start", chosen.append)
    folder_action = dialog.file_button.menu().actions()[1]
    assert folder_action.text() == "The unpacked folder…"
    folder_action.trigger()
    assert chosen == [tmp_path]
    dialog.close()


def test_cancel_on_a_server_that_never_answers_is_at_once(
        qtbot: Any, user_dirs: Path) -> None:
    """A server that takes the connection and never answers (a captive portal, a firewall):
    Cancel, Esc or closing the window froze it for ~57 s, then said 'timed out'."""
    import socket
    import time

    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    accepting = threading.Thread(target=lambda: held.append(listener.accept()[0]), daemon=True)
    accepting.start()
    try:
        window = _open(qtbot)
        dialog = window.anatomy.open_dialog()
        dialog.base_url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        dialog.start(None)
        qtbot.waitUntil(lambda: bool(held))  # (connected; the worker now waits for an answer)
        started = time.monotonic()
        dialog.cancel()
        qtbot.waitUntil(lambda: dialog.status.text().startswith("Cancelled."), timeout=20_000)
        assert time.monotonic() - started < 10 and not dialog.running
        dialog.close()
    finally:
        listener.close()
        for sock in held:
            sock.close()


def test_view_model_does_not_take_a_lesion_s_skin_for_the_user_s(
        qtbot: Any, installed: Path) -> None:
    """The skin shown only to shade a lesion's numb skin came over as the user's own: clicks
    then named the skin instead of choosing the nerve, and clearing the lesion left it on."""
    window = _open(qtbot)
    dock = window.mode_docks["lesion"]
    dock.show()
    dock.raise_()
    qtbot.waitUntil(lambda: window.lesion.in_front)
    window.lesion.panel.set_lesion("common_fibular_nerve", "fibular_neck", ())
    if window.scene is None or not window.lesion.skin_for_lesion_only:
        pytest.skip("no 3D view or no skin to shade")
    window.anatomy.model_actions[BUILTIN].trigger()
    builtin = _reopened(qtbot, window)
    qtbot.waitUntil(lambda: builtin.lesion.built and builtin.lesion.in_front)
    assert builtin.skin.mode is None or builtin.lesion.skin_for_lesion_only
    builtin.lesion.panel.set_lesion(None, None, ())
    assert builtin.skin.mode is None
