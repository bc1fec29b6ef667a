"""After the first frame, while the user looks: load what the modes' first opening needs.

The Motion lab, Study and Lesion panels import their heavy modules (pyqtgraph, superqt, MuJoCo,
the study engine, the lesion model) and read their data the first time they open, which took
seconds on a loaded machine. Start-up still pays for none of it (the first frame comes first);
these steps run one at a time in the idle time after it, each a fraction of a second with the
event loop free in between. A mode opened before they finish loads what is left itself.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

#: After the first frame, before the first step: the search index and the scene's hidden
#: warm-up frames go first.
FIRST_STEP_MS = 600
#: Between steps: the event loop answers the user.
STEP_GAP_MS = 40


def _import(name: str) -> Callable[[], object]:
    return lambda: importlib.import_module(name)


def _geometry_params() -> object:
    from calfexplorer.geometry.params import load_params

    return load_params()  # (kept: see params._READ)


def _compiled_leg_model() -> object:
    """The MyoLeg model, where it is compiled already (a first compile, ~1-3 s, waits for the
    motion lab: it would hold the window that long)."""
    from calfexplorer.biomech.loader import cache_path

    if not cache_path().is_file():
        return None
    from calfexplorer.biomech.model import LegModel

    return LegModel.load()


#: Cheapest and most often opened first; the motion lab's large imports one by one.
STEPS: tuple[tuple[str, Callable[[], object]], ...] = (
    ("the lesion model", _import("calfexplorer.lesion")),
    ("the lesion panel", _import("calfexplorer.ui.lesion.panel")),
    ("the study engine", _import("calfexplorer.study")),
    ("the study panel", _import("calfexplorer.ui.study.panel")),
    ("the geometry parameters", _geometry_params),
    ("pyqtgraph", _import("pyqtgraph")),
    ("superqt", _import("superqt")),
    ("the motion lab's panel", _import("calfexplorer.ui.motion.panel")),
    ("the MyoLeg model", _compiled_leg_model),
)


class ModeWarmUp(QObject):
    """Runs :data:`STEPS` one per event-loop turn once :meth:`start` is called; ``done`` tells
    when all have run. A step that fails is left to its mode, which says why when opened."""

    def __init__(self, parent: QObject,
                 steps: tuple[tuple[str, Callable[[], object]], ...] = STEPS) -> None:
        super().__init__(parent)
        self._left = list(steps)
        self._started = False

    @property
    def done(self) -> bool:
        """Whether every step has run."""
        return not self._left

    def start(self) -> None:
        """Begin (once) after :data:`FIRST_STEP_MS`."""
        if not self._started:
            self._started = True
            QTimer.singleShot(FIRST_STEP_MS, self, self._step)

    def _step(self) -> None:
        if not self._left:
            return
        what, step = self._left.pop(0)
        try:
            step()
        except Exception:  # noqa: BLE001 - the mode tells the user when it is opened
            log.debug("warming up %s failed", what, exc_info=True)
        if self._left:
            QTimer.singleShot(STEP_GAP_MS, self, self._step)
        else:
            from calfexplorer.ui.heap import release_unused_heap

            release_unused_heap()  # (what the imports freed again, as after the scene's)
