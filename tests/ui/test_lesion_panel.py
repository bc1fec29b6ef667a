"""The lesion panel and Modes > Lesion, driven as a student would."""

from __future__ import annotations

import random
import re

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel

from calfexplorer.atlas import Atlas
from calfexplorer.lesion import open_lesion_model
from calfexplorer.lesion.report import DENERVATED_HEX, PARTLY_DENERVATED_HEX
from calfexplorer.scene.style import hex_rgb
from calfexplorer.ui.lesion.panel import LesionPanel


@pytest.fixture
def panel(qtbot, atlas: Atlas) -> LesionPanel:
    model, problems = open_lesion_model(atlas)
    assert problems == []
    widget = LesionPanel(atlas, model, rng=random.Random(3))
    qtbot.addWidget(widget)
    widget.resize(420, 700)
    widget.show()
    return widget


def choose(panel: LesionPanel, nerve: str, level: str) -> None:
    panel.nerve_combo.setCurrentIndex(panel.nerve_combo.findData(nerve))
    panel.level_combo.setCurrentIndex(panel.level_combo.findData(level))


def _show_lesion(window, qtbot, nerve: str, site: str) -> None:
    """Open the lesion explorer in the 3D window and show a lesion of ``nerve`` at ``site``
    (skipped without OpenGL)."""
    if window.scene is None:
        pytest.skip("no OpenGL: no 3D view")
    window.mode_docks["lesion"].show()
    qtbot.waitUntil(lambda: window.lesion.in_front)
    choose(window.lesion.panel, nerve, site)


def page(panel: LesionPanel) -> str:
    return panel.browser.toPlainText()


def test_choosing_a_nerve_and_level_shows_the_consequences(
    panel: LesionPanel, qtbot
) -> None:
    with qtbot.waitSignal(panel.colours_changed) as sent:
        choose(panel, "common_fibular_nerve", "fibular_neck")
    text = page(panel)
    assert "Common fibular nerve cut: at the neck of the fibula" in text
    assert "Ankle dorsiflexion: lost" in text
    assert "Spared: " in text and "Knee flexion" in text.split("Spared: ")[1]
    assert "Foot drop with a high-stepping gait" in text
    assert "Ankle (Achilles) reflex (S1, S2): normal" in text
    assert "References" in text
    colours = sent.args[0]
    assert colours["tibialis_anterior"] == pytest.approx(hex_rgb(DENERVATED_HEX))
    assert "soleus" not in colours
    # (the numb skin's key says how the 3D leg draws it: an outline the muscles show through)
    numb = text.split("Numb skin")[1]
    assert "On the 3D leg: outlined in cyan, lightly tinted inside" in numb


def test_choosing_the_common_fibular_nerve_offers_its_fibular_neck_first(
    panel: LesionPanel, qtbot
) -> None:
    """It was cut behind the knee, its highest level; its classic injury (and the README's
    picture) is at the neck of the fibula."""
    panel.nerve_combo.setCurrentIndex(panel.nerve_combo.findData("common_fibular_nerve"))
    assert panel.level_combo.currentData() == "fibular_neck"
    assert "neck of the fibula" in page(panel)
    panel.nerve_combo.setCurrentIndex(panel.nerve_combo.findData("tibial_nerve"))
    assert panel.level_combo.currentIndex() == 0  # (its highest, as before)


def test_every_structure_named_is_a_link_that_selects_it(panel: LesionPanel, qtbot) -> None:
    choose(panel, "tibial_nerve", "popliteal_fossa")
    html = panel.browser.toHtml()
    assert 'href="select:soleus"' in html
    assert 'href="select:tibial_nerve"' in html
    with qtbot.waitSignal(panel.link_activated) as clicked:
        panel.browser.anchorClicked.emit(QUrl("select:soleus"))
    assert clicked.args == ["soleus"]


def test_a_root_colours_its_muscles_partly(panel: LesionPanel, qtbot) -> None:
    with qtbot.waitSignal(panel.colours_changed) as sent:
        qtbot.mouseClick(panel.root_boxes["S1"], Qt.MouseButton.LeftButton)
    assert sent.args[0]["soleus"] == pytest.approx(hex_rgb(PARTLY_DENERVATED_HEX))
    assert sent.args[0]["gastrocnemius"] == pytest.approx(hex_rgb(PARTLY_DENERVATED_HEX))
    assert "Ankle (Achilles) reflex (S1, S2): reduced" in page(panel)
    assert "(estimate)" in page(panel)


