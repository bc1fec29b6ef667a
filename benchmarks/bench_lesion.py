"""The lesion model: loading its data, and computing every lesion (target: each under 5 ms).

Run: .venv/bin/python benchmarks/bench_lesion.py [--repeat N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from calfexplorer.atlas import load_atlas  # noqa: E402
from calfexplorer.lesion import Lesion, open_lesion_model  # noqa: E402
from calfexplorer.lesion.cases import candidates  # noqa: E402
from timing import report, time_calls  # noqa: E402

TARGET_MS = 5.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    atlas, _ = load_atlas()
    report("open the lesion model (read + check lesions.yaml)",
           time_calls(lambda: open_lesion_model(atlas), 20))
    model, _ = open_lesion_model(atlas)
    pool = candidates(atlas, model)
    for c in pool:
        report(f"compute: {c.title[:44]}", time_calls(lambda c=c: model.compute(c.lesion),
                                                      args.repeat), TARGET_MS)
    every = Lesion(
        cuts=tuple(model.cut(n) for n in model.nerves()), roots=tuple(model.roots())
    )
    report("compute: every nerve and every root at once",
           time_calls(lambda: model.compute(every), args.repeat), TARGET_MS)


if __name__ == "__main__":
    main()
