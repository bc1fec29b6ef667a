"""Benchmark the atlas: import, load + validate the full data folder, relations, export, search.

Run: ``.venv/bin/python benchmarks/bench_atlas.py`` (prints one line per measurement).
Targets: load + validate the full atlas under 100 ms (with and without the parse cache of
``calfexplorer.atlas.yaml_io``); one search (a keystroke) under 5 ms.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable


def _time(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def _report(name: str, seconds: list[float], target_ms: float | None = None) -> None:
    ms = [s * 1000 for s in seconds]
    med = statistics.median(ms)
    verdict = "" if target_ms is None else ("  OK" if med < target_ms else "  OVER TARGET")
    target = "" if target_ms is None else f"  target < {target_ms:g} ms{verdict}"
    print(f"{name:<44} median {med:8.2f} ms   min {min(ms):8.2f} ms  (n={len(ms)}){target}")


def _import_time() -> float:
    """Seconds to import calfexplorer.atlas in a fresh interpreter (pydantic included)."""
    code = "import time; t = time.perf_counter(); import calfexplorer.atlas; "
    code += "print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def main() -> None:
    _report("import calfexplorer.atlas (fresh process)", [_import_time() for _ in range(3)])

    from calfexplorer.atlas import load_atlas
    from calfexplorer.atlas.export import atlas_facts
    from calfexplorer.search import NameIndex

    first = time.perf_counter()
    atlas, problems = load_atlas()
    _report("first load + validate (warm-up included)", [time.perf_counter() - first])
    print(
        f"  atlas: {len(atlas)} structures, {len(atlas.references)} references, "
        f"{len(atlas.attachments())} attachment sites, {len(problems)} problems"
    )
    _report("load + validate full atlas (parse cache warm)", _time(load_atlas, 20), target_ms=100)
    os.environ["CALFEXPLORER_NO_YAML_CACHE"] = "1"
    _report("load + validate full atlas (no parse cache)", _time(load_atlas, 20), target_ms=100)
    del os.environ["CALFEXPLORER_NO_YAML_CACHE"]

    def all_relations() -> None:
        for m in atlas.muscles():
            atlas.relations_by_action(m.id)

    _report("relations_by_action for every muscle", _time(all_relations, 20))
    _report("facts export (whole atlas to dicts)", _time(lambda: atlas_facts(atlas), 10))
    _report("NameIndex build", _time(lambda: NameIndex(atlas), 20))
    index = NameIndex(atlas)
    queries = ["g", "ga", "gas", "gast", "gastr", "gastroc", "peroneus", "solues", "tib ant"]
    for q in queries:
        index.search(q)
    times = [t for q in queries for t in _time(lambda q=q: index.search(q), 20)]
    _report("search, one keystroke (mixed queries)", times, target_ms=5)


if __name__ == "__main__":
    main()
