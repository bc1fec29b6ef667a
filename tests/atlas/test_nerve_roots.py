"""The roots of the cutaneous and plantar nerves (issue #15): filled with their sources and
disputes, shown on the nerve's page, and checked against the nerve each one branches from."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from calfexplorer.atlas import Atlas, load_atlas
from calfexplorer.paths import data_dir
from calfexplorer.ui.explore.info_html import nerve_html

NEW_NERVES = {
    "medial_sural_cutaneous_nerve": "S1, S2",
    "lateral_sural_cutaneous_nerve": "L5, S1, S2",
    "fibular_communicating_branch": "S1, S2",
    "medial_plantar_nerve": "S1, S2",
    "lateral_plantar_nerve": "S1, S2",
    "medial_calcaneal_branches": "S1",
}


@pytest.mark.parametrize(("nerve", "roots"), NEW_NERVES.items())
def test_every_new_nerve_names_its_roots_on_its_page(
    atlas: Atlas, nerve: str, roots: str
) -> None:
    n = atlas.get(nerve)
    assert ", ".join(n.roots) == roots
    assert len(n.refs) >= 2
    page = nerve_html(atlas, n)
    assert f"Roots <b>{roots}</b>" in page
    assert "not settled" not in page
    for alt in n.disputed:  # every other value sources give is shown with its roots
        if alt.roots:
            assert f"(roots {', '.join(alt.roots)})" in page


def test_the_medial_plantar_dispute_is_on_its_page(atlas: Atlas) -> None:
    page = nerve_html(atlas, atlas.get("medial_plantar_nerve"))
    assert "One reference gives the nerve itself L4 and L5." in page
    assert "(roots L4, L5)" in page


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target, ignore=shutil.ignore_patterns("geometry"))
    return target


def test_a_root_the_parent_nerve_lacks_is_named(folder: Path) -> None:
    path = folder / "structures" / "nerves.yaml"
    text = path.read_text(encoding="utf-8")
    old = "    roots: [L5, S1, S2]\n    branch_of: common_fibular_nerve\n"
    assert old in text
    path.write_text(text.replace(old, "    roots: [S1, S3]\n    branch_of: common_fibular_nerve\n"),
                    encoding="utf-8")
    _, problems = load_atlas(folder)
    messages = [str(p) for p in problems]
    assert len(messages) == 1, messages
    assert messages[0].startswith("structures/nerves.yaml")
    assert "entry 'lateral_sural_cutaneous_nerve', field 'roots[1]'" in messages[0]
    assert "S3 is not among the roots given for common_fibular_nerve" in messages[0]


def test_a_loop_of_branches_is_reported_and_a_lesion_still_works(folder: Path) -> None:
    """A nerve made a branch of itself stopped the lesion lab with RecursionError (command and
    window); a loop of two nerves passed validation."""
    from calfexplorer.lesion import open_lesion_model
    from calfexplorer.lesion.model import Lesion

    path = folder / "structures" / "nerves.yaml"
    text = path.read_text(encoding="utf-8")
    old = "  - id: medial_plantar_nerve\n"
    start = text.index(old)
    end = text.index("    branch_of: tibial_nerve\n", start)
    text = text[:end] + "    branch_of: medial_plantar_nerve\n" + text[
        end + len("    branch_of: tibial_nerve\n"):]
    path.write_text(text, encoding="utf-8")
    atlas, problems = load_atlas(folder)
    loops = [str(p) for p in problems if "a loop of branches" in str(p)]
    assert len(loops) == 1, [str(p) for p in problems]
    assert "entry 'medial_plantar_nerve', field 'branch_of'" in loops[0]
    model, _ = open_lesion_model(atlas, folder)
    result = model.compute(Lesion(cuts=(model.cut("tibial_nerve", "tarsal_tunnel"),)))
    assert result.movements
