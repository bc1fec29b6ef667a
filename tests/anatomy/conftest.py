"""Fixtures: a BodyParts3D source made at test time from ../shared/bodyparts3d, a local server.

Nothing from BodyParts3D is stored in the repository: every source folder, zip and pack lives in
pytest's temporary folders. Three mislabelled elements like those of the official 4.0 archive are
added to the copy (FJ2190 as the mirror image of the right femoral vein, listed as a
right fibular vein; FJ2091 and FJ2195, calcaneal branches, moved to hip level).
"""

from __future__ import annotations

import contextlib
import hashlib
import http.server
import io
import shutil
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from calfexplorer.anatomy.archive import FOLDER
from calfexplorer.anatomy.download import ARCHIVE
from calfexplorer.anatomy.tables import ELEMENT_PARTS, TABLES
from run_shared import made_once

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "bodyparts3d"


def _need_shared() -> Path:
    if not (SHARED / FOLDER).is_dir():
        pytest.skip(f"BodyParts3D test data not found at {SHARED} (CI has it)")
    return SHARED


def _moved_obj(src: Path, fj: str, mirror: bool = False, dz: float = 0.0) -> bytes:
    """A copy of an element file under another id, mirrored in x and/or moved in z."""
    out = [f"# File ID : {fj}"]
    for line in src.read_text().splitlines():
        if line.startswith("v "):
            x, y, z = (float(t) for t in line.split()[1:4])
            out.append(f"v {-x if mirror else x} {y} {z + dz}")
        elif line.startswith("f "):
            out.append(line)
    return ("\n".join(out) + "\n").encode()


@pytest.fixture(scope="session")
def source_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An unpacked archive: the shared subset plus three mislabelled elements."""
    shared = _need_shared()
    root = tmp_path_factory.mktemp("bp3d-src")
    shutil.copytree(shared / FOLDER, root / FOLDER)
    for name in TABLES:
        shutil.copy(shared / name, root / name)
    objs = root / FOLDER
    (objs / "FJ2190.obj").write_bytes(_moved_obj(objs / "FJ2144.obj", "FJ2190", mirror=True))
    # small vessels lifted to hip level, as the two official "calcaneal branches" lie
    for fj, src in (("FJ2091", "FJ2164"), ("FJ2195", "FJ2159")):
        v = np.array([ln.split()[1:4] for ln in (objs / f"{src}.obj").read_text().splitlines()
                      if ln.startswith("v ")], float)
        (objs / f"{fj}.obj").write_bytes(_moved_obj(objs / f"{src}.obj", fj,
                                                    dz=780.0 - v[:, 2].mean()))
    with open(root / ELEMENT_PARTS, "a") as fh:
        fh.write("FMA44885\tright fibular vein\tFJ2190\n")
        fh.write("FMA71562\tset of calcaneal branches of posterior tibial artery\tFJ2091\n")
        fh.write("FMA71562\tset of calcaneal branches of posterior tibial artery\tFJ2195\n")
    return root


@pytest.fixture(scope="session")
def built_pack(pack_dir: Path) -> Path:
    """The session's one pack (``pack_dir``); treat it as read-only."""
    return pack_dir


def make_zip(folder: Path, dest: Path, leave_out: tuple[str, ...] = ()) -> Path:
    """The element files of ``folder`` as an official-style zip (``FOLDER/FJxxxx.obj``)."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_STORED) as zf:
        for p in sorted((folder / FOLDER).glob("*.obj")):
            if p.stem not in leave_out:
                zf.write(p, f"{FOLDER}/{p.name}")
    return dest


@pytest.fixture(scope="session")
def source_zip(source_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``source_dir`` zipped like the official archive (tables not inside)."""
    return make_zip(source_dir, tmp_path_factory.mktemp("bp3d-zip") / ARCHIVE)


class Server:
    """A local HTTP server over files in memory, with Range support and a cut-off switch."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.cut_after: int | None = None  # close the zip's connection after this many bytes
        self.requests: list[tuple[str, str | None]] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                name = self.path.rsplit("/", 1)[-1]
                server.requests.append((name, self.headers.get("Range")))
                data = server.files.get(name)
                if data is None:
                    self.send_error(404)
                    return
                start = 0
                rng = self.headers.get("Range")
                if rng and rng.startswith("bytes="):
                    start = int(rng[6:].split("-")[0])
                    if start >= len(data):
                        self.send_error(416)
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                else:
                    self.send_response(200)
                body = data[start:]
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if server.cut_after is not None and name.endswith(".zip"):
                    body = body[: server.cut_after]
                    self.close_connection = True
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client cancelled
                    self.close_connection = True

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/bp3d"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        """Stop serving."""
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture(scope="session")
def archive_files(source_dir: Path, source_zip: Path) -> dict[str, bytes]:
    """What the server offers: the zip and the three tables."""
    files = {source_zip.name: source_zip.read_bytes()}
    files.update({n: (source_dir / n).read_bytes() for n in TABLES})
    return files


@pytest.fixture()
def server(archive_files: dict[str, bytes]) -> Iterator[Server]:
    """A fresh local server for one test."""
    srv = Server(dict(archive_files))
    yield srv
    srv.close()


def sha256(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="session")
def got_pack(archive_files: dict[str, bytes],
             tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The run's one pack build: ``calfexplorer get-anatomy`` downloading ``source_zip`` and
    the tables from a local server into an anatomy folder; that folder (read-only: copy it)
    and the command's status and output (``rc``, ``stdout``, ``stderr``)."""
    return made_once(tmp_path_factory, "got-pack", lambda home: _get_anatomy(archive_files, home))


def _get_anatomy(archive_files: dict[str, bytes], home: Path) -> dict[str, Any]:
    """Run ``get-anatomy`` with ``home`` as the anatomy folder; its status and output."""
    from calfexplorer.cli import main

    srv = Server(archive_files)
    so, se = io.StringIO(), io.StringIO()
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("CALFEXPLORER_ANATOMY_DIR", str(home))
            with contextlib.redirect_stdout(so), contextlib.redirect_stderr(se):
                rc = main(["get-anatomy", "--base-url", srv.url,
                           "--sha256", sha256(archive_files[ARCHIVE])])
    finally:
        srv.close()
    return {"rc": rc, "stdout": so.getvalue(), "stderr": se.getvalue()}


@pytest.fixture(scope="session")
def pack_dir(got_pack: tuple[Path, dict[str, Any]],
             tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the run's pack for this session's tests that only read it (copy it first to
    change it); its folder's parent is an anatomy folder holding just this pack."""
    home, told = got_pack
    assert told["rc"] == 0, told["stderr"]
    folder = tmp_path_factory.mktemp("anatomy") / "bodyparts3d"
    shutil.copytree(home / "bodyparts3d", folder)
    return folder


@contextlib.contextmanager
def another_build(pack: Path) -> Iterator[subprocess.Popen]:
    """Another process that holds the pack's build lock (a window downloading) until the
    block ends; yields its process."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from pathlib import Path; "
         "from calfexplorer.anatomy.pack_folder import build_lock\n"
         f"with build_lock(Path({str(pack)!r})):\n"
         "    print('held', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        yield holder
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=60)
