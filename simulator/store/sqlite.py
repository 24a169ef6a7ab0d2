"""The durable store: the in-memory store, written through to one SQLite file.

Reads are served from memory, exactly as :class:`MemoryStore` serves them; every change is
also noted and written to SQLite by :meth:`SqliteStore.commit`, in one transaction. The
simulator commits before it answers any request (so a send answered 200 and a report pulled are
on disk first) and soon after anything else changes (transitions, webhook attempts), see
``simulator/app.py``. Many changes to one message between two commits cost one write.

The file is in WAL mode with ``synchronous=NORMAL``: a committed transaction survives the
process being killed at any moment (not a power cut, which a simulator need not survive). At
start the whole file is read back into memory; :mod:`simulator.domain.recovery` then puts every
domain object back on its schedule.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from ..domain.messages import Message, MessageSpec
from ..domain.reports import Report
from ..domain.statuses import error, status
from .base import Record
from .codec import dataclass_of, encode, message_of, message_record
from .memory import DEFAULT_MAX_MESSAGES, MemoryStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    account TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, spec TEXT NOT NULL,
    body TEXT NOT NULL, PRIMARY KEY (account, id));
CREATE TABLE IF NOT EXISTS reports (
    seq INTEGER PRIMARY KEY, account TEXT NOT NULL, message_id TEXT NOT NULL,
    status TEXT NOT NULL, error TEXT NOT NULL, done_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL, account TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (kind, account, key));
"""

_UPSERT_MESSAGE = """INSERT INTO messages (account, id, seq, spec, body) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (account, id) DO UPDATE SET seq = excluded.seq, spec = excluded.spec,
    body = excluded.body"""
_UPDATE_MESSAGE = "UPDATE messages SET body = ? WHERE account = ? AND id = ?"
_UPSERT_RECORD = """INSERT INTO records (kind, account, key, body) VALUES (?, ?, ?, ?)
    ON CONFLICT (kind, account, key) DO UPDATE SET body = excluded.body"""

_Key = tuple[str, str]
_RecordKey = tuple[str, str, str]


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def snapshot(value: object) -> Any:
    """A domain object's snapshot in the generic encoding: its ``record()``, else its fields."""
    record = getattr(value, "record", None)
    return encode(record() if callable(record) else value)


