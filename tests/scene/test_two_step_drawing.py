"""With an idle scheduler, a change draws a quick frame at once and the full one when asked."""

from __future__ import annotations


def _frames(scene) -> list[bool]:
    """Record, for each frame drawn, whether it was full quality (anti-aliased)."""
    seen: list[bool] = []
    scene.render_window.AddObserver(
        "StartEvent", lambda *_: seen.append(bool(scene.renderer.GetUseFXAA()))
    )
    return seen


def test_a_change_draws_quick_then_full_when_changes_pause(scene, state):
    pending = []
    scene.auto_render = True
    scene.set_idle_scheduler(pending.append)
    seen = _frames(scene)
    some_id = scene.ids[0]
    state.select(some_id)
    state.hover(scene.ids[1])
    assert seen == [False, False]  # two quick frames, no full one yet
    assert len(pending) == 2
    pending[-1]()
    assert seen == [False, False, True]


def test_while_dragging_the_refine_draws_nothing(scene, state):
    pending = []
    scene.auto_render = True
    scene.set_idle_scheduler(pending.append)
    seen = _frames(scene)
    scene.set_fast_rendering(True)  # the user is dragging the camera
    state.select(scene.ids[0])
    assert seen == [False] and not pending


def test_without_a_scheduler_each_change_draws_one_full_frame(scene, state):
    scene.auto_render = True
    seen = _frames(scene)
    state.select(scene.ids[0])
    assert seen == [True]


def test_saved_images_peel_see_through_structures_and_the_view_does_not(scene, state):
    """Exports sort see-through surfaces exactly (depth peeling); interactive frames blend
    them farthest first, which costs a fraction of a peeled frame in software OpenGL."""
    peeled: list[bool] = []
    scene.render_window.AddObserver(
        "StartEvent", lambda *_: peeled.append(bool(scene.renderer.GetUseDepthPeeling()))
    )
    state.select(scene.ids[0])
    scene.render()
    scene.capture()
    scene.render()
    assert peeled == [False, True, False]
