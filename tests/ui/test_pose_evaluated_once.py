"""One knee-slider step in the motion lab evaluates the MuJoCo model once: the scene's posed
meshes, the read-out and the length colours all read the same posed leg."""

from __future__ import annotations

from calfexplorer.biomech.model import LegModel


def test_a_knee_step_evaluates_the_model_once(main_window, qtbot, monkeypatch) -> None:
    window = main_window
    window.mode_docks["motion"].show()
    panel = window.motion.panel
    qtbot.waitUntil(panel.isVisible)
    panel.set_colour_by_length(True)
    panel.pin("soleus")
    calls: list[str] = []
    evaluate, lengths = LegModel.evaluate, LegModel.lengths

    def counted_evaluate(self, pose, **kwargs):
        calls.append(f"evaluate {pose}")
        return evaluate(self, pose, **kwargs)

    def counted_lengths(self, pose):
        calls.append(f"lengths {pose}")
        return lengths(self, pose)

    monkeypatch.setattr(LegModel, "evaluate", counted_evaluate)
    monkeypatch.setattr(LegModel, "lengths", counted_lengths)
    slider = panel.sliders["knee"]
    steps = [slider.value() + 7 * (i + 1) for i in range(5)]
    for value in steps:
        slider.setValue(value)  # as a drag step does
        panel._update_numbers()  # the read-out, without waiting for its throttle
        if window.scene is not None:
            window.scene.render()  # the scene poses its meshes for the frame
    assert len(calls) == len(steps), calls
    assert all(c.startswith("evaluate") for c in calls)
