"""Backups of a PostgreSQL database (a parent union's server) with ``pg_dump``, when it is
installed; the check of such a copy is ``pg_restore --list`` reading it back whole."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL

from ..i18n import _
from .copying import CopyFailed, fsync_dir, fsync_file, remove_with_sidecars

TIMEOUT_S = 6 * 3600


def pg_dump_path() -> str | None:
    return shutil.which("pg_dump")


def no_pg_dump_message() -> str:
    return _("This database is on a PostgreSQL server and pg_dump is not installed on this "
             "computer, so the program can't back it up: install the PostgreSQL client tools, "
             "or rely on the server's own backups.")


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The libpq form of an SQLAlchemy URL; the password goes through the environment, never
    the command line (which other users of the computer can read)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def dump(url: URL, dest: Path) -> None:
    """``pg_dump`` into a temporary file, read back with ``pg_restore --list``, fsync,
    rename."""
    program = pg_dump_path()
    if program is None:
        raise CopyFailed(no_pg_dump_message())
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    target, env = _libpq(url)
    try:
        done = subprocess.run([program, "--format=custom", "--file", str(part), target],
                              env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
        if done.returncode != 0:
            raise CopyFailed(_("pg_dump could not back up the database: {reason}").format(
                reason=(done.stderr.strip().splitlines() or ["?"])[-1]))
        restore = shutil.which("pg_restore")
        if restore is not None:
            listed = subprocess.run([restore, "--list", str(part)], capture_output=True,
                                    text=True, timeout=TIMEOUT_S)
            if listed.returncode != 0:
                raise CopyFailed(_("The copy made by pg_dump can't be read back: {reason}")
                                 .format(reason=(listed.stderr.strip().splitlines()
                                                 or ["?"])[-1]))
        fsync_file(part)
        os.replace(part, dest)
        fsync_dir(dest.parent)
    except BaseException:
        remove_with_sidecars(part)
        raise
