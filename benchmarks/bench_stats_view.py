"""Time to refresh the study statistics window once it is shown (Refresh, or an answer given
while it is open), with the real atlas and some answers on record. Prints numbers; asserts
nothing.

Run: ``xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python benchmarks/bench_stats_view.py``
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from calfexplorer.atlas.loader import load_atlas
from calfexplorer.study import ProgressStore, StudyFacts, StudySession
from calfexplorer.ui.study.stats_view import StatsView


def main(rounds: int = 5, answers: int = 30) -> None:
    app = QApplication.instance() or QApplication([])
    atlas, _ = load_atlas()
    facts = StudyFacts.with_lesions(atlas)
    with tempfile.TemporaryDirectory() as tmp:
        store = ProgressStore.open(Path(tmp) / "progress.sqlite")
        session = StudySession(facts, store, length=answers, rng=random.Random(1))
        while (q := session.next_question()) is not None:
            session.answer(0 if q.choices else "x")
        view = StatsView(facts, store)
        view.show()
        app.processEvents()
        times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            view.refresh()
            times.append((time.perf_counter() - t0) * 1000)
            app.processEvents()
        rows = view.structure_table.rowCount()
        print(f"stats window refresh, shown, {rows} structure rows, {answers} answers: "
              f"first {times[0]:.0f} ms, median of the rest "
              f"{statistics.median(times[1:]):.0f} ms")
        view.close()
        store.close()


if __name__ == "__main__":
    main()
