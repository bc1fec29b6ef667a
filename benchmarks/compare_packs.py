"""Compare two built anatomy packs file by file, array by array (a speed change to the build
must leave the pack as it was).

Every file of either folder is compared: ``.npz`` archives key by key (shape, dtype, the
largest difference of float arrays), the ``.glb`` mesh by mesh (``assets.gltf.read_glb``:
every attribute array, and the JSON part), ``manifest.json`` value by value (floats within
``--tol``), anything else byte for byte. Prints one line per difference and a verdict:
"identical" (every byte), "equal within TOL" or "DIFFERENT". The exit status is 0 unless
different.

    PYTHONPATH=src .venv/bin/python benchmarks/compare_packs.py OLD_PACK NEW_PACK [--tol 1e-9]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from calfexplorer.assets.gltf import read_glb


def _arrays(a: np.ndarray, b: np.ndarray, where: str, tol: float, out: list[str]) -> bool:
    """Compare two arrays; a line in ``out`` where they differ; True where bit for bit equal."""
    if a.shape != b.shape or a.dtype != b.dtype:
        out.append(f"DIFF {where}: {a.dtype}{a.shape} against {b.dtype}{b.shape}")
        return False
    if a.dtype.kind == "O":
        same = all(x == y for x, y in zip(a.ravel().tolist(), b.ravel().tolist(), strict=True))
        if not same:
            out.append(f"DIFF {where}: object arrays differ")
        return same
    if a.tobytes() == b.tobytes():
        return True
    if a.dtype.kind in "fc":
        worst = float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64))))
        count = int(np.count_nonzero(a != b))
        tag = "near" if worst <= tol else "DIFF"
        out.append(f"{tag} {where}: {count} values differ, largest by {worst:.3g}")
        return False
    count = int(np.count_nonzero(a != b))
    out.append(f"DIFF {where}: {count} values differ")
    return False


def _values(a: Any, b: Any, where: str, tol: float, out: list[str]) -> None:
    """Compare two JSON values, floats within ``tol``."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                out.append(f"DIFF {where}/{key}: only in {'new' if key in b else 'old'}")
            else:
                _values(a[key], b[key], f"{where}/{key}", tol, out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"DIFF {where}: {len(a)} items against {len(b)}")
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            _values(x, y, f"{where}[{i}]", tol, out)
    elif isinstance(a, float) and isinstance(b, float) and a != b:
        tag = "near" if abs(a - b) <= tol else "DIFF"
        out.append(f"{tag} {where}: {a!r} against {b!r}")
    elif a != b or type(a) is not type(b):
        out.append(f"DIFF {where}: {a!r} against {b!r}")


def compare_file(old: Path, new: Path, tol: float, out: list[str]) -> None:
    """Append to ``out`` how the file ``new`` differs from ``old`` (nothing where the same)."""
    if old.read_bytes() == new.read_bytes():
        return
    name, before = old.name, len(out)
    if name.endswith(".npz"):
        with np.load(old, allow_pickle=True) as a, np.load(new, allow_pickle=True) as b:
            for key in sorted(set(a.files) | set(b.files)):
                if key not in a.files or key not in b.files:
                    out.append(f"DIFF {name}:{key}: only in {'new' if key in b.files else 'old'}")
                else:
                    _arrays(a[key], b[key], f"{name}:{key}", tol, out)
        if len(out) == before:  # (the same arrays, another zip: timestamps)
            out.append(f"same {name}: every array equal, the archive's bytes differ")
    elif name.endswith(".glb"):
        meta_a, meshes_a = read_glb(old)
        meta_b, meshes_b = read_glb(new)
        _values(meta_a, meta_b, f"{name}:json", tol, out)
        for mid in sorted(set(meshes_a) | set(meshes_b)):
            if mid not in meshes_a or mid not in meshes_b:
                out.append(f"DIFF {name}:{mid}: only in {'new' if mid in meshes_b else 'old'}")
                continue
            for key in sorted(set(meshes_a[mid]) | set(meshes_b[mid])):
                if key not in meshes_a[mid] or key not in meshes_b[mid]:
                    out.append(f"DIFF {name}:{mid}.{key}: only in one")
                else:
                    _arrays(meshes_a[mid][key], meshes_b[mid][key], f"{name}:{mid}.{key}", tol,
                            out)
    elif name.endswith(".json"):
        _values(json.loads(old.read_text("utf-8")), json.loads(new.read_text("utf-8")), name,
                tol, out)
    else:
        out.append(f"DIFF {name}: the bytes differ")


def main() -> int:
    """Compare the two packs given; print the differences and a verdict."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--tol", type=float, default=1e-9,
                        help="largest difference of a float taken as equal (default 1e-9)")
    args = parser.parse_args()
    names = sorted({p.name for p in args.old.iterdir()} | {p.name for p in args.new.iterdir()})
    lines: list[str] = []
    for name in names:
        a, b = args.old / name, args.new / name
        if not a.is_file() or not b.is_file():
            lines.append(f"DIFF {name}: only in {'new' if b.is_file() else 'old'}")
            continue
        compare_file(a, b, args.tol, lines)
    for line in lines:
        print(line)
    if any(line.startswith("DIFF") for line in lines):
        print("DIFFERENT")
        return 1
    print(f"equal within {args.tol:g}" if any(line.startswith("near") for line in lines)
          else "identical" if not lines else "equal (every array; some archives' bytes differ)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
