"""AppState: selection history, visibility with undo, opacity, pose and mode, and its events."""

from __future__ import annotations

import pytest

from calfexplorer.state import LAYERS, PEEL_ORDER, AppState


class Recorder:
    """Collects the arguments of every emission of one signal."""

    def __init__(self, signal) -> None:
        self.calls: list[tuple] = []
        signal.connect(self._record)

    def _record(self, *args) -> None:
        self.calls.append(args)

    def __len__(self) -> int:
        return len(self.calls)


@pytest.fixture
def state() -> AppState:
    return AppState()


def test_select_emits_only_on_change(state: AppState) -> None:
    rec = Recorder(state.selected_changed)
    state.select("soleus")
    state.select("soleus")
    state.select(None)
    state.select(None)
    assert rec.calls == [("soleus",), (None,)]
    assert state.selected is None


def test_history_back_and_forward(state: AppState) -> None:
    for sid in ("soleus", "tibia", "plantaris"):
        state.select(sid)
    assert state.history == ("soleus", "tibia", "plantaris")
    assert not state.can_go_forward
    assert state.back() and state.selected == "tibia"
    assert state.back() and state.selected == "soleus"
    assert not state.can_go_back and not state.back()
    assert state.forward() and state.selected == "tibia"
    # A new selection drops the forward part of the history, like a browser.
    state.select("femur")
    assert state.history == ("soleus", "tibia", "femur")
    assert not state.forward()
    assert state.selected == "femur"


def test_back_after_clearing_returns_to_last_selection(state: AppState) -> None:
    state.select("soleus")
    state.select("tibia")
    state.clear_selection()
    assert state.can_go_back
    assert state.back() and state.selected == "tibia"
    assert state.back() and state.selected == "soleus"


def test_history_navigation_emits_selection(state: AppState) -> None:
    state.select("soleus")
    state.select("tibia")
    rec = Recorder(state.selected_changed)
    hist = Recorder(state.history_changed)
    state.back()
    assert rec.calls == [("soleus",)]
    assert len(hist) == 1
    assert state.history == ("soleus", "tibia")


def test_hover_emits_only_on_change(state: AppState) -> None:
    rec = Recorder(state.hovered_changed)
    state.hover("soleus")
    state.hover("soleus")
    state.hover(None)
    assert rec.calls == [("soleus",), (None,)]


def test_hide_and_undo_redo(state: AppState) -> None:
    rec = Recorder(state.visibility_changed)
    assert state.hide("soleus")
    assert not state.hide("soleus")  # no change, no event
    assert len(rec) == 1
    assert not state.is_visible("soleus", "deep")
    assert state.is_visible("tibia", "bones")
    assert state.undo()
    assert state.is_visible("soleus", "deep")
    assert state.can_redo
    assert state.redo()
    assert not state.is_visible("soleus", "deep")
    assert len(rec) == 3


def test_undoing_hide_selected_selects_the_structure_again(state: AppState) -> None:
    state.select("soleus")
    assert state.hide_selected() == "soleus"
    assert state.selected is None and not state.is_visible("soleus", "deep")
    assert state.undo()
    assert state.selected == "soleus" and state.is_visible("soleus", "deep")
    assert state.history == ("soleus",)  # the reselection is not a new visit
    assert state.redo()
    assert state.selected is None and not state.is_visible("soleus", "deep")
    assert state.undo()
    assert state.selected == "soleus"


def test_undoing_hide_selected_keeps_a_selection_made_since(state: AppState) -> None:
    state.select("soleus")
    state.hide_selected()
    state.select("plantaris")
    state.undo()
    assert state.selected == "plantaris" and state.is_visible("soleus", "deep")


def test_back_after_an_undone_hide_goes_on_from_the_structure_shown_again(
        state: AppState) -> None:
    for sid in ("tibia", "soleus"):
        state.select(sid)
    state.hide_selected()
    state.select("plantaris")
    state.clear_selection()
    state.undo()  # soleus comes back selected
    assert state.selected == "soleus"
    assert state.back() and state.selected == "tibia"  # (it stayed on soleus: Back twice)


