"""The one way to reach ``settings.ini``: window layout and preferences (user config folder)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from calfexplorer import paths


def settings() -> QSettings:
    """Window layout and preferences, stored in the user's config folder."""
    return QSettings(str(paths.user_config_dir() / "settings.ini"), QSettings.Format.IniFormat)


def settings_unsaved() -> str | None:
    """Why preferences and the layout cannot be saved (``settings.ini`` is a folder, locked,
    or in a folder that cannot be written), or None; checked by saving a mark of this start.
    Without it every change was dropped at each close without a word."""
    st = settings()
    st.setValue("app/opened", 1)
    st.sync()
    if st.status() == QSettings.Status.NoError:
        return None
    return (f"Preferences and the window layout cannot be saved in {st.fileName()}: changes "
            "last until CalfExplorer closes.")


__all__ = ["settings", "settings_unsaved"]
