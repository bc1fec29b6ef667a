"""Study progress in SQLite: every answer committed in its own transaction as it is given.

The database lives in the user's data folder (``progress.sqlite``) in WAL mode with full
synchronous writes, so a process killed at any moment keeps every answer it recorded. A file
that is not a readable progress database (garbage, truncated, another schema, a newer version)
is moved aside as ``progress.sqlite.corrupt-<timestamp>`` and a fresh one is started; the reason
is returned in :attr:`ProgressStore.recovery_message`, never raised.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import fsrs

from calfexplorer.study.kinds import CardKey

FILE_NAME = "progress.sqlite"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE cards (
    structure_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    card TEXT NOT NULL,
    due TEXT NOT NULL,
    state INTEGER NOT NULL,
    reps INTEGER NOT NULL DEFAULT 0,
    lapses INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (structure_id, kind)
);
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    exam INTEGER NOT NULL,
    scope TEXT NOT NULL,
    length INTEGER NOT NULL
);
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id INTEGER REFERENCES sessions(id),
    structure_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    correct INTEGER NOT NULL,
    rating INTEGER NOT NULL,
    answer TEXT NOT NULL,
    reviewed_at TEXT NOT NULL,
    duration_ms INTEGER
);
CREATE INDEX reviews_by_time ON reviews (reviewed_at);
"""

# Columns each table must have; a database lacking any of them has the wrong schema.
_REQUIRED = {
    "schema_version": {"version"},
    "cards": {"structure_id", "kind", "card", "due", "state", "reps", "lapses"},
    "sessions": {"id", "started_at", "ended_at", "exam", "scope", "length"},
    "reviews": {
        "id",
        "session_id",
        "structure_id",
        "kind",
        "correct",
        "rating",
        "answer",
        "reviewed_at",
        "duration_ms",
    },
}


class UnusableDatabase(Exception):
    """The file is not a progress database this version can use (the reason is the text)."""


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

    return user_data_dir() / FILE_NAME


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat()


class ProgressStore:
    """The progress database. Open with :meth:`open`; close when done (or use ``with``)."""

    def __init__(self, conn: sqlite3.Connection, path: Path, recovery_message: str | None):
        self._conn = conn
        self.path = path
        #: Set when an unusable file was moved aside at open: what happened, in plain words.
        self.recovery_message = recovery_message
        #: Where the unusable file was moved, if it was.
        self.moved_to: Path | None = None

    # --- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str | None = None) -> ProgressStore:
        """Open (or create) the progress database; never raises for an unusable file.

        An unusable file is moved aside and a fresh database started; ``recovery_message``
        then says so. Problems that are not about the file's content (the folder cannot be
        written, the disk is full) still raise ``OSError`` or ``sqlite3.Error``.
        """
        path = Path(path) if path is not None else default_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = _connect_checked(path)
            return cls(conn, path, None)
        except UnusableDatabase as exc:
            moved = _move_aside(path)
            message = (
                f"Your study progress file could not be read ({exc}). It was moved to "
                f"{moved.name} in {moved.parent} and a fresh progress file was started."
            )
            store = cls(_connect_checked(path), path, message)
            store.moved_to = moved
            return store

    def close(self) -> None:
        """Close the database (everything recorded is already committed)."""
        self._conn.close()

    def __enter__(self) -> ProgressStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing -----------------------------------------------------------------------------

    def start_session(self, scope: dict, length: int, exam: bool, when: datetime) -> int:
        """Record the start of a session; returns its id."""
        with self._transaction() as cur:
            cur.execute(
                "INSERT INTO sessions (started_at, exam, scope, length) VALUES (?, ?, ?, ?)",
                (_iso(when), int(exam), json.dumps(scope, sort_keys=True), length),
            )
            return int(cur.lastrowid or 0)

    def end_session(self, session_id: int, when: datetime) -> None:
        """Record the end of a session."""
        with self._transaction() as cur:
            cur.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (_iso(when), session_id))

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

        Returns the review's id. When this returns, the answer survives a killed process.
        """
        with self._transaction() as cur:
            cur.execute(
                "INSERT INTO reviews (session_id, structure_id, kind, correct, rating, answer,"
                " reviewed_at, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    card_key.structure_id,
                    card_key.kind,
                    int(correct),
                    int(rating),
                    answer,
                    _iso(when),
                    duration_ms,
                ),
            )
            review_id = int(cur.lastrowid or 0)
            self._put_card(cur, card_key, card, reps_add=1, lapses_add=int(lapse))
            return review_id

    def amend_answer(self, review_id: int, card_key: CardKey, card: fsrs.Card, rating: int) -> None:
        """Change the rating of a recorded answer (a later self-rating) and the card with it."""
        with self._transaction() as cur:
            cur.execute("UPDATE reviews SET rating = ? WHERE id = ?", (int(rating), review_id))
            self._put_card(cur, card_key, card, reps_add=0, lapses_add=0)

    def _put_card(
        self, cur: sqlite3.Cursor, key: CardKey, card: fsrs.Card, reps_add: int, lapses_add: int
    ) -> None:
        cur.execute(
            "INSERT INTO cards (structure_id, kind, card, due, state, reps, lapses)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (structure_id, kind) DO UPDATE SET card = excluded.card,"
            " due = excluded.due, state = excluded.state, reps = cards.reps + ?,"
            " lapses = cards.lapses + ?",
            (
                key.structure_id,
                key.kind,
                card.to_json(),
                _iso(card.due),
                int(card.state),
                reps_add,
                lapses_add,
                reps_add,
                lapses_add,
            ),
        )

    class _Tx:
        def __init__(self, conn: sqlite3.Connection) -> None:
            self.conn = conn

        def __enter__(self) -> sqlite3.Cursor:
            self.conn.execute("BEGIN IMMEDIATE")
            return self.conn.cursor()

        def __exit__(self, exc_type: object, *rest: object) -> None:
            self.conn.execute("ROLLBACK" if exc_type else "COMMIT")

    def _transaction(self) -> ProgressStore._Tx:
        return ProgressStore._Tx(self._conn)

    # --- reading -----------------------------------------------------------------------------

    def cards(self) -> dict[CardKey, fsrs.Card]:
        """Every card reviewed at least once, with its FSRS state."""
        rows = self._conn.execute("SELECT structure_id, kind, card FROM cards").fetchall()
        return {CardKey(s, k): fsrs.Card.from_json(c) for s, k, c in rows}

    def card_counts(self) -> dict[CardKey, tuple[int, int]]:
        """(reviews, lapses) per reviewed card."""
        rows = self._conn.execute("SELECT structure_id, kind, reps, lapses FROM cards")
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
            args = (session_id,)
        rows = self._conn.execute(sql + " ORDER BY id", args).fetchall()
        return [
            ReviewRow(i, sess, CardKey(s, k), bool(c), r, a, datetime.fromisoformat(t), d)
            for i, sess, s, k, c, r, a, t, d in rows
        ]

    def sessions(self) -> list[tuple[int, datetime, datetime | None, bool]]:
        """(id, started, ended, exam) of every recorded session."""
        rows = self._conn.execute(
            "SELECT id, started_at, ended_at, exam FROM sessions ORDER BY id"
        ).fetchall()
        return [
            (i, datetime.fromisoformat(s), datetime.fromisoformat(e) if e else None, bool(x))
            for i, s, e, x in rows
        ]

    def integrity_ok(self) -> bool:
        """Whether SQLite's integrity check passes."""
        return self._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# --- opening, checking, moving aside ----------------------------------------------------------


