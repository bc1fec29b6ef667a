"""Parse YAML with libyaml, remembering parsed files on disk by content hash.

Building Python objects from YAML costs most of the atlas load (~40 ms for the full data); a
parsed file is stored with ``marshal`` (plain data only, no code) in the user cache folder,
keyed by a hash of the text, so an unchanged file loads in well under a millisecond. One cache
file per source file: an edited file replaces its entry. Any cache trouble falls back to parsing.
A stored file starts with a hash of what follows, checked before marshal reads it: marshal trusts
the lengths it reads (one damaged byte of a list's length asked for 16 GB).
"""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path
from typing import Any

import yaml

_Safe = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Loader(_Safe):  # type: ignore[misc,valid-type]
    """libyaml's safe loader that refuses a key given twice in one mapping (YAML keeps the
    last silently: a user's second 'name:' would replace the first unseen)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"the key '{key_node.value}' is given twice",
                        key_node.start_mark)
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)


class DataFileError(ValueError):
    """A data file that cannot be read as text: what is wrong, and :attr:`line` (1-based)
    where one line is at fault."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class NotUTF8(DataFileError):
    """A data file's bytes that are not UTF-8 text."""


#: The largest data file read (the largest of the app's own is ~70 kB): one far larger is
#: not a data file (a log or a mesh saved under its name), and its thousands of entries would
#: keep the window from opening for minutes.
MAX_DATA_FILE = 4_000_000


def read_text(path: Path) -> str:
    """A data file's text; raises :class:`DataFileError` for one too large to be a data file
    or not UTF-8 (naming the byte), ``OSError`` when it cannot be read."""
    size = path.stat().st_size
    if size > MAX_DATA_FILE:
        raise DataFileError(
            f"the file is {size / 1e6:.1f} MB, more than the {MAX_DATA_FILE / 1e6:.0f} MB a "
            "data file may be (is it the right file?): it was not read")
    return decoded(path.read_bytes())


def decoded(raw: bytes) -> str:
    """A data file's text; raises :class:`NotUTF8` naming the first byte that is not UTF-8
    (line, column), as every reader of the data folder says it."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        raise NotUTF8(
            f"not UTF-8 text: byte 0x{raw[exc.start]:02X} at column {column} cannot be read "
            "(save the file as UTF-8)",
            raw.count(b"\n", 0, exc.start) + 1,
        ) from None


def yaml_problem(exc: yaml.YAMLError, text: str) -> tuple[str, int | None]:
    """What is malformed in a YAML ``text``, in one line, and the line (1-based) it is on."""
    if isinstance(exc, yaml.reader.ReaderError):  # (a character YAML refuses: no mark)
        before = text[: exc.position]
        column = exc.position - (before.rfind("\n") + 1) + 1
        return (f"malformed YAML at column {column}: character #x{exc.character:04X} is not "
                f"allowed ({exc.reason})", before.count("\n") + 1)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    what = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    detail = " ".join((f"{context}: {what}" if context else what).split())
    if mark is not None:
        return f"malformed YAML at column {mark.column + 1}: {detail}", mark.line + 1
    return f"malformed YAML: {detail}", None


_VERSION = f"3:{yaml.__version__}:{_Safe.__name__}".encode()


_DIGEST_SIZE = 16


def _digest(payload: bytes) -> bytes:
    return hashlib.blake2b(payload, digest_size=_DIGEST_SIZE).digest()


def _cache_file(rel: str) -> Path | None:
    if os.environ.get("CALFEXPLORER_NO_YAML_CACHE"):
        return None
    try:
        from calfexplorer.paths import user_cache_dir

        folder = user_cache_dir() / "atlas-yaml"
        folder.mkdir(exist_ok=True)
    except OSError:
        return None
    return folder / (rel.replace("/", "__") + ".marshal")


def load_yaml(text: str, rel: str | None = None) -> Any:
    """The data of a YAML document; raises ``yaml.YAMLError`` when it is malformed.

    ``rel`` names the source (its path in the app's data folder) to cache it; ``None`` (for
    any other folder, e.g. one a test builds) parses without the cache.
    """
    key = hashlib.blake2b(_VERSION + text.encode("utf-8"), digest_size=16).digest()
    cache = _cache_file(rel) if rel is not None else None
    if cache is not None:
        try:
            stored = cache.read_bytes()
            payload = stored[_DIGEST_SIZE:]
            if stored[:_DIGEST_SIZE] == _digest(payload):
                stored_key, data = marshal.loads(payload)
                if stored_key == key:
                    return data
        except (OSError, EOFError, ValueError, TypeError, MemoryError):
            pass
    data = yaml.load(text, Loader=Loader)  # noqa: S506 - a safe loader
    if cache is not None:
        try:
            blob = marshal.dumps((key, data))
        except ValueError:  # e.g. a YAML date: not plain data, do not cache
            return data
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        try:
            tmp.write_bytes(_digest(blob) + blob)
            tmp.replace(cache)
        except OSError:
            tmp.unlink(missing_ok=True)
    return data
