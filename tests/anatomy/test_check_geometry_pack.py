"""``calfexplorer check-geometry`` on the BodyParts3D leg: what it reports, when it fails, and
one clear line when the pack is missing or damaged."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from calfexplorer.anatomy.pack import GLB_NAME
from calfexplorer.cli import main


@pytest.fixture(scope="module")
def home(pack_dir: Path) -> Path:
    """An anatomy folder holding a pack built from the shared subset."""
    return pack_dir.parent


def _run(args: list[str], home: Path, capsys: pytest.CaptureFixture[str],
         monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.setenv("CALFEXPLORER_ANATOMY_DIR", str(home))
    rc = main(["check-geometry", *args])
    out = capsys.readouterr()
    return rc, out.out, out.err


def _copy(home: Path, tmp_path: Path) -> Path:
    shutil.copytree(home, tmp_path / "anatomy")
    return tmp_path / "anatomy"


def test_reports_the_bodyparts3d_leg(home: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    rc, out, err = _run(["--model", "bodyparts3d", "--json"], home, capsys, monkeypatch)
    doc = json.loads(out)
    pack = doc["bodyparts3d"]
    items: dict[str, Any] = {i["id"]: i for i in pack["structures"]}
    assert rc == 0 and doc["ok"] and pack["ok"], [i for i in items.values() if i["problems"]]
    # muscles: inside bone at rest, beside BodyParts3D's own share
    soleus = items["soleus"]["values"]
    assert 0 <= soleus["inside_bone"] < 0.5 and 0 <= soleus["inside_bone_source"] < 0.5
    # the pack's own vessels, closed; the dense ones lighter, near BodyParts3D's surface
    vein = items["great_saphenous_vein"]
    assert vein["kind"] == "vein" and vein["values"]["source_triangles"] > 2 * vein["triangles"]
    assert vein["values"]["p99_mm"] < 0.75 and "all within" in vein["measure"]
    # patches on their bones
    sites = [i for i in items.values() if i["kind"] == "site"]
    assert len(sites) > 70 and all(s["values"]["max_off_bone_mm"] < 2.6 for s in sites)
    # the kept nerves beside the real muscles, as drawn
    tibial = items["tibial_nerve"]["values"]
    assert tibial["routed"] == "routed" and sum(tibial["inside"].values()) < 0.02
    assert sum(tibial["inside_built_in_path"].values()) > 0.2
    assert tibial["beside_mm"]["posterior_tibial_artery"] < 15
    assert "common_fibular_nerve" in items and "soleal_veins" in items
    assert "structures" not in doc  # the built-in model was not asked for


def test_text_report_and_both_models_by_default(home: Path,
                                                capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    rc, out, err = _run(["--failures"], home, capsys, monkeypatch)
    assert "in bone" in out and "meshes," in out  # the built-in table and its summary
    assert "BodyParts3D leg (" in out and "kept built-in nerves and vessels checked" in out
    assert "Traceback" not in err


def test_a_nerve_through_the_pack_muscles_fails(home: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A pack whose route for the tibial nerve is gone draws the built-in path: it runs through
    the pack's muscles, and the check says so."""
    copy = _copy(home, tmp_path)
    man_path = copy / "bodyparts3d" / "manifest.json"
    man = json.loads(man_path.read_text())
    del man["routes"]["tibial_nerve"]
    man_path.write_text(json.dumps(man))
    rc, out, _ = _run(["--model", "bodyparts3d"], copy, capsys, monkeypatch)
    assert rc == 1
    line = next(ln for ln in out.splitlines() if ln.startswith("tibial_nerve "))
    assert "not routed" in line and "runs through" in line


def test_missing_or_damaged_pack_fails_in_one_line(home: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    rc, out, err = _run(["--model", "bodyparts3d"], tmp_path / "empty", capsys, monkeypatch)
    assert rc == 1 and len(err.strip().splitlines()) == 1
    assert "no BodyParts3D anatomy pack" in err and "get-anatomy" in err
    copy = _copy(home, tmp_path)
    (copy / "bodyparts3d" / GLB_NAME).write_bytes(b"\x00" * 64)
    rc, out, err = _run(["--model", "bodyparts3d"], copy, capsys, monkeypatch)
    assert rc == 1 and len(err.strip().splitlines()) == 1, err
    assert "cannot be used" in err and "get-anatomy" in err
    # a pack section of the wrong type is named (it crashed the report)
    copy = _copy(home, tmp_path / "sites")
    man_path = copy / "bodyparts3d" / "manifest.json"
    man = json.loads(man_path.read_text())
    man["attachment_sites"] = 42
    man_path.write_text(json.dumps(man))
    rc, out, err = _run(["--model", "bodyparts3d"], copy, capsys, monkeypatch)
    assert rc == 1 and len(err.strip().splitlines()) == 1, err
    assert "'attachment_sites' must be a mapping, not a number" in err
