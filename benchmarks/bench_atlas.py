"""Benchmark the atlas: import, load + validate the full data folder, relations, export, search.

Run: ``.venv/bin/python benchmarks/bench_atlas.py`` (prints one line per measurement).
Targets: load + validate the full atlas under 100 ms (with and without the parse cache of
``calfexplorer.atlas.yaml_io``); one search (a keystroke) under 5 ms. Also printed: a load served
from the validated-atlas cache (``calfexplorer.atlas.cache``), what the window's start-up pays.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from timing import report, time_calls


def _importtime_calls() -> float:
    """Seconds to import calfexplorer.atlas in a fresh interpreter (pydantic included)."""
    code = "import time; t = time.perf_counter(); import calfexplorer.atlas; "
    code += "print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def main() -> None:
    report("import calfexplorer.atlas (fresh process)", [_importtime_calls() for _ in range(3)])

    from calfexplorer.atlas import load_atlas
    from calfexplorer.atlas.export import atlas_facts
    from calfexplorer.atlas.loader import validate_folder
    from calfexplorer.search import NameIndex

    first = time.perf_counter()
    atlas, problems = load_atlas()
    report("first load + validate (warm-up included)", [time.perf_counter() - first])
    print(
        f"  atlas: {len(atlas)} structures, {len(atlas.references)} references, "
        f"{len(atlas.attachments())} attachment sites, {len(problems)} problems"
    )
    report("load from the validated-atlas cache", time_calls(load_atlas, 20))
    report(
        "load + validate full atlas (parse cache warm)",
        time_calls(validate_folder, 20),
        target_ms=100,
    )
    os.environ["CALFEXPLORER_NO_YAML_CACHE"] = "1"
    report(
        "load + validate full atlas (no parse cache)",
        time_calls(validate_folder, 20),
        target_ms=100,
    )
    del os.environ["CALFEXPLORER_NO_YAML_CACHE"]

    def all_relations() -> None:
        for m in atlas.muscles():
            atlas.relations_by_action(m.id)

    report("relations_by_action for every muscle", time_calls(all_relations, 20))
    report("facts export (whole atlas to dicts)", time_calls(lambda: atlas_facts(atlas), 10))
    report("NameIndex build", time_calls(lambda: NameIndex(atlas), 20))
    index = NameIndex(atlas)
    queries = ["g", "ga", "gas", "gast", "gastr", "gastroc", "peroneus", "solues", "tib ant"]
    for q in queries:
        index.search(q)
    times = [t for q in queries for t in time_calls(lambda q=q: index.search(q), 20)]
    report("search, one keystroke (mixed queries)", times, target_ms=5)


if __name__ == "__main__":
    main()
