"""get-anatomy's failures against a local server: each one line, no traceback, no broken pack."""

from __future__ import annotations

import contextlib
import errno
import io
import shutil
from collections import namedtuple
from pathlib import Path

import pytest

from calfexplorer.anatomy import pack as pack_mod
from calfexplorer.anatomy.download import ARCHIVE, fetch
from calfexplorer.anatomy.errors import AnatomyError
from calfexplorer.anatomy.tables import ELEMENT_PARTS, TABLES
from calfexplorer.cli import main

from .conftest import Server, another_build, make_zip, sha256


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An anatomy folder holding a previous pack that every failure must leave as it was."""
    folder = tmp_path / "anatomy"
    (folder / "bodyparts3d").mkdir(parents=True)
    (folder / "bodyparts3d" / "manifest.json").write_text('{"previous": true}')
    monkeypatch.setenv("CALFEXPLORER_ANATOMY_DIR", str(folder))
    return folder


def _run(*args: str) -> tuple[int, str, str]:
    so, se = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(so), contextlib.redirect_stderr(se):
        rc = main(["get-anatomy", *args])
    return rc, so.getvalue(), se.getvalue()


def _previous_intact(home: Path) -> bool:
    entries = sorted(p.name for p in home.iterdir() if p.name != "download")
    return entries == ["bodyparts3d"] and \
        (home / "bodyparts3d" / "manifest.json").read_text() == '{"previous": true}'


def _one_line(stderr: str) -> str:
    lines = [ln for ln in stderr.replace("\r", "\n").splitlines()
             if ln.startswith("calfexplorer")]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


def test_wrong_checksum_keeps_nothing(server: Server, home: Path) -> None:
    rc, _, err = _run("--base-url", server.url, "--sha256", "0" * 64, "--quiet")
    line = _one_line(err)
    assert rc == 1 and "SHA-256" in line and "deleted" in line
    assert _previous_intact(home)
    assert not list((home / "download").glob(f"{ARCHIVE}*"))


def test_cut_connection_then_resume(server: Server, tmp_path: Path) -> None:
    data = server.files[ARCHIVE]
    server.cut_after = len(data) // 2
    dest = tmp_path / ARCHIVE
    with pytest.raises(AnatomyError, match="run get-anatomy again to resume"):
        fetch(f"{server.url}/{ARCHIVE}", dest, sha256(data), len(data))
    part = dest.with_name(dest.name + ".part")
    assert not dest.exists() and part.stat().st_size == len(data) // 2
    server.cut_after = None
    fetch(f"{server.url}/{ARCHIVE}", dest, sha256(data), len(data))
    assert server.requests[-1] == (ARCHIVE, f"bytes={len(data) // 2}-")
    assert dest.read_bytes() == data and not part.exists()


def test_cut_connection_from_the_command_line(server: Server, home: Path) -> None:
    data = server.files[ARCHIVE]
    server.cut_after = 1000
    rc, _, err = _run("--base-url", server.url, "--sha256", sha256(data), "--quiet")
    assert rc == 1 and "stopped after 0.0" in _one_line(err)
    assert _previous_intact(home)
    assert not (home / "download" / ARCHIVE).exists()
    assert (home / "download" / f"{ARCHIVE}.part").stat().st_size == 1000  # kept to resume


def test_cancel_from_progress(server: Server, home: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def cancel(_line: object, done: int, total: int | None) -> None:
        calls.append(done)
        if done > 0:
            raise KeyboardInterrupt

    monkeypatch.setattr("calfexplorer.commands.get_anatomy.ProgressLine.__call__", cancel)
    data = server.files[ARCHIVE]
    rc, _, err = _run("--base-url", server.url, "--sha256", sha256(data))
    assert rc == 130 and "cancelled" in _one_line(err)
    assert "a partial download is kept to resume" in err
    assert calls and _previous_intact(home)
    assert not (home / "download" / ARCHIVE).exists()  # only the resumable .part


def test_cancel_while_building_from_a_folder_promises_no_download(
    home: Path, source_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("calfexplorer.anatomy.install.install_pack", interrupted)
    rc, _, err = _run("--from", str(source_dir), "--quiet")
    assert rc == 130
    assert _one_line(err) == ("calfexplorer get-anatomy: cancelled; the previous anatomy pack "
                              "(if any) is unchanged")
    assert _previous_intact(home)


def test_full_disk_before_download(server: Server, home: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: usage(10**9, 10**9 - 10**5, 10**5))
    data = server.files[ARCHIVE]
    rc, _, err = _run("--base-url", server.url, "--sha256", sha256(data), "--quiet")
    line = _one_line(err)
    assert rc == 1 and "not enough free disk space" in line and "MB free" in line
    assert _previous_intact(home)
    assert not list((home / "download").glob(f"{ARCHIVE}*"))


def test_full_disk_while_writing_the_pack(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "bodyparts3d"
    target.mkdir()
    (target / "manifest.json").write_text("old")

    def full(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("calfexplorer.assets.gltf.write_glb", full)
    def cache(_folder: Path) -> None:
        raise AssertionError("the caches are made only in a written pack")

    with pytest.raises(AnatomyError, match="the disk is full"):
        pack_mod._write(target, {}, {}, {}, cache)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bodyparts3d"]
    assert (target / "manifest.json").read_text() == "old"


def test_zip_missing_an_element(source_dir: Path, tmp_path: Path, home: Path) -> None:
    broken = make_zip(source_dir, tmp_path / ARCHIVE, leave_out=("FJ3387",))
    for name in TABLES:
        shutil.copy(source_dir / name, tmp_path / name)
    rc, _, err = _run("--from", str(broken), "--quiet")
    line = _one_line(err)
    assert rc == 1 and "FJ3387.obj (right tibia)" in line and "not a complete" in line
    assert _previous_intact(home)


def test_a_zip_with_a_damaged_compressed_element_names_it(source_dir: Path, tmp_path: Path,
                                                          home: Path) -> None:
    """zlib's error escaped the archive's handler: 'error: error: Error -3 while
    decompressing data', naming neither the file nor the archive."""
    import zipfile

    from damaged_files import damage_member

    damaged = tmp_path / ARCHIVE
    with zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted((source_dir / "isa_BP3D_4.0_obj_99").glob("*.obj")):
            zf.write(p, f"isa_BP3D_4.0_obj_99/{p.name}")
    damage_member(damaged, "isa_BP3D_4.0_obj_99/FJ3387.obj", 200, bytes(range(200)))
    for name in TABLES:
        shutil.copy(source_dir / name, tmp_path / name)
    rc, _, err = _run("--from", str(damaged), "--quiet")
    line = _one_line(err)
    assert rc == 1 and "FJ3387.obj cannot be read from" in line and "damaged" in line, line
    assert "error: error" not in line
    assert _previous_intact(home)


