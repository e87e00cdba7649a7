"""One side of a race between two processes writing to the same PostgreSQL database (see
test_races_pg). Each side runs a service; just before its first write (the ORM's flush, after
the service's own checks) it waits until the other side has reached the same point too, or is
seen waiting for a lock. No sleep decides the order: with the one-writer lock the second
waits to begin and then sees the first's row; without it, both check before either writes."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import event, text


def _until(condition: Callable[[], bool], timeout: float = 30) -> bool:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(0.01)
    return True


def someone_waits(engine: Any) -> bool:
    """Whether a session of this database waits for a lock."""
    with engine.connect() as conn:
        return bool(conn.execute(text(
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE NOT l.granted AND a.datname = current_database()")).scalar())


def _cccd(db: Any, name: str, folder: Path) -> str:
    from unionapp import members

    row = members.create_member(db, members.MemberInput(
        full_name=f"Nguyễn Văn {name}", national_id="001090000123", joined_on=date(2020, 1, 1)))
    return str(row.uuid)


def _decision(db: Any, name: str, folder: Path) -> str:
    from unionapp import awards

    kind = awards.award_kinds(db)[0].uuid
    row = awards.create_decision(db, awards.DecisionInput(
        number="15/QĐ-CĐCS", decided_on=date(2025, 3, 1), issuing_body="BAN CHẤP HÀNH CĐCS",
        signer_name="Ngô Thành Hải", award_kind=kind, reason=f"Khen thưởng ({name})"))
    return str(row.uuid)


def _group(db: Any, name: str, folder: Path) -> str:
    from unionapp.org import add_group

    return str(add_group(db, code="CDCS-PG-T9", name=f"Tổ công đoàn {name}").uuid)


def _export(db: Any, name: str, folder: Path) -> str:
    from unionapp.exchange import export_package

    return str(export_package(db, folder / f"{name}.zip").sequence)


ACTIONS = {"cccd": _cccd, "decision": _decision, "group": _group, "export": _export}


def run(url: str, action: str, name: str, other: str, events: dict[str, Any], start: Any,
        results: Any, folder: str, lock: bool) -> None:
    from unionapp.audit import AuditedSession
    from unionapp.db import Database, open_database
    from unionapp.errors import UserError

    if not lock:  # to show that the race is real
        Database._lock_writers = lambda self, connection: None  # type: ignore[method-assign]
    os.environ.setdefault("UNIONAPP_LANG", "vi")
    db = open_database(url, user=name)
    reached: list[bool] = []

    def before_flush(_session: Any, _context: Any, _instances: Any) -> None:
        if reached:
            return
        events[name].set()
        reached.append(_until(lambda: events[other].is_set() or someone_waits(db.engine)))

    event.listen(AuditedSession, "before_flush", before_flush)
    start.wait(60)
    try:
        value = ACTIONS[action](db, name, Path(folder))
        results.put((name, "ok", value, reached))
    except UserError as error:
        results.put((name, "refused", error.message, reached))
    except Exception as error:  # reported to the test
        results.put((name, "error", f"{type(error).__name__}: {error}"[:300], reached))
    finally:
        db.close()
