"""Commands with broken meshes: one line naming what is wrong and how to rebuild, no traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from calfexplorer import cli
from calfexplorer.assets.manifest import GLB, MANIFEST
from calfexplorer.paths import assets_dir

REBUILD = "run 'calfexplorer build-assets' to rebuild them"


@pytest.fixture
def meshes(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "meshes"
    shutil.copytree(assets_dir(), folder)
    monkeypatch.setenv("CALFEXPLORER_ASSETS_DIR", str(folder))
    return folder


@pytest.mark.parametrize("command", ["render", "check-geometry"])
@pytest.mark.parametrize("damage", ["deleted", "garbage"])
def test_a_broken_mesh_file_fails_with_one_line(meshes, tmp_path, capsys, command, damage):
    if damage == "deleted":
        (meshes / GLB).unlink()
    else:
        (meshes / GLB).write_bytes(b"\x00" * 64)
    args = [command] + (["--out", str(tmp_path / "x.png")] if command == "render" else [])
    code = cli.main(args)
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert code == 1
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"calfexplorer {command}: error: no meshes to ")
    assert "leg.glb" in lines[0] and lines[0].endswith(REBUILD)
    assert not (tmp_path / "x.png").exists()


def test_render_with_a_list_shaped_manifest_draws_and_warns(meshes, tmp_path, capsys):
    man = json.loads((meshes / MANIFEST).read_text())
    man["meshes"] = list(man["meshes"])
    (meshes / MANIFEST).write_text(json.dumps(man))
    out = tmp_path / "x.png"
    code = cli.main(["render", "--out", str(out), "--size", "96x120"])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out.strip() == str(out) and out.stat().st_size > 0
    assert captured.err.strip() == (
        f"calfexplorer render: warning: {meshes / MANIFEST} is malformed ('meshes' is a list, "
        f"not an object of id -> entry): the meshes were loaded unchecked; {REBUILD}"
    )


def test_check_geometry_json_with_failures_lists_only_the_failing(monkeypatch, capsys):
    """`--json --failures` printed every structure, as if --failures were not given."""
    from calfexplorer.geometry import quality

    real = quality.check_assets

    def soleus_fails(*args, **kwargs):
        report = real(*args, **kwargs)
        next(s for s in report.structures if s.id == "soleus").problems.append("made to fail")
        return report

    monkeypatch.setattr(quality, "check_assets", soleus_fails)
    code = cli.main(["check-geometry", "--model", "builtin", "--json", "--failures"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1 and doc["ok"] is False
    assert [s["id"] for s in doc["structures"]] == ["soleus"]