def test_in_short_gives_a_root_s_key_test_and_reflex(panel: LesionPanel, qtbot) -> None:
    """"In short" for S1 said only "weak single-leg heel raise" (not its ankle jerk), for L4 and
    L5 alike "cannot walk on the heels"; the superficial fibular nerve's read "loss of
    eversion; very weak: subtalar eversion"."""
    def in_short() -> str:
        return next(line for line in page(panel).splitlines() if line.startswith("In short"))

    qtbot.mouseClick(panel.root_boxes["S1"], Qt.MouseButton.LeftButton)
    assert "ankle (Achilles) reflex reduced" in in_short()
    assert "(the key test of S1)" in in_short()
    qtbot.mouseClick(panel.root_boxes["S1"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.root_boxes["L5"], Qt.MouseButton.LeftButton)
    assert "weak great toe extension (the key test of L5)" in in_short()
    assert "medial hamstring reflex reduced" in in_short()
    qtbot.mouseClick(panel.root_boxes["L5"], Qt.MouseButton.LeftButton)
    choose(panel, "superficial_fibular_nerve", "upper_lateral_compartment")
    assert in_short() == "In short: loss of eversion."


def test_in_short_says_a_key_test_once_and_as_the_cut_leaves_it(
    panel: LesionPanel, qtbot
) -> None:
    """A common fibular nerve cut with the L5 root read "lost: great toe extension, extension
    of the lateral four toes; weak great toe extension (the key test of L5)"."""
    choose(panel, "common_fibular_nerve", "fibular_neck")
    qtbot.mouseClick(panel.root_boxes["L5"], Qt.MouseButton.LeftButton)
    in_short = next(line for line in page(panel).splitlines() if line.startswith("In short"))
    assert in_short.count("great toe extension") == 1
    assert "great toe extension lost (the key test of L5)" in in_short
    assert "lost: extension of the lateral four toes" in in_short
    assert "Great toe extension: lost" in page(panel)  # (as the movements list says)


def test_possibly_weak_muscles_say_why(panel: LesionPanel, qtbot) -> None:
    """Every "possibly" muscle read "(disputed roots)", also those there because sources
    test them through another root (the vasti after L2, a main root of theirs)."""
    qtbot.mouseClick(panel.root_boxes["L2"], Qt.MouseButton.LeftButton)
    text = " ".join(page(panel).split())
    assert "disputed roots" not in text
    assert "Possibly weak as well:" in text
    assert "Vastus lateralis: L2 is one of its roots, but sources test it for L3, L4" in text


def test_clear_goes_back_to_no_lesion(panel: LesionPanel, qtbot) -> None:
    choose(panel, "deep_fibular_nerve", "upper_leg")
    with qtbot.waitSignal(panel.colours_changed) as sent:
        qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    assert sent.args[0] == {}
    assert panel.result is None
    assert "Choose a nerve" in page(panel)


def test_a_case_hides_the_answer_until_it_is_checked(panel: LesionPanel, qtbot) -> None:
    with qtbot.waitSignal(panel.colours_changed) as sent:
        qtbot.mouseClick(panel.case_button, Qt.MouseButton.LeftButton)
    assert sent.args[0] == {}  # no coloured muscles to give it away
    assert panel.case is not None and panel.case_bar.isVisible()
    assert panel.answer_combo.count() == 1 + len(panel.case_choices) == 5
    text = page(panel)
    assert "Where is the lesion?" in text
    for nerve in panel.model.nerves():  # no nerve is named, nor any muscle
        assert panel.atlas.name_of(nerve) not in text
    assert "select:" not in panel.browser.toHtml()
    right = next(
        i for i, c in enumerate(panel.case_choices) if c.lesion == panel.case.lesion
    )
    panel.answer_combo.setCurrentIndex(right + 1)
    with qtbot.waitSignal(panel.colours_changed):
        qtbot.mouseClick(panel.check_button, Qt.MouseButton.LeftButton)
    assert panel.case_feedback.text() == f"<b>Right.</b> The lesion: {panel.case.title}."
    assert panel.case.title in panel.case_feedback.text()
    assert not panel.check_button.isEnabled()


def test_a_case_clears_the_lesion_chosen_before_from_the_controls(panel: LesionPanel) -> None:
    panel.set_lesion("common_fibular_nerve", None, ("L5",))
    panel.start_case()
    assert panel.nerve_combo.currentData() is None  # no earlier choice left to read as a hint
    assert panel.roots() == ()
    assert panel.case is not None and panel.case_bar.isVisible()  # and the case goes on
    right = next(i for i, c in enumerate(panel.case_choices) if c.lesion == panel.case.lesion)
    panel.check_case(right)
    cut = panel.case.lesion.cuts[0] if panel.case.lesion.cuts else None
    assert panel.nerve_combo.currentData() == (cut.nerve if cut else None)  # now the answer
    assert panel.roots() == tuple(panel.case.lesion.roots)


def test_a_wrong_case_answer_says_what_it_was(panel: LesionPanel) -> None:
    panel.start_case()
    wrong = next(i for i, c in enumerate(panel.case_choices) if c.lesion != panel.case.lesion)
    assert panel.check_case(wrong) is False
    assert panel.case_feedback.text() == (  # which is right, and what was chosen
        f"<b>Not quite.</b> The lesion: {panel.case.title}. You chose: "
        f"{panel.case_choices[wrong].title}.")
    assert "Muscles" in page(panel)  # the full picture comes with the answer


def test_modes_menu_opens_the_lesion_panel_in_front_and_colours_the_3d_view(
    main_window, qtbot
) -> None:
    window = main_window
    dock = window.mode_docks["lesion"]
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: dock.isVisible() and not dock.visibleRegion().isEmpty())
    panel = window.lesion.panel
    choose(panel, "deep_fibular_nerve", "upper_leg")
    if window.scene is not None:
        assert window.scene.drawn_style("tibialis_anterior").color == pytest.approx(
            hex_rgb(DENERVATED_HEX)
        )
        window.info_dock.raise_()  # another panel in front: the explorer's colours come back
        qtbot.waitUntil(lambda: not window.lesion.in_front)
        assert window.scene.drawn_style("tibialis_anterior").color != pytest.approx(
            hex_rgb(DENERVATED_HEX)
        )
        dock.raise_()
        qtbot.waitUntil(lambda: window.lesion.in_front)
        assert window.scene.drawn_style("tibialis_anterior").color == pytest.approx(
            hex_rgb(DENERVATED_HEX)
        )


