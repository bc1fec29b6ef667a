"""Building the BodyParts3D anatomy pack (target: under 60 s from the zip on a 2-core machine),
loading its soft tissue's binding (saved in the pack; and binding it anew), and posing it per
pose (full and coarse, all soft tissue; target: under 20 ms).

Builds from ../shared/bodyparts3d (an unpacked folder) and from a zip made of it at run time,
into temporary folders; nothing is kept. Run: .venv/bin/python benchmarks/bench_anatomy.py
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from calfexplorer.anatomy.archive import FOLDER  # noqa: E402
from calfexplorer.anatomy.pack import build_from  # noqa: E402
from calfexplorer.anatomy.tables import TABLES  # noqa: E402
from timing import report  # noqa: E402

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "bodyparts3d"
TARGET_MS = 60_000.0
#: A knee drag at 30 frames per second (33 ms a frame) with the built-in model's 11 ms of
#: posing beside it: the soft tissue gets well under 20 ms.
POSE_TARGET_MS = 20.0


def _zip_of(folder: Path, dest: Path) -> Path:
    """The folder as an official-style deflated zip, with the tables beside it."""
    with zipfile.ZipFile(dest / "isa_BP3D_4.0_obj_99.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted((folder / FOLDER).glob("*.obj")):
            zf.write(p, f"{FOLDER}/{p.name}")
    for name in TABLES:
        shutil.copy(folder / name, dest / name)
    return dest / "isa_BP3D_4.0_obj_99.zip"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    if not (SHARED / FOLDER).is_dir():
        print(f"skipped: BodyParts3D test data not found at {SHARED}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        zip_path = _zip_of(SHARED, work)
        for label, source in (("folder", SHARED), ("zip", zip_path)):
            times = []
            for i in range(args.repeat):
                t0 = time.perf_counter()
                result = build_from(source, work / f"pack-{label}-{i}")
                times.append(time.perf_counter() - t0)
            report(f"build the pack from the {label} ({result.meshes} meshes)", times, TARGET_MS)
        for name, fit in result.fits.items():
            print(f"  {name:<13} scale {fit.scale * 1000:.3f}  {fit.mean_mm:.2f} mm mean  "
                  f"{fit.p95_mm:.2f} mm p95  ({fit.iterations} ICP steps)")
        _posing(work / f"pack-zip-{args.repeat - 1}", max(args.repeat, 1))


def _posing(pack: Path, repeat: int) -> None:
    """Load the binding saved in the pack (and bind anew), then pose a knee and ankle sweep."""
    from calfexplorer.anatomy.binding_cache import CACHE_NAME
    from calfexplorer.anatomy.soft_tissue import load_poser, pose_pack
    from calfexplorer.biomech.pose import Pose
    from calfexplorer.geometry.source import pose_state

    rest = pose_state(None)
    load_poser(pack, rest=rest)  # the imports and the atlas, as a window has them at start
    t0 = time.perf_counter()
    poser = load_poser(pack, rest=rest)
    report("load the soft tissue's binding saved in the pack", [time.perf_counter() - t0])
    (pack / CACHE_NAME).unlink()
    t0 = time.perf_counter()
    load_poser(pack, rest=rest)
    report("bind the pack's soft tissue (no saved binding)", [time.perf_counter() - t0])
    states = [pose_state(Pose.from_degrees(knee=k, ankle=a))
              for k, a in ((0, 0), (30, 10), (60, -20), (90, -30), (120, 20))]
    full = poser.binding.full
    nv = int(full.starts[-1])
    ncv = int(poser.binding.coarse.starts[-1])
    for coarse, label in ((False, f"full, {nv} vertices"), (True, f"coarse, {ncv} vertices")):
        pose_pack(poser, states[0], coarse)
        times = []
        for _ in range(repeat * 4):
            for s in states:
                t = time.perf_counter()
                pose_pack(poser, s, coarse)
                times.append(time.perf_counter() - t)
        report(f"pose the soft tissue ({len(full.ids)} meshes, {label})", times, POSE_TARGET_MS)


if __name__ == "__main__":
    main()
