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


def _edit(folder: Path, old: str, new: str) -> None:
    path = folder / "geometry" / "muscles.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(("old", "new", "why"), [
    # a second 'width:' made the soleus ten times narrower, unseen (the atlas refuses it)
    ("  soleus:\n", "  soleus:\n    width: 0.0086\n", "the key 'width' is given twice"),
    # a ring of 2 points and a negative width passed validate and failed in build-assets with
    # "could not broadcast input array from shape (2,) into shape (1,)", naming nothing
    ("  soleus:\n", "  soleus:\n    ring: 2\n", "entry 'soleus': field 'ring' is 2; it must be"),
])
def test_an_edit_that_breaks_an_entry_names_file_entry_and_field(folder: Path, old: str,
                                                                  new: str, why: str) -> None:
    _edit(folder, old, new)
    with pytest.raises(GeometryDataError) as caught:
        load_params(folder)
    assert str(caught.value).startswith("geometry/muscles.yaml")
    assert why in str(caught.value)


def test_an_entry_given_again_in_another_file_is_refused_not_replaced(folder: Path) -> None:
    """A second file's soleus replaced the first (its layer became 'deep'), though the files
    are said to add to each other."""
    (folder / "geometry" / "zz_extra.yaml").write_text(
        "muscles:\n  soleus:\n    layer: deep\n    sources: [soleus_r]\n", encoding="utf-8")
    with pytest.raises(GeometryDataError) as caught:
        load_params(folder)
    assert str(caught.value).startswith("geometry/zz_extra.yaml, entry 'soleus': it is given "
                                        "in muscles.yaml too")


@pytest.mark.parametrize(("old", "new", "why"), [
    # a soleus in muscles: and again in tendons: of one file passed; the tendon replaced it
    ("tendons:\n", "tendons:\n  soleus:\n    sources: [soleus_r]\n",
     "entry 'soleus': it is given in another section of this file too"),
    # each built a mesh of NaN or failed naming nothing
    ("fullness: [1.6, 0.40]", "fullness: [-1.6, 0.40]", "field 'fullness' is"),
    ("peak: 0.475", "peak: 7", "field 'peak' is 7"),
    ("  soleus:\n", "  soleus:\n    range: [0.5]\n", "field 'range' is (0.5,)"),
    ("end_before: 0.045", "end_before: 5.0", "field 'end_before' is 5.0"),
])
def test_more_edits_that_break_an_entry_are_named(folder: Path, old: str, new: str,
                                                  why: str) -> None:
    _edit(folder, old, new)
    with pytest.raises(GeometryDataError) as caught:
        load_params(folder)
    assert str(caught.value).startswith("geometry/muscles.yaml") and why in str(caught.value)


@pytest.mark.parametrize("slips", [
    "[0.6, 0.03, [0.5, 0.2], [0.9, 0.9, 0.9]]",  # cuts not rising
    "[0.6, 0.03, [0.5], [0.9]]",  # one end for two slips
    "[0.6, 0.0, [0.5], [0.9, 0.9]]",  # no gap between the slips
    "[0.0, 0.03, [0.5], [0.9, 0.9]]",  # split from the very first station
    "[0.6, 0.03, [0.5], [0.9, 0.5]]",  # a slip that ends before the split
    "[0.6, 0.03, [0.5]]",  # no ends
])
def test_a_badly_split_sheet_is_a_clear_error(folder: Path, slips: str) -> None:
    bands = folder / "geometry" / "bands.yaml"
    text = bands.read_text(encoding="utf-8")
    start = text.index("    slips: ")
    end = text.index("\n", start)
    bands.write_text(text[:start] + f"    slips: {slips}" + text[end:], encoding="utf-8")
    with pytest.raises(GeometryDataError) as caught:
        load_params(folder)
    assert "entry 'plantar_aponeurosis'" in str(caught.value)
    assert "field 'slips'" in str(caught.value)


@pytest.mark.parametrize(("field", "value"), [
    ("slip_lift", "[[0.8, 0.001, 0.002]]"),  # two lifts for four slips
    ("slip_dir", "[[0.9, toes_r, 0.0, 0.0, 0.0]]"),  # no direction
    ("slip_dir", "[toes_r, 0.0, 1.0, 0.0]"),  # a row, not a list of rows
    ("append", "[[toes_r, 0.07, up, 0.03]]"),  # not a number
])
def test_a_badly_divided_tendon_is_a_clear_error(folder: Path, field: str, value: str) -> None:
    muscles = folder / "geometry" / "muscles.yaml"
    text = muscles.read_text(encoding="utf-8")
    entry = text.index("  extensor_digitorum_longus:")
    start = text.index(f"    {field}: ", entry)
    end = text.index("\n", start)
    while text[end + 1:].startswith("      "):  # (continued on the next lines)
        end = text.index("\n", end + 1)
    muscles.write_text(text[:start] + f"    {field}: {value}" + text[end:], encoding="utf-8")
    with pytest.raises(GeometryDataError) as caught:
        load_params(folder)
    assert "entry 'extensor_digitorum_longus'" in str(caught.value)
    assert f"field '{field}'" in str(caught.value)
