"""A copy of the app's data folder for a test to break one file of, as a user's edit might."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

#: Appended to a YAML file, a syntax error on its last line.
UNCLOSED = "\n  - [unclosed\n"


def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch | None = None) -> Path:
    """A copy of ``data/`` under ``tmp_path``; with ``monkeypatch`` the app reads it."""
    from calfexplorer.paths import data_dir

    data = tmp_path / "data"
    shutil.copytree(data_dir(), data)
    if monkeypatch is not None:
        monkeypatch.setenv("CALFEXPLORER_DATA_DIR", str(data))
    return data


def append(path: Path, text: str = UNCLOSED) -> None:
    """Add ``text`` at the end of a data file (by default a YAML syntax error)."""
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
