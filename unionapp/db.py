"""Opening a database: where it lives, SQLite's settings, the one-writer lock, migrations,
backups, and the unit of work every user action runs in.

A database is named by a path (SQLite) or a full SQLAlchemy URL (``postgresql+psycopg://…``).
Services take a ``Database`` and open their own short sessions; nobody else touches sessions.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import FileLock, Timeout
from sqlalchemy import create_engine, event, inspect, select, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from . import failures
from .audit import AuditedSession
from .drives import NETWORK, drive_kind
from .errors import (
    ClosedDatabase,
    DatabaseLocked,
    InUseElsewhere,
    NetworkDrive,
    NewerDatabase,
    UserError,
)
from .i18n import _
from .models import DatabaseInfo
from .permissions import check_write
from .resources import migrations_dir
from .settings import data_dir

if TYPE_CHECKING:
    from .accounts import Account

CLOSED_INFO = "closed_on"  # set when a branch ends its activity: the database is read-only
DEFAULT_FILE = "unionapp.db"
DEMO_FILE = "demo.db"
BUSY_TIMEOUT_MS = 10_000
PROBE_TIMEOUT_MS = 2_000  # at opening: how long another program's write lock is waited for
# Failures of the disk or the file, which failures.explain turns into a plain message.
STORAGE_ERRORS = (SQLAlchemyError, sqlite3.Error, OSError)
# How many pages the WAL may hold before a commit copies them into the database file (SQLite's
# default), and while a batch of big writes runs (a parent union taking in a month's packages:
# ~100 MB). Every commit is in the WAL and on the disk (synchronous=FULL) when it returns,
# whenever the copy happens; copied less often, a page that package after package rewrites
# (an index's, the search index's) is copied once instead of after each (measured: a commit
# took half the time at the end of a 200-package batch).
CHECKPOINT_PAGES = 1000
BATCH_CHECKPOINT_PAGES = 25_000
WRITE_LOCK = 0x756E696F6E617070  # "unionapp": the key of the writers' advisory lock (PostgreSQL)
# The newest migration's revision. A database already there opens without loading Alembic
# (a tenth of a second at every start); tests/core/test_schema_head.py keeps it in step with
# unionapp/migrations/versions.
HEAD_REVISION = "0830"


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
        self.user = user  # the name recorded in the audit log (the account's, once signed in)
        self.account: Account | None = None  # set by unionapp.accounts.sign_in
        self._lock = lock
        self._sessions = sessionmaker(
            engine, class_=AuditedSession, expire_on_commit=False, autoflush=False
        )
        self._info: dict[str, str] | None = None
        self._checkpoint_pages = CHECKPOINT_PAGES  # see batch_of_writes
        self._identity: tuple[int, int] | None = None  # (device, inode) of the file opened

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
    def transaction(self, user: str | None = None, *,
                    accounts_upkeep: bool = False) -> Iterator[Session]:
        """One unit of work: everything inside is one transaction, committed at the end or
        rolled back on any exception. Every change is versioned and audited on flush.

        Read-only roles (and, once accounts exist, anyone not signed in) are refused here
        whatever the service (``permissions.check_write``); only :mod:`unionapp.accounts`
        passes ``accounts_upkeep`` (a viewer changing their own password, wrong tries).
        Refused too (nothing done) once the branch has ended its activity."""
        if not accounts_upkeep:
            self.check_writable()
            check_write(self)
        session = self._sessions()
        session.info["user"] = user or self.user
        session.info["role"] = self.account.role if self.account is not None else ""
        session.info["home_unit_uuid"] = self.home_unit_uuid
        try:
            with session.begin():
                if self.is_sqlite:
                    self._set_checkpoint_pages(session.connection(
                        execution_options={"sqlite_immediate": True}))
                    self.check_file()
                else:
                    self._lock_writers(session.connection())
                yield session
                if self.is_sqlite:
                    self.check_file()  # deleted during a long import? then roll it all back
        except STORAGE_ERRORS as error:
            # Rolled back already; a full disk, an I/O error or a vanished file becomes a
            # plain message here, once for every service.
            plain = failures.explain(error, self.path)
            if plain is None:
                raise
            raise plain from error
        finally:
            session.close()

    @contextmanager
    def batch_of_writes(self) -> Iterator[None]:
        """Many write transactions in a row (packages of a batch, each in its own): SQLite
        copies its WAL into the database file less often meanwhile, and once at the end,
        emptying the WAL file. Nothing changes for durability: each transaction is in the
        WAL, on the disk, when it commits. (PostgreSQL: nothing to do.)"""
        if not self.is_sqlite or self._checkpoint_pages != CHECKPOINT_PAGES:
            yield  # not SQLite, or inside a batch already
            return
        self._checkpoint_pages = BATCH_CHECKPOINT_PAGES
        try:
            yield
        finally:
            self._checkpoint_pages = CHECKPOINT_PAGES
            self._empty_wal()

    def _set_checkpoint_pages(self, connection: Any) -> None:
        """The WAL's size before a commit copies it into the file (per connection: connections
        are pooled, so each is set as it is used for writing)."""
        record = connection.connection  # the pool's record of the DBAPI connection
        if record.info.get("checkpoint_pages") != self._checkpoint_pages:
            connection.exec_driver_sql(f"PRAGMA wal_autocheckpoint = {self._checkpoint_pages}")
            record.info["checkpoint_pages"] = self._checkpoint_pages

    def _empty_wal(self) -> None:
        """Copy the WAL into the database file and empty it (after a batch). Readers still
        reading keep it: then it is simply copied later, as usual; a failure here loses
        nothing (the WAL holds every commit) and is left for SQLite's next checkpoint."""
        try:
            raw = self.engine.raw_connection()  # outside any transaction (no BEGIN)
            try:
                sqlite = raw.driver_connection
                sqlite.execute(f"PRAGMA busy_timeout = {PROBE_TIMEOUT_MS}")
                try:
                    sqlite.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
                finally:
                    sqlite.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            finally:
                raw.close()
        except STORAGE_ERRORS:
            pass

    def remember_file(self) -> None:
        path = self.path
        if path is not None and path.exists():
            stat = path.stat()
            self._identity = (stat.st_dev, stat.st_ino)

    def check_file(self) -> None:
        """The file is still the one opened. In WAL mode SQLite keeps writing into a file
        deleted or moved underneath it (the data would vanish at close): refuse instead."""
        path = self.path
        if path is None or self._identity is None:
            return
        try:
            stat = path.stat()
        except OSError:
            raise failures.file_gone(path) from None
        if (stat.st_dev, stat.st_ino) != self._identity:
            raise failures.file_gone(path)

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

    def check_writable(self) -> None:
        """Refuse, with a plain message, any change to a branch that ended its activity (for
        work that prepares files before its transaction begins)."""
        if self.closed_on is not None:
            raise ClosedDatabase(_(
                "This union ended its activity on {date}: its data can still be read, searched "
                "and printed, but no longer changed.").format(date=self.closed_on))

    @property
    def closed_on(self) -> str | None:
        """dd/mm/yyyy when the branch has ended its activity (the database is read-only)."""
        value = self.info(CLOSED_INFO)
        if not value:
            return None
        day, _sep, _rest = value.partition("T")
        year, month, dom = day.split("-")
        return f"{dom}/{month}/{year}"

    # -- maintenance ------------------------------------------------------------------------

    def backup(self, dest: Path) -> Path:
        """A consistent, checked copy of a SQLite database at ``dest`` (SQLite's backup API,
        safe while the program is writing, unlike copying the file). Backups kept in
        generations are made by :mod:`unionapp.backups`, through the same copy."""
        from .backups.copying import copy_sqlite

        if self.path is None:
            raise UserError(_("Backups of this kind of database are made by its server."))
        copy_sqlite(self.path, dest)
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
    except OSError as error:
        raise failures.explain(error, path) or error from error
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
    A file that is not a database of this program, a damaged one, one from a newer program,
    a read-only file or folder, a network drive and a file another program holds locked are
    each refused with one plain sentence (a ``UserError``).
    """
    url = target if isinstance(target, URL) else resolve_url(target, demo=demo)
    path = sqlite_path(url)
    if path is not None:
        _check_file(url, path, create=create, writing=not readonly)
    lock = _acquire_lock(path) if path is not None and not readonly else None
    engine: Engine | None = None
    try:
        engine = create_engine(url)
        if url.get_backend_name() == "sqlite":
            _configure_sqlite(engine)
        db = Database(url, engine, user=user or _os_user(), lock=lock)
        if path is not None:
            _probe(db, path, writing=not readonly)
            db.remember_file()
        if not readonly:
            upgrade(db)
        elif not _known_revision(schema_revision(db.engine)):
            raise _newer()
        return db
    except BaseException as error:
        if engine is not None:
            engine.dispose()  # no file handle left open on a database that was refused
        if lock is not None:
            lock.release()
        if isinstance(error, STORAGE_ERRORS):
            plain = failures.explain(error, path)
            if isinstance(plain, DatabaseLocked) and path is not None:
                plain = _in_use(path)
            if plain is not None:
                raise plain from error
        raise


def _check_file(url: URL, path: Path, *, create: bool, writing: bool) -> None:
    """What can be said before SQLite touches the file."""
    if drive_kind(path if path.exists() else path.parent) == NETWORK:
        raise NetworkDrive(_(
            "The database {path} is on a network drive, where SQLite can damage it when two "
            "computers use it: copy it onto this computer (e.g. into Documents) and open the "
            "copy; to share data with others use data packages.").format(path=path))
    if path.is_dir():
        raise failures.not_a_database(path)
    if not path.exists():
        if not create:
            raise UserError(
                _("There is no database at {path}. Create one first with: unionapp init").format(
                    path=path
                )
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise failures.explain(error, path) or error from error
    elif path.stat().st_size and not _is_sqlite(path):
        from .backups.catalogue import folder_for, load

        # A file we have backed up before was a database: its header is damaged.
        raise failures.damaged(path) if load(folder_for(url, path)) else \
            failures.not_a_database(path)
    if writing and (not _writable(path.parent) or (path.exists() and not _writable(path))):
        raise failures.read_only(path)


def _is_sqlite(path: Path) -> bool:
    from .backups.copying import is_sqlite_file

    return is_sqlite_file(path)


def _writable(path: Path) -> bool:
    if not os.access(path, os.W_OK):
        return False
    statvfs = getattr(os, "statvfs", None)
    try:  # a read-only mount refuses even the administrator, whom os.access lets through
        return statvfs is None or not statvfs(path).f_flag & os.ST_RDONLY
    except OSError:
        return True


def _probe(db: Database, path: Path, *, writing: bool) -> None:
    """Read the schema (a damaged file or a foreign one shows here) and, for a writer, take
    and drop the write lock once: another program holding it is named now, not after the
    clerk's first change."""
    with db.engine.connect() as conn:
        tables = {row[0] for row in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "alembic_version" not in tables:
            raise failures.not_a_database(path)
        conn.rollback()  # end the read; the lock is probed outside SQLAlchemy's transaction
        if not writing:
            return
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute(f"PRAGMA busy_timeout = {PROBE_TIMEOUT_MS}")
        try:
            raw.execute("BEGIN IMMEDIATE")
            raw.execute("ROLLBACK")
        except sqlite3.OperationalError as error:
            if isinstance(failures.explain(error, path), DatabaseLocked):
                raise _in_use(path) from error
            raise
        finally:
            raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _in_use(path: Path) -> InUseElsewhere:
    return InUseElsewhere(_("Another program (perhaps DB Browser for SQLite or a backup tool) "
                            "is holding the database {path}: close that program and try "
                            "again.").format(path=path))


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
    """The revision the database's schema is at (None: a new, empty database), read as
    Alembic keeps it, without loading Alembic."""
    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(rows) > 1:  # several heads: only Alembic can say what that means
        from alembic.runtime.migration import MigrationContext

        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    return rows[0] if rows else None


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    """The schema revisions this program knows (an unknown one is from a newer program)."""
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(
        _alembic_config()).walk_revisions()}


def _known_revision(revision: str | None) -> bool:
    return revision in (None, HEAD_REVISION) or revision in known_revisions()


def _newer() -> NewerDatabase:
    return NewerDatabase(_("This database was made by a newer version of the program. Update "
                           "the program to open it."))


def upgrade(db: Database) -> None:
    """Bring the schema to the newest revision. An existing SQLite database is backed up
    first, so a failed upgrade never costs data."""
    current = schema_revision(db.engine)
    if current == HEAD_REVISION:
        return
    from alembic import command

    from .backups import backup_before

    if not _known_revision(current):
        raise _newer()
    if inspect(db.engine).get_table_names():
        backup_before(db, "before-migration")
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