def _connect_checked(path: Path) -> sqlite3.Connection:
    """Connect, switch to WAL, and check the file is a usable progress database."""
    if path.exists() and not path.is_file():
        raise UnusableDatabase("it is not a file")
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=5.0)
        conn.execute("PRAGMA busy_timeout = 5000")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise UnusableDatabase(f"it cannot use write-ahead logging (mode {mode})")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise UnusableDatabase(f"the database is damaged: {check}")
        _check_or_create_schema(conn)
        return conn
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        text = str(exc).lower()
        if isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
            raise  # in use by another CalfExplorer: not damaged, so never moved aside
        raise UnusableDatabase(str(exc)) from exc
    except UnusableDatabase:
        if conn is not None:
            conn.close()
        raise


def _check_or_create_schema(conn: sqlite3.Connection) -> None:
    tables = {
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not r[0].startswith("sqlite_")
    }
    if not tables:
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA.strip().split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return
    if "schema_version" not in tables:
        raise UnusableDatabase("it has no schema version: it is not a CalfExplorer progress file")
    rows = conn.execute("SELECT version FROM schema_version").fetchall()
    if len(rows) != 1 or not isinstance(rows[0][0], int):
        raise UnusableDatabase("its schema version is missing or unreadable")
    version = rows[0][0]
    if version > SCHEMA_VERSION:
        raise UnusableDatabase(
            f"it was written by a newer CalfExplorer (schema {version}, this one reads "
            f"{SCHEMA_VERSION})"
        )
    _migrate(conn, version)
    for table, columns in _REQUIRED.items():
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        missing = columns - have
        if missing:
            what = f"table {table}" if not have else f"columns {', '.join(sorted(missing))}"
            raise UnusableDatabase(f"it has the wrong schema (missing {what})")


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    """Bring an older schema up to :data:`SCHEMA_VERSION` (one step per version)."""
    migrations: dict[int, str] = {}  # version -> SQL that upgrades it to version + 1
    while version < SCHEMA_VERSION:
        if version not in migrations:
            raise UnusableDatabase(f"no upgrade from schema version {version}")
        conn.executescript(
            "BEGIN;"
            + migrations[version]
            + f";UPDATE schema_version SET version = {version + 1}; COMMIT;"
        )
        version += 1


def _move_aside(path: Path) -> Path:
    """Rename the file (and its -wal/-shm companions) to ``<name>.corrupt-<timestamp>``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    path.rename(target)
    for suffix in ("-wal", "-shm", "-journal"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(target.with_name(target.name + suffix))
    return target
