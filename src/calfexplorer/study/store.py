"""Study progress in SQLite: every answer committed in its own transaction as it is given.

The database lives in the user's data folder (``progress.sqlite``) in WAL mode with full
synchronous writes, so a process killed at any moment keeps every answer it recorded.

Opening never raises and never harms a healthy file. A file SQLite reports as damaged is moved
aside as ``progress.sqlite.corrupt-<timestamp>`` and a fresh one started with every row that
can still be read of it (:attr:`ProgressStore.recovery_message` says so); damage found during
a session is handled the same way, the answers waiting in memory meanwhile. Any other problem,
at open or at a later write (disk full, read-only, in use, I/O error, a file from a newer
version or another program), leaves the file as it is: the store goes on in memory, on a copy
of what could be read, and keeps the answers given meanwhile until
:meth:`ProgressStore.save_pending` writes them into the file (tried again before every later
write). :attr:`ProgressStore.status` says
which of these holds, with a message for the user.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import fsrs

from calfexplorer.study import store_file
from calfexplorer.study.kinds import CardKey
from calfexplorer.study.store_file import SCHEMA_VERSION
from calfexplorer.study.store_problems import SAVE_ACTION, FileProblem, Problem, classify, explain

__all__ = [
    "FILE_NAME",
    "SCHEMA_VERSION",
    "SAVE_ACTION",
    "Problem",
    "ProgressStore",
    "ReviewRow",
    "StoreStatus",
    "default_path",
]

FILE_NAME = "progress.sqlite"


@dataclass(frozen=True)
class ReviewRow:
    """One recorded answer."""

    id: int
    session_id: int | None
    card: CardKey
    correct: bool
    rating: int
    answer: str
    reviewed_at: datetime
    duration_ms: int | None


def default_path() -> Path:
    """``progress.sqlite`` in the user's data folder."""
    from calfexplorer.paths import user_data_dir

    return user_data_dir(create=False) / FILE_NAME


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat()


#: What reading a row edited by hand or damaged without SQLite noticing can raise.
_ROW_ERRORS = (ValueError, TypeError, KeyError, AttributeError)


def _when(text: str) -> datetime:
    """A stored time (UTC when it names no zone); ValueError or TypeError if it is none."""
    when = datetime.fromisoformat(text)
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _lowest_id(conn: sqlite3.Connection) -> int:
    """The lowest session or review id in a progress database (0 if none, or no such
    tables: another program's file)."""
    try:
        ids = [conn.execute(f"SELECT min(id) FROM {t}").fetchone()[0] for t in ("sessions",
                                                                           "reviews")]
    except sqlite3.Error:
        return 0
    return min([0, *(i for i in ids if i is not None)])


def _card(text: str) -> fsrs.Card:
    """A stored card's FSRS state; ValueError (or KeyError, TypeError) if it is not one."""
    card = fsrs.Card.from_json(text)  # (its JSONDecodeError is a ValueError)
    for when in (card.due, card.last_review or card.due):
        if not isinstance(when, datetime) or when.tzinfo is None:
            raise ValueError(f"card time {when!r} is not a time with a zone")
    if card.state in (fsrs.State.Review, fsrs.State.Relearning):  # (the scheduler needs both)
        for value in (card.stability, card.difficulty):
            if not isinstance(value, int | float) or not math.isfinite(value):
                raise ValueError(f"a reviewed card's memory state {value!r} is not a number")
    return card


@dataclass(frozen=True)
class StoreStatus:
    """Where answers go now, and what the user should know about it."""

    in_file: bool  # answers are written straight into the progress file
    problem: Problem | None  # why they are not (None when they are)
    message: str | None  # the problem, that the file was left alone, and what to do
    unsaved: int  # answers kept in memory that are not in the file yet
    can_save: bool  # whether a save can work once the problem is fixed (not for a newer file)
    earlier_read: bool  # whether the progress made before could be read (else all cards are new)
    saved: int  # answers the last successful save wrote into the file
    unreadable: int = 0  # rows of the file that could not be read (left out, the file unchanged)
    pending: int = 0  # what is kept in memory that a user would miss: answers, self-ratings, ends


