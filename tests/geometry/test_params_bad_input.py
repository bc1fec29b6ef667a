"""data/geometry/*.yaml edited badly: a clear error naming the file, never a machine brought
down by an alias bomb or a traceback from nesting."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from calfexplorer.geometry.params import GeometryDataError, load_params
from calfexplorer.paths import data_dir


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(data_dir() / "geometry", target / "geometry")
    return target


BOMB = "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}]\n" for i in range(8))


@pytest.mark.parametrize(("text", "why"), [
    (BOMB, "YAML aliases (*name) are not allowed"),
    ("bones: " + "[" * 20000 + "]" * 20000 + "\n", "nest"),  # (libyaml: "nesting depth")
])
def test_a_bomb_or_deep_nesting_is_a_clear_error(folder: Path, text: str, why: str) -> None:
    """A 600-byte alias bomb ran validate out of memory after a minute and kept the study
    panel from opening; 20,000 nested lists ended in RecursionError with no file named."""
    (folder / "geometry" / "zz_extra.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(GeometryDataError) as caught:
        load_params(folder)
    assert str(caught.value).startswith("geometry/zz_extra.yaml")
    assert why in str(caught.value)
