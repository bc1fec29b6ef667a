"""Carrying a place from the model's bone of several pieces to the pack's (toes that differ by
more than a phalanx's length between the two skeletons)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np
import pytest
import trimesh

from calfexplorer.anatomy.pack import BuildReport
from calfexplorer.anatomy.piece_match import piece_carrier
from calfexplorer.cli import main
from calfexplorer.geometry.mesh import Mesh


def _toes(lengths: list[list[float]], start_y: float, gap: float = 0.002) -> Mesh:
    """Toes side by side along x, each a row of boxes (phalanges) running towards -y."""
    parts = []
    for t, row in enumerate(lengths):
        y = start_y
        for length in row:
            box = trimesh.creation.box(extents=(0.008, length, 0.008)).subdivide().subdivide()
            box.apply_translation((t * 0.015, y - length / 2, 0.0))
            parts.append(box)
            y -= length + gap
    m = trimesh.util.concatenate(parts)
    return Mesh(m.vertices, m.faces)


def test_a_point_keeps_its_place_on_the_matching_phalanx() -> None:
    model = _toes([[0.04, 0.025], [0.03, 0.012, 0.01], [0.028, 0.011, 0.009]], 0.0)
    # the pack's toes are shorter and start 2 cm further forward: the base of the model's
    # distal phalanx of the first toe lies beside the pack's proximal phalanx
    pack = _toes([[0.03, 0.02], [0.025, 0.01, 0.008], [0.024, 0.009, 0.008]], -0.02)
    carry = piece_carrier(model, pack)
    assert carry is not None
    base = np.array([0.0, -0.0425 - 0.001, 0.004])  # first toe, distal phalanx, base, top
    out = carry(base)
    # the pack's distal phalanx of the first toe spans y -0.052 .. -0.072
    assert -0.056 < out[1] < -0.051 and abs(out[0]) < 0.0041 and out[2] > 0.003, out
    nearest = pack.vertices[np.argmin(np.linalg.norm(pack.vertices - base, axis=1))]
    assert nearest[1] > -0.05  # where the nearest point would have put it: the wrong phalanx


def test_bones_whose_pieces_do_not_correspond_are_left_to_the_nearest_point() -> None:
    model = _toes([[0.04, 0.025], [0.03, 0.012, 0.01]], 0.0)
    why = piece_carrier(model, _toes([[0.04], [0.03, 0.012, 0.01]], 0.0))
    assert why == "4 pieces against the built-in bone's 5"
    one_row = piece_carrier(model, _toes([[0.01, 0.01, 0.01, 0.01, 0.08]], 0.0))  # 2 toes: 1
    assert one_row == ("its 5 pieces lie 15 mm from the built-in bone's on average after "
                       "their fit (over 12 mm)")
    one = _toes([[0.3]], 0.0)
    assert piece_carrier(one, one) is None  # a single piece: the nearest point will do


def test_the_build_report_names_a_bone_whose_sites_were_projected(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where a pack bone's pieces do not match, ``get-anatomy`` says so beside the
    registration errors, instead of carrying its sites to the nearest point unsaid."""
    model = _toes([[0.04, 0.025], [0.03, 0.012, 0.01]], 0.0)
    why = piece_carrier(model, _toes([[0.04], [0.03, 0.012, 0.01]], 0.0))
    assert isinstance(why, str)
    report = BuildReport(pack=tmp_path / "bodyparts3d", unmatched_pieces={"toes_r": why})
    monkeypatch.setattr("calfexplorer.anatomy.install.install_pack",
                        lambda *_a, **_k: report)
    monkeypatch.setenv("CALFEXPLORER_ANATOMY_DIR", str(tmp_path))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["get-anatomy", "--from", str(tmp_path), "--quiet"]) == 0
    assert ("  toes_r: its pieces do not match the built-in bone's (4 pieces against the "
            "built-in bone's 5); its attachment sites were projected to the nearest point of "
            "the pack bone") in out.getvalue().splitlines(), out.getvalue()