@dataclass
class _Ids:
    """Ids made in memory (negative) and the ids their rows got in the file."""

    sessions: dict[int, int] = field(default_factory=dict)
    reviews: dict[int, int] = field(default_factory=dict)

    def session(self, sid: int | None) -> int | None:
        return None if sid is None else self.sessions.get(sid, sid)

    def review(self, rid: int) -> int:
        return self.reviews.get(rid, rid)

    def copy(self) -> _Ids:
        return _Ids(dict(self.sessions), dict(self.reviews))


@dataclass
class _Write:
    """One write, kept while the file cannot be written so it can be replayed into it later."""

    kind: str  # "start", "end", "answer" or "amend"
    values: tuple
    made: int | None = None  # the id it made in memory ("start" and "answer")


def _apply(cur: sqlite3.Cursor, w: _Write, ids: _Ids, new_id: int | None) -> int:
    """Run one write; returns the id it made (0 for updates). ``new_id`` None: SQLite picks."""
    if w.kind == "start":
        cur.execute(
            "INSERT INTO sessions (id, started_at, exam, scope, length) VALUES (?, ?, ?, ?, ?)",
            (new_id, *w.values),
        )
        return int(cur.lastrowid or 0)
    if w.kind == "end":
        session_id, ended = w.values
        cur.execute(
            "UPDATE sessions SET ended_at = ? WHERE id = ?", (ended, ids.session(session_id))
        )
        return 0
    if w.kind == "answer":
        session_id, key, correct, rating, answer, when, duration, card, lapses = w.values
        session = ids.session(session_id)
        if session is not None and cur.execute(
                "SELECT 1 FROM sessions WHERE id = ?", (session,)).fetchone() is None:
            session = None  # (its row lost with a damaged page: the answer is kept alone)
        cur.execute(
            "INSERT INTO reviews (id, session_id, structure_id, kind, correct, rating, answer,"
            " reviewed_at, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                new_id,
                session,
                key.structure_id,
                key.kind,
                correct,
                rating,
                answer,
                when,
                duration,
            ),
        )
        made = int(cur.lastrowid or 0)
        _put_card(cur, key, card, reps_add=1, lapses_add=lapses)
        return made
    review_id, key, card, rating = w.values  # "amend"
    cur.execute("UPDATE reviews SET rating = ? WHERE id = ?", (rating, ids.review(review_id)))
    _put_card(cur, key, card, reps_add=0, lapses_add=0)
    return 0


def _put_card(
    cur: sqlite3.Cursor, key: CardKey, card: tuple[str, str, int], reps_add: int, lapses_add: int
) -> None:
    card_json, due, state = card
    cur.execute(
        "INSERT INTO cards (structure_id, kind, card, due, state, reps, lapses)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (structure_id, kind) DO UPDATE SET card = excluded.card,"
        " due = excluded.due, state = excluded.state, reps = cards.reps + ?,"
        " lapses = cards.lapses + ?",
        (
            key.structure_id,
            key.kind,
            card_json,
            due,
            state,
            reps_add,
            lapses_add,
            reps_add,
            lapses_add,
        ),
    )


