"""What can be wrong with the progress file, told from SQLite's own error codes, in plain words.

Only :attr:`Problem.DAMAGED` (SQLite's SQLITE_CORRUPT / SQLITE_NOTADB, or a failed quick
check) allows the store to move the file aside; every other problem leaves it as it is.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from enum import StrEnum
from pathlib import Path

#: The action that writes answers kept in memory into the progress file (the dock's button).
SAVE_ACTION = "Save progress now"

#: Below this much free space an I/O error is reported as a full disk (SQLite often says
#: "disk I/O error" when it cannot grow its shared-memory file on a full disk).
_NEARLY_FULL = 1 << 20


class Problem(StrEnum):
    """Why the progress file is not being written."""

    DAMAGED = "damaged"  # SQLite reports the file as damaged
    FULL = "full"  # no space left on the disk
    READ_ONLY = "read_only"  # the file or its folder cannot be written
    LOCKED = "locked"  # another program holds it
    IO = "io"  # any other failure to read or write it
    NEWER = "newer"  # made by a newer CalfExplorer
    FOREIGN = "foreign"  # not a CalfExplorer progress file (or a folder in the way)
    NO_FOLDER = "no_folder"  # a file stands where the progress file's folder should be
    LINK = "link"  # a symbolic link on its way loops or leads nowhere


class FileProblem(Exception):
    """The progress file cannot be used now: :attr:`problem`, with SQLite's words as text."""

    def __init__(self, problem: Problem, detail: str) -> None:
        super().__init__(detail)
        self.problem = problem
        self.detail = detail


_BY_CODE = {
    sqlite3.SQLITE_CORRUPT: Problem.DAMAGED,
    sqlite3.SQLITE_NOTADB: Problem.DAMAGED,
    sqlite3.SQLITE_FULL: Problem.FULL,
    sqlite3.SQLITE_READONLY: Problem.READ_ONLY,
    sqlite3.SQLITE_PERM: Problem.READ_ONLY,
    sqlite3.SQLITE_AUTH: Problem.READ_ONLY,
    sqlite3.SQLITE_BUSY: Problem.LOCKED,
    sqlite3.SQLITE_LOCKED: Problem.LOCKED,
}

_BY_ERRNO = {
    errno.ENOSPC: Problem.FULL,
    errno.EDQUOT: Problem.FULL,
    errno.EROFS: Problem.READ_ONLY,
    errno.EACCES: Problem.READ_ONLY,
    errno.EPERM: Problem.READ_ONLY,
    errno.EEXIST: Problem.NO_FOLDER,  # (from making the folder: a file has its name)
    errno.ENOTDIR: Problem.NO_FOLDER,
    errno.ELOOP: Problem.LINK,
}


def classify(exc: BaseException, folder: Path) -> FileProblem:
    """The problem an exception from SQLite or the file system stands for.

    ``folder`` is where the file lives: an I/O error there with the disk (nearly) full is a
    full disk.
    """
    if isinstance(exc, FileProblem):
        return exc
    if (link := broken_link(folder)) is not None:
        return FileProblem(Problem.LINK, link)
    problem = Problem.IO
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None:
            problem = _BY_CODE.get(code & 0xFF, Problem.IO)  # extended codes keep the primary low
        if code == sqlite3.SQLITE_CANTOPEN and _read_only_folder(folder):
            problem = Problem.READ_ONLY
    elif isinstance(exc, OSError):
        problem = _BY_ERRNO.get(exc.errno or 0, Problem.IO)
    if problem is Problem.IO and _nearly_full(folder):
        problem = Problem.FULL
    return FileProblem(problem, str(exc) or type(exc).__name__)


def broken_link(path: Path) -> str | None:
    """What is wrong with the first symbolic link on the way to ``path`` (itself or a folder
    above it) that loops or leads to nothing, in plain words; None when there is none.

    A link to a file not made yet, in a folder that exists, is no problem: SQLite makes it.
    """
    for step in [*reversed(path.parents), path]:
        if not step.is_symlink():
            continue
        try:
            os.stat(step)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return f"{step} is a symbolic link that leads round in a loop"
            if exc.errno != errno.ENOENT:
                return None
            target = Path(os.path.join(step.parent, os.readlink(step)))
            if step == path and target.parent.is_dir():
                return None
            return f"{step} is a symbolic link to {target}, which does not exist"
    return None


def _nearly_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < _NEARLY_FULL
    except OSError:
        return False


def _read_only_folder(folder: Path) -> bool:
    return folder.is_dir() and not os.access(folder, os.W_OK)


def explain(problem: FileProblem, path: Path, earlier_read: bool) -> str:
    """What is wrong, that the file was left as it is, and what to do, for the user."""
    detail = problem.detail
    if problem.problem is Problem.LINK and detail.startswith(f"{path} "):
        detail = "it" + detail[len(str(path)):]  # (the file itself, named just before)
    later = (
        f"Until then your answers are kept in memory: press “{SAVE_ACTION}” once it is fixed "
        "(they are lost if you quit first)."
    )
    text = {
        Problem.FULL: (
            f"The disk is full, so your study answers cannot be saved in {path} ({detail}). "
            f"Your progress file is unharmed. Free some disk space. {later}"
        ),
        Problem.READ_ONLY: (
            f"Your progress file {path} cannot be written: it or its folder is read-only "
            f"({detail}). It was left unchanged. Make it writable. {later}"
        ),
        Problem.LOCKED: (
            f"Your progress file {path} is in use by another program, most likely another "
            f"CalfExplorer ({detail}). Close that one. {later}"
        ),
        Problem.IO: (
            f"Your progress file {path} could not be used ({detail}). It was left unchanged. "
            f"Check the disk it is on. {later}"
        ),
        Problem.NEWER: (
            f"Your progress file {path} was made by a newer CalfExplorer ({detail}). It was "
            "left unchanged. Use the newer CalfExplorer to keep your progress: answers given "
            "here are kept only until you quit."
        ),
        Problem.NO_FOLDER: (
            f"Your progress cannot be saved: {_file_in_the_way(path)} is a file, where the "
            f"folder of your progress file {path} should be ({detail}). Move or rename that "
            f"file. {later}"
        ),
        Problem.LINK: (
            f"Your progress file {path} cannot be used: {detail}. Nothing was changed. "
            f"Remove the link or point it at your progress file or its folder. {later}"
        ),
        Problem.FOREIGN: (
            f"{path} is not a CalfExplorer progress file ({detail}). It was left unchanged. "
            f"Move or rename it to start a new progress file. {later}"
        ),
        Problem.DAMAGED: (
            f"Your progress file {path} is damaged ({detail}). Press “{SAVE_ACTION}” to move "
            "it aside (it is kept) and start a new progress file with your answers; until "
            "then they are kept in memory."
        ),
    }[problem.problem]
    if not earlier_read:
        text += (" Some or all of your earlier progress could not be read: those cards count "
                 "as new for now.")
    return text


def _file_in_the_way(path: Path) -> Path:
    """The file that stands where a folder above ``path`` should be (its folder if none)."""
    return next((p for p in path.parents if p.exists() and not p.is_dir()), path.parent)
