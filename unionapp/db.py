"""Opening a database: where it lives, SQLite's settings, the one-writer lock, migrations,
backups, and the unit of work every user action runs in.

A database is named by a path (SQLite) or a full SQLAlchemy URL (``postgresql+psycopg://…``).
Services take a ``Database`` and open their own short sessions; nobody else touches sessions.
"""

from __future__ import annotations

import getpass
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from sqlalchemy import create_engine, event, inspect, select, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from .audit import AuditedSession
from .errors import DatabaseLocked, UserError
from .i18n import _
from .models import DatabaseInfo
from .resources import migrations_dir
from .settings import data_dir

DEFAULT_FILE = "unionapp.db"
DEMO_FILE = "demo.db"
BUSY_TIMEOUT_MS = 10_000
WRITE_LOCK = 0x756E696F6E617070  # "unionapp": the key of the writers' advisory lock (PostgreSQL)


def default_path(demo: bool = False) -> Path:
    return data_dir() / (DEMO_FILE if demo else DEFAULT_FILE)


def resolve_url(target: str | Path | None, *, demo: bool = False) -> URL:
    """``None`` → the default database in the user's data folder; a path → SQLite there;
    anything with ``://`` → used as an SQLAlchemy URL."""
    if target is None:
        target = default_path(demo)
    text = str(target)
    if "://" in text:
        return make_url(text)
    return make_url("sqlite:///" + str(Path(text).expanduser().resolve()))


def sqlite_path(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # We issue BEGIN ourselves (below): pysqlite's own transaction handling is unreliable.
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA cache_size = -32768")  # 32 MB: a million members' indexes fit
        cur.execute("PRAGMA temp_store = MEMORY")
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        # Writers take the write lock at BEGIN, so two writers queue (busy timeout) instead
        # of failing half-way when a read transaction tries to become a write.
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """An open database. Create it with :func:`open_database`."""

    def __init__(self, url: URL, engine: Engine, *, user: str, lock: FileLock | None):
        self.url = url
        self.engine = engine
        self.user = user
        self._lock = lock
        self._sessions = sessionmaker(
            engine, class_=AuditedSession, expire_on_commit=False, autoflush=False
        )
        self._info: dict[str, str] | None = None

    # -- sessions ------------------------------------------------------------------------

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def path(self) -> Path | None:
        return sqlite_path(self.url)

    def read(self) -> Session:
        """A session for reading only (use as ``with db.read() as s:``)."""
        return self._sessions()

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """A session that reads one consistent state of the database however long it reads
        (writing a package, a report), holding no write lock, so others keep working:
        SQLite's read transaction (WAL), PostgreSQL's REPEATABLE READ."""
        session = self._sessions()
        try:
            with session.begin():
                session.connection(execution_options={} if self.is_sqlite
                                   else {"isolation_level": "REPEATABLE READ"})
                yield session
        finally:
            session.close()

    @contextmanager
    def transaction(self, user: str | None = None) -> Iterator[Session]:
        """One unit of work: everything inside is one transaction, committed at the end or
        rolled back on any exception. Every change is versioned and audited on flush."""
        session = self._sessions()
        session.info["user"] = user or self.user
        session.info["home_unit_uuid"] = self.home_unit_uuid
        try:
            with session.begin():
                if self.is_sqlite:
                    session.connection(execution_options={"sqlite_immediate": True})
                else:
                    self._lock_writers(session.connection())
                yield session
        finally:
            session.close()

    def _lock_writers(self, connection: Any) -> None:
        """One writer at a time on a server database too, as SQLite's BEGIN IMMEDIATE gives:
        every write transaction first takes one transaction-level advisory lock (released at
        commit or rollback), so the checks of a service (a CCCD number not taken, the next
        number of a series) still hold when it writes. A writer waits for it as long as
        SQLite's busy timeout, then gets a plain message."""
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{BUSY_TIMEOUT_MS}ms'")
        try:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
        except OperationalError as error:
            if getattr(error.orig, "sqlstate", None) == "55P03":  # lock_not_available
                raise UserError(_("Someone else is saving changes to this database; nothing "
                                  "was changed. Try again in a moment.")) from None
            raise
        connection.exec_driver_sql("SET LOCAL lock_timeout = DEFAULT")

    # -- facts about this database --------------------------------------------------------

    def info(self, key: str) -> str | None:
        if self._info is None:
            self.refresh_info()
        assert self._info is not None
        return self._info.get(key)

    def refresh_info(self) -> None:
        """Re-read the facts (call after changing them, e.g. after ``init``)."""
        with self.read() as s:
            self._info = {row.key: row.value for row in s.scalars(select(DatabaseInfo))}

    @property
    def home_unit_uuid(self) -> uuid.UUID | None:
        value = self.info("home_unit_uuid")
        return uuid.UUID(value) if value else None

    @property
    def mode(self) -> str:
        """``branch`` or ``parent`` (a parent union's database)."""
        return self.info("mode") or "branch"

    @property
    def is_initialised(self) -> bool:
        return self.home_unit_uuid is not None

    # -- maintenance ------------------------------------------------------------------------

    def backup(self, dest: Path) -> Path:
        """A consistent copy of a SQLite database, made with SQLite's backup API (safe while
        the program is writing, unlike copying the file)."""
        src_path = self.path
        if src_path is None:
            raise UserError(_("Backups of this kind of database are made by its server."))
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".part")
        src = sqlite3.connect(src_path)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        tmp.replace(dest)
        return dest

    def close(self) -> None:
        self.engine.dispose()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def backups_dir() -> Path:
    return data_dir() / "backups"


