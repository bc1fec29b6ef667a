"""``calfexplorer render`` on the stand-in leg: options, PNG output and error messages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from vtkmodules.util.numpy_support import vtk_to_numpy
from vtkmodules.vtkIOImage import vtkPNGReader

from calfexplorer import cli
from calfexplorer.commands import render
from calfexplorer.scene import style

from .toy import toy_assets


@pytest.fixture(autouse=True)
def stand_in_assets(monkeypatch):
    monkeypatch.setattr(render, "_load_assets", lambda model=None: (toy_assets(), None))


def read_png(path) -> np.ndarray:
    reader = vtkPNGReader()
    reader.SetFileName(str(path))
    reader.Update()
    image = reader.GetOutput()
    w, h, _ = image.GetDimensions()
    return vtk_to_numpy(image.GetPointData().GetScalars()).reshape(h, w, -1)[::-1]


def magenta_share(image: np.ndarray) -> float:
    diff = np.abs(image[..., :3].astype(int) - np.array(style.HIGHLIGHT.color) * 255).sum(axis=2)
    return float((diff < 90).mean())


def test_render_writes_a_png_of_the_requested_size(tmp_path, capsys) -> None:
    out = tmp_path / "soleus.png"
    code = cli.main(
        ["render", "--view", "posterior", "--select", "soleus", "--out", str(out)]
        + ["--size", "240x320"]
    )
    assert code == 0
    assert capsys.readouterr().out.strip() == str(out)
    image = read_png(out)
    assert image.shape[:2] == (320, 240)
    assert magenta_share(image) > 0.01  # the highlighted soleus is in the picture


def test_hiding_and_layers_change_the_picture(tmp_path) -> None:
    shown, hidden = tmp_path / "a.png", tmp_path / "b.png"
    base = ["render", "--size", "240x320"]
    assert cli.main([*base, "--out", str(shown), "--select", "soleus"]) == 0
    assert magenta_share(read_png(shown)) > 0.0
    plain = tmp_path / "p.png"
    assert cli.main([*base, "--out", str(plain)]) == 0
    assert cli.main([*base, "--out", str(hidden), "--hide", "soleus"]) == 0
    assert not np.array_equal(read_png(plain), read_png(hidden))  # the soleus is gone
    bones_only = tmp_path / "c.png"
    assert (
        cli.main(["render", "--layers", "bones", "--size", "240x320", "--out", str(bones_only)])
        == 0
    )
    image = read_png(bones_only)
    muscle = np.array(style.MATERIALS["muscle"].color) * 255
    assert (np.abs(image[..., :3].astype(int) - muscle).sum(axis=2) < 40).mean() < 0.001


def test_a_structure_is_named_as_the_search_box_knows_it(tmp_path, capsys) -> None:
    """'--select Soleus' worked for the window but not for render ('unknown structure id')."""
    out = tmp_path / "named.png"
    args = ["render", "--select", "Soleus", "--hide", "peroneus longus", "--size", "240x320",
            "--out", str(out)]
    assert cli.main(args) == 0, capsys.readouterr().err
    assert out.exists()


def test_the_regions_layer_can_be_drawn(tmp_path) -> None:
    """Retinacula and fasciae are in the regions layer: the command must be able to show it."""
    out = tmp_path / "regions.png"
    args = ["render", "--layers", "bones,regions", "--size", "240x320", "--out", str(out)]
    assert cli.main(args) == 0
    assert out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--select", "solues"], "unknown structure id 'solues' (did you mean 'soleus'"),
        # as the search box finds them: 'achilles' suggested 'gracilis' (letters alike)
        (["--select", "achilles"], "unknown structure id 'achilles' (did you mean "
                                   "'calcaneal_tendon'"),
        (["--select", "calf muscle"], "unknown structure id 'calf muscle' (did you mean "
                                      "'soleus', 'gastrocnemius'"),
        (["--hide", "nothing_here"], "unknown structure id 'nothing_here'"),
        (["--hide", "bones"], "'bones' is a layer, not a structure; show the others with --layers"),
        (["--layers", "skin"], "unknown layer(s) skin"),
        (["--layers", ""], "--layers names no layer"),  # (an empty picture before)
        (["--select", "soleus", "--hide", "soleus"], "'soleus' is both selected and hidden"),
        (["--select", "Soleus", "--hide", "soleus"], "'soleus' is both selected and hidden"),
        (["--pose", "knee=500"], "bad --pose: knee angle 500 degrees is outside the model's range"),
        (["--pose", "hip=10"], "bad --pose: unknown joint 'hip'"),
    ],
)
def test_bad_options_say_what_is_wrong(tmp_path, capsys, args, message) -> None:
    code = cli.main(["render", "--out", str(tmp_path / "x.png"), *args])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--size", "big"], "size must be WIDTHxHEIGHT"),
        (["--fade", "2"], "expected a number between 0 and 1"),
        (["--view", "plantar"], "invalid choice: 'plantar'"),
    ],
)
def test_bad_values_are_rejected_by_the_parser(capsys, args, message) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["render", *args])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_render_without_a_display_needs_no_x_server_and_says_nothing_about_one(tmp_path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    out = tmp_path / "headless.png"
    done = subprocess.run(
        [sys.executable, "-m", "calfexplorer.cli", "render", "--size", "160x200"]
        + ["--out", str(out)],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "X server" not in done.stderr and "WARN" not in done.stderr


def test_render_that_writes_nothing_is_an_error(tmp_path, capsys, monkeypatch):
    """VTK's PNG writer fails silently; the command checks that the file is there."""
    from calfexplorer.scene import Scene

    monkeypatch.setattr(Scene, "save_png", lambda self, path, size=None: Path(path))
    out = tmp_path / "x.png"
    code = cli.main(["render", "--out", str(out), "--size", "64x64"])
    captured = capsys.readouterr()
    assert code != 0
    assert f"nothing was written to {out}" in captured.err
    assert captured.out == ""
