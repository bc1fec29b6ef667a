"""A study process for the crash test: answers questions forever, reporting each commit.

Usage: python crash_driver.py DB DATA_DIR SEED. After each answer is committed it prints
``committed <review id> <structure id> <kind> <0|1>`` and flushes, so the test can kill it at a
known point without sleeping.
"""

from __future__ import annotations

import random
import sys

from calfexplorer.atlas.loader import load_atlas
from calfexplorer.study import ProgressStore, StudyFacts, StudySession


def main(db: str, data: str, seed: int) -> None:
    atlas, _ = load_atlas(data)
    facts = StudyFacts(atlas)
    store = ProgressStore.open(db)
    rng = random.Random(seed)
    print("ready", flush=True)
    while True:
        session = StudySession(facts, store, length=10**9, rng=rng, shuffle_new=True)
        while (q := session.next_question()) is not None:
            if q.mode == "pick":
                answer = q.structure_id if rng.random() < 0.7 else "tibia"
            else:
                answer = rng.randrange(len(q.choices))
            session.answer(answer)
            last = session.answers[-1]
            print(
                f"committed {last.review_id} {last.card.structure_id} {last.card.kind}"
                f" {int(last.correct)}",
                flush=True,
            )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