def timestamp() -> str:
    return datetime.now(UTC).astimezone().strftime("%Y%m%d-%H%M%S")


def _acquire_lock(path: Path) -> FileLock:
    lock = FileLock(str(path) + ".lock", thread_local=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise DatabaseLocked(
            _(
                "The database {path} is already open in another copy of the program. "
                "Close that copy first (only one copy may change the data at a time)."
            ).format(path=path)
        ) from None
    return lock


def open_database(
    target: str | Path | URL | None = None,
    *,
    demo: bool = False,
    create: bool = False,
    readonly: bool = False,
    user: str | None = None,
) -> Database:
    """Open (and if needed create, then upgrade) a database.

    A writer takes the lock file next to a SQLite database: a second copy of the program on
    the same file is refused. ``readonly`` opens without the lock and never migrates.
    """
    url = target if isinstance(target, URL) else resolve_url(target, demo=demo)
    path = sqlite_path(url)
    if path is not None and not path.exists():
        if not create:
            raise UserError(
                _("There is no database at {path}. Create one first with: unionapp init").format(
                    path=path
                )
            )
        path.parent.mkdir(parents=True, exist_ok=True)
    lock = _acquire_lock(path) if path is not None and not readonly else None
    try:
        engine = create_engine(url)
        if url.get_backend_name() == "sqlite":
            _configure_sqlite(engine)
        db = Database(url, engine, user=user or _os_user(), lock=lock)
        if not readonly:
            upgrade(db)
        return db
    except BaseException:
        if lock is not None:
            lock.release()
        raise


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


# -- migrations -------------------------------------------------------------------------------

def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


def schema_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def upgrade(db: Database) -> None:
    """Bring the schema to the newest revision. An existing SQLite database is backed up
    first, so a failed upgrade never costs data."""
    from alembic import command
    from alembic.script import ScriptDirectory

    current = schema_revision(db.engine)
    if current == head_revision():
        return
    scripts = ScriptDirectory.from_config(_alembic_config())
    known = {rev.revision for rev in scripts.walk_revisions()}
    if current is not None and current not in known:
        raise UserError(_("This database was made by a newer version of the program. Update "
                          "the program to open it."))
    has_tables = bool(inspect(db.engine).get_table_names())
    if db.path is not None and has_tables:
        db.backup(backups_dir() / f"{db.path.stem}-before-upgrade-{timestamp()}.db")
    config = _alembic_config()
    with db.engine.connect() as conn:
        # SQLite alters a table by rebuilding it; dropping the old copy of a table that
        # others reference fails while foreign keys are enforced (and deferring them doesn't
        # help). SQLite's own procedure: keys off outside the transaction, checked before
        # committing, back on after.
        raw = conn.connection.dbapi_connection if db.is_sqlite else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
                if raw is not None:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"the upgrade broke references: {broken[:5]}")
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys = ON")


def described_by_models(name: str | None, type_: str, _parents: object) -> bool:
    """Whether the models describe this schema object. The member search index (SQLite FTS5
    and its content table, see unionapp.search_index) is made by hand in migration 0300."""
    return not (type_ == "table" and name is not None and name.startswith("member_search"))


def schema_differences(engine: Engine) -> list[Any]:
    """What differs between the database's schema and the models (empty when in step)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from .models import Base

    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_name": described_by_models, "compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def set_info(session: Session, key: str, value: str) -> None:
    row = session.get(DatabaseInfo, key)
    if row is None:
        session.add(DatabaseInfo(key=key, value=value))
    else:
        row.value = value