def test_zip_without_tables(source_zip: Path, tmp_path: Path, home: Path) -> None:
    lone = tmp_path / ARCHIVE
    shutil.copy(source_zip, lone)
    rc, _, err = _run("--from", str(lone), "--quiet")
    assert rc == 1 and f"{ELEMENT_PARTS} is missing" in _one_line(err)
    assert _previous_intact(home)


def test_table_that_does_not_parse(server: Server, home: Path) -> None:
    server.files[ELEMENT_PARTS] = b"<html>not found</html>"
    rc, _, err = _run("--base-url", server.url, "--quiet")
    assert rc == 1 and ELEMENT_PARTS in _one_line(err)
    assert _previous_intact(home)


def test_a_path_that_is_neither_zip_nor_folder(home: Path) -> None:
    rc, _, err = _run("--from", "/dev/null", "--quiet")
    assert rc == 1 and _one_line(err) == (
        "calfexplorer get-anatomy: error: /dev/null is neither a zip archive nor a folder")
    assert _previous_intact(home)


def test_not_a_zip(tmp_path: Path, home: Path) -> None:
    bad = tmp_path / ARCHIVE
    bad.write_bytes(b"PK\x03\x04 truncated")
    rc, _, err = _run("--from", str(bad), "--quiet")
    assert rc == 1 and "not a readable zip" in _one_line(err)
    assert _previous_intact(home)


def test_the_unpacked_folder_of_obj_files_finds_the_tables_beside_it(tmp_path: Path) -> None:
    # README: --from takes "an unpacked folder": given the folder of OBJ files itself, the
    # tables lie one level up, as the official zip unpacks.
    from calfexplorer.anatomy.archive import FOLDER, FolderSource
    from calfexplorer.anatomy.tables import parse_tables

    objs = tmp_path / FOLDER
    objs.mkdir()
    (objs / "FJ3387.obj").write_text("v 0 0 0\n")
    for name in TABLES:
        (tmp_path / name).write_bytes(b"header\n")
    source = FolderSource(objs)
    assert set(source.tables()) == set(TABLES)
    (tmp_path / ELEMENT_PARTS).unlink()
    places = " and ".join(str(p) for p in source.tables_places())
    with pytest.raises(AnatomyError, match=f"{ELEMENT_PARTS} is missing .looked in {objs}"):
        parse_tables(source.tables(), looked_in=places)


