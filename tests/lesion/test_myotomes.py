"""Myotomes in ``data/lesions.yaml``: checked like the rest of the file (file, entry, field in
every problem), and shown where a root lesion is: ``calfexplorer lesion --json`` and
``calfexplorer facts``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from calfexplorer.atlas import load_atlas
from calfexplorer.cli import main
from calfexplorer.lesion import Lesion, open_lesion_model
from calfexplorer.paths import data_dir


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target, ignore=shutil.ignore_patterns("geometry"))
    return target


def edit(folder: Path, old: str, new: str) -> None:
    path = folder / "lesions.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(folder: Path) -> list[str]:
    atlas, atlas_problems = load_atlas(folder)
    assert atlas_problems == []
    _, problems = open_lesion_model(atlas, folder)
    return [str(p) for p in problems]


def test_an_unknown_movement_names_file_entry_and_field(folder: Path) -> None:
    edit(folder, "movement: great_toe.extension", "movement: great_toe.circumduction")
    (problem,) = problems_of(folder)
    assert problem.startswith("lesions.yaml, line ")
    assert "entry 'l5_great_toe_extension', field 'movement'" in problem
    assert "unknown joint movement 'great_toe.circumduction'" in problem


def test_a_muscle_that_does_not_do_the_movement_is_named(folder: Path) -> None:
    edit(folder, "muscles: [tibialis_anterior]\n", "muscles: [tibialis_anterior, soleus]\n")
    (problem,) = problems_of(folder)
    assert "entry 'l4_ankle_dorsiflexion', field 'muscles[1]'" in problem
    assert "gives soleus no dorsiflexion of the ankle" in problem


def test_a_dispute_without_roots_and_a_second_key_movement(folder: Path) -> None:
    edit(folder, "      - text: S1 and S2 together.\n        roots: [S1, S2]\n",
         "      - text: S1 and S2 together.\n")
    edit(folder, "    movement: hip.extension\n", "    movement: hip.extension\n    key: true\n")
    problems = problems_of(folder)
    assert len(problems) == 2, problems
    assert any("entry 's1_ankle_plantarflexion', field 'disputed[0].roots'" in p
               and "gives the other roots" in p for p in problems)
    assert any("entry 'hip_extension', field 'roots'" in p
               and "S1 already has a key movement (s1_ankle_plantarflexion)" in p
               for p in problems)


def test_a_bad_root_is_a_schema_problem(folder: Path) -> None:
    edit(folder, "    roots: [L2]\n    movement: hip.flexion",
         "    roots: [L9]\n    movement: hip.flexion")
    (problem,) = problems_of(folder)
    assert "entry 'l2_hip_flexion', field 'roots[0]'" in problem


def test_a_root_lesion_names_its_key_movement() -> None:
    atlas, _ = load_atlas()
    model, problems = open_lesion_model(atlas)
    assert problems == []
    result = model.compute(Lesion(roots=("L4",)))
    key = [e for e in result.myotomes if e.myotome.key and not e.disputed]
    assert [(e.root, e.myotome.movement) for e in key] == [("L4", "ankle.dorsiflexion")]
    assert key[0].status == result.movement("ankle", "dorsiflexion").status != "spared"
    # knee extension is L3's key movement; some sources give L4 for it
    assert any(e.myotome.movement == "knee.extension" and e.disputed for e in result.myotomes)


def test_lesion_json_lists_the_myotome(capsys: pytest.CaptureFixture) -> None:
    assert main(["lesion", "--root", "L5", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    key = [m for m in data["myotomes"] if m["key"] and not m["disputed"]]
    assert key == [{
        "root": "L5", "id": "l5_great_toe_extension", "movement": "great_toe.extension",
        "name": "Great toe extension", "key": True, "status": "weakened", "disputed": False,
        "refs": key[0]["refs"],
    }]
    assert len(key[0]["refs"]) >= 2


def test_facts_export_the_myotomes(capsys: pytest.CaptureFixture) -> None:
    assert main(["facts", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    myotomes = {m["id"]: m for m in data["clinical"]["myotomes"]}
    s1 = myotomes["s1_ankle_plantarflexion"]
    assert s1["roots"] == ["S1"] and s1["key"] is True
    assert [d["roots"] for d in s1["disputed"]] == [["S1", "S2"]]
    assert all(len(m["refs"]) >= 2 for m in myotomes.values())
    assert main(["facts", "--markdown"]) == 0
    assert "| L4 | Ankle dorsiflexion | yes | L4, L5; L5 |" in capsys.readouterr().out
