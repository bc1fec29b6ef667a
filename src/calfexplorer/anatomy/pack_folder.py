"""The pack folder's neighbours: one build at a time, and what a stopped build or swap left
beside it, tidied up.

A build writes into ``.bodyparts3d-new-<pid>-*`` and swaps it in by renaming the old pack to
``.bodyparts3d-old`` first: a process killed there leaves no pack (the old one aside), and
one killed during the build leaves its temporary folder. A download and build holds
:func:`build_lock` throughout, so a second one (another window, ``get-anatomy``) is told to
wait, and a start does not take a swap in progress for a stopped one.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from calfexplorer.anatomy.errors import AnatomyError

#: A temporary build folder untouched this long belongs to a build that was stopped, whatever
#: its name says (a build takes minutes).
STALE_BUILD_S = 6 * 3600


def old_pack(pack: Path) -> Path:
    """Where a swap puts the previous pack while the new one is renamed in."""
    return pack.with_name(f".{pack.name}-old")


def new_prefix(pack: Path) -> str:
    """The start of a temporary build folder's name: it says which process builds in it."""
    return f".{pack.name}-new-{os.getpid()}-"


def lock_file(pack: Path) -> Path:
    """The file a download and build of ``pack`` holds locked (removed when it is done; one
    that a killed process left is taken over)."""
    return pack.with_name(f".{pack.name}-build.lock")


class BuildBusy(AnatomyError):
    """Another CalfExplorer is getting the pack now."""


_held: dict[Path, tuple[int, int]] = {}  # lock file -> (thread holding it, depth)
_held_guard = threading.Lock()


@contextmanager
def build_lock(pack: Path) -> Iterator[None]:
    """Hold the pack's build lock (again, in the thread holding it); raises
    :class:`BuildBusy` at once where another process or thread holds it.

    The operating system lets go of it when the process ends, however it ends.
    """
    path = lock_file(pack)
    me = threading.get_ident()
    with _held_guard:
        holder = _held.get(path)
        if holder is not None and holder[0] == me:
            _held[path] = (me, holder[1] + 1)
            handle = None
        elif holder is not None:
            raise BuildBusy(_busy(pack, os.getpid()))
        else:
            handle = _locked(path, pack)
            _held[path] = (me, 1)
    try:
        yield
    finally:
        with _held_guard:
            thread, depth = _held[path]
            if depth > 1:
                _held[path] = (thread, depth - 1)
            else:
                del _held[path]
        if handle is not None:
            with suppress(OSError):
                path.unlink()  # (while still locked: a waiting opener then sees it gone)
            handle.close()  # (closing lets go of the lock)


def _locked(path: Path, pack: Path) -> IO[str]:
    """The lock file, open and locked by this process, holding its id; raises
    :class:`BuildBusy` where another process has it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from calfexplorer.paths import folder_problem

        raise AnatomyError(f"the anatomy folder {path.parent} cannot be used "
                           f"({folder_problem(path.parent, exc)}): move what is in the way or "
                           "choose another folder") from None
    while True:
        handle = path.open("a+")
        if not _try_lock(handle):
            handle.seek(0)
            other = handle.read().strip()
            handle.close()
            raise BuildBusy(_busy(pack, int(other) if other.isdigit() else None))
        try:
            same = os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        handle.close()  # (the holder removed it as this process opened it: open it anew)
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def _busy(pack: Path, pid: int | None) -> str:
    who = f" (process {pid})" if pid is not None else ""
    return (f"another CalfExplorer{who} is getting the anatomy pack into {pack.parent} now: "
            "wait for it to finish; CalfExplorer shows the new pack from its next start")


def _try_lock(handle: IO[str]) -> bool:
    """Lock the open file for this process, without waiting; whether it could."""
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def building_elsewhere(pack: Path) -> bool:
    """Whether another process, or another thread of this one, holds the pack's build lock."""
    path = lock_file(pack)
    if not path.is_file():
        return False
    with _held_guard:
        if (holder := _held.get(path)) is not None:
            return holder[0] != threading.get_ident()
    try:
        with path.open("a+") as handle:
            return not _try_lock(handle)  # (closing lets go of it again)
    except OSError:
        return False


_BUILDER = re.compile(r"-new-(?:draft-)?(\d+)(?:-|$)")


def _stopped(folder: Path, now: float) -> bool:
    """Whether a temporary build folder belongs to no running build: its process has ended
    (named in the folder's name), or it is untouched for :data:`STALE_BUILD_S`."""
    if now - folder.stat().st_mtime > STALE_BUILD_S:
        return True
    found = _BUILDER.search(folder.name)
    if found is None:
        return False
    pid = int(found.group(1))
    if pid == os.getpid():
        return False
    return not _alive(pid)


def _alive(pid: int) -> bool:
    if sys.platform == "win32":
        return True  # (no cheap check: left to the age rule)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # (another user's: alive)
    return True


def tidy_interrupted(pack: Path) -> None:
    """Put back a pack that a stopped swap left aside, and remove the temporary folders of
    stopped builds. Touches nothing while another process is getting the pack. Never raises
    (the folder may not be ours to change)."""
    if building_elsewhere(pack):
        return
    old = old_pack(pack)
    try:
        if old.is_dir():
            if pack.exists():  # stopped after the new pack went in: the old one is spare
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.rename(pack)
    except OSError:
        pass
    try:
        now = time.time()
        for tmp in pack.parent.glob(f".{pack.name}-new-*"):
            if tmp.is_dir() and _stopped(tmp, now):
                shutil.rmtree(tmp, ignore_errors=True)
    except OSError:
        pass