def _card_row(card: fsrs.Card) -> tuple[str, str, int]:
    return card.to_json(), _iso(card.due), int(card.state)


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Cursor]:
    """One committed transaction; rolled back when anything in it (or the commit) fails."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn.cursor()
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            with suppress(sqlite3.Error):  # the connection is given up on anyway
                conn.execute("ROLLBACK")
        raise


_FILE_ERRORS = (sqlite3.Error, OSError, FileProblem)

#: Problems a save is tried again for before each write. A damaged file is moved aside only
#: when the user asks (Save progress now); a newer file is never written.
_RETRY_BY_ITSELF = {
    Problem.FULL, Problem.READ_ONLY, Problem.LOCKED, Problem.IO, Problem.FOREIGN, Problem.NO_FOLDER,
    Problem.LINK,
}


def _carry_over(damaged: Path, fresh: sqlite3.Connection) -> int:
    """Copy what can be read of the damaged file into the fresh one; the answers carried."""
    try:
        source = store_file.connect(damaged, "ro", store_file.RETRY_TIMEOUT)
    except sqlite3.Error:
        return 0
    try:
        with _transaction(fresh):
            return store_file.salvage(source, fresh).carried["reviews"]
    except sqlite3.Error:
        return 0
    finally:
        source.close()


class ProgressStore:
    """The progress database. Open with :meth:`open`; close when done (or use ``with``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._disk: sqlite3.Connection | None = None  # the file, while it can be written
        self._memory: sqlite3.Connection | None = None  # the copy used while it cannot
        self._problem: FileProblem | None = None
        self._earlier_read = True
        self._pending: list[_Write] = []
        self._ids = _Ids()
        self._next_id = -1
        self._listeners: list[Callable[[], None]] = []
        self._closed = False
        self._saved = 0
        self._unreadable: set[tuple[str, object]] = set()  # rows left out when read
        #: Set when a damaged file was moved aside: what happened, in plain words.
        self.recovery_message: str | None = None
        #: Where the damaged file was moved, if it was.
        self.moved_to: Path | None = None

    # --- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str | None = None) -> ProgressStore:
        """Open (or create) the progress database; never raises for a problem with the file.

        A file SQLite reports as damaged is moved aside and a fresh one started
        (``recovery_message`` says so). With any other problem the file is left as it is and
        the store works in memory: :attr:`status` says what is wrong and what to do.
        """
        store = cls(Path(path) if path is not None else default_path())
        try:
            store.path.parent.mkdir(parents=True, exist_ok=True)
            store._disk = store._open_file(store_file.OPEN_TIMEOUT)
        except _FILE_ERRORS as exc:
            store._to_memory(exc)
        return store

    def _open_file(self, timeout: float) -> sqlite3.Connection:
        """The file, checked; a damaged one is moved aside first (the only file ever moved)."""
        try:
            return store_file.open_checked(self.path, timeout)
        except FileProblem as problem:
            if problem.problem is not Problem.DAMAGED:
                raise
            moved = store_file.move_aside(self.path)
            self.moved_to = moved
            fresh = store_file.open_checked(self.path, timeout)
            carried = _carry_over(moved, fresh)
            self.recovery_message = (
                f"Your study progress file is damaged ({problem.detail}). It was moved to "
                f"{moved.name} in {moved.parent}, and a fresh progress file was started"
                + (f" with the {carried} answer{'s' if carried != 1 else ''} that could "
                   "still be read." if carried else "; its answers could not be read.")
            )
            return fresh

    def _to_memory(self, exc: BaseException) -> None:
        """The file cannot be used: go on in memory, on a copy of what can be read of it."""
        source, self._disk = self._disk, None
        if self._memory is None:
            self._memory, self._earlier_read = store_file.memory_copy(self.path, source)
            # Rows made in memory count down from below any the file already holds (a save
            # into a fresh file keeps their negative ids there).
            self._next_id = min(self._next_id, _lowest_id(self._memory) - 1)
        if source is not None:
            with suppress(sqlite3.Error):
                source.close()
        self._problem = classify(exc, self.path.parent)
        self._notify()

    def close(self) -> None:
        """Close the database, saving answers kept in memory if the file can take them now."""
        if self._closed:
            return
        if self._problem is not None and self._problem.problem in _RETRY_BY_ITSELF:
            self.save_pending(store_file.RETRY_TIMEOUT)
        self._closed = True
        for conn in (self._disk, self._memory):
            if conn is not None:
                conn.close()

    def __enter__(self) -> ProgressStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- where answers go --------------------------------------------------------------------

    @property
    def status(self) -> StoreStatus:
        """Whether answers go into the file, and if not why, what to do and how many wait."""
        p = self._problem
        return StoreStatus(
            in_file=self._memory is None,
            problem=None if p is None else p.problem,
            message=None if p is None else explain(p, self.path, self._earlier_read),
            unsaved=sum(w.kind == "answer" for w in self._pending),
            can_save=p is not None and p.problem is not Problem.NEWER,
            earlier_read=self._earlier_read,
            saved=self._saved,
            unreadable=len(self._unreadable),
            pending=sum(w.kind != "start" for w in self._pending),  # (an empty start is no loss)
        )

    def add_listener(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` whenever :attr:`status` may have changed."""
        self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[], None]) -> None:
        """Stop calling ``callback``."""
        if callback in self._listeners:
            self._listeners.remove(callback)

    def _notify(self) -> None:
        for callback in list(self._listeners):
            callback()

    def save_pending(self, timeout: float = store_file.OPEN_TIMEOUT) -> bool:
        """Write the answers kept in memory into the file and go back to it; whether it worked.

        All of them go in one transaction, after what the file already holds; on failure
        nothing is written and :attr:`status` says why. A newer version's file is never written.
        """
        if self._memory is None:
            return True
        if self._closed or (self._problem is not None and self._problem.problem is Problem.NEWER):
            return False
        disk: sqlite3.Connection | None = None
        ids = self._ids.copy()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            moved = self.moved_to
            disk = self._open_file(timeout)
            if self.moved_to is not moved:
                # The file was damaged and a fresh one started: it gets everything kept in
                # memory (what could be read of the old file, and the answers since), which
                # also holds the sessions those answers belong to (replayed alone into the
                # empty file they broke its foreign keys, and every later save failed).
                self._memory.backup(disk)  # (rows made in memory keep their ids there)
            else:
                with _transaction(disk) as cur:
                    for w in self._pending:
                        made = _apply(cur, w, ids, None)
                        if w.made is not None:
                            (ids.sessions if w.kind == "start" else ids.reviews)[w.made] = made
        except _FILE_ERRORS as exc:
            if disk is not None:
                disk.close()
            self._problem = classify(exc, self.path.parent)
            self._notify()
            return False
        if timeout != store_file.OPEN_TIMEOUT:
            disk.execute(f"PRAGMA busy_timeout = {int(store_file.OPEN_TIMEOUT * 1000)}")
        self._saved = sum(w.kind == "answer" for w in self._pending)
        self._ids, self._pending, self._disk = ids, [], disk
        self._memory.close()
        self._memory, self._problem, self._earlier_read = None, None, True
        self._notify()
        return True

    # --- writing -----------------------------------------------------------------------------

    def _write(self, w: _Write, makes_id: bool = False) -> int:
        """Into the file when it can take it (trying a save first), else into memory."""
        if self._problem is not None and self._problem.problem in _RETRY_BY_ITSELF:
            self.save_pending(store_file.RETRY_TIMEOUT)
        if self._memory is None:
            assert self._disk is not None
            try:
                with _transaction(self._disk) as cur:
                    return _apply(cur, w, self._ids, None)
            except (sqlite3.Error, OSError) as exc:
                self._to_memory(exc)
        assert self._memory is not None
        new_id = None
        if makes_id:
            new_id, self._next_id = self._next_id, self._next_id - 1
        with _transaction(self._memory) as cur:
            made = _apply(cur, w, self._ids, new_id)
        w.made = made if makes_id else None
        self._pending.append(w)
        self._notify()
        return made

    def start_session(self, scope: dict, length: int, exam: bool, when: datetime) -> int:
        """Record the start of a session; returns its id."""
        values = (_iso(when), int(exam), json.dumps(scope, sort_keys=True), length)
        return self._write(_Write("start", values), makes_id=True)

    def end_session(self, session_id: int, when: datetime) -> None:
        """Record the end of a session."""
        self._write(_Write("end", (session_id, _iso(when))))

    def record_answer(
        self,
        card_key: CardKey,
        card: fsrs.Card,
        correct: bool,
        rating: int,
        answer: str,
        when: datetime,
        session_id: int | None = None,
        duration_ms: int | None = None,
        lapse: bool = False,
    ) -> int:
        """Store one answer and the card's new state in one committed transaction.

        Returns the review's id. When this returns with :attr:`status` ``in_file``, the answer
        survives a killed process; otherwise it is kept in memory until :meth:`save_pending`.
        """
        values = (
            session_id,
            card_key,
            int(correct),
            int(rating),
            answer,
            _iso(when),
            duration_ms,
            _card_row(card),
            int(lapse),
        )
        return self._write(_Write("answer", values), makes_id=True)

    def amend_answer(self, review_id: int, card_key: CardKey, card: fsrs.Card, rating: int) -> None:
        """Change the rating of a recorded answer (a later self-rating) and the card with it."""
        self._write(_Write("amend", (review_id, card_key, _card_row(card), int(rating))))

    # --- reading -----------------------------------------------------------------------------

    def _rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        if self._memory is None:
            assert self._disk is not None
            try:
                return self._disk.execute(sql, args).fetchall()
            except sqlite3.Error as exc:
                self._to_memory(exc)
        assert self._memory is not None
        return self._memory.execute(sql, args).fetchall()

    def _unreadable_row(self, table: str, key: object) -> None:
        """Note a row that could not be read (left out, the file left as it is)."""
        if (table, key) not in self._unreadable:
            self._unreadable.add((table, key))
            self._notify()

    def cards(self) -> dict[CardKey, fsrs.Card]:
        """Every card reviewed at least once, with its FSRS state (a row that cannot be read
        is left out: its card counts as new)."""
        out = {}
        for s, k, c in self._rows("SELECT structure_id, kind, card FROM cards"):
            try:
                out[CardKey(s, k)] = _card(c)
            except _ROW_ERRORS:
                self._unreadable_row("cards", (s, k))
        return out

    def card(self, key: CardKey) -> fsrs.Card | None:
        """One card's FSRS state as stored now (None: never reviewed, or unreadable). Read
        afresh for each answer, so that one given in another window since is built on, not
        overwritten."""
        rows = self._rows("SELECT card FROM cards WHERE structure_id = ? AND kind = ?",
                          (key.structure_id, key.kind))
        if not rows:
            return None
        try:
            return _card(rows[0][0])
        except _ROW_ERRORS:
            self._unreadable_row("cards", tuple(key))
            return None

    def card_counts(self) -> dict[CardKey, tuple[int, int]]:
        """(reviews, lapses) per reviewed card."""
        rows = self._rows("SELECT structure_id, kind, reps, lapses FROM cards")
        return {CardKey(s, k): (r, la) for s, k, r, la in rows}

    def reviews(self, session_id: int | None = None) -> list[ReviewRow]:
        """Recorded answers in the order given (of one session, or all)."""
        sql = (
            "SELECT id, session_id, structure_id, kind, correct, rating, answer, reviewed_at,"
            " duration_ms FROM reviews"
        )
        args: tuple = ()
        if session_id is not None:
            sql += " WHERE session_id = ?"
            args = (self._ids.session(session_id),)
        # Rows made in memory have negative ids, counting down, after the file's own.
        out = []
        for i, sess, s, k, c, r, a, t, d in self._rows(sql + " ORDER BY id < 0, abs(id)", args):
            try:
                out.append(ReviewRow(i, sess, CardKey(s, k), bool(c), r, a, _when(t), d))
            except _ROW_ERRORS:
                self._unreadable_row("reviews", i)
        return out

    def sessions(self) -> list[tuple[int, datetime, datetime | None, bool]]:
        """(id, started, ended, exam) of every recorded session."""
        rows = self._rows(
            "SELECT id, started_at, ended_at, exam FROM sessions ORDER BY id < 0, abs(id)"
        )
        out = []
        for i, s, e, x in rows:
            try:
                out.append((i, _when(s), _when(e) if e else None, bool(x)))
            except _ROW_ERRORS:
                self._unreadable_row("sessions", i)
        return out

    def integrity_ok(self) -> bool:
        """Whether SQLite's integrity check passes."""
        return self._rows("PRAGMA integrity_check")[0][0] == "ok"
