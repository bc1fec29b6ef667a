"""The preferences stored in ``settings.ini``, checked before use (Qt-free).

The file is the user's to edit (or to damage): a value that is not usable falls back to its
default, a number out of range is clamped, and each is reported in one log line.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from calfexplorer.views import VIEWS

log = logging.getLogger(__name__)

MODELS = ("bodyparts3d", "builtin")


@dataclass(frozen=True)
class Prefs:
    """Usable preferences; ``None`` means "not stored: keep the window's own value"."""

    fade: float | None = None
    xray: float | None = None
    labels: bool | None = None
    view: str = "posterior"
    model: str | None = None  # None: the BodyParts3D pack when installed



def clean_prefs(stored: Mapping[str, Any]) -> tuple[Prefs, list[str]]:
    """Check the stored ``prefs/*`` values; returns usable ones and a line per bad one.

    ``stored`` maps keys (``prefs/fade``, ``prefs/xray``, ``prefs/labels``, ``prefs/view``,
    ``prefs/model``) to what QSettings returned: a string from an INI file, or a number/bool
    from a native store.
    """
    complaints: list[str] = []
    fade = _unit(stored.get("prefs/fade"), "prefs/fade", 0.25, complaints)
    xray = _unit(stored.get("prefs/xray"), "prefs/xray", 0.0, complaints)
    labels = _flag(stored.get("prefs/labels"), "prefs/labels", True, complaints)
    view = stored.get("prefs/view")
    if view is not None and str(view) not in VIEWS:
        complaints.append(f"prefs/view={view!r} is not one of {', '.join(VIEWS)}; using posterior")
        view = None
    model = stored.get("prefs/model")
    if model is not None and str(model) not in MODELS:
        complaints.append(f"prefs/model={model!r} is not one of {', '.join(MODELS)}; using the "
                          "BodyParts3D pack when installed")
        model = None
    return Prefs(fade, xray, labels, str(view) if view is not None else "posterior",
                 str(model) if model is not None else None), complaints


def log_complaints(complaints: list[str], where: str) -> None:
    """One warning line per unusable stored value, naming the file."""
    for line in complaints:
        log.warning("settings %s: %s", where, line)


def _unit(raw: Any, key: str, default: float, complaints: list[str]) -> float | None:
    if raw is None:
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError, OverflowError):
        complaints.append(f"{key}={raw!r} is not a number; using the default {default:g}")
        return default
    if math.isnan(value):
        complaints.append(f"{key}={raw!r} is not a number; using the default {default:g}")
        return default
    clamped = min(1.0, max(0.0, value))
    if clamped != value:
        complaints.append(f"{key}={raw!r} is outside 0..1; using {clamped:g}")
    return clamped


def _flag(raw: Any, key: str, default: bool, complaints: list[str]) -> bool | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    complaints.append(f"{key}={raw!r} is not true or false; using the default {default}")
    return default
