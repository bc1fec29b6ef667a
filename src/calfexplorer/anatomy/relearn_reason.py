"""Why the BodyParts3D leg's kept tubes learn their moves again when the motion lab opens: the
saved moves (``kept_tubes.npz`` in the pack) were made for another version of the program or
pack, were damaged, or are missing. Kept apart from :mod:`.leg_poser`, whose source is part of
the saved moves' key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from calfexplorer.npz_cache import DAMAGED

#: The saved moves' file in the pack folder (:data:`.leg_poser.LEARNT_NAME`).
LEARNT_FILE = "kept_tubes.npz"
RELEARN_OUTDATED = "once after an update of CalfExplorer"
RELEARN_DAMAGED = (f"the file of their saved moves, {LEARNT_FILE} in the anatomy pack, was "
                   "damaged and is being rebuilt")
RELEARN_MISSING = (f"the file of their saved moves, {LEARNT_FILE}, is missing from the anatomy "
                   "pack and is being rebuilt")
#: Every reason a ``say`` may be told (:func:`telling_why`).
RELEARN_REASONS = frozenset({RELEARN_OUTDATED, RELEARN_DAMAGED, RELEARN_MISSING})


def relearn_reason(pack: Path) -> str:
    """Why the moves saved in the pack folder ``pack`` are not used: missing, damaged (not
    readable, or not finite numbers), else made for another version (outdated)."""
    path = Path(pack) / LEARNT_FILE
    if not path.exists():
        return RELEARN_MISSING
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = [f[name] for name in f.files]
            str(f["key"])
    except DAMAGED:
        return RELEARN_DAMAGED
    if any(a.dtype.kind == "f" and not np.isfinite(a).all() for a in arrays):
        return RELEARN_DAMAGED
    return RELEARN_OUTDATED


def telling_why(say: Callable[[str], None], pack: Path) -> Callable[[str], None]:
    """``say``, told first why the work is done again (:func:`relearn_reason`), once, as the
    poser tells its first step."""
    told: list[bool] = []

    def tell(line: str) -> None:
        if not told:
            told.append(True)
            say(relearn_reason(pack))
        say(line)

    return tell
