"""Time to produce the next study question (target: under 50 ms), on the real atlas.

Run: .venv/bin/python benchmarks/bench_study.py
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

from calfexplorer.atlas.loader import load_atlas
from calfexplorer.study import ProgressStore, StudyFacts, StudySession

TARGET_MS = 50.0


def main(n: int = 300) -> None:
    atlas, _ = load_atlas()
    t0 = time.perf_counter()
    facts = StudyFacts(atlas)
    _ = facts.cards, facts.all_names
    build_ms = (time.perf_counter() - t0) * 1000
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        store = ProgressStore.open(Path(tmp) / "progress.sqlite")
        session = StudySession(facts, store, length=n, rng=rng, shuffle_new=True)
        next_ms: list[float] = []
        answer_ms: list[float] = []
        while True:
            t = time.perf_counter()
            q = session.next_question()
            next_ms.append((time.perf_counter() - t) * 1000)
            if q is None:
                break
            answer = q.structure_id if q.mode == "pick" else rng.randrange(len(q.choices))
            t = time.perf_counter()
            session.answer(answer)
            answer_ms.append((time.perf_counter() - t) * 1000)
        store.close()
    cards = len(facts.cards)
    print(f"atlas: {len(atlas.structures)} structures, {cards} cards")
    print(f"study facts (index the atlas once): {build_ms:.1f} ms")
    print(
        f"next question: median {statistics.median(next_ms):.2f} ms, "
        f"p95 {sorted(next_ms)[int(0.95 * len(next_ms))]:.2f} ms, max {max(next_ms):.2f} ms "
        f"over {len(next_ms)} (target < {TARGET_MS:.0f} ms)"
    )
    print(
        f"answer (grade + FSRS + committed SQLite transaction): median "
        f"{statistics.median(answer_ms):.2f} ms, max {max(answer_ms):.2f} ms"
    )


if __name__ == "__main__":
    main()
