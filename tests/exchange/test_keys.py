"""Signing keys: made once, kept out of the database, checked by a phone-friendly
fingerprint; a new key must be enrolled again before its packages are accepted."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from tests.exchange.conftest import Pair
from unionapp.db import Database
from unionapp.errors import UserError
from unionapp.exchange import export_package, import_package, keys


def test_a_key_pair_lives_in_a_private_file_and_the_database_knows_its_half(db: Database) -> None:
    info = keys.init_keys(db)
    assert re.fullmatch(r"\d{5}( \d{5}){5}", info.fingerprint)
    assert info.path is not None and info.path.exists()
    assert stat.S_IMODE(info.path.stat().st_mode) == 0o600
    assert db.path is not None and b"PRIVATE KEY" not in db.path.read_bytes()
    assert keys.own_public(db) == info
    with pytest.raises(UserError, match="--replace"):
        keys.init_keys(db)
    assert keys.init_keys(db, replace=True).fingerprint != info.fingerprint


def test_without_a_key_export_says_how_to_make_one(db: Database, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="keys init"):
        export_package(db, tmp_path / "x.zip")
    info = keys.init_keys(db)
    assert info.path is not None
    info.path.unlink()
    with pytest.raises(UserError, match="Không tìm thấy tệp khóa ký"):
        export_package(db, tmp_path / "x.zip")


def test_trust_refuses_wrong_files_and_kinds(pair: Pair, tmp_path: Path) -> None:
    junk = tmp_path / "junk.key"
    junk.write_text("{not json", encoding="utf-8")
    with pytest.raises(UserError, match="không phải tệp khóa công khai"):
        keys.trust(pair.parent.db, junk, "VNCPT")
    with pytest.raises(UserError, match="khóa của chính"):
        keys.trust(pair.parent.db, pair.tmp / "parent.key", "CDVC-HN")
    with pytest.raises(UserError, match="không phải khóa của một công đoàn cơ sở"):
        keys.trust(pair.parent.db, _parent_key(tmp_path), "CD-KHAC")


def _parent_key(tmp_path: Path) -> Path:
    from unionapp.db import open_database
    from unionapp.org import init_database

    with open_database(tmp_path / "another-parent.db", create=True) as db:
        init_database(db, code="CD-KHAC", name="Công đoàn ngành Khác", parent_mode=True)
        keys.init_keys(db)
        keys.export_public(db, tmp_path / "another-parent.key")
    return tmp_path / "another-parent.key"


def test_a_branch_enrols_another_branch_for_member_transfers(pair: Pair) -> None:
    """Another branch's key, in a branch's database: a peer whose transfer files it accepts;
    the parent union stays as it was."""
    before = keys.peers(pair.branch.db)
    peer = keys.trust(pair.branch.db, pair.tmp / "other.key", "CDCS-KHAC")
    assert peer.role == "peer"
    after = {p.code: p.role for p in keys.peers(pair.branch.db)}
    assert after == {**{p.code: p.role for p in before}, "CDCS-KHAC": "peer"}
    with pair.branch.db.read() as s:
        from sqlalchemy import select

        from unionapp.models import OrgUnit

        home = s.scalar(select(OrgUnit).where(OrgUnit.uuid == pair.branch.db.home_unit_uuid))
        assert home is not None and home.parent is not None
        assert home.parent.code != "CDCS-KHAC"


def test_a_new_key_is_refused_until_enrolled_again(pair: Pair) -> None:
    keys.init_keys(pair.branch.db, replace=True)
    package = pair.export()
    summary = pair.refused_unchanged(package, code="bad_signature", text="khóa khác")
    assert summary.package.signature == "invalid"
    keys.export_public(pair.branch.db, pair.tmp / "new.key")
    keys.trust(pair.parent.db, pair.tmp / "new.key", "VNCPT")
    assert import_package(pair.parent.db, package).outcome == "committed"


def test_trust_gives_a_stand_in_unit_the_real_identity(pair: Pair) -> None:
    """The branch typed its parent's code at set-up; enrolling the parent's key made that
    stand-in the parent union itself (same UUID), so references match on both sides."""
    from unionapp.org import home_unit

    branch_home = home_unit(pair.branch.db)
    assert branch_home.parent_uuid == pair.parent.db.home_unit_uuid
    assert [p.code for p in keys.peers(pair.parent.db)] == ["CDCS-KHAC", "VNCPT"]
