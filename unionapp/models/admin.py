"""Local records that never travel: users, the audit log, settings of this database."""

from __future__ import annotations

import uuid as uuid_mod
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class User(Base):
    """A person who signs in (see :mod:`unionapp.accounts`). A row without a password hash
    is only a name seen in the audit log before accounts existed, not an account."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    # chair / treasurer / clerk / inspector / viewer (unionapp.permissions.ROLES)
    role: Mapped[str] = mapped_column(String(20), default="clerk")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_hash: Mapped[str | None] = mapped_column(String(200), default=None)
    failed_tries: Mapped[int] = mapped_column(default=0)  # wrong passwords in a row
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    must_change_password: Mapped[bool] = mapped_column(default=False)  # after a reset
    password_changed_at: Mapped[datetime | None] = mapped_column(default=None)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(default=None)


class AuditLog(Base):
    """Who changed what, when, with the values before and after (only the changed fields).

    Rows form a hash chain (``prev_hash`` → ``hash``, see :mod:`unionapp.audit`): they are
    written only through ``unionapp.audit.write_entries``."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_entity", "entity", "entity_uuid"),
        Index("ix_audit_log_entity_uuid", "entity_uuid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))  # create / update / delete / restore / …
    entity: Mapped[str] = mapped_column(String(50))
    entity_uuid: Mapped[uuid_mod.UUID | None]
    summary: Mapped[str] = mapped_column(String(500), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    role: Mapped[str] = mapped_column(String(20), default="")  # the actor's role, if signed in
    prev_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    hash: Mapped[str | None] = mapped_column(String(64), default=None)


class DatabaseInfo(Base):
    """Key/value facts about this database: its own org unit, its mode (branch / parent)."""

    __tablename__ = "database_info"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(500))