def test_a_kept_zip_that_is_not_the_expected_archive_is_fetched_again(
    server: Server, home: Path
) -> None:
    """A zip left in the download folder (kept with --keep from another --sha256, or put
    there) was built from without any check."""
    folder = home / "download"
    folder.mkdir()
    (folder / ARCHIVE).write_bytes(b"not the archive")
    server.cut_after = 1000  # (the fresh download fails fast: what matters is that it ran)
    rc, out, err = _run("--base-url", server.url, "--sha256", sha256(server.files[ARCHIVE]))
    assert rc == 1 and "not the expected archive: downloading it again" in out + err
    assert (ARCHIVE, None) in server.requests
    assert not (folder / ARCHIVE).exists() or (folder / ARCHIVE).read_bytes() != b"not the archive"
    assert _previous_intact(home)


@pytest.mark.parametrize("value", ["abc", "0" * 63, "g" * 64])
def test_a_sha256_that_is_not_one_is_refused_before_downloading(
    server: Server, home: Path, value: str
) -> None:
    """A pasted "sha256:<hex>" downloaded the whole archive, then deleted it."""
    with pytest.raises(SystemExit) as stop:
        _run("--base-url", server.url, "--sha256", value)
    assert stop.value.code == 2 and not server.requests


def test_a_sha256_with_its_prefix_is_read() -> None:
    from calfexplorer.commands.get_anatomy import _sha256_hex

    assert _sha256_hex("SHA256:" + "AB" * 32) == "ab" * 32
    assert _sha256_hex("sha256: " + "ab" * 32) == "ab" * 32


def test_what_a_stopped_build_or_swap_left_is_tidied(tmp_path: Path) -> None:
    """A build killed while caching left its .bodyparts3d-new-* folder for good; one killed
    between the swap's two renames left no pack (the old one aside as .bodyparts3d-old)."""
    import os
    import time

    from calfexplorer.anatomy.leg_model import load_leg
    from calfexplorer.anatomy.pack_folder import STALE_BUILD_S, tidy_interrupted

    pack = tmp_path / "bodyparts3d"
    old = tmp_path / ".bodyparts3d-old"
    old.mkdir()
    (old / "manifest.json").write_text("{}")
    stale = tmp_path / ".bodyparts3d-new-abc"
    stale.mkdir()
    long_ago = time.time() - STALE_BUILD_S - 60
    os.utime(stale, (long_ago, long_ago))
    running = tmp_path / ".bodyparts3d-new-def"  # another build, still at work
    running.mkdir()
    tidy_interrupted(pack)
    assert (pack / "manifest.json").is_file() and not old.exists()
    assert not stale.exists() and running.exists()
    shutil.rmtree(pack)
    old.mkdir()
    (old / "manifest.json").write_text("{}")
    load_leg(pack=pack)  # the window's load puts it back too
    assert (pack / "manifest.json").is_file()
    old.mkdir()  # stopped after the new pack went in: the old one is spare
    tidy_interrupted(pack)
    assert not old.exists() and (pack / "manifest.json").is_file()


def test_a_second_build_while_one_runs_is_told_to_wait_and_its_swap_left_alone(
        home: Path, tmp_path: Path) -> None:
    """Two windows (or a window and get-anatomy) downloaded into one partial file and built
    side by side, the last swap winning; a window started meanwhile took the swap's old pack,
    renamed aside, for one a stopped swap left, and put it back: the build's own rename then
    failed ("Directory not empty") after minutes of work."""
    pack = home / "bodyparts3d"
    with another_build(pack) as other:
        rc, out, err = _run("--from", str(tmp_path / "mine.zip"), "--quiet")
        assert rc == 1 and _one_line(err) == (
            f"calfexplorer get-anatomy: error: another CalfExplorer (process {other.pid}) is "
            f"getting the anatomy pack into {home} now: wait for it to finish; CalfExplorer "
            "shows the new pack from its next start")
        assert (pack / "manifest.json").read_text() == '{"previous": true}'
        pack.rename(home / ".bodyparts3d-old")  # the other build's swap, half way
        from calfexplorer.anatomy.leg_model import load_leg

        load_leg(pack=pack)  # a window starting now
        assert not pack.exists() and (home / ".bodyparts3d-old").is_dir()
    load_leg(pack=pack)  # the other build was stopped there: the next start puts it back
    assert _previous_intact(home)


