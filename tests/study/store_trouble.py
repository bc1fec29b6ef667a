"""A progress file that misbehaves like a full disk or a read-only file, with SQLite's own
errors (code and text), without root or a tiny file system."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from calfexplorer.study import store_file


def _sqlite_full_error() -> sqlite3.OperationalError:
    """A real "database or disk is full" error (SQLITE_FULL), made by SQLite itself."""
    conn = sqlite3.connect(":memory:")
    conn.execute("PRAGMA max_page_count = 1")
    try:
        for n in range(3):
            conn.execute(f"CREATE TABLE t{n} (x)")
    except sqlite3.OperationalError as exc:
        assert exc.sqlite_errorcode == sqlite3.SQLITE_FULL
        return exc
    finally:
        conn.close()
    raise AssertionError("SQLite did not report a full database")


class _FullOnCommit:
    """A connection whose commits fail as on a full disk (reads and rollbacks still work)."""

    def __init__(self, conn: sqlite3.Connection, trouble: Trouble) -> None:
        self._conn = conn
        self._trouble = trouble

    def __getattr__(self, name: str):
        return getattr(self._conn, name)

    def execute(self, sql: str, *args):
        if self._trouble.full_on_commit and sql.strip().upper() == "COMMIT":
            raise _sqlite_full_error()
        return self._conn.execute(sql, *args)


class Trouble:
    """Makes the progress file misbehave like a full disk or a read-only file until fixed.

    Wraps the store's one connection factory; the errors are SQLite's own (code and text).
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.open_full = False  # opening for writing fails: disk full
        self.read_fails = False  # opening read-only fails too
        self.full_on_commit = False  # commits fail: disk full
        self.read_only = False  # writes fail: SQLITE_READONLY
        real = store_file.connect

        def connect(path: Path, mode: store_file.Mode, timeout: float):
            if self.open_full and (mode == "rw" or self.read_fails):
                raise _sqlite_full_error()
            conn = real(path, mode, timeout)
            if mode != "rw":
                return conn
            if self.read_only:
                conn.execute("PRAGMA query_only = ON")
            return _FullOnCommit(conn, self)

        monkeypatch.setattr(store_file, "connect", connect)

    def fix(self) -> None:
        self.open_full = self.read_fails = self.full_on_commit = self.read_only = False
