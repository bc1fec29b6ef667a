"""Arrays kept in .npz files: a damaged one is read as damaged (made again, or a clear error),
never a crash; a failed write leaves the old file and no scratch file."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import numpy as np
import pytest

from calfexplorer.anatomy.binding_cache import FORMAT, load_binding
from calfexplorer.geometry.skin import Skin, load_skin, save_skin
from calfexplorer.npz_cache import write_npz
from damaged_files import damage_member


def test_a_binding_whose_array_header_is_damaged_is_made_again(tmp_path: Path) -> None:
    """numpy reads a .npy header as Python literals: a damaged one raised TokenError through
    the motion lab ('The motion lab could not be prepared. TokenError: ...')."""
    path = tmp_path / "binding.npz"
    # (a member larger than zipfile's read-ahead: its checksum is checked only at its end,
    # after numpy has parsed the header)
    write_npz(path, header=np.array(json.dumps({"key": "k", "format": FORMAT})),
              rows=np.zeros(300_000))
    damage_member(path, "rows.npy", 20, b"(" * 20)
    assert load_binding(path, "k", {}) is None


def _skin() -> Skin:
    vertices = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], np.float32)
    faces = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]], np.int32)
    return Skin(vertices, faces, vertices.copy(), ("tibia_r",), np.zeros(4, np.int32), 0.5)


def test_a_damaged_skin_file_is_a_value_error_naming_it(tmp_path: Path) -> None:
    """A flipped byte in a compressed member raised zlib.error past the skin layer's
    ValueError handler."""
    path = tmp_path / "skin.npz"
    save_skin(path, _skin())
    assert len(load_skin(path).vertices) == 4
    damage_member(path, "vertices.npy", 10, b"\xff" * 8)
    with pytest.raises(ValueError, match=f"cannot read the skin {path}"):
        load_skin(path)


def test_a_failed_write_keeps_the_old_file_and_leaves_no_scratch_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The skin and the learnt moves left a half-written '.tmp.npz' beside them on a full
    disk."""
    path = tmp_path / "kept.npz"
    write_npz(path, a=np.arange(3))

    def disk_full(fh, **_arrays):
        fh.write(b"PK half a file")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(np, "savez", disk_full)
    with pytest.raises(OSError, match="No space"):
        write_npz(path, a=np.arange(5))
    assert [p.name for p in tmp_path.iterdir()] == ["kept.npz"]
    with np.load(path) as kept:
        assert kept["a"].tolist() == [0, 1, 2]


def test_a_scratch_file_a_killed_write_left_goes_at_the_next_write(tmp_path: Path) -> None:
    """The scratch name holds the process id: each killed write left one more (16 and 47 MB)."""
    left = tmp_path / ".skin.npz.1854.tmp"
    left.write_bytes(b"PK half")
    write_npz(tmp_path / "skin.npz", a=np.arange(3))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["skin.npz"]


def test_a_header_asking_for_terabytes_is_damage(tmp_path: Path) -> None:
    path = tmp_path / "binding.npz"
    write_npz(path, header=np.array(json.dumps({"key": "k", "format": FORMAT})),
              rows=np.zeros(300_000))
    raw = path.read_bytes()
    old = b"(300000,), }"
    at = raw.index(old)
    spaces = len(raw[at + len(old):]) - len(raw[at + len(old):].lstrip(b" "))
    huge = b"(300000000000,), }"  # (in the header's padding: the file keeps its length)
    assert spaces >= len(huge) - len(old)
    path.write_bytes(raw[:at] + huge + b" " * (spaces - (len(huge) - len(old)))
                     + raw[at + len(old) + spaces:])
    assert load_binding(path, "k", {}) is None