@pytest.mark.parametrize("below", ["", "sub"])
def test_an_anatomy_folder_that_is_a_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   below: str) -> None:
    """It read "error: File exists: /path" (or "Not a directory: /path/sub")."""
    blocker = tmp_path / "anatomy"
    blocker.write_text("mine")
    folder = blocker / below if below else blocker
    monkeypatch.setenv("CALFEXPLORER_ANATOMY_DIR", str(folder))
    rc, _, err = _run("--from", str(tmp_path / "mine.zip"), "--quiet")
    what = "it is a file" if not below else f"{blocker} is a file"
    assert rc == 1 and _one_line(err) == (
        f"calfexplorer get-anatomy: error: the anatomy folder {folder} cannot be used ({what}): "
        "move what is in the way or choose another folder")
    assert blocker.read_text() == "mine"


def test_a_killed_build_s_folders_are_removed_at_the_next_start(tmp_path: Path) -> None:
    """They stayed six hours (any younger one was taken for a build still running)."""
    import os
    import subprocess
    import sys

    from calfexplorer.anatomy.leg_model import load_leg

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = int(gone.stdout)
    pack = tmp_path / "bodyparts3d"
    killed = [tmp_path / f".bodyparts3d-new-{dead}-k2x9",
              tmp_path / f".bodyparts3d-new-draft-{dead}"]
    running = tmp_path / f".bodyparts3d-new-{os.getppid()}-r7q1"  # a live process's
    for folder in (*killed, running):
        folder.mkdir()
        (folder / "bodyparts3d.glb").write_bytes(b"glTF half written")
    load_leg(pack=pack)  # the window's start
    assert not any(f.exists() for f in killed) and running.is_dir()
    from calfexplorer.anatomy.pack_folder import build_lock, lock_file

    lock_file(pack).write_text(f"{dead}\n")  # the killed build's lock, taken over
    with build_lock(pack):
        assert lock_file(pack).read_text() == f"{os.getpid()}\n"
    assert not lock_file(pack).exists()


def test_download_options_with_from_are_refused_not_ignored(home: Path, tmp_path: Path) -> None:
    """`--from ZIP --sha256 X` built without checking X, and --keep or --base-url did nothing."""
    rc, out, err = _run("--from", str(tmp_path / "mine.zip"), "--sha256", "a" * 64, "--keep")
    assert rc == 2 and out == ""
    assert _one_line(err) == ("calfexplorer get-anatomy: error: --sha256 and --keep are for a "
                              "download; --from builds from the given file or folder as it is")
    assert _previous_intact(home)


def test_an_element_file_far_larger_than_any_official_one_is_refused_unread(
    source_dir: Path, tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 2 GB FJ3387.obj was read whole and took 4 GB of memory before failing."""
    from calfexplorer.anatomy.archive import FOLDER

    folder = tmp_path / "unpacked"
    (folder / FOLDER).mkdir(parents=True)
    for name in TABLES:
        (folder / name).symlink_to(source_dir / name)
    for obj in (source_dir / FOLDER).iterdir():
        (folder / FOLDER / obj.name).symlink_to(obj)
    (folder / FOLDER / "FJ3387.obj").unlink()
    with open(folder / FOLDER / "FJ3387.obj", "wb") as huge:  # (sparse: no disk used)
        huge.truncate(2 * 1024**3)
    read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda p: pytest.fail(f"read {p}")
                        if p.name == "FJ3387.obj" else read(p))
    rc, _, err = _run("--from", str(folder), "--quiet")
    assert rc == 1 and _one_line(err) == (
        f"calfexplorer get-anatomy: error: {folder}: FJ3387.obj is 2147 MB, and no element file "
        "of BodyParts3D 4.0 is over 64 MB: it is not the official archive")
    assert _previous_intact(home)


@pytest.mark.parametrize(("option", "value"), [("--base-url", "dbarchive.example.org/bp3d"),
                                                ("env", "notaurl")])
def test_an_address_that_is_not_one_is_named_with_where_it_came_from(
    home: Path, monkeypatch: pytest.MonkeyPatch, option: str, value: str
) -> None:
    """urllib's 'ValueError: unknown url type' came out as an unexpected error (and in the
    window's dialog as 'unexpected error (ValueError: ...)')."""
    if option == "env":
        monkeypatch.setenv("CALFEXPLORER_ANATOMY_URL", value)
        rc, _, err = _run("--quiet")
    else:
        rc, _, err = _run("--quiet", option, value)
    line = _one_line(err)
    assert rc == 1 and "ValueError" not in line
    where = "--base-url" if option != "env" else "CALFEXPLORER_ANATOMY_URL"
    assert f"{where} '{value}' is not a web address" in line and "https://" in line
    assert _previous_intact(home)