def test_a_structure_selected_from_the_lesion_leaves_its_weak_muscles_coloured(
    main_window, qtbot
) -> None:
    """Following the panel's "Extensor digitorum longus" link faded every weak muscle with
    the rest of the leg, so the lesion vanished from the 3D view while its page still showed."""
    window = main_window
    _show_lesion(window, qtbot, "common_fibular_nerve", "fibular_neck")
    scene = window.scene
    alone = scene.drawn_style("tibialis_anterior")
    window.lesion.panel.browser.anchorClicked.emit(QUrl("select:extensor_digitorum_longus"))
    qtbot.waitUntil(lambda: window.state.selected == "extensor_digitorum_longus")
    weak = scene.drawn_style("tibialis_anterior")
    assert weak.color == pytest.approx(hex_rgb(DENERVATED_HEX))
    assert weak.opacity >= 0.5 and weak.opacity == pytest.approx(min(alone.opacity, 0.55))
    assert scene.drawn_style("extensor_digitorum_longus").opacity == 1.0  # the selection
    assert scene.drawn_style("soleus").opacity < 0.5  # not weak: faded as ever
    window.info_dock.raise_()  # the explorer in front: its own fading again
    qtbot.waitUntil(lambda: not window.lesion.in_front)
    assert scene.drawn_style("tibialis_anterior").opacity < 0.5


def test_a_lesion_turns_the_view_to_its_denervated_muscles(main_window, qtbot) -> None:
    """Seen from behind, a common fibular cut showed none of the muscles it takes."""
    window = main_window
    if window.scene is None:
        pytest.skip("no OpenGL: no 3D view")
    window.set_view("posterior")
    window.mode_docks["lesion"].show()
    qtbot.waitUntil(lambda: window.lesion.in_front)
    choose(window.lesion.panel, "common_fibular_nerve", "fibular_neck")
    assert window.scene.view in ("anterior", "lateral")
    window.set_view("medial")  # the user turns away: the same lesion leaves the view alone
    window.lesion.panel.set_lesion("common_fibular_nerve", "fibular_neck", ())
    assert window.scene.view == "medial"
    choose(window.lesion.panel, "tibial_nerve", "popliteal_fossa")
    assert window.scene.view == "posterior"
    window.lesion.take_pick("superficial_fibular_nerve")  # a click in 3D: the camera stays
    assert window.scene.view == "posterior"
    window.lesion.panel.set_lesion(None, None, ())  # cleared, the same lesion turns again
    window.set_view("posterior")
    choose(window.lesion.panel, "common_fibular_nerve", "fibular_neck")
    assert window.scene.view in ("anterior", "lateral")
    assert window.user_view() == "posterior"  # the turn is not saved as the user's view
    window.lesion.panel.set_lesion(None, None, ())
    window.set_view("anterior")
    window.scene.camera.Azimuth(180)  # turned by hand to look from behind: a preset's name
    window.scene.render()             # alone says nothing
    assert window.scene.looking_from("posterior")
    choose(window.lesion.panel, "common_fibular_nerve", "fibular_neck")
    assert not window.scene.looking_from("posterior")


def test_clicking_a_nerve_in_3d_chooses_it(main_window, qtbot) -> None:
    window = main_window
    if window.scene is None:
        pytest.skip("no OpenGL: no 3D view to click")
    window.mode_docks["lesion"].show()
    qtbot.waitUntil(lambda: window.lesion.in_front)
    window.lesion.take_pick("superficial_fibular_nerve")
    assert window.lesion.panel.nerve_combo.currentData() == "superficial_fibular_nerve"
    window.lesion.take_pick("soleus")  # not a nerve: the lesion stays
    assert window.lesion.panel.nerve_combo.currentData() == "superficial_fibular_nerve"


