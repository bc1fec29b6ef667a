"""The one way to reach ``settings.ini``: window layout and preferences (user config folder)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from calfexplorer import paths


def settings() -> QSettings:
    """Window layout and preferences, stored in the user's config folder."""
    return QSettings(str(paths.user_config_dir() / "settings.ini"), QSettings.Format.IniFormat)


__all__ = ["settings"]
