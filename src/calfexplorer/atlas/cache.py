"""The validated atlas, remembered on disk so that an unchanged data folder loads in milliseconds.

A full load (:func:`calfexplorer.atlas.loader.validate_folder`) parses the YAML, validates every
entry with pydantic and cross-checks references: ~100 ms plus the import of PyYAML, on the
window's start-up path. A load without problems is stored as JSON of its records in the user
cache folder (data only: a cache file that someone else planted cannot run code; see
:mod:`calfexplorer.atlas.plain_records`), under a key that hashes

* the text of every file the loader reads (``joints.yaml``, ``references/*.yaml``,
  ``structures/*.yaml``) with its path,
* the source of the atlas package (its models define what the records are),
* the versions of CalfExplorer, pydantic and Python.

Any change to one of them misses the cache, and the folder is validated in full again, so an edit
that breaks the data still gets the validator's messages. Loads with problems are never stored.
A cache file that cannot be read, is not JSON or holds something of an unexpected shape is
ignored (and overwritten by the next clean load).

``CALFEXPLORER_NO_ATLAS_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from calfexplorer.atlas import plain_records
from calfexplorer.atlas.atlas import Atlas
from calfexplorer.atlas.files import yaml_files_in
from calfexplorer.atlas.models import Joint, Reference
from calfexplorer.atlas.problems import AtlasProblem

#: Bump when the layout of the stored document changes.
FORMAT = 2
CACHE_NAME = "atlas.json"
DISABLE_ENV = "CALFEXPLORER_NO_ATLAS_CACHE"
#: The pickle earlier versions stored; removed when a new cache is written.
_OLD_CACHE_NAME = "atlas.pickle"


def source_files(root: Path) -> list[Path]:
    """The files a load of ``root`` reads, in a fixed order."""
    files = [root / "joints.yaml"]
    files += yaml_files_in(root / "references")
    files += yaml_files_in(root / "structures")
    return [f for f in files if f.is_file()]


def cache_key(root: Path) -> bytes | None:
    """A hash of everything the loaded atlas depends on; None when a file cannot be read."""
    import pydantic

    from calfexplorer import __version__

    digest = hashlib.blake2b(digest_size=20)
    header = f"{FORMAT}|{__version__}|{pydantic.VERSION}|{sys.version}"
    digest.update(header.encode())
    package = Path(__file__).parent
    try:
        for file in sorted(package.glob("*.py")):
            digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
        for file in source_files(root):
            rel = file.relative_to(root).as_posix()
            digest.update(rel.encode() + b"\0" + file.read_bytes() + b"\0")
    except OSError:
        return None
    return digest.digest()


def read(cache_file: Path, key: bytes) -> tuple[Atlas, list[AtlasProblem]] | None:
    """The atlas stored under ``key`` in ``cache_file``; None when missing, stale or corrupt."""
    try:
        stored = json.loads(cache_file.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(stored, dict) or stored.get("key") != key.hex():
        return None
    try:
        structures = {k: plain_records.load_structure(v) for k, v in stored["structures"].items()}
        joints = {k: plain_records.load_record(Joint, v) for k, v in stored["joints"].items()}
        refs = {k: plain_records.load_record(Reference, v) for k, v in stored["references"].items()}
        return Atlas(structures, joints, refs), []  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - records of an unexpected shape: validate again
        return None


def write(cache_file: Path, key: bytes, atlas: Atlas) -> None:
    """Store a clean atlas under ``key`` (atomically; any error leaves no cache)."""
    document = {
        "key": key.hex(),
        "structures": {sid: plain_records.dump(s) for sid, s in atlas.structures.items()},
        "joints": {jid: plain_records.dump(j) for jid, j in atlas.joints.items()},
        "references": {rid: plain_records.dump(r) for rid, r in atlas.references.items()},
    }
    tmp = cache_file.with_name(f"{cache_file.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")
        tmp.replace(cache_file)
        cache_file.with_name(_OLD_CACHE_NAME).unlink(missing_ok=True)
    except (OSError, TypeError, ValueError):
        tmp.unlink(missing_ok=True)


def default_cache_file() -> Path | None:
    """Where the app's own data folder is cached; None when the cache is off or unusable."""
    if os.environ.get(DISABLE_ENV):
        return None
    try:
        from calfexplorer.paths import user_cache_dir

        return user_cache_dir() / CACHE_NAME
    except OSError:
        return None


def load_cached(root: Path, cache_file: Path | None) -> tuple[Atlas, list[AtlasProblem]]:
    """Load ``root`` from ``cache_file`` when it is current, else validate it (and store it).

    ``cache_file`` None validates without the cache.
    """
    key = cache_key(root) if cache_file is not None else None
    if cache_file is not None and key is not None:
        hit = read(cache_file, key)
        if hit is not None:
            return hit
    from calfexplorer.atlas.loader import validate_folder

    atlas, problems = validate_folder(root)
    if cache_file is not None and key is not None and not problems:
        write(cache_file, key, atlas)
    return atlas, problems


def load_atlas(path: Path | str | None = None) -> tuple[Atlas, list[AtlasProblem]]:
    """Load and validate a data folder (default: the app's ``data/``).

    Never raises for bad data: returns the atlas of every valid entry and the list of every
    problem found (empty when the folder is clean). The app's own data folder is served from
    the validated-atlas cache when nothing it depends on has changed (see the module docstring).
    """
    from calfexplorer.paths import data_dir

    default = data_dir()
    root = Path(path) if path is not None else default
    own = path is None or root.resolve() == default.resolve()
    return load_cached(root, default_cache_file() if own and root.is_dir() else None)
