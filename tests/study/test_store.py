"""The progress store: answers committed one by one, a killed process loses nothing, a damaged
file is moved aside with a message instead of crashing, and every other problem (disk full,
read-only, in use, newer version, not our file) leaves the file alone and keeps the answers in
memory until they can be saved."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from calfexplorer.study import store_file
from calfexplorer.study.kinds import CardKey
from calfexplorer.study.scheduler import Scheduler, new_card, rating_for
from calfexplorer.study.store import SAVE_ACTION, SCHEMA_VERSION, Problem, ProgressStore

from .conftest import DATA
from .store_trouble import Trouble

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


def _unusable(path: Path, carried: int = 0) -> ProgressStore:
    store = ProgressStore.open(path)
    assert store.recovery_message is not None
    assert "moved to progress.sqlite.corrupt-" in store.recovery_message
    assert "\n" not in store.recovery_message
    assert store.moved_to is not None and store.moved_to.exists()
    assert len(store.reviews()) == carried and store.integrity_ok()
    _record(store)  # and the fresh one works
    assert len(store.reviews()) == carried + 1
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
    readable = 0
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with contextlib.suppress(sqlite3.DatabaseError):
        for _ in conn.execute("SELECT rowid FROM reviews ORDER BY rowid"):
            readable += 1
    conn.close()
    with _unusable(path, carried=readable) as store:  # the rows that read are kept
        assert store.moved_to.read_bytes() == original  # kept as it was, for recovery


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


# --------------------------------------------------------------- problems that are not damage


@pytest.fixture
def trouble(monkeypatch) -> Trouble:
    return Trouble(monkeypatch)


def _file_reviews(path: Path) -> int:
    """Answers in the file itself, read by a plain connection of its own."""
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    finally:
        conn.close()


def _good_file(path: Path) -> bytes:
    """A healthy progress file with one answer; returns its bytes."""
    with ProgressStore.open(path) as store:
        _record(store)
    return path.read_bytes()


def _nothing_moved(path: Path) -> bool:
    return not list(path.parent.glob(path.name + ".corrupt-*"))


def test_full_disk_at_open_keeps_the_file_and_the_answers(tmp_path, trouble):
    path = tmp_path / "progress.sqlite"
    before = _good_file(path)
    trouble.open_full = True
    store = ProgressStore.open(path)
    status = store.status
    assert not status.in_file and status.problem is Problem.FULL
    assert "disk is full" in status.message and SAVE_ACTION in status.message
    assert "unharmed" in status.message
    assert status.earlier_read and status.can_save
    assert KEY in store.cards()  # the progress made before still counts
    assert path.read_bytes() == before and _nothing_moved(path)

    _record(store, CardKey("popliteus", "name_it"))
    _record(store, CardKey("plantaris", "name_it"), correct=False)
    assert store.status.unsaved == 2 and len(store.reviews()) == 3
    assert not store.save_pending()  # still full: nothing written, nothing lost
    assert store.status.unsaved == 2 and path.read_bytes() == before

    trouble.fix()
    assert store.save_pending()
    status = store.status
    assert status.in_file and status.message is None and status.saved == 2
    assert status.unsaved == 0
    assert _file_reviews(path) == 3
    store.close()
    with ProgressStore.open(path) as again:
        assert again.card_counts()[CardKey("plantaris", "name_it")] == (1, 0)


def test_full_disk_where_even_reading_fails_still_studies(tmp_path, trouble):
    path = tmp_path / "progress.sqlite"
    before = _good_file(path)
    trouble.open_full = trouble.read_fails = True
    with ProgressStore.open(path) as store:
        assert not store.status.earlier_read
        assert "earlier progress could not be read" in store.status.message
        assert store.cards() == {}
        _record(store)
        assert path.read_bytes() == before and _nothing_moved(path)
        trouble.fix()
        assert store.save_pending()
    assert _file_reviews(path) == 2


def test_full_disk_mid_session_keeps_answers_and_saves_them_when_space_is_back(tmp_path, trouble):
    path = tmp_path / "progress.sqlite"
    store = ProgressStore.open(path)
    session = store.start_session({}, 5, False, NOW)
    card, _ = Scheduler().review(new_card(KEY, NOW), rating_for(True), NOW)
    store.record_answer(KEY, card, True, 3, "soleus", NOW, session)
    assert store.status.in_file

    trouble.full_on_commit = True
    other = CardKey("popliteus", "name_it")
    later = store.record_answer(other, card, False, 1, "x", NOW, session)  # must not raise
    status = store.status
    assert status.problem is Problem.FULL and status.unsaved == 1
    store.amend_answer(later, other, card, 4)
    assert _file_reviews(path) == 1  # the file has only what was written before
    assert [r.rating for r in store.reviews(session)] == [3, 4]

    trouble.fix()
    third = CardKey("plantaris", "name_it")
    store.record_answer(third, card, True, 3, "plantaris", NOW, session)  # saves the rest first
    assert store.status.in_file and store.status.saved == 1
    store.end_session(session, NOW)
    store.close()
    with ProgressStore.open(path) as again:
        rows = again.reviews()
        assert [(r.card, r.rating) for r in rows] == [(KEY, 3), (other, 4), (third, 3)]
        assert {r.session_id for r in rows} == {session}
        assert again.sessions()[0][2] == NOW  # the end of the session was recorded
        assert again.card_counts()[other] == (1, 0)


def test_read_only_file_keeps_answers_in_memory_and_saves_them_later(tmp_path, trouble):
    path = tmp_path / "progress.sqlite"
    before = _good_file(path)
    trouble.read_only = True
    store = ProgressStore.open(path)
    assert store.status.in_file  # nothing tells yet: opening only reads
    session = store.start_session({}, 3, False, NOW)  # must not raise
    status = store.status
    assert status.problem is Problem.READ_ONLY and "read-only" in status.message
    assert "left unchanged" in status.message
    _record(store)
    assert store.status.unsaved == 1 and path.read_bytes() == before
    assert store.reviews(session) == []  # _record gives no session; the session has none

    trouble.fix()
    assert store.save_pending()
    store.end_session(session, NOW)
    store.close()
    with ProgressStore.open(path) as again:
        assert len(again.reviews()) == 2
        assert [(s[2], s[3]) for s in again.sessions()] == [(NOW, False)]


def test_a_fresh_file_that_cannot_be_created_keeps_answers_in_memory(tmp_path, trouble):
    trouble.read_only = True
    with ProgressStore.open(tmp_path / "progress.sqlite") as store:
        assert store.status.problem is Problem.READ_ONLY
        assert store.status.earlier_read  # there was nothing to read
        _record(store)
        trouble.fix()
        assert store.save_pending()
    assert _file_reviews(tmp_path / "progress.sqlite") == 1


def test_a_file_in_use_keeps_answers_until_the_other_program_lets_go(tmp_path, monkeypatch):
    monkeypatch.setattr(store_file, "OPEN_TIMEOUT", 0.05)
    path = tmp_path / "progress.sqlite"
    _good_file(path)
    store = ProgressStore.open(path)
    store._disk.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    _record(store)
    assert store.status.problem is Problem.LOCKED
    assert "in use by another" in store.status.message
    other.execute("ROLLBACK")
    other.close()
    _record(store)  # the first is saved before this one
    assert store.status.in_file
    store.close()
    assert _file_reviews(path) == 3


def test_newer_file_is_left_untouched(tmp_path):
    path = tmp_path / "progress.sqlite"
    _good_file(path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()
    before = path.read_bytes()
    store = ProgressStore.open(path)
    status = store.status
    assert status.problem is Problem.NEWER and not status.can_save
    assert "made by a newer CalfExplorer" in status.message
    assert f"schema {SCHEMA_VERSION + 1}" in status.message
    _record(store)  # studying goes on, in memory
    assert store.status.unsaved == 1
    assert not store.save_pending()
    store.close()
    assert path.read_bytes() == before and _nothing_moved(path)
    assert store.recovery_message is None


def _other_schema(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.commit()
    conn.close()


def _missing_columns(path: Path) -> None:
    _good_file(path)
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE reviews RENAME TO old_reviews")
    conn.execute("CREATE TABLE reviews (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("make", "words"),
    [(_other_schema, "no schema version"), (_missing_columns, "missing columns")],
)
def test_a_database_that_is_not_ours_is_left_untouched(tmp_path, make, words):
    path = tmp_path / "progress.sqlite"
    make(path)
    before = path.read_bytes()
    store = ProgressStore.open(path)
    assert store.status.problem is Problem.FOREIGN
    assert words in store.status.message and "not a CalfExplorer progress file" in (
        store.status.message
    )
    _record(store)
    assert not store.save_pending()
    assert path.read_bytes() == before and _nothing_moved(path)
    path.rename(tmp_path / "mine.sqlite")  # the user moves it away, as the message says
    assert store.save_pending()
    store.close()
    assert _file_reviews(path) == 1


def test_a_folder_in_the_way_is_left_alone(tmp_path):
    path = tmp_path / "progress.sqlite"
    path.mkdir()
    (path / "keep.txt").write_text("mine")
    with ProgressStore.open(path) as store:
        assert store.status.problem is Problem.FOREIGN
        assert "folder" in store.status.message
        _record(store)
    assert (path / "keep.txt").read_text() == "mine" and _nothing_moved(path)


@pytest.mark.parametrize("below", ["", "sub"])
def test_a_file_where_the_progress_folder_should_be_is_named_and_left_alone(tmp_path, below):
    """It read "could not be used ([Errno 17] File exists ...). Check the disk it is on."."""
    blocker = tmp_path / "CalfExplorer"
    blocker.write_text("mine")
    path = blocker / below / "progress.sqlite" if below else blocker / "progress.sqlite"
    store = ProgressStore.open(path)
    assert store.status.problem is Problem.NO_FOLDER
    assert store.status.message.startswith(
        f"Your progress cannot be saved: {blocker} is a file, where the folder of your "
        f"progress file {path} should be (")
    assert "Move or rename that file." in store.status.message
    _record(store)
    assert not store.save_pending() and blocker.read_text() == "mine"
    blocker.rename(tmp_path / "mine.txt")  # the user moves it away, as the message says
    assert store.save_pending()
    store.close()
    assert _file_reviews(path) == 1


@pytest.mark.parametrize("where", ["file", "folder", "nowhere"])
def test_a_progress_link_that_loops_or_leads_nowhere_is_named(tmp_path, where):
    """It read "could not be used (unable to open database file) ... Check the disk it is on."."""
    folder = tmp_path / "CalfExplorer"
    if where == "folder":
        folder.symlink_to(folder.name)  # the user data folder links to itself
        link, says = folder, "that leads round in a loop"
    else:
        folder.mkdir()
    path = folder / "progress.sqlite"
    if where == "file":
        path.symlink_to(path.name)
        link, says = path, "that leads round in a loop"
    elif where == "nowhere":
        path.symlink_to(tmp_path / "gone" / "progress.sqlite")
        link, says = path, f"to {tmp_path / 'gone' / 'progress.sqlite'}, which does not exist"
    store = ProgressStore.open(path)
    assert store.status.problem is Problem.LINK
    named = "it" if link == path else str(link)  # (the file itself is named just before)
    assert store.status.message.startswith(
        f"Your progress file {path} cannot be used: {named} is a symbolic link {says}.")
    assert "Remove the link" in store.status.message and "Check the disk" not in (
        store.status.message)
    _record(store)
    assert not store.save_pending() and link.is_symlink()
    link.unlink()  # the user removes the link, as the message says
    folder.mkdir(exist_ok=True)
    assert store.save_pending()
    store.close()
    assert _file_reviews(path) == 1


def test_answers_kept_after_damage_is_found_mid_session_are_saved_to_the_fresh_file(
    tmp_path, monkeypatch
):
    """Damage reported on a write: the answers wait in memory; "Save progress now" moves the
    damaged file aside and writes them, with their session, into a fresh one (they broke the
    fresh file's foreign keys, and every later save, the one on closing included, failed)."""
    from calfexplorer.study import store as store_module

    path = tmp_path / "progress.sqlite"
    store = ProgressStore.open(path)
    _record(store)  # into the file, before the damage
    session = store.start_session({}, 5, False, NOW)
    real = store_module._apply

    def failing_once(error: sqlite3.Error, code: int):
        """``_apply`` whose first write fails with SQLite's ``error`` (``code``)."""
        calls: list[str] = []

        def apply(cur, w, ids, new_id):
            calls.append(w.kind)
            if len(calls) == 1:
                error.sqlite_errorcode = code
                raise error
            return real(cur, w, ids, new_id)

        return apply

    monkeypatch.setattr(store_module, "_apply", failing_once(
        sqlite3.DatabaseError("database disk image is malformed"), sqlite3.SQLITE_CORRUPT))
    card, _ = Scheduler().review(new_card(KEY, NOW), rating_for(True), NOW)
    store.record_answer(KEY, card, True, int(rating_for(True)), "soleus", NOW, session)
    assert store.status.problem is Problem.DAMAGED and store.status.unsaved == 1
    path.write_bytes(b"garbage" * 1000)  # the file really is damaged now
    assert store.save_pending(), store.status.message
    assert store.status.in_file and store.moved_to is not None and store.moved_to.exists()
    assert [r.session_id for r in store.reviews(session)] == [session]
    assert _file_reviews(path) == 2  # the answer before the damage too, as read into memory
    _record(store)  # and the file goes on taking answers
    store.close()
    assert _file_reviews(path) == 3
    # The next run's answers kept in memory (a full disk) do not collide with the ids the
    # rows made in memory kept in the file (UNIQUE constraint failed: the answer was lost).
    monkeypatch.setattr(store_module, "_apply", failing_once(
        sqlite3.OperationalError("database or disk is full"), sqlite3.SQLITE_FULL))
    with ProgressStore.open(path) as again:
        assert _record(again) < -1 and again.status.problem is Problem.FULL


def _damage_page(path: Path, name: str, at: int = 0, size: int = 4096) -> None:
    """Overwrite ``size`` bytes of the root page of table or index ``name``, from ``at``."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()
    conn.close()
    with path.open("r+b") as f:
        f.seek((root[0] - 1) * 4096 + at)
        f.write(b"\xff" * size)


def test_a_file_damaged_mid_session_keeps_every_later_answer(tmp_path):
    """A damaged page found by a write: the memory copy was a page-by-page copy of the damage,
    so every later answer failed ("malformed"), and "Save progress now" wrote the damage into
    the fresh file, which the next start moved aside again."""
    path = tmp_path / "progress.sqlite"
    store = ProgressStore.open(path)
    session = store.start_session({}, 5, False, NOW)
    for i in range(30):
        _record(store, CardKey(f"m{i}", "name_it"))
    _damage_page(path, "reviews")
    sqlite3.connect(path).execute("CREATE TABLE drop_caches (x)").connection.close()
    card, _ = Scheduler().review(new_card(KEY, NOW), rating_for(True), NOW)
    for _ in range(2):
        store.record_answer(KEY, card, True, int(rating_for(True)), "soleus", NOW, session)
    assert store.status.problem is Problem.DAMAGED and store.status.unsaved == 2
    assert store.save_pending(), store.status.message
    store.record_answer(KEY, card, True, int(rating_for(True)), "soleus", NOW, session)
    store.close()
    with ProgressStore.open(path) as again:  # sound: not moved aside a second time
        assert again.recovery_message is None and again.integrity_ok()
        assert [r.session_id for r in again.reviews()] == [session] * 3
        assert {k.structure_id for k in again.cards()} >= {f"m{i}" for i in range(30)}


def test_damage_that_leaves_the_rows_readable_carries_them_into_the_fresh_file(tmp_path):
    """Only an index damaged: every answer still read, yet all were set aside (every card
    new) under a 31-line message."""
    path = tmp_path / "progress.sqlite"
    with ProgressStore.open(path) as store:
        for i in range(30):
            _record(store, CardKey(f"m{i}", "name_it"))
    _damage_page(path, "reviews_by_time", at=8, size=64)
    with _unusable(path, carried=30) as store:
        assert "with the 30 answers that could still be read" in store.recovery_message
        assert len(store.cards()) == 31


def _answers_in_sessions(store: ProgressStore, sessions: int, each: int) -> list[int]:
    made = []
    for s in range(sessions):
        session = store.start_session({}, each, False, NOW)
        made.append(session)
        for i in range(each):
            key = CardKey(f"m{s}_{i}", "name_it")
            card, _ = Scheduler().review(new_card(key, NOW), rating_for(True), NOW)
            store.record_answer(key, card, True, 3, "x", NOW, session)
    return made


def test_answers_whose_sessions_were_lost_are_carried_without_them(tmp_path):
    """The sessions' page damaged: the fresh file's foreign keys refused every answer of the
    lost sessions, which the salvage took for damage ("its answers could not be read", 0 of
    200 carried, though all 200 still read)."""
    path = tmp_path / "progress.sqlite"
    with ProgressStore.open(path) as store:
        _answers_in_sessions(store, 10, 20)
    _damage_page(path, "sessions")
    with _unusable(path, carried=200) as store:
        assert "with the 200 answers that could still be read" in store.recovery_message
        assert len(store.cards()) == 201
        assert {r.session_id for r in store.reviews()[:200]} == {None}


def test_answers_after_a_mid_session_loss_of_the_sessions_page_are_kept(tmp_path):
    """Every answer after "Save progress now" failed (FOREIGN KEY constraint failed: its
    session was lost with the page) and was lost on closing; the next start's first session
    took id 1 and the old answers of session 1 with it."""
    path = tmp_path / "progress.sqlite"
    store = ProgressStore.open(path)
    (session,) = _answers_in_sessions(store, 1, 30)
    _damage_page(path, "sessions")
    sqlite3.connect(path).execute("CREATE TABLE drop_caches (x)").connection.close()
    card, _ = Scheduler().review(new_card(KEY, NOW), rating_for(True), NOW)
    store.record_answer(KEY, card, True, 3, "soleus", NOW, session)
    assert store.status.problem is Problem.DAMAGED
    assert store.save_pending(), store.status.message
    for _ in range(3):
        store.record_answer(KEY, card, True, 3, "soleus", NOW, session)
        assert store.status.problem is None, store.status.message
    store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 34
    conn.close()
    with ProgressStore.open(path) as again:
        fresh = again.start_session({}, 5, False, NOW)
        assert again.reviews(fresh) == []


def test_a_card_whose_last_review_has_no_zone_is_left_out(tmp_path):
    """Read as good, it crashed the next review (naive minus aware datetime)."""
    path = tmp_path / "progress.sqlite"
    with ProgressStore.open(path) as store:
        _record(store)
    conn = sqlite3.connect(path)
    text = conn.execute("SELECT card FROM cards").fetchone()[0]
    card = json.loads(text)
    card["last_review"] = "2025-02-01T10:00:00"
    conn.execute("UPDATE cards SET card = ?", (json.dumps(card),))
    conn.commit()
    conn.close()
    with ProgressStore.open(path) as store:
        assert store.cards() == {} and store.status.unreadable == 1


def test_rows_that_cannot_be_read_are_left_out_and_told_the_file_untouched(tmp_path):
    """A date or card state edited into nonsense (SQLite sees nothing wrong): the Study panel
    crashed the app on opening (a bad date) or stayed blank (a bad card)."""
    path = tmp_path / "progress.sqlite"
    with ProgressStore.open(path) as store:
        _record(store)
        _record(store, CardKey("plantaris", "name_it"))
    conn = sqlite3.connect(path)
    conn.execute("UPDATE reviews SET reviewed_at = 'garbage' WHERE structure_id = 'soleus'")
    conn.execute("UPDATE cards SET card = 'not json' WHERE structure_id = 'plantaris'")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with ProgressStore.open(path) as store:
        assert store.status.unreadable == 0  # (told once something reads them)
        assert [r.card.structure_id for r in store.reviews()] == ["plantaris"]
        assert list(store.cards()) == [KEY]  # the plantaris card counts as new
        assert store.status.unreadable == 2 and store.status.in_file
    assert path.read_bytes() == before


def test_a_user_folder_that_cannot_be_made_keeps_answers_in_memory(tmp_path, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("x")
    monkeypatch.setenv("CALFEXPLORER_USER_DIR", str(blocker / "sub"))
    with ProgressStore.open() as store:  # it raised NotADirectoryError: a blank Study panel
        assert not store.status.in_file and store.status.message
        _record(store)
        assert store.status.unsaved == 1


def test_a_self_rating_or_a_session_end_kept_in_memory_counts_as_not_saved(tmp_path, trouble):
    """Only answers were counted: a self-rating or a session's end waiting in memory read as
    nothing unsaved, and closing the window lost it without asking."""
    path = tmp_path / "progress.sqlite"
    store = ProgressStore.open(path)
    session = store.start_session({}, 5, False, NOW)
    card, _ = Scheduler().review(new_card(KEY, NOW), rating_for(True), NOW)
    review = store.record_answer(KEY, card, True, 3, "soleus", NOW, session)
    trouble.full_on_commit = True
    store.amend_answer(review, KEY, card, 4)
    store.end_session(session, NOW)
    status = store.status
    assert status.unsaved == 0 and status.pending == 2
    trouble.fix()
    assert store.save_pending() and store.status.pending == 0
    store.close()


@pytest.mark.parametrize("change", [{"stability": None}, {"difficulty": "x"}])
def test_a_reviewed_card_without_a_memory_state_is_left_out(tmp_path, change):
    """It passed the check and stopped the next answer to it (an assertion in fsrs)."""
    path = tmp_path / "progress.sqlite"
    with ProgressStore.open(path) as store:
        _record(store)
    conn = sqlite3.connect(path)
    card = json.loads(conn.execute("SELECT card FROM cards").fetchone()[0])
    card.update(change, state=2)  # Review
    conn.execute("UPDATE cards SET card = ?", (json.dumps(card),))
    conn.commit()
    conn.close()
    with ProgressStore.open(path) as store:
        assert store.cards() == {} and store.card(KEY) is None
        assert store.status.unreadable == 1


def test_a_newer_file_whose_schema_this_sqlite_cannot_parse_is_left_untouched(tmp_path):
    """Its quick check failed ("malformed database schema") before the version was read, and
    the file was moved aside as damaged: the header's version is read first now."""
    path = tmp_path / "progress.sqlite"
    _good_file(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("CREATE TABLE extra (a INTEGER)")
    conn.commit()
    conn.execute("PRAGMA writable_schema = ON")  # what a newer SQLite might write
    conn.execute("UPDATE sqlite_master SET sql = 'CREATE TABLE extra (a INTEGER) FUTURE' "
                 "WHERE name = 'extra'")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    store = ProgressStore.open(path)
    assert store.status.problem is Problem.NEWER and store.recovery_message is None
    store.close()
    assert path.read_bytes() == before and _nothing_moved(path)


def test_an_older_file_gets_the_version_in_its_header(tmp_path):
    path = tmp_path / "progress.sqlite"
    _good_file(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 0")  # written before the header carried it
    conn.commit()
    conn.close()
    with ProgressStore.open(path) as store:
        assert store.status.in_file
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_a_read_that_skips_the_wal_does_not_claim_the_earlier_progress(tmp_path, monkeypatch):
    """When only an immutable read worked, answers still in the -wal file (a killed run) were
    left out, yet the store said the earlier progress had been read."""
    path = tmp_path / "progress.sqlite"
    writer = ProgressStore.open(path)
    _record(writer)  # committed into the -wal file, not yet checkpointed
    wal = path.with_name(path.name + "-wal")
    assert wal.is_file() and wal.stat().st_size > 0
    real = store_file.connect

    def connect(p, mode, timeout):
        if mode != "immutable":
            raise sqlite3.OperationalError("unable to open database file")
        return real(p, mode, timeout)

    monkeypatch.setattr(store_file, "connect", connect)
    reader = ProgressStore.open(path)
    assert not reader.status.earlier_read
    reader.close()
    monkeypatch.undo()
    writer.close()