def test_a_real_click_on_a_nerve_chooses_and_selects_it_beneath_the_numb_skin(
        main_window, qtbot) -> None:
    """The first nerve chosen shades its numb skin (the skin shown for it); neither that click
    nor the next one, on the skin now drawn over the nerves, names the skin instead."""
    window = main_window
    if window.scene is None or not window.scene.skin.available():
        pytest.skip("no OpenGL or no skin: no 3D view to click")
    dock = window.mode_docks["lesion"]
    dock.show()
    qtbot.waitUntil(lambda: window.lesion.in_front)
    panel = window.lesion.panel
    for nerve, view in (("common_fibular_nerve", "lateral"), ("tibial_nerve", "posterior")):
        window.set_view(view)
        window.scene.render()
        point = window.scene.visible_point(nerve)
        assert point is not None, f"{nerve} is not visible from the {view} side"
        qtbot.mouseClick(window.viewport, Qt.MouseButton.LeftButton,
                         pos=window.viewport.widget_point(*point))
        qtbot.waitUntil(lambda n=nerve: window.state.selected == n)
        assert panel.nerve_combo.currentData() == nerve
        assert window.lesion.in_front and not dock.visibleRegion().isEmpty()
        assert window.info.current_id == nerve  # (not the skin's page)
        assert window.scene.skin.mode == "plain"  # shading the numb skin


def test_the_motion_lab_plays_what_the_lesion_leaves(main_window, qtbot) -> None:
    window = main_window
    window.mode_docks["lesion"].show()
    choose(window.lesion.panel, "deep_fibular_nerve", "upper_leg")
    assert window.state.lesion is not None
    window.mode_docks["motion"].show()
    motion = window.motion.panel
    qtbot.waitUntil(lambda: motion.isVisible())
    assert motion.action_buttons["dorsiflexion"].text().endswith("✗")
    assert motion.action_buttons["plantarflexion"].text() == "Plantarflexion"
    assert motion.lesion_label.isVisible()
    ankles: list[float] = []
    window.state.pose_changed.connect(lambda pose: ankles.append(pose.get("ankle", 0.0)))
    motion.play("dorsiflexion")
    qtbot.waitUntil(lambda: motion.playing is None, timeout=10000)
    assert all(a == 0.0 for a in ankles)  # the foot cannot be lifted
    window.lesion.panel.set_lesion(None, None, ())  # healed: the marks go
    assert window.state.lesion is None
    assert motion.action_buttons["dorsiflexion"].text() == "Dorsiflexion"
    assert not motion.lesion_label.isVisible()


def test_the_motion_lab_grades_weakness_as_the_lesion_panel_does(main_window, qtbot) -> None:
    """With the superficial fibular nerve cut the Lesion panel called plantarflexion slightly
    weakened (only its assisting fibulares lose their supply) while the motion lab's button
    read 'Plantarflexion (weak)', as for a movement left to assisting muscles."""
    window = main_window
    window.mode_docks["lesion"].show()
    choose(window.lesion.panel, "superficial_fibular_nerve", "upper_lateral_compartment")
    window.mode_docks["motion"].show()
    motion = window.motion.panel
    qtbot.waitUntil(lambda: motion.isVisible())
    assert motion.lesioned["plantarflexion"].status == "slightly_weakened"
    assert motion.action_buttons["plantarflexion"].text() == "Plantarflexion (slightly weak)"
    assert "slightly weakened" in motion.action_buttons["plantarflexion"].toolTip()


def test_a_case_keeps_the_lesion_from_the_rest_of_the_app(panel: LesionPanel, qtbot) -> None:
    with qtbot.waitSignal(panel.lesion_changed) as sent:
        panel.start_case()
    assert sent.args == [None]
    with qtbot.waitSignal(panel.lesion_changed) as sent:
        panel.check_case(0)
    assert sent.args == [panel.case.lesion]