class SqliteStore(MemoryStore):
    """:class:`MemoryStore` plus a SQLite file that survives restarts and crashes."""

    durable = True

    def __init__(self, path: str, max_messages: int = DEFAULT_MAX_MESSAGES) -> None:
        super().__init__(max_messages)
        self.path = path
        self.on_dirty: Callable[[], None] | None = None
        """Called when the first change after a commit is noted (the app schedules a commit)."""
        self.now: Callable[[], float] | None = None
        """Virtual time, kept with every commit when set (a scaled or manual clock goes on from
        it after a restart; a real clock needs nothing kept)."""
        self._kept_now: float | None = None
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._dirty = False
        self._resets: list[str | None] = []
        self._messages: dict[_Key, Message] = {}
        self._new_messages: set[_Key] = set()
        """Changed messages not yet written at all (their spec is written with them)."""
        self._gone_messages: set[_Key] = set()
        self._reports: dict[int, tuple[str, Report]] = {}
        self._gone_reports: set[int] = set()
        self._records: dict[_RecordKey, object | None] = {}
        self._load()

    # -- noting changes

    def _changed(self) -> None:
        if not self._dirty:
            self._dirty = True
            if self.on_dirty is not None:
                self.on_dirty()

    def add_message(self, account: str, message: Message) -> None:
        super().add_message(account, message)
        self._new_messages.add((account, message.id))
        self.update_message(account, message)

    def update_message(self, account: str, message: Message) -> None:
        key = (account, message.id)
        self._messages[key] = message
        self._gone_messages.discard(key)
        self._changed()

    def add_report(self, account: str, report: Report) -> None:
        super().add_report(account, report)
        self._reports[report.seq] = (account, report)
        self._changed()

    def _forgot_messages(self, account: str, message_ids: list[str]) -> None:
        for message_id in message_ids:
            key = (account, message_id)
            self._messages.pop(key, None)
            self._new_messages.discard(key)
            self._gone_messages.add(key)
        if message_ids:
            self._changed()

    def _forgot_reports(self, seqs: list[int]) -> None:
        for seq in seqs:
            if self._reports.pop(seq, None) is None:
                self._gone_reports.add(seq)
        if seqs:
            self._changed()

    def save(self, kind: str, account: str, key: str, value: object | None) -> None:
        self._records[kind, account, key] = value
        self._changed()

    def reset(self, account: str | None = None) -> None:
        super().reset(account)
        self._resets.append(account)
        if account is None:
            self._messages.clear()
            self._new_messages.clear()
            self._records = {k: v for k, v in self._records.items() if k[0] == "meta"}
        else:
            self._messages = {k: m for k, m in self._messages.items() if k[0] != account}
            self._new_messages = {k for k in self._new_messages if k[0] != account}
            self._records = {k: v for k, v in self._records.items() if k[1] != account}
        self._reports = {
            seq: (owner, report)
            for seq, (owner, report) in self._reports.items()
            if account is not None and owner != account
        }
        self._changed()

    # -- writing

    def commit(self) -> None:
        """Write every noted change (and the clock) in one transaction."""
        now = self.now() if self.now is not None else None
        if not self._dirty and now == self._kept_now:
            return
        db = self._db
        db.execute("BEGIN")
        try:
            self._write_resets(db)
            db.executemany(
                "DELETE FROM messages WHERE account = ? AND id = ?", list(self._gone_messages)
            )
            db.executemany("DELETE FROM reports WHERE seq = ?", [(s,) for s in self._gone_reports])
            self._write_messages(db)
            db.executemany(
                "INSERT OR REPLACE INTO reports VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (seq, account, r.message.id, r.status.name, r.error.name, r.done_at)
                    for seq, (account, r) in self._reports.items()
                ],
            )
            self._write_records(db)
            if now is not None:
                db.execute(_UPSERT_RECORD, ("meta", "", "clock", _json(now)))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._clear()
        self._kept_now = now

    def _write_resets(self, db: sqlite3.Connection) -> None:
        for account in self._resets:
            where, args = ("", ()) if account is None else (" WHERE account = ?", (account,))
            db.execute("DELETE FROM messages" + where, args)
            db.execute("DELETE FROM reports" + where, args)
            if account is None:
                db.execute("DELETE FROM records WHERE kind != 'meta'")
            else:
                db.execute("DELETE FROM records WHERE account = ?", args)

    def _write_messages(self, db: sqlite3.Connection) -> None:
        """A row per new message (a spec shared by many is encoded once); an update of the
        others (a spec never changes)."""
        specs: dict[int, str] = {}
        added = []
        changed = []
        for key, message in self._messages.items():
            body = _json(message_record(message, with_spec=False))
            if key not in self._new_messages:
                changed.append((body, *key))
                continue
            spec = specs.get(id(message.spec))
            if spec is None:
                spec = specs[id(message.spec)] = _json(encode(message.spec))
            added.append((*key, message.seq, spec, body))
        db.executemany(_UPSERT_MESSAGE, added)
        db.executemany(_UPDATE_MESSAGE, changed)

    def _write_records(self, db: sqlite3.Connection) -> None:
        gone = [k for k, v in self._records.items() if v is None]
        db.executemany("DELETE FROM records WHERE kind = ? AND account = ? AND key = ?", gone)
        db.executemany(
            _UPSERT_RECORD,
            [(*k, _json(snapshot(v))) for k, v in self._records.items() if v is not None],
        )

    def _clear(self) -> None:
        self._dirty = False
        self._resets.clear()
        self._messages.clear()
        self._new_messages.clear()
        self._gone_messages.clear()
        self._reports.clear()
        self._gone_reports.clear()
        self._records.clear()

    def close(self) -> None:
        self.commit()
        self._db.close()

    # -- reading back

    def records(self, kind: str) -> list[Record]:
        rows = self._db.execute(
            "SELECT account, key, body FROM records WHERE kind = ? ORDER BY rowid", (kind,)
        )
        return [(account, key, json.loads(body)) for account, key, body in rows]

    def _load(self) -> None:
        """Read messages and queued reports back into memory, oldest first."""
        specs: dict[str, MessageSpec] = {}
        rows = self._db.execute("SELECT account, seq, spec, body FROM messages ORDER BY seq")
        for account, seq, spec_text, body in rows:
            spec = specs.get(spec_text)
            if spec is None:
                spec = specs[spec_text] = dataclass_of(json.loads(spec_text))
            message = message_of(json.loads(body), spec)
            message.seq = seq
            self._data(account).messages[message.id] = message
        rows = self._db.execute(
            "SELECT seq, account, message_id, status, error, done_at FROM reports ORDER BY seq"
        )
        for seq, account, message_id, reached, problem, done_at in rows:
            reported = self.get_message(account, message_id)
            if reported is not None:
                report = Report(seq, reported, status(reached), error(problem), done_at)
                self._data(account).reports[seq] = report