def test_an_undone_hide_puts_the_history_back_where_it_was(state: AppState) -> None:
    """With the structure twice in the history, Undo jumped to its later visit."""
    for sid in ("soleus", "tibia", "soleus"):
        state.select(sid)
    state.back()
    state.back()  # at the first soleus
    state.hide_selected()
    state.undo()
    assert state.selected == "soleus"
    assert not state.can_go_back and state.can_go_forward
    assert state.forward() and state.selected == "tibia"


def test_hide_selected_when_it_is_hidden_already_is_no_step(state: AppState) -> None:
    state.select("soleus")
    state.hide("plantaris")
    state.hide("soleus")  # e.g. unticked in the list
    assert state.hide_selected() is None  # no "Ctrl+Z to undo" for a step that is not there
    state.undo()
    assert state.is_visible("soleus", "deep") and not state.is_visible("plantaris", "deep")


def test_hide_selected_with_nothing_selected_does_nothing(state: AppState) -> None:
    assert state.hide_selected() is None
    assert not state.can_undo


def test_isolate_then_undo_restores_visibility(state: AppState) -> None:
    state.hide("plantaris")
    before = state.snapshot()
    state.isolate(["soleus", "tibia"])
    assert state.is_visible("soleus", "deep")
    assert not state.is_visible("gastrocnemius", "superficial")
    assert not state.is_visible("plantaris", "superficial")
    state.undo()
    assert state.snapshot() == before
    assert state.is_visible("gastrocnemius", "superficial")
    assert not state.is_visible("plantaris", "superficial")


def test_isolation_overrides_layer_switches(state: AppState) -> None:
    state.set_layer_visible("deep", False)
    assert not state.is_visible("soleus", "deep")
    state.isolate("soleus")
    assert state.is_visible("soleus", "deep")


def test_show_all_clears_everything(state: AppState) -> None:
    state.hide("soleus")
    state.isolate("tibia")
    state.set_layer_visible("bones", False)
    state.peel()
    assert state.show_all()
    assert state.hidden == frozenset() and state.isolated == frozenset()
    assert all(state.layers[layer] for layer in LAYERS if layer != "regions")
    assert not state.layers["regions"]  # the regions' volumes start off and stay as they were
    assert state.peeled == ()
    assert not state.show_all()  # already all shown: no change, nothing recorded
    state.set_layer_visible("regions", True)
    assert not state.show_all() and state.layers["regions"]


def test_layers(state: AppState) -> None:
    rec = Recorder(state.visibility_changed)
    assert state.set_layer_visible("nerves", False)
    assert not state.set_layer_visible("nerves", False)
    assert not state.is_visible("tibial_nerve", "nerves")
    assert state.is_visible("tibia", "bones")
    assert len(rec) == 1
    with pytest.raises(ValueError, match="unknown layer"):
        state.set_layer_visible("skin", False)
    state.set_visible_layers(["bones", "deep"])
    assert [layer for layer in LAYERS if state.layers[layer]] == ["deep", "bones"]


def test_selecting_the_same_structure_again_after_a_clear_adds_no_step(state: AppState) -> None:
    """Click a muscle, click empty space, click it again, press Back: nothing happened,
    though Back was enabled (the history held the muscle twice)."""
    state.select("tibia")
    state.select("soleus")
    state.clear_selection()
    state.select("soleus")
    assert state.history == ("tibia", "soleus")
    assert state.back() and state.selected == "tibia"


def test_peel_and_unpeel(state: AppState) -> None:
    assert state.peel() == PEEL_ORDER[0] == "superficial"
    assert state.peel() == "deep"
    assert not state.layer_visible("superficial") and not state.layer_visible("deep")
    assert state.unpeel() == "deep"
    assert state.layer_visible("deep")
    assert state.unpeel() == "superficial"
    assert state.unpeel() is None


def test_peel_skips_layers_already_off_and_stops(state: AppState) -> None:
    state.set_layer_visible("superficial", False)
    assert state.peel() == "deep"
    for _ in PEEL_ORDER:
        state.peel()
    assert state.peel() is None
    assert state.layer_visible("bones")  # the skeleton is never peeled


