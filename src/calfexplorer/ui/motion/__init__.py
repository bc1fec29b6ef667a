"""The motion lab: the dock and the panel (sliders, presets, actions, read-out, plots)."""
