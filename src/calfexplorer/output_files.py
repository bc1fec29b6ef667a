"""Output files of the subcommands: checked before any long work, and verified after writing."""

from __future__ import annotations

import errno
import os
import secrets
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def parse_size(text: str, low: int, high: int, example: str) -> tuple[int, int]:
    """``WIDTHxHEIGHT`` (``1600x1200``, ``1600 x 1200``) as two whole numbers within
    ``low..high``; raises ValueError with a message naming ``example`` and the range."""
    try:
        w, h = (int(v) for v in text.lower().replace(" ", "").split("x"))
    except ValueError:
        raise ValueError(f"size must be WIDTHxHEIGHT, e.g. {example}: {text!r}") from None
    if not (low <= w <= high and low <= h <= high):
        raise ValueError(f"size must be {low}..{high} pixels each way: {text!r}")
    return w, h


def output_problem(path: Path | str, example: str) -> str | None:
    """Why ``path`` cannot be written as a new or replaced file (None when it can).

    Creates missing parent folders, as writing would (not for a name it refuses). ``example``
    is a file name to suggest when ``path`` is a folder; its ending is the one the file must
    have. Checks by writing a scratch file next to it, so a read-only folder, a parent that is
    a file or a folder in /proc is caught even when running as root.
    """
    if not str(path).strip():  # (Path("") is ".", the current folder)
        return f"no file name given; give one, e.g. {example}"
    path = Path(path)
    if path.is_dir():
        return f"{path} is a folder; give a file name, e.g. {path / example}"
    wanted = Path(example).suffix
    if wanted and path.suffix.lower() != wanted:  # (before any folder is made for it)
        return (f"{path} does not end in {wanted}: give a file name ending in {wanted}, e.g. "
                f"{path.with_suffix(wanted)}")
    if problem := folder_problem(path.parent, path):
        return problem
    if path.exists() and not path.is_file():
        return f"cannot replace {path}: it is not a regular file"
    if path.exists() and not os.access(path, os.W_OK):
        return f"cannot replace {path}: it is read-only"
    return None


def folder_problem(folder: Path, written: Path | None = None) -> str | None:
    """Why no new file can be written into ``folder`` (None when one can), made with its
    missing parents as writing would; ``written``: the file meant, named where a file stands
    in the way. Checks by writing a scratch file, so a read-only folder or a folder in /proc
    is caught even when running as root."""
    blocker = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        return f"cannot write {written or folder}: {blocker} is a file, not a folder"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        why = _why(exc, blocker, f"{blocker} takes no new folders")
        return f"cannot create the folder {folder}: {why}"
    if not folder.is_dir():
        return f"cannot write into {folder}: it is not a folder"
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".calfexplorer-", delete=True):
            pass
    except OSError as exc:
        why = _why(exc, folder, "it takes no new files")
        return f"cannot write into the folder {folder}: {why}"
    return None


def _why(exc: OSError, folder: Path | None, refused: str) -> str:
    """The reason ``exc`` gives; ``refused`` (+ "(a system folder)") where it would be false
    of ``folder``, the existing folder written into."""
    # A system folder (/proc, /sys) refuses new entries with "No such file or directory",
    # which is false of a folder that is there.
    if exc.errno == errno.ENOENT and folder is not None and folder.is_dir():
        return f"{refused} (a system folder)"
    return str(exc.strerror or exc)


@contextmanager
def replaced_when_written(path: Path | str) -> Iterator[Path]:
    """A scratch file beside ``path`` for the block to write; it replaces ``path`` once the
    block ends without error and wrote something, else it is removed: a failed write (a full
    disk) leaves ``path`` as it was, never half-written. Raises OSError when nothing was
    written. A link is written through (the file it names is replaced) and a file replaced
    keeps its permissions; another hard link to it keeps the old content."""
    path = Path(path)
    if path.is_symlink():
        path = path.resolve()
    scratch = path.with_name(f".{path.stem}-{secrets.token_hex(4)}{path.suffix}")
    scratch.touch(exist_ok=False)  # (made as the umask says, as a new file would be)
    try:
        if path.is_file():
            os.chmod(scratch, stat.S_IMODE(path.stat().st_mode))
        yield scratch
        if scratch.stat().st_size == 0:
            raise OSError(f"nothing was written to {path}")
        os.replace(scratch, path)
    finally:
        scratch.unlink(missing_ok=True)


def written_problem(path: Path | str) -> str | None:
    """Why ``path`` was not written after all (None when it is a non-empty file)."""
    path = Path(path)
    if not path.is_file():
        return f"nothing was written to {path}"
    if path.stat().st_size == 0:
        return f"{path} was written empty"
    return None


def disk_full(path: Path | str, partial: Path | str) -> str | None:
    """"the disk is full" when too little room is left beside ``path`` for the file a failed
    write left ``partial`` (None when that cannot be why)."""
    import shutil

    try:
        free = shutil.disk_usage(Path(path).parent).free
        written = Path(partial).stat().st_size if Path(partial).exists() else 0
    except OSError:
        return None
    return f"the disk is full ({free // 1024} kB free)" if free <= max(written, 1 << 20) else None


@contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Native code's writes to the process' stderr (libpng's complaints) dropped for the
    block: the caller says what went wrong, in one line."""
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all: hold its place, or a file opened now would take it
        held = os.open(os.devnull, os.O_WRONLY)
        try:
            yield
        finally:
            os.close(held)
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
