"""Which files of a data folder are read (kept apart from the loader: the cache's key needs
the list without importing the YAML parser)."""

from __future__ import annotations

from pathlib import Path


def yaml_files_in(folder: Path) -> list[Path]:
    """The YAML files of a folder, ``.yaml`` or ``.yml`` (a teacher's ``extra.yml`` was left
    out without a word), in name order."""
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
