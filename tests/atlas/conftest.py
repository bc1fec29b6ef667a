"""Fixtures of the atlas tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from .data_folder import DataFolder


@pytest.fixture
def data(tmp_path: Path) -> DataFolder:
    """A fresh, valid data folder."""
    return DataFolder(tmp_path / "data")
