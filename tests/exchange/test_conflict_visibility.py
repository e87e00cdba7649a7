"""After every conflict decision the member is where lists, searches and counts look: the
member search index follows the record whichever version is kept (a record brought back by
"take theirs" was written with Core statements, which the ORM's index hook never sees)."""

from __future__ import annotations

import uuid

import pytest

from tests.exchange.conftest import Pair
from tests.exchange.test_merge import _edit, _first_member
from unionapp import members
from unionapp.db import Database
from unionapp.exchange.parent import open_conflicts, resolve_conflict
from unionapp.members import IndexedMemberList, MemberQuery


def _found(db: Database, name: str) -> set[uuid.UUID]:
    return {r.uuid for r in members.find_members(db, name)}


def _counted(db: Database) -> int:
    return IndexedMemberList(db, MemberQuery()).count()


@pytest.mark.parametrize("keep", ["ours", "theirs"])
def test_both_sides_renamed_the_member(pair: Pair, keep: str) -> None:
    pair.send_up()
    parent = pair.parent.db
    target = _first_member(pair)
    _edit(parent, target, full_name="Khúc Thừa Hạo")
    _edit(pair.branch.db, target, full_name="Khúc Thừa Dụ")
    [conflict] = pair.send_up().conflicts
    assert conflict.kept == "theirs"
    assert _found(parent, "khuc thua du") == {target} and _found(parent, "khuc thua hao") == set()
    resolve_conflict(parent, open_conflicts(parent)[0].id, keep)
    ours, theirs = "khuc thua hao", "khuc thua du"
    wanted, other = (ours, theirs) if keep == "ours" else (theirs, ours)
    assert _found(parent, wanted) == {target} and _found(parent, other) == set()
    assert _counted(parent) == 40


@pytest.mark.parametrize("keep", ["ours", "theirs"])
def test_a_member_deleted_here_and_changed_by_its_branch(pair: Pair, keep: str) -> None:
    pair.send_up()
    parent = pair.parent.db
    target = _first_member(pair)
    members.delete_member(parent, target)
    _edit(pair.branch.db, target, full_name="Đinh Công Thưởng")
    [conflict] = pair.send_up().conflicts
    assert conflict.kept == "ours"
    assert _found(parent, "dinh cong thuong") == set() and _counted(parent) == 39
    resolve_conflict(parent, open_conflicts(parent)[0].id, keep)
    if keep == "theirs":  # brought back: listed, found and counted again
        assert _found(parent, "dinh cong thuong") == {target}
        assert _counted(parent) == 40
    else:
        assert _found(parent, "dinh cong thuong") == set()
        assert _counted(parent) == 39