def test_veins_and_nerves_under_the_skin_go_with_the_superficial_layer() -> None:
    """Peeling the superficial muscles left the saphenous veins, the sural nerve and the
    veins inside the soleus and the gastrocnemius hanging in the air over the deep muscles.
    Only a peel takes them: a view of the vessels alone keeps the saphenous veins."""
    from calfexplorer.atlas import load_atlas

    atlas = load_atlas()[0]
    state = AppState.from_atlas(atlas)
    under_skin = ("great_saphenous_vein", "small_saphenous_vein", "sural_nerve",
                  "saphenous_nerve", "soleal_veins", "gastrocnemius_veins")

    def shown(sid: str) -> bool:
        return state.is_visible(sid, atlas.layer_of(sid))

    assert all(shown(s) for s in under_skin)
    assert state.peel() == "superficial"
    assert not any(shown(s) for s in under_skin)
    assert shown("posterior_tibial_veins") and shown("tibial_nerve")
    state.reveal_and_select("sural_nerve", atlas.layer_of("sural_nerve"))  # a link to it
    assert shown("sural_nerve") and not state.layer_visible("superficial")  # it alone
    state.undo()
    assert not shown("sural_nerve")
    state.unpeel()
    state.set_visible_layers(["vessels", "bones"])  # (render --layers vessels,bones)
    assert shown("great_saphenous_vein") and shown("soleal_veins")
    state.isolate("great_saphenous_vein")
    assert shown("great_saphenous_vein")


def test_peel_is_undoable(state: AppState) -> None:
    state.peel()
    state.undo()
    assert state.layer_visible("superficial")
    assert state.peeled == ()


def test_show_reveals_hidden_structure_and_its_layer(state: AppState) -> None:
    state.hide("soleus")
    state.set_layer_visible("deep", False)
    state.show("soleus", layers=["deep"])
    assert state.is_visible("soleus", "deep")
    state.isolate("tibia")
    state.show("fibula")
    assert state.isolated == {"tibia", "fibula"}


def test_new_change_clears_redo(state: AppState) -> None:
    state.hide("a")
    state.undo()
    state.hide("b")
    assert not state.can_redo
    assert not state.redo()


def test_undo_changed_fires(state: AppState) -> None:
    rec = Recorder(state.undo_changed)
    state.hide("a")
    state.undo()
    assert len(rec) == 2
    assert not state.undo()
    assert len(rec) == 2


def test_fade_and_xray(state: AppState) -> None:
    fade = Recorder(state.fade_changed)
    state.set_fade(0.3)
    state.set_fade(0.3)
    assert fade.calls == [(0.3,)]
    with pytest.raises(ValueError):
        state.set_fade(1.5)
    xray = Recorder(state.xray_changed)
    state.set_xray(0.9)
    assert xray.calls == [(0.9,)] and state.xray == 0.9


def test_labels(state: AppState) -> None:
    rec = Recorder(state.labels_changed)
    state.set_labels(True)
    state.set_labels(False)
    assert rec.calls == [(False,)]


def test_pose(state: AppState) -> None:
    rec = Recorder(state.pose_changed)
    state.update_pose(knee=1.0)
    state.update_pose(knee=1.0)
    state.update_pose(ankle=-0.2)
    assert dict(state.pose) == {"knee": 1.0, "ankle": -0.2}
    state.set_pose({"knee": 0.0, "ankle": -0.2})
    assert dict(state.pose) == {"ankle": -0.2}
    assert len(rec) == 3
    with pytest.raises(TypeError):
        state.pose["knee"] = 2.0  # type: ignore[index]


def test_mode(state: AppState) -> None:
    rec = Recorder(state.mode_changed)
    state.set_mode("study")
    state.set_mode("study")
    assert rec.calls == [("study",)]
    with pytest.raises(ValueError, match="unknown mode"):
        state.set_mode("quiz")


