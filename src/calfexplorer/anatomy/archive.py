"""Read element files and mapping tables from the official zip or an unpacked folder."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Protocol

from calfexplorer.anatomy.errors import AnatomyError
from calfexplorer.anatomy.tables import TABLES

FOLDER = "isa_BP3D_4.0_obj_99"
#: What reading a damaged zip member raises (a bad checksum, a cut file, damaged compression).
_DAMAGED_ZIP = (zipfile.BadZipFile, zlib.error, OSError, EOFError)


class ElementSource(Protocol):
    """Where element files (FJxxxx.obj) and the tables come from."""

    description: str

    def elements(self) -> dict[str, int]:
        """Element file id -> size in bytes, for every OBJ present."""

    def read(self, fj: str) -> bytes:
        """The bytes of one element file."""

    def tables(self) -> dict[str, bytes]:
        """The mapping tables found, by file name."""

    def tables_places(self) -> tuple[Path, ...]:
        """Where the mapping tables are looked for (named when one is missing)."""


def _fj(name: str) -> str | None:
    stem = PurePosixPath(name)
    if stem.suffix.lower() == ".obj" and stem.stem.upper().startswith("FJ"):
        return stem.stem.upper()
    return None


class ZipSource:
    """The official ``isa_BP3D_4.0_obj_99.zip``; tables inside it or in the folder beside it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = str(path)
        try:
            self._zip = zipfile.ZipFile(path)
            infos = self._zip.infolist()
        except _DAMAGED_ZIP as exc:
            raise AnatomyError(f"{path} is not a readable zip archive ({exc})") from None
        self._members = {fj: i for i in infos if (fj := _fj(i.filename))}
        self._tables = {PurePosixPath(i.filename).name: i for i in infos
                        if PurePosixPath(i.filename).name in TABLES}

    def close(self) -> None:
        """Close the zip file."""
        self._zip.close()

    def elements(self) -> dict[str, int]:  # noqa: D102
        return {fj: i.file_size for fj, i in self._members.items()}

    def read(self, fj: str) -> bytes:  # noqa: D102
        try:
            return self._zip.read(self._members[fj])
        except (*_DAMAGED_ZIP, KeyError) as exc:
            raise AnatomyError(f"{fj}.obj cannot be read from {self.path} ({exc}); the "
                               "archive is damaged: download it again") from None

    def tables_places(self) -> tuple[Path, ...]:
        """The places the mapping tables are looked for in: the zip, and the folder it is in."""
        return (self.path, self.path.parent)

    def tables(self) -> dict[str, bytes]:  # noqa: D102
        out = {}
        for name in TABLES:
            beside = self.path.parent / name
            try:
                if name in self._tables:
                    out[name] = self._zip.read(self._tables[name])
                elif beside.is_file():
                    out[name] = beside.read_bytes()
            except _DAMAGED_ZIP as exc:
                raise AnatomyError(f"{name} cannot be read from {self.path} ({exc}); the "
                                   "archive is damaged: download it again") from None
        return out


class FolderSource:
    """An unpacked archive: ``FOLDER/FJxxxx.obj`` (or the OBJ files directly) and the tables."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.description = str(path)
        objs = path / FOLDER if (path / FOLDER).is_dir() else path
        self._files = {fj: p for p in objs.iterdir() if p.is_file() and (fj := _fj(p.name))}

    def close(self) -> None:
        """Nothing to close."""

    def elements(self) -> dict[str, int]:  # noqa: D102
        return {fj: p.stat().st_size for fj, p in self._files.items()}

    def read(self, fj: str) -> bytes:  # noqa: D102
        try:
            return self._files[fj].read_bytes()
        except (OSError, KeyError) as exc:
            raise AnatomyError(f"{fj}.obj cannot be read from {self.path} ({exc})") from None

    def tables(self) -> dict[str, bytes]:  # noqa: D102
        out = {}
        for name in TABLES:  # in the folder, or beside it when given the folder of OBJ files
            found = next((p for p in self.tables_places() if (p / name).is_file()), None)
            if found is not None:
                out[name] = (found / name).read_bytes()
        return out

    def tables_places(self) -> tuple[Path, ...]:
        """The folders the mapping tables are looked for in."""
        return (self.path, self.path.parent)


@contextmanager
def open_source(path: Path) -> Iterator[ZipSource | FolderSource]:
    """Open a zip or folder of BodyParts3D element files; AnatomyError when it is neither."""
    path = Path(path)
    if path.is_dir():
        source: ZipSource | FolderSource = FolderSource(path)
    elif path.is_file():
        source = ZipSource(path)
    elif path.exists():
        raise AnatomyError(f"{path} is neither a zip archive nor a folder")
    else:
        raise AnatomyError(f"{path} does not exist")
    try:
        if not source.elements():
            raise AnatomyError(f"{path} holds no BodyParts3D element files (FJxxxx.obj)")
        yield source
    finally:
        source.close()
