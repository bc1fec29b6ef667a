"""Download the official archive and tables with urllib: resumable, checked, never half-written.

The archive streams into ``<name>.part`` beside its final place; an interrupted or cut download
keeps that file and the next run asks the server for the rest (HTTP Range). Only a complete file
with the expected SHA-256 is renamed to its final name; a wrong checksum deletes it.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
import weakref
from collections.abc import Callable
from pathlib import Path

from calfexplorer.anatomy.disk import MB, ensure_space, write_failed
from calfexplorer.anatomy.errors import AnatomyError
from calfexplorer.anatomy.tables import TABLES, parse_tables

BASE_URL = "https://dbarchive.biosciencedbc.jp/data/bodyparts3d/LATEST"
BASE_URL_ENV = "CALFEXPLORER_ANATOMY_URL"
ARCHIVE = "isa_BP3D_4.0_obj_99.zip"
CHUNK = 256 * 1024
TIMEOUT_S = 60

#: progress(bytes done, bytes in all or None when unknown); may raise KeyboardInterrupt.
Progress = Callable[[int, int | None], None]


#: Addresses urllib can fetch from.
_SCHEMES = ("http", "https", "ftp", "file")


def base_url(override: str | None = None) -> str:
    """The folder the files are fetched from: option, then environment, then the official one;
    raises AnatomyError naming where an address that is not one came from (urllib's
    "ValueError: unknown url type" came out as an unexpected error)."""
    given = override or os.environ.get(BASE_URL_ENV)
    url = (given or BASE_URL).strip().rstrip("/")
    if urllib.parse.urlsplit(url).scheme.lower() not in _SCHEMES or "://" not in url:
        where = "--base-url" if override else BASE_URL_ENV
        raise AnatomyError(f"{where} '{given}' is not a web address: give one starting with "
                           "https:// or http://")
    return url


#: The connections open now, for :func:`abort_transfers` (another thread's call blocked on a
#: stalled server only notices a cancel when its 60 s timeout runs out).
_LIVE: weakref.WeakSet[socket.socket] = weakref.WeakSet()
_LIVE_LOCK = threading.Lock()


def _track(sock: socket.socket | None) -> None:
    if sock is not None:
        with _LIVE_LOCK:
            _LIVE.add(sock)


class _HTTP(http.client.HTTPConnection):
    def connect(self) -> None:  # noqa: D102
        super().connect()
        _track(self.sock)


class _HTTPS(http.client.HTTPSConnection):
    def connect(self) -> None:  # noqa: D102
        super().connect()
        _track(self.sock)


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:  # noqa: D102
        return self.do_open(_HTTP, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:  # noqa: D102
        # (the base class keeps its SSL context in a private attribute its stubs do not name)
        return self.do_open(_HTTPS, req, context=getattr(self, "_context", None))


_OPENER = urllib.request.build_opener(_HTTPHandler, _HTTPSHandler)


def abort_transfers() -> None:
    """Cut every download connection open now: a call blocked on it (in another thread)
    fails at once instead of when its timeout runs out (a cancel waited ~60 s on a server that
    took the connection and never answered)."""
    with _LIVE_LOCK:
        socks = list(_LIVE)
    for sock in socks:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _open(url: str, start: int) -> http.client.HTTPResponse:
    req = urllib.request.Request(url, headers={"User-Agent": "calfexplorer get-anatomy"})
    if start:
        req.add_header("Range", f"bytes={start}-")
    try:
        return _OPENER.open(req, timeout=TIMEOUT_S)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and start:  # nothing left to send: the .part is already whole
            raise
        raise AnatomyError(f"the server answered {exc.code} {exc.reason} for {url}") from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        raise AnatomyError(f"cannot reach {url} ({reason}); check the connection and try again"
                           ) from None


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fetch(url: str, dest: Path, sha256: str | None, size: int | None,
          progress: Progress | None = None) -> Path:
    """Download ``url`` to ``dest`` (resuming ``dest.part``); check size and SHA-256.

    Raises AnatomyError with one line on any failure; the ``.part`` file stays for a resume
    unless its content is known to be wrong. KeyboardInterrupt (also from ``progress``) passes
    through with the ``.part`` file flushed and closed.
    """
    part = dest.with_name(dest.name + ".part")
    dest.parent.mkdir(parents=True, exist_ok=True)
    have = part.stat().st_size if part.exists() else 0
    if size is not None and have > size:
        part.unlink()
        have = 0
    try:
        resp = _open(url, have) if size is None or have < size else None
    except urllib.error.HTTPError:
        resp = None
    if resp is not None:
        with resp:
            if have and resp.status != 206:  # the server ignored the range: start over
                have = 0
            length = resp.headers.get("Content-Length")
            total = have + int(length) if length and length.isdigit() else size
            if size is not None and total is not None and total != size:
                raise AnatomyError(f"{url} is {total:,} bytes, expected {size:,}: not the "
                                   "expected file")
            if total is not None:
                ensure_space(dest.parent, total - have + MB, f"download {dest.name}")
            _stream(resp, part, have, total, url, progress)
    return _finish(part, dest, sha256, size, url)


def _stream(resp: http.client.HTTPResponse, part: Path, have: int, total: int | None, url: str,
            progress: Progress | None) -> None:
    done = have
    try:
        with open(part, "ab" if have else "wb") as fh:
            if progress:
                progress(done, total)
            while True:
                try:
                    block = resp.read(CHUNK)
                except (OSError, http.client.HTTPException) as exc:
                    raise _cut(url, done, total, exc) from None
                if not block:
                    break
                fh.write(block)
                done += len(block)
                if progress:
                    progress(done, total)
    except OSError as exc:
        raise write_failed(exc, part) from None
    if total is not None and done < total:
        raise _cut(url, done, total, "the connection closed early")


def _cut(url: str, done: int, total: int | None, why: object) -> AnatomyError:
    of = f" of {total / MB:.1f}" if total else ""
    return AnatomyError(f"the download of {url} stopped after {done / MB:.1f}{of} MB ({why}); "
                        "run get-anatomy again to resume it")


def matches(path: Path, sha256: str) -> bool:
    """Whether a file's SHA-256 is ``sha256`` (hex, any case)."""
    return _sha256(path) == sha256.lower()


def _finish(part: Path, dest: Path, sha256: str | None, size: int | None, url: str) -> Path:
    got = part.stat().st_size if part.exists() else 0
    if size is not None and got != size:
        raise _cut(url, got, size, "incomplete")
    if sha256 and (digest := _sha256(part)) != sha256.lower():
        part.unlink()
        raise AnatomyError(f"{dest.name} from {url} has SHA-256 {digest[:16]}..., expected "
                           f"{sha256[:16]}...: the file is not the expected archive and was "
                           "deleted")
    os.replace(part, dest)
    return dest


def fetch_tables(base: str, folder: Path) -> None:
    """Download the three mapping tables into ``folder``; they must parse before they are kept."""
    raw: dict[str, bytes] = {}
    for name in TABLES:
        url = f"{base}/{name}"
        resp = _open(url, 0)
        with resp:
            try:
                raw[name] = resp.read()
            except (OSError, http.client.HTTPException) as exc:
                raise _cut(url, 0, None, exc) from None
    parse_tables(raw)  # raises AnatomyError naming the table that does not parse
    for name, data in raw.items():
        tmp = folder / f".{name}.tmp"
        try:
            tmp.write_bytes(data)
            os.replace(tmp, folder / name)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise write_failed(exc, folder / name) from None

