"""Arrays kept in ``.npz`` files (the skin, a pack's binding and learnt moves): written
atomically, and a damaged file read back as damaged, never as a crash."""

from __future__ import annotations

import os
import tokenize
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

#: What reading a damaged ``.npz`` raises: a cut or bit-flipped zip (``BadZipFile``, ``zlib``,
#: ``EOFError``), a missing member (``KeyError``), or a damaged ``.npy`` header, which numpy
#: parses as Python literals (``ValueError``, ``SyntaxError``, ``tokenize.TokenError``).
#: A header edited to a huge shape asks for terabytes (``MemoryError``).
DAMAGED = (OSError, EOFError, KeyError, ValueError, SyntaxError, zipfile.BadZipFile, zlib.error,
           tokenize.TokenError, MemoryError)


def write_npz(path: Path, *, compressed: bool = False, **arrays: np.ndarray) -> None:
    """Write ``arrays`` to ``path`` through a scratch file beside it that replaces it whole, so
    a full disk or a kill leaves the old file (or none), never half of one (the scratch file a
    killed write left goes at the next); raises OSError."""
    for stale in path.parent.glob(f".{path.name}.*.tmp"):  # (a write that was killed)
        stale.unlink(missing_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            named: dict[str, Any] = arrays  # (numpy's stubs: a name could be allow_pickle)
            (np.savez_compressed if compressed else np.savez)(fh, **named)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
