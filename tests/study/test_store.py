"""The progress store: answers committed one by one, a killed process loses nothing, and an
unusable file is moved aside with a message instead of crashing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from calfexplorer.study.kinds import CardKey
from calfexplorer.study.scheduler import Scheduler, new_card, rating_for
from calfexplorer.study.store import SCHEMA_VERSION, ProgressStore

from .conftest import DATA

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
KEY = CardKey("soleus", "name_it")


def _record(store: ProgressStore, key: CardKey = KEY, correct: bool = True) -> int:
    card, _ = Scheduler().review(new_card(key, NOW), rating_for(correct), NOW)
    return store.record_answer(key, card, correct, int(rating_for(correct)), "soleus", NOW)


def test_fresh_store_has_schema_version_and_wal(tmp_path):
    path = tmp_path / "progress.sqlite"
    with ProgressStore.open(path) as store:
        assert store.recovery_message is None
        assert store.integrity_ok()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_default_path_is_in_the_user_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CALFEXPLORER_USER_DIR", str(tmp_path / "user"))
    with ProgressStore.open() as store:
        assert store.path == tmp_path / "user" / "progress.sqlite"
    assert store.path.is_file()


def test_answers_and_cards_survive_reopening(tmp_path):
    path = tmp_path / "progress.sqlite"
    with ProgressStore.open(path) as store:
        first = _record(store)
        second = _record(store, CardKey("popliteus", "find_it"), correct=False)
    with ProgressStore.open(path) as store:
        reviews = store.reviews()
        assert [r.id for r in reviews] == [first, second]
        assert reviews[0].card == KEY and reviews[0].correct
        assert not reviews[1].correct and reviews[1].rating == 1
        assert reviews[0].reviewed_at == NOW
        assert set(store.cards()) == {KEY, CardKey("popliteus", "find_it")}
        assert store.card_counts()[KEY] == (1, 0)


def test_each_answer_is_visible_to_another_connection_at_once(tmp_path):
    path = tmp_path / "progress.sqlite"
    with ProgressStore.open(path) as store:
        rid = _record(store)
        other = sqlite3.connect(path)  # a second reader sees the commit without a close
        assert other.execute("SELECT id FROM reviews").fetchall() == [(rid,)]
        other.close()


def test_killed_mid_session_loses_no_committed_answer(tmp_path):
    db = tmp_path / "progress.sqlite"
    driver = Path(__file__).with_name("crash_driver.py")
    proc = subprocess.Popen(
        [sys.executable, str(driver), str(db), str(DATA), "7"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    committed: list[tuple[int, str, str, int]] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("committed"):
                _, rid, sid, kind, ok = line.split()
                committed.append((int(rid), sid, kind, int(ok)))
                if len(committed) == 40:
                    break
        assert len(committed) == 40, proc.stderr.read() if proc.stderr else ""
        proc.send_signal(signal.SIGKILL)  # mid-session: it goes on answering until killed
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    with ProgressStore.open(db) as store:
        assert store.recovery_message is None
        assert store.integrity_ok()
        reviews = {r.id: r for r in store.reviews()}
        cards = store.cards()
    assert len(reviews) >= 40
    for rid, sid, kind, ok in committed:
        r = reviews[rid]
        assert (r.card.structure_id, r.card.kind, int(r.correct)) == (sid, kind, ok)
        assert CardKey(sid, kind) in cards


def _unusable(path: Path) -> ProgressStore:
    store = ProgressStore.open(path)
    assert store.recovery_message is not None
    assert "moved to progress.sqlite.corrupt-" in store.recovery_message
    assert store.moved_to is not None and store.moved_to.exists()
    assert store.reviews() == [] and store.integrity_ok()
    _record(store)  # and the fresh one works
    assert len(store.reviews()) == 1
    return store


def test_garbage_file_is_moved_aside(tmp_path):
    path = tmp_path / "progress.sqlite"
    path.write_bytes(os.urandom(4096))
    with _unusable(path) as store:
        assert "not a database" in store.recovery_message
        assert store.moved_to.read_bytes()[:16] != b"SQLite format 3\x00"


def test_truncated_file_is_moved_aside(tmp_path):
    path = tmp_path / "progress.sqlite"
    with ProgressStore.open(path) as store:
        _record(store)
    conn = sqlite3.connect(path)
    with conn:  # enough pages that half the file cuts through the data
        conn.executemany(
            "INSERT INTO reviews (structure_id, kind, correct, rating, answer, reviewed_at)"
            " VALUES (?, 'name_it', 1, 3, ?, '2026-03-01T09:00:00+00:00')",
            [(f"s{i}", "x" * 50) for i in range(2000)],
        )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    size = path.stat().st_size
    with path.open("r+b") as f:
        f.truncate(size // 2)
    original = path.read_bytes()
    with _unusable(path) as store:
        assert store.moved_to.read_bytes() == original  # kept as it was, for recovery


def test_wrong_schema_is_moved_aside(tmp_path):
    path = tmp_path / "progress.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.commit()
    conn.close()
    with _unusable(path) as store:
        assert "schema" in store.recovery_message


def test_missing_columns_are_a_wrong_schema(tmp_path):
    path = tmp_path / "progress.sqlite"
    with ProgressStore.open(path):
        pass
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE reviews RENAME TO old_reviews")
    conn.execute("CREATE TABLE reviews (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    with _unusable(path) as store:
        assert "missing columns" in store.recovery_message


def test_newer_schema_version_is_moved_aside(tmp_path):
    path = tmp_path / "progress.sqlite"
    with ProgressStore.open(path):
        pass
    conn = sqlite3.connect(path)
    conn.execute("UPDATE schema_version SET version = 99")
    conn.commit()
    conn.close()
    with _unusable(path) as store:
        assert "newer" in store.recovery_message


def test_a_folder_in_the_way_is_moved_aside(tmp_path):
    path = tmp_path / "progress.sqlite"
    path.mkdir()
    _unusable(path).close()


def test_empty_file_becomes_a_fresh_store(tmp_path):
    path = tmp_path / "progress.sqlite"
    path.write_bytes(b"")
    with ProgressStore.open(path) as store:
        assert store.recovery_message is None
        _record(store)


def test_stale_wal_beside_a_moved_file_does_not_break_the_fresh_store(tmp_path):
    path = tmp_path / "progress.sqlite"
    path.write_bytes(b"not a database at all" * 100)
    (tmp_path / "progress.sqlite-wal").write_bytes(os.urandom(1000))
    _unusable(path).close()
    with ProgressStore.open(path) as store:
        assert store.recovery_message is None and len(store.reviews()) == 1


def test_amend_changes_rating_not_review_count(tmp_path):
    with ProgressStore.open(tmp_path / "p.sqlite") as store:
        rid = _record(store)
        card, _ = Scheduler().review(new_card(KEY, NOW), rating_for(True, "easy"), NOW)
        store.amend_answer(rid, KEY, card, 4)
        assert store.reviews()[0].rating == 4
        assert store.card_counts()[KEY] == (1, 0)
        assert store.cards()[KEY].due == card.due


@pytest.mark.parametrize("bad", [b"SQLite format 3\x00" + b"\xff" * 200])
def test_damaged_header_is_moved_aside(tmp_path, bad):
    path = tmp_path / "progress.sqlite"
    path.write_bytes(bad)
    _unusable(path).close()