def test_a_root_lesion_lists_its_myotome(panel: LesionPanel, qtbot) -> None:
    with qtbot.waitSignal(panel.colours_changed):
        qtbot.mouseClick(panel.root_boxes["L4"], Qt.MouseButton.LeftButton)
    text = page(panel)
    assert "Myotomes" in text
    assert "L4 (key movement): Ankle dorsiflexion (Tibialis anterior): weakened." in text
    # a value only some sources give is marked as such, with what the others give
    assert "L4 (some sources only): Knee extension" in text
    assert "(others give L3" in text
    qtbot.mouseClick(panel.root_boxes["L4"], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(panel.colours_changed):
        qtbot.mouseClick(panel.root_boxes["L2"], Qt.MouseButton.LeftButton)
    assert "L2 (key movement): Hip flexion (Rectus femoris, Sartorius): weakened." in page(panel)


def test_the_panel_names_the_first_problem_of_the_lesion_data(qtbot, atlas: Atlas) -> None:
    from calfexplorer.atlas import AtlasProblem

    model, _ = open_lesion_model(atlas)
    problem = AtlasProblem(file="lesions.yaml", entry="tibial_nerve", field="course[2]",
                           message="unknown level 'x'")
    widget = LesionPanel(atlas, model, [problem], rng=random.Random(3))
    qtbot.addWidget(widget)
    labels = [w.text() for w in widget.findChildren(QLabel) if "problem" in w.text()]
    assert labels and "tibial_nerve" in labels[0] and "1 problem;" in labels[0]


def test_the_summary_keeps_what_assisting_muscles_still_do_apart_from_what_is_lost(
    panel: LesionPanel,
) -> None:
    choose(panel, "tibial_nerve", "popliteal_fossa")
    text = " ".join(page(panel).split())
    assert "cannot stand on the toes" in text  # (a sign says the plantarflexion)
    assert "lost: great toe flexion, great toe abduction, flexion of the lateral four toes, " \
        "abduction of the lateral four toes; very weak: subtalar inversion; ankle (Achilles) " \
        "reflex absent." in text


def test_no_case_names_its_nerve_or_where_it_is_cut(panel: LesionPanel) -> None:
    """The tarsal tunnel case said 'in tarsal tunnel syndrome the heel often goes numb', the
    popliteal and sciatic cases the same (pointing at a wrong choice), the fibular cases 'the
    tibial nerve ... tells a fibular nerve lesion from an L5 root lesion' (in its signs)."""
    from calfexplorer.lesion.cases import candidates
    from calfexplorer.ui.lesion.lesion_html import case_html

    doc = QTextDocument()
    for c in candidates(panel.atlas, panel.model):
        doc.setHtml(case_html(panel.atlas, panel.model.compute(c.lesion)))
        text = doc.toPlainText().lower()
        words = [panel.atlas.name_of(n).lower() for n in panel.model.nerves()] + [
            "tarsal tunnel", "popliteal", "neck of the fibula", "biceps femoris",
            "crural fascia", "buttock", "root", "fibular", "tibial", "sural", "plantar nerve",
            "calcaneal branch"]
        named = [w for w in words if w in text]
        assert not named, (c.title, named)
        assert not [m for m in panel.atlas.muscles() if m.name.lower() in text], c.title


def test_a_nerve_that_cannot_be_cut_says_so(panel: LesionPanel) -> None:
    """Clicking a nerve the lesion data has no course for left the panel as it was, without a
    word, though the panel says that clicking a nerve chooses it."""
    assert panel.choose_nerve("inferior_gluteal_nerve") is False
    assert not panel.note.isHidden()
    assert panel.note.text().startswith("<b>Inferior gluteal nerve</b> cannot be cut here")
    assert "Tibial nerve" in panel.note.text()
    assert panel.choose_nerve("tibial_nerve") is True
    assert panel.note.isHidden()
    assert panel.choose_nerve("soleus") is False and panel.note.isHidden()  # (not a nerve)
    # a branch is cut with the nerve it leaves (it read "cannot be cut")
    assert panel.choose_nerve("medial_plantar_nerve") is False
    assert panel.note.text() == ("<b>Medial plantar nerve</b> has no cut of its own here: it is "
                                 "cut with the Tibial nerve, at a level above where it begins "
                                 "(choose that nerve).")


def _lesion_in_front(window, qtbot, view: str | None = None):
    """The window with its Lesion panel in front (seen from ``view``), or a skip without 3D."""
    if window.scene is None:
        pytest.skip("no OpenGL: no 3D view")
    if view is not None:
        window.set_view(view)
    window.mode_docks["lesion"].show()
    qtbot.waitUntil(lambda: window.lesion.in_front)
    return window


@pytest.mark.parametrize(("root", "side"), [("L5", "anterior"), ("S1", "posterior")])
def test_a_root_lesion_turns_to_its_key_test(main_window, qtbot, root, side) -> None:
    """L5 turned the camera to the back (most of what it weakens lies there), away from its
    key test (extensor hallucis longus) and its numb skin on the front."""
    window = _lesion_in_front(main_window, qtbot, "medial")
    window.lesion.panel.set_lesion(None, None, (root,))
    assert window.scene.view == side


@pytest.mark.parametrize(("nerve", "level", "side"), [
    ("saphenous_nerve", "adductor_canal", "medial"), ("sural_nerve", "calf", "lateral")])
def test_a_skin_nerve_s_lesion_turns_to_its_numb_skin_and_frames_its_cut(
        main_window, qtbot, nerve, level, side) -> None:
    """A skin nerve's lesion colours no muscle, and the camera stayed as it was: a saphenous
    cut in the adductor canal was shown from behind, its numb strip edge-on and its cut above
    the frame."""
    window = _lesion_in_front(main_window, qtbot, "posterior")
    scene = window.scene
    window.lesion.panel.set_lesion(nerve, level, ())
    assert scene.view == side
    width, height = scene.render_window.GetSize()
    for place in scene.nerve_cuts.places.values():
        x, y = scene.world_to_display(place.centre)
        assert 0 <= x <= width and 0 <= y <= height
    window.lesion.panel.set_lesion(None, None, ())  # cleared: the same lesion turns again
    window.set_view("posterior")
    window.lesion.panel.set_lesion(nerve, level, ())
    assert scene.view == side


def test_a_choice_too_long_for_its_drop_down_is_shortened_and_told_whole(
        panel: LesionPanel, qtbot):
    """'Common fibular nerve, behind the knee' showed without ', along biceps femoris' and
    without any sign that text was missing."""
    combo = panel.answer_combo
    combo.addItem("Common fibular nerve, behind the knee, along biceps femoris")
    combo.setCurrentIndex(combo.count() - 1)
    combo.setFixedWidth(160)
    assert combo.toolTip() == "Common fibular nerve, behind the knee, along biceps femoris"
    assert not combo.grab().isNull()  # (drawn through the shortened label)


@pytest.mark.parametrize("nerve", ["obturator_nerve", "femoral_nerve"])
def test_a_lesion_of_the_thigh_s_nerves_frames_its_muscles(main_window, qtbot, nerve) -> None:
    """The views frame the leg: an obturator lesion's adductors were 0 % on screen, and the
    leg looked unaffected."""
    window = _lesion_in_front(main_window, qtbot)
    window.lesion.panel.set_lesion(nerve, None, ())
    muscles = list(window.lesion.panel.colours())
    shares = [window.scene.share_on_screen(m) for m in muscles]
    assert sum(shares) / len(shares) > 0.75, dict(zip(muscles, shares, strict=True))
    assert window.scene.share_on_screen("tibia") > 0.5  # (and the leg with them)


@pytest.mark.parametrize(("nerve", "roots"), [("sciatic_nerve", ()), (None, ("L4",))])
def test_a_lesion_s_view_holds_all_its_weak_muscles_numb_skin_and_cut(
        main_window, qtbot, nerve, roots) -> None:
    """The sciatic nerve's lesion turned to the back of the calf: its cut in the buttock and
    its hamstrings lay above the view; an L4 root's quadriceps above its leg's."""
    window = _lesion_in_front(main_window, qtbot)
    window.lesion.panel.set_lesion(nerve, None, roots)
    scene = window.scene
    muscles = list(window.lesion.panel.colours())
    shares = {m: scene.share_on_screen(m) for m in muscles}
    assert min(shares.values()) == 1.0, shares
    w, h = scene.render_window.GetSize()
    numb = scene.skin.numb_triangles().reshape(-1, 3)
    cuts = [place.centre for place in scene.nerve_cuts.places.values()]
    assert len(numb) and (cuts or not nerve)
    for point in [*numb[:: max(len(numb) // 300, 1)], *cuts]:
        x, y = scene.world_to_display(point)
        assert 0 <= x <= w and 0 <= y <= h, point


def test_a_root_whose_numb_skin_lies_off_the_3d_leg_does_not_wrap_it_in_skin(main_window,
                                                                              qtbot) -> None:
    """S3's numb skin lies on the buttock, above the 3D skin: the lesion wrapped the whole leg
    in plain skin with nothing shaded, hiding the muscles it weakens."""
    window = _lesion_in_front(main_window, qtbot)
    window.lesion.panel.set_lesion(None, None, ("S3",))
    assert "S3 dermatome" in page(window.lesion.panel)  # (named on the page)
    assert window.scene.skin.mode is None
    window.lesion.panel.set_lesion(None, None, ("L5",))
    assert window.scene.skin.mode == "plain"  # its numb skin lies on the leg
    window.lesion.panel.set_lesion(None, None, ("S3",))
    assert window.scene.skin.mode is None  # (and goes again)


def test_a_lesion_closed_with_its_panel_stays_gone_in_the_window_view_model_opens(
    main_window, qtbot
) -> None:
    """View > Model opens a new window: it took the lesion of a panel the user had closed,
    and its motion lab played the leg weakened again (found in review)."""
    window = main_window
    window.mode_docks["lesion"].show()
    choose(window.lesion.panel, "deep_fibular_nerve", "upper_leg")
    window.mode_docks["lesion"].close()
    qtbot.waitUntil(lambda: window.state.lesion is None)
    new = window.reopen()
    qtbot.addWidget(new)
    new.confirm_losing_answers = lambda *_: True
    assert new.state.lesion is None
    new.mode_docks["lesion"].show()  # open, the lesion goes over as before
    choose(new.lesion.panel, "deep_fibular_nerve", "upper_leg")
    again = new.reopen()
    qtbot.addWidget(again)
    again.confirm_losing_answers = lambda *_: True
    assert again.state.lesion is not None


def test_view_model_opens_from_the_side_a_lesion_turned_to(
    main_window, qtbot
) -> None:
    """A common fibular lesion turns the camera to its muscles' side: View > Model's new window
    opened from the preset the user had before (posterior), not the side the lesion showed.
    It now opens as the lesion left it, the user's preset still remembered; a view the user
    then chose is kept."""
    window = main_window
    window.set_view("posterior")
    window.mode_docks["lesion"].show()
    choose(window.lesion.panel, "common_fibular_nerve", "fibular_neck")
    side = window.scene.view
    assert side not in ("posterior", "medial")  # (turned to its muscles)
    turned = window.reopen()
    qtbot.addWidget(turned)
    turned.confirm_losing_answers = lambda *_: True
    assert turned.scene.view == side and turned.user_view() == "posterior"
    turned.set_view("medial")
    new = turned.reopen()
    qtbot.addWidget(new)
    new.confirm_losing_answers = lambda *_: True
    assert new.state.lesion is not None
    assert new.scene.view == "medial"


def test_closing_the_lesion_panel_takes_its_lesion_from_the_motion_lab(main_window, qtbot) -> None:
    """Closed, the panel's lesion went on weakening the motion lab's movements."""
    window = main_window
    lesion_dock = window.mode_docks["lesion"]
    lesion_dock.show()
    choose(window.lesion.panel, "deep_fibular_nerve", "upper_leg")
    window.mode_docks["motion"].show()
    motion = window.motion.panel
    qtbot.waitUntil(lambda: motion.isVisible())
    assert motion.action_buttons["dorsiflexion"].text().endswith("✗")
    lesion_dock.close()
    qtbot.waitUntil(lambda: motion.action_buttons["dorsiflexion"].text() == "Dorsiflexion")
    assert not motion.lesion_label.isVisible()
    assert window.state.lesion is None
    window.open_or_close_mode("lesion")  # opened again: its lesion is back
    qtbot.waitUntil(lambda: motion.action_buttons["dorsiflexion"].text().endswith("✗"))


def _assert_covers_fade(window, covers: tuple[str, ...], deeper: tuple[str | None, ...]) -> None:
    """The lesion's coloured ``covers`` fade over each of ``deeper`` selected, and stay clear
    over a superficial selection (the sural nerve) or none."""
    for selected in deeper:
        window.select(selected)
        for cover in covers:
            drawn = window.scene.drawn_style(cover)
            assert drawn.color == pytest.approx(hex_rgb(DENERVATED_HEX)), (selected, cover)
            assert drawn.opacity < 0.5, f"{cover} {drawn.opacity:.2f} opaque over {selected}"
    for shallow in ("sural_nerve", None):
        window.select(shallow)
        for cover in covers:
            drawn = window.scene.drawn_style(cover)
            assert drawn.color == pytest.approx(hex_rgb(DENERVATED_HEX)), (shallow, cover)
            assert drawn.opacity >= 0.5, (shallow, cover)


def test_a_case_leaves_no_nerve_chosen_before_selected_in_3d(main_window, qtbot) -> None:
    """A nerve clicked in 3D chose the lesion and stayed selected, magenta and named over the
    view, when "A case..." asked where a lesion is (the controls it had chosen are cleared as
    a hint; the highlight read as one too, or sent the student the wrong way)."""
    window = _lesion_in_front(main_window, qtbot, "posterior")
    window._on_viewport_click("tibial_nerve")  # (as a click in the view hands it on)
    panel = window.lesion.panel
    assert panel.nerve_combo.currentData() == "tibial_nerve"
    assert window.state.selected == "tibial_nerve"
    panel.start_case()
    assert window.state.selected is None
    assert window.statusBar().currentMessage().startswith("Click a structure")


def test_a_deep_muscle_followed_from_a_lesion_is_not_hidden_under_coloured_superficial_ones(
    main_window, qtbot
) -> None:
    """A tibial nerve lesion's link to tibialis posterior left it behind the coloured soleus
    and gastrocnemius, drawn more than half opaque over it."""
    window = main_window
    _show_lesion(window, qtbot, "tibial_nerve", "popliteal_fossa")
    scene = window.scene
    window.lesion.panel.browser.anchorClicked.emit(QUrl("select:tibialis_posterior"))
    qtbot.waitUntil(lambda: window.state.selected == "tibialis_posterior")
    for cover in ("soleus", "gastrocnemius_medial_head"):
        drawn = scene.drawn_style(cover)
        assert drawn.color == pytest.approx(hex_rgb(DENERVATED_HEX))  # still coloured ...
        assert drawn.opacity < 0.5  # ... and faded over the selection, as without a lesion
    fhl = scene.drawn_style("flexor_hallucis_longus")  # a weak one beside it stays clear
    assert fhl.color == pytest.approx(hex_rgb(DENERVATED_HEX)) and fhl.opacity >= 0.5


def test_the_nerve_or_a_deep_muscle_s_site_selected_is_not_hidden_under_coloured_muscles(
    main_window, qtbot
) -> None:
    """With a tibial nerve lesion shown, selecting the tibial nerve itself or tibialis
    posterior's origin left the coloured soleus and gastrocnemius 55 % opaque over it; a
    superficial selection (the sural nerve), or none, still shows them clear."""
    window = main_window
    _show_lesion(window, qtbot, "tibial_nerve", "popliteal_fossa")
    scene = window.scene
    site = next(sid for sid in sorted(scene.catalog) if scene.info(sid).kind == "origin_site"
                and scene.info(sid).owner == "tibialis_posterior")
    covers = ("soleus", "gastrocnemius_medial_head")
    _assert_covers_fade(window, covers, ("tibial_nerve", site))


def test_the_anterior_compartment_s_nerve_and_vessels_are_not_hidden_under_its_muscles(
    main_window, qtbot
) -> None:
    """With a deep fibular nerve lesion shown, selecting the nerve, the anterior tibial artery
    or its veins (on the interosseous membrane, under every anterior muscle) left the coloured
    extensor hallucis longus, a muscle of the deep layer, 55 % opaque over them, while
    tibialis anterior faded; a superficial selection (the sural nerve), or none, still shows
    the anterior muscles clear."""
    window = main_window
    _show_lesion(window, qtbot, "deep_fibular_nerve", "upper_leg")
    covers = ("tibialis_anterior", "extensor_digitorum_longus", "extensor_hallucis_longus")
    _assert_covers_fade(window, covers,
                        ("deep_fibular_nerve", "anterior_tibial_artery", "anterior_tibial_veins"))


def test_a_nerve_lesion_marks_its_cut_in_3d_and_a_root_lesion_none(main_window, qtbot) -> None:
    """A new user chose each classic nerve and the cut nerve, the cut and the nerve below it
    stayed yellow like every healthy nerve (for the sural and saphenous nerves the numb skin
    was the only change in the 3D view)."""
    from calfexplorer.scene.nerve_cut import CUT_OFF_HEX

    window = _lesion_in_front(main_window, qtbot)
    scene, panel = window.scene, window.lesion.panel
    grey = hex_rgb(CUT_OFF_HEX)
    choose(panel, "common_fibular_nerve", "fibular_neck")
    assert set(scene.nerve_cuts.places) == {"common_fibular_nerve"}
    assert "Cut: at the neck of the fibula" in scene.labels
    assert scene.drawn_style("deep_fibular_nerve").color == pytest.approx(grey)
    assert scene.drawn_style("common_fibular_nerve").color != pytest.approx(grey)
    choose(panel, "sural_nerve", "calf")
    assert set(scene.nerve_cuts.places) == {"sural_nerve"}
    assert scene.drawn_style("deep_fibular_nerve").color != pytest.approx(grey)
    window.info_dock.raise_()  # another panel in front: the explorer's leg, no cut
    qtbot.waitUntil(lambda: not window.lesion.in_front)
    assert not scene.nerve_cuts.places and not scene.nerve_cuts.actors
    window.mode_docks["lesion"].raise_()
    qtbot.waitUntil(lambda: window.lesion.in_front)
    assert set(scene.nerve_cuts.places) == {"sural_nerve"}
    panel.set_lesion(None, None, ("L5",))  # (a root: at the spine, and in every nerve)
    assert not scene.nerve_cuts.places and not scene.nerve_cuts.grey
    assert not any(text.startswith("Cut: ") for text in scene.labels)


def test_the_lesion_page_is_one_tab_stop_whose_links_the_arrows_walk(main_window, qtbot) -> None:
    """Tab in the Lesion panel's page walked each of its links (dozens on a common fibular
    cut's page) before the keyboard reached anything else; now it is one stop, as the
    information page is: → and ← mark its links, Return follows one."""
    from PySide6.QtWidgets import QApplication

    window = main_window
    window.mode_docks["lesion"].show()
    qtbot.waitUntil(lambda: window.lesion.in_front)
    panel = window.lesion.panel
    choose(panel, "common_fibular_nerve", "fibular_neck")
    browser = panel.browser
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    browser.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(browser.hasFocus)
    qtbot.keyClick(browser, Qt.Key.Key_Tab)
    after = QApplication.focusWidget()
    assert after is not browser and not browser.isAncestorOf(after), "Tab stayed in the page"

    def marked() -> str:
        return browser.textCursor().charFormat().anchorHref()

    targets = re.findall(r'href="([^"]+)"', browser.toHtml())
    qtbot.keyClick(browser, Qt.Key.Key_Right)
    qtbot.keyClick(browser, Qt.Key.Key_Right)
    assert marked() == targets[1]
    qtbot.keyClick(browser, Qt.Key.Key_Left)
    assert marked() == targets[0] and targets[0].startswith("select:")
    with qtbot.waitSignal(panel.link_activated) as followed:
        qtbot.keyClick(browser, Qt.Key.Key_Return)
    assert followed.args == [targets[0].removeprefix("select:")]
