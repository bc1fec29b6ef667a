"""The progress file on disk: connect, check, create or upgrade its schema, copy it to memory,
and move a damaged one aside.

Checks only read until the file is known to be a CalfExplorer progress file this version can
write, so a file from a newer version or another program is never changed. Every failure is a
:class:`~calfexplorer.study.store_problems.FileProblem`; only a ``DAMAGED`` one may lead the
caller to :func:`move_aside`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from calfexplorer.study.store_problems import FileProblem, Problem, broken_link, classify

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

#: How long to wait for another program's write to finish: at open, and when retrying a save
#: before an answer (short, so answering never stalls).
OPEN_TIMEOUT = 5.0
RETRY_TIMEOUT = 0.25

Mode = Literal["rw", "ro", "immutable"]


def connect(path: Path, mode: Mode, timeout: float) -> sqlite3.Connection:
    """A connection to ``path``: read-write (created if missing), read-only, or immutable
    (read without the shared-memory file, which a full disk may not let SQLite make)."""
    if mode == "rw":
        conn = sqlite3.connect(path, isolation_level=None, timeout=timeout)
    else:
        query = "mode=ro" if mode == "ro" else "immutable=1"
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?{query}", uri=True, isolation_level=None, timeout=timeout
        )
    conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    return conn


def open_checked(path: Path, timeout: float = OPEN_TIMEOUT) -> sqlite3.Connection:
    """Open the progress file for writing (created when missing), in WAL mode with full sync.

    Raises :class:`FileProblem` when it cannot be used; the file is then unchanged.
    """
    if (link := broken_link(path)) is not None:
        raise FileProblem(Problem.LINK, link)
    if path.exists() and not path.is_file():
        raise FileProblem(Problem.FOREIGN, "a folder is in the way")
    conn: sqlite3.Connection | None = None
    try:
        conn = connect(path, "rw", timeout)
        header_version(conn)  # first: a newer schema this SQLite cannot parse is no damage
        if (check := damage(conn)) is not None:
            raise FileProblem(Problem.DAMAGED, f"the database is damaged: {check}")
        version = schema_version(conn)  # before any write: a newer file stays as it is
        # WAL keeps every commit safe with concurrent readers; where the file system cannot
        # do it SQLite keeps its rollback journal, which is as durable with synchronous=FULL.
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        if version is None:
            create_schema(conn)
        else:
            _migrate(conn, version)
            check_columns(conn)
            if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")  # (files before it)
        return conn
    except (sqlite3.Error, OSError, FileProblem) as exc:
        if conn is not None:
            conn.close()
        raise classify(exc, path.parent) from exc


def header_version(conn: sqlite3.Connection) -> None:
    """Raise :class:`FileProblem` (newer) when the file's header says a newer version wrote
    it: read without parsing its schema, which a newer version may write in a form this
    SQLite cannot read (that would look like damage, and a damaged file is moved aside)."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise FileProblem(
            Problem.NEWER, f"schema {version}; this version reads schema {SCHEMA_VERSION}"
        )


def schema_version(conn: sqlite3.Connection) -> int | None:
    """The file's schema version; None for an empty database (nothing in it yet).

    Raises :class:`FileProblem` for a newer version or a database that is not ours.
    """
    tables = {
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not r[0].startswith("sqlite_")
    }
    if not tables:
        return None
    if "schema_version" not in tables:
        raise FileProblem(Problem.FOREIGN, "it has no schema version")
    rows = conn.execute("SELECT version FROM schema_version").fetchall()
    if len(rows) != 1 or not isinstance(rows[0][0], int):
        raise FileProblem(Problem.FOREIGN, "its schema version is missing or unreadable")
    version = rows[0][0]
    if version > SCHEMA_VERSION:
        raise FileProblem(
            Problem.NEWER, f"schema {version}; this version reads schema {SCHEMA_VERSION}"
        )
    return version


