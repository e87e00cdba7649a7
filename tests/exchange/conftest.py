"""A branch and its parent union, each with its signing key, each enrolling the other's key;
and a second branch under the same parent. Built once, copied for every test."""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from unionapp import members
from unionapp.db import Database, open_database
from unionapp.demo import PARENT_CODE, PARENT_NAME, fill_demo
from unionapp.exchange import ImportSummary, export_package, import_package, keys
from unionapp.members import MemberInput
from unionapp.org import add_group, init_database
from unionapp.settings import data_dir

OTHER_CODE = "CDCS-KHAC"


def file_hash(path: Path) -> str:
    """The database file's hash (call with the database closed: its WAL is then merged)."""
    assert not Path(str(path) + "-wal").exists() or Path(str(path) + "-wal").stat().st_size == 0
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Site:
    """One database of the exchange, which a test may close and reopen."""

    path: Path
    db: Database

    def close(self) -> str:
        self.db.close()
        return file_hash(self.path)

    def reopen(self) -> Database:
        self.db = open_database(self.path, user="tester")
        return self.db


@dataclass
class Pair:
    tmp: Path
    branch: Site
    parent: Site
    other: Site

    def export(self, site: Site | None = None, name: str = "", **options: object) -> Path:
        site = site or self.branch
        path = self.tmp / "out" / (name or f"{site.path.stem}-{os.urandom(4).hex()}.zip")
        export_package(site.db, path, **options)  # type: ignore[arg-type]
        return path

    def send_up(self, **options: object) -> ImportSummary:
        summary = import_package(self.parent.db, self.export(**options))
        assert summary.status != "error", summary.text()
        return summary

    def phone_conflict(self) -> uuid.UUID:
        """A member's phone changed both at the parent and at the branch, then sent up: one
        conflict waits at the parent (the parent's value 0933000001, the branch's
        0933000002). Returns the member's uuid."""
        self.send_up()
        target = members.find_members(self.branch.db)[0].uuid
        for db, phone in ((self.parent.db, "0933000001"), (self.branch.db, "0933000002")):
            data = members.member_input(db, target)
            data.phone = phone
            members.update_member(db, target, data)
        self.send_up()
        return target

    def send_down(self) -> ImportSummary:
        summary = import_package(self.branch.db, self.export(self.parent))
        assert summary.status != "error", summary.text()
        return summary

    def refused_unchanged(self, package: Path | bytes, *, code: str | None = None,
                          text: str | None = None, site: Site | None = None) -> ImportSummary:
        """Import ``package``: it must be refused, with a message, the database untouched."""
        site = site or self.parent
        before = site.close()
        db = site.reopen()
        summary = import_package(db, package)
        after = site.close()
        site.reopen()
        assert summary.status == "error", summary.text()
        assert summary.errors and summary.errors[0].message
        if code is not None:
            assert code in [e.code for e in summary.errors], summary.as_json()["errors"]
        if text is not None:
            assert text in summary.text(), summary.text()
        assert before == after, "a refused package changed the database"
        return summary


def _make_pair(root: Path) -> None:
    branch = open_database(root / "branch.db", create=True, user="tester")
    fill_demo(branch, members=40, today=date(2025, 6, 1))
    keys.init_keys(branch)
    parent = open_database(root / "parent.db", create=True, user="tester")
    init_database(parent, code=PARENT_CODE, name=PARENT_NAME, parent_mode=True, place="Hà Nội")
    keys.init_keys(parent)
    other = open_database(root / "other.db", create=True, user="tester")
    init_database(other, code=OTHER_CODE, name="Công đoàn cơ sở Trường Khác",
                  parent_code=PARENT_CODE, parent_name=PARENT_NAME, place="Hà Nội")
    add_group(other, code=f"{OTHER_CODE}-T1", name="Tổ công đoàn Văn phòng")
    for name in ("Lê Thị Hoa", "Trần Văn Nam", "Phạm Minh Đức"):
        members.create_member(other, MemberInput(full_name=name, joined_on=date(2020, 5, 1)))
    keys.init_keys(other)
    for site, name in ((branch, "branch"), (parent, "parent"), (other, "other")):
        keys.export_public(site, root / f"{name}.key")
    keys.trust(parent, root / "branch.key", "VNCPT")
    keys.trust(parent, root / "other.key", OTHER_CODE)
    keys.trust(branch, root / "parent.key", PARENT_CODE)
    keys.trust(other, root / "parent.key", PARENT_CODE)
    for site in (branch, parent, other):
        site.close()


@pytest.fixture(scope="session")
def _pair_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pair")
    saved = os.environ.get("UNIONAPP_DATA_DIR")
    os.environ["UNIONAPP_DATA_DIR"] = str(root / "data")
    try:
        _make_pair(root)
    finally:
        if saved is None:
            del os.environ["UNIONAPP_DATA_DIR"]
        else:
            os.environ["UNIONAPP_DATA_DIR"] = saved
    return root


@pytest.fixture
def pair(_pair_template: Path, tmp_path: Path) -> Iterator[Pair]:
    for name in ("branch.db", "parent.db", "other.db"):
        shutil.copy(_pair_template / name, tmp_path / name)
    shutil.copytree(_pair_template / "data" / "keys", data_dir() / "keys")
    for name in ("branch.key", "parent.key", "other.key"):
        shutil.copy(_pair_template / name, tmp_path / name)
    sites = [Site(tmp_path / n, open_database(tmp_path / n, user="tester"))
             for n in ("branch.db", "parent.db", "other.db")]
    the_pair = Pair(tmp_path, *sites)
    yield the_pair
    for site in sites:
        site.db.close()