def test_hierarchy_hiding_a_whole_hides_its_parts_and_showing_a_part_reveals_it() -> None:
    state = AppState(parents={"gastrocnemius_medial_head": "gastrocnemius", "soleus": None})
    assert state.family("gastrocnemius_medial_head") == (
        "gastrocnemius_medial_head",
        "gastrocnemius",
    )
    state.hide("gastrocnemius")
    assert not state.is_visible("gastrocnemius_medial_head", "superficial")
    assert state.is_visible("soleus", "superficial")
    state.show("gastrocnemius_medial_head")
    assert state.is_visible("gastrocnemius_medial_head", "superficial")
    assert "gastrocnemius" not in state.hidden
    state.isolate("gastrocnemius")
    assert state.is_visible("gastrocnemius_medial_head", "superficial")
    assert not state.is_visible("soleus", "superficial")


def test_a_state_built_from_the_atlas_knows_its_part_of_hierarchy(atlas) -> None:
    state = AppState.from_atlas(atlas, fade=0.5)
    assert state.fade == 0.5
    heads = atlas.children("gastrocnemius")
    assert heads and all(state.family(h) == (h, "gastrocnemius") for h in heads)
    state.hide("gastrocnemius")
    assert not any(state.is_visible(h, atlas.layer_of(h)) for h in heads)
    assert state.is_visible("soleus", atlas.layer_of("soleus"))


def test_select_without_recording_leaves_the_history() -> None:
    state = AppState()
    state.select("soleus")
    state.select("tibialis_anterior", record=False)
    assert state.selected == "tibialis_anterior"
    assert state.history == ("soleus",)
    assert not state.can_go_back


def test_a_lesion_is_set_once_and_an_empty_one_is_none() -> None:
    from calfexplorer.lesion import Cut, Lesion

    state = AppState()
    seen: list[object] = []
    state.lesion_changed.connect(seen.append)
    lesion = Lesion(cuts=(Cut("tibial_nerve", "tarsal_tunnel"),))
    state.set_lesion(lesion)
    state.set_lesion(Lesion(cuts=(Cut("tibial_nerve", "tarsal_tunnel"),)))  # equal: no event
    state.set_lesion(Lesion())
    assert seen == [lesion, None]
    assert state.lesion is None


def test_the_selection_is_drawn_over_its_layer_until_a_change_would_hide_it() -> None:
    """Selected (a quiz) in a switched-off layer it is drawn, also when another layer is
    switched (the muscle vanished when the nerves were switched off, its labels left); a
    peel of its own layer after it was shown takes it away, and the selection with it."""
    state = AppState(layer_of={"soleus": "superficial", "tibia": "bones"})
    state.set_layer_visible("superficial", False)
    state.select("soleus")
    assert "soleus" not in state.hidden  # (drawn: a selection is, unless hidden)
    state.set_layer_visible("nerves", False)
    assert "soleus" not in state.hidden and state.selected == "soleus"
    state.select("tibia")
    state.set_layer_visible("superficial", True)
    state.peel()  # the superficial layer goes: the tibia stays selected and drawn
    assert state.selected == "tibia"
    state.select("soleus")
    state.show_all()
    state.peel()
    assert state.selected is None  # peeled away with its layer
    state.undo()
    assert state.selected == "soleus" and state.layer_visible("superficial")


def test_an_undo_or_redo_that_hides_the_selection_selects_nothing_and_back_again() -> None:
    """Undo and Redo switched layers without the rule a peel keeps: an undone link left the
    peeled soleus selected and drawn over the deep layer, and a redone peel the gastrocnemius
    head selected since."""
    layer_of = {"soleus": "superficial", "gastrocnemius_medial_head": "superficial"}
    state = AppState(layer_of=layer_of)
    state.peel()
    state.reveal_and_select("soleus", "superficial")  # a link or a search: the layer is back
    assert state.layer_visible("superficial") and state.selected == "soleus"
    state.undo()
    assert not state.layer_visible("superficial") and state.selected is None
    state.redo()
    assert state.layer_visible("superficial") and state.selected == "soleus"

    state.show_all()
    state.peel()  # takes the soleus and its selection
    state.undo()  # brings both back
    state.select("gastrocnemius_medial_head")
    state.redo()
    assert not state.layer_visible("superficial") and state.selected is None
    state.undo()
    assert state.selected == "gastrocnemius_medial_head"