def create_schema(conn: sqlite3.Connection) -> None:
    """Create the tables in an empty database, in one transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in _SCHEMA.strip().split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")  # (the header says it too)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def check_columns(conn: sqlite3.Connection) -> None:
    """Raise :class:`FileProblem` when a table or column this version needs is missing."""
    for table, columns in _REQUIRED.items():
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        missing = columns - have
        if missing:
            what = f"table {table}" if not have else f"columns {', '.join(sorted(missing))}"
            raise FileProblem(Problem.FOREIGN, f"it has the wrong schema (missing {what})")


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    """Bring an older schema up to :data:`SCHEMA_VERSION` (one step per version)."""
    migrations: dict[int, str] = {}  # version -> SQL that upgrades it to version + 1
    while version < SCHEMA_VERSION:
        if version not in migrations:
            raise FileProblem(Problem.FOREIGN, f"unknown schema version {version}")
        conn.executescript(
            "BEGIN;"
            + migrations[version]
            + f";UPDATE schema_version SET version = {version + 1};"
            + f"PRAGMA user_version = {version + 1}; COMMIT;"
        )
        version += 1


def memory_copy(path: Path, source: sqlite3.Connection | None) -> tuple[sqlite3.Connection, bool]:
    """An in-memory progress database holding what can be read of the file, and whether it
    could be read (else it is empty). The file is only read."""
    memory = sqlite3.connect(":memory:", isolation_level=None)
    if source is None and not path.exists():
        create_schema(memory)  # nothing was recorded yet
        return memory, True
    attempts: list[sqlite3.Connection | Mode] = [source] if source is not None else []
    attempts += ["ro", "immutable"]
    for attempt in attempts:
        conn = None
        try:
            if not isinstance(attempt, str):
                conn = attempt
            elif path.is_file():
                conn = connect(path, attempt, RETRY_TIMEOUT)
            else:
                continue
            try:
                conn.backup(memory)
                sound = damage(memory) is None
            except sqlite3.DatabaseError as exc:
                if (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF not in _DAMAGE_CODES:
                    raise  # (e.g. locked: try the next way to read it)
                sound = False
            read = True
            if not sound:  # a page-by-page copy of damage is damaged: take the rows instead
                memory.close()
                memory, read = salvaged(conn)
            version = schema_version(memory)
            if version is None:
                create_schema(memory)
            else:
                _migrate(memory, version)
                check_columns(memory)
            # An immutable read skips the -wal file, where the latest answers of a killed
            # run may still lie: what it read is not all of the earlier progress.
            wal = path.with_name(path.name + "-wal")
            stale = attempt == "immutable" and wal.is_file() and wal.stat().st_size > 0
            return memory, read and not stale
        except (sqlite3.Error, OSError, FileProblem):
            pass
        finally:
            if conn is not None and conn is not source:
                conn.close()
        memory.close()
        memory = sqlite3.connect(":memory:", isolation_level=None)
    create_schema(memory)
    return memory, False


_DAMAGE_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def salvaged(source: sqlite3.Connection) -> tuple[sqlite3.Connection, bool]:
    """A sound in-memory progress database holding the rows of ``source`` that can be read,
    and whether that was every row."""
    memory = sqlite3.connect(":memory:", isolation_level=None)
    create_schema(memory)
    memory.execute("BEGIN")
    done = salvage(source, memory)
    memory.execute("COMMIT")
    return memory, done.complete


def damage(conn: sqlite3.Connection) -> str | None:
    """SQLite's first word on damage in the database (one line), or None when it is sound."""
    rows = conn.execute("PRAGMA quick_check").fetchall()
    if rows == [("ok",)]:
        return None
    first = " ".join(str(rows[0][0]).replace("*** in database main ***", "").split())
    return first + (f" (and {len(rows) - 1} more problems)" if len(rows) > 1 else "")


#: Tables whose rows a salvage carries over, parents first (reviews point at sessions).
_SALVAGED = ("cards", "sessions", "reviews")


@dataclass
class Salvage:
    """What a salvage carried: rows per table, and whether every row could be read."""

    carried: dict[str, int]
    complete: bool


def salvage(source: sqlite3.Connection, target: sqlite3.Connection) -> Salvage:
    """Copy every row of ``source`` that can still be read into ``target`` (a sound database
    of this schema), table by table; a damaged page loses its own rows, not the whole table.
    An answer whose session was lost keeps no session (it is kept all the same)."""
    carried: dict[str, int] = {}
    complete = True
    for table in _SALVAGED:
        columns = [r[1] for r in target.execute(f"PRAGMA table_info({table})")]
        listed = ", ".join(columns)
        marks = ", ".join("?" * len(columns))
        insert = f"INSERT OR IGNORE INTO {table} ({listed}) VALUES ({marks})"
        sessions = {r[0] for r in target.execute("SELECT id FROM sessions")}
        link = columns.index("session_id") if table == "reviews" else None
        carried[table], after, jump = 0, None, 1
        for _ in range(_SALVAGE_TRIES):
            try:
                where = "" if after is None else f" WHERE rowid > {after}"
                query = f"SELECT rowid, {listed} FROM {table}{where} ORDER BY rowid"
                for rowid, *row in source.execute(query):
                    after, jump = rowid, 1
                    if link is not None and row[link] not in sessions:
                        row[link] = None
                    carried[table] += _insert(target, insert, row)
                break
            except sqlite3.DatabaseError:  # a damaged page: go on past it, in longer steps
                complete = False
                after, jump = (after or 0) + jump, jump * 2
    return Salvage(carried, complete)


def _insert(target: sqlite3.Connection, insert: str, row: list[object]) -> int:
    """Insert one salvaged row; 0 for a row the schema refuses (it is left out, not taken
    for damage)."""
    try:
        return target.execute(insert, row).rowcount
    except sqlite3.IntegrityError:
        return 0


#: How many times a salvage steps past damage in one table before it gives up on the rest.
_SALVAGE_TRIES = 64


def move_aside(path: Path) -> Path:
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
