"""The camera's preset views by name, for every part that offers them (the scene gives each its
direction: :data:`calfexplorer.scene.camera.VIEWS`)."""

from __future__ import annotations

VIEWS: tuple[str, ...] = ("anterior", "posterior", "medial", "lateral", "superior", "inferior")