def test_a_layer_a_link_showed_goes_back_off_and_peeled_when_the_selection_moves_on() -> None:
    state = AppState(layer_of={"soleus": "superficial", "tibialis_posterior": "deep",
                               "popliteal_fossa": "regions", "tarsal_tunnel": "regions"})
    state.reveal_and_select("popliteal_fossa", "regions")
    assert state.layer_visible("regions")
    state.reveal_and_select("tarsal_tunnel", "regions")  # another region: still on
    assert state.layer_visible("regions")
    state.select("soleus")
    assert not state.layer_visible("regions")
    state.peel()
    state.reveal_and_select("soleus", "superficial")  # Back to a peeled muscle
    assert state.layer_visible("superficial")
    state.select("tibialis_posterior")
    assert not state.layer_visible("superficial") and state.peeled == ("superficial",)
    assert state.unpeel() == "superficial"
    state.select("soleus")  # (shown by the unpeel: nothing to give back)
    state.reveal_and_select("popliteal_fossa", "regions")
    state.select("soleus")
    assert state.undo() and state.layer_visible("superficial") is False  # the user's unpeel


def test_moving_on_from_a_link_keeps_the_layers_that_would_hide_the_new_selection() -> None:
    """After a link to the soleus under a peel, a click on the sural nerve (peeled with the
    superficial muscles) left it selected but hidden; a click on tibialis posterior's own
    origin patch switched the deep layer off under it (found by review)."""
    state = AppState(layer_of={"soleus": "superficial", "sural_nerve": "nerves",
                               "tibialis_posterior": "deep", "gastrocnemius": "superficial"},
                     peeled_with={"sural_nerve": "superficial"})
    state.peel()
    state.reveal_and_select("soleus", "superficial")
    state.select("sural_nerve")
    assert state.is_visible("sural_nerve", "nerves")
    state = AppState(layer_of={"tibialis_posterior": "deep", "gastrocnemius": "superficial"})
    state.set_layer_visible("deep", False)
    state.reveal_and_select("tibialis_posterior", "deep")
    state.select("tibialis_posterior:origin:tibia_posterior_surface")
    assert state.is_visible("tibialis_posterior", "deep")
    state.select("gastrocnemius")  # elsewhere: the link's layer goes back off
    assert not state.layer_visible("deep")


def test_undo_after_chained_links_undoes_the_users_own_change() -> None:
    """Two links in a row each switched a layer on; after moving on, Undo switched the first
    link's layer back on instead of undoing what the user did (found by review)."""
    state = AppState(layer_of={"soleus": "superficial", "tibialis_posterior": "deep",
                               "popliteal_fossa": "regions"})
    state.set_layer_visible("deep", False)  # the user's own last change
    state.reveal_and_select("popliteal_fossa", "regions")
    state.reveal_and_select("tibialis_posterior", "deep")
    state.select("soleus")
    assert not state.layer_visible("regions") and not state.layer_visible("deep")
    assert state.undo()
    assert state.layer_visible("deep") and not state.layer_visible("regions")


def test_undoing_a_link_s_reveal_selects_what_it_was_followed_from() -> None:
    """Flexor hallucis longus isolated, its page's link to the tibial nerve followed: Undo
    hid the nerve and selected nothing. It selects the muscle again (still isolated), Redo
    the nerve, and each says what it did."""
    from calfexplorer.atlas import load_atlas

    atlas = load_atlas()[0]
    state = AppState.from_atlas(atlas)
    state.select("flexor_hallucis_longus")
    state.isolate(atlas.isolation_of("flexor_hallucis_longus"))
    isolated = state.isolated
    state.reveal_and_select("tibial_nerve", atlas.layer_of("tibial_nerve"))
    assert state.selected == "tibial_nerve"
    assert state.undo()
    assert state.selected == "flexor_hallucis_longus" and state.isolated == isolated
    assert state.travelled == ("reveal", ("tibial_nerve",))
    assert state.history[-1] == "tibial_nerve" and state.can_go_forward  # (Forward: the nerve)
    assert state.redo()
    assert state.selected == "tibial_nerve" and "tibial_nerve" in state.isolated
    assert state.undo() and state.undo()
    assert state.travelled == ("isolate", ("flexor_hallucis_longus",))
    assert state.selected == "flexor_hallucis_longus" and not state.isolated
