"""Packages when a branch changes parent union: the full package to the new parent with the
branch's history, the old parent refusing what comes after, a move made by the parent itself,
and nothing lost on the way (every record compared)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from tests.exchange.conftest import Pair, Site
from tests.exchange.records import assert_same_records, records
from tests.exchange.test_roundtrip import _branch_records, _parent_reference_data
from unionapp import reorg
from unionapp.db import open_database
from unionapp.exchange import export_package, import_package, keys
from unionapp.exchange.format import ENTITIES
from unionapp.models import AwardDecision, AwardKind, OrgKind, OrgUnit, Synced
from unionapp.org import init_database

MOVED_ON = date(2025, 7, 1)
NEW_CODE, NEW_NAME = "LDLD-NB", "Liên đoàn Lao động tỉnh Ninh Bình"


@dataclass
class NewParent:
    site: Site
    key: Path


def new_parent(pair: Pair) -> NewParent:
    """Another parent union (after the provinces merged), which enrols the branch's key."""
    path = pair.tmp / "new-parent.db"
    db = open_database(path, create=True, user="tester")
    init_database(db, code=NEW_CODE, name=NEW_NAME, parent_mode=True, place="Ninh Bình")
    keys.init_keys(db)
    keys.export_public(db, pair.tmp / "new-parent.key")
    keys.trust(db, pair.tmp / "branch.key", "VNCPT")
    return NewParent(Site(path, db), pair.tmp / "new-parent.key")


def everything(db: object) -> dict[tuple[str, uuid.UUID], dict]:
    """Every record of every synced table, by entity and UUID."""
    out = {}
    for spec in ENTITIES:
        for record, values in records(db, spec.model).items():  # type: ignore[arg-type]
            out[(spec.name, record)] = values
    return out


def test_a_branch_moves_to_a_new_parent_with_its_history(pair: Pair) -> None:
    branch = pair.branch.db
    pair.send_up()  # the old parent has the branch's data
    target = new_parent(pair)
    before = everything(branch)

    result = reorg.move_parent(branch, code=NEW_CODE, name=NEW_NAME, effective_on=MOVED_ON,
                               key_file=target.key)
    assert result.next_package_full and result.key_enrolled

    # Nothing lost in the branch: every record is still there; only the home unit (its new
    # parent) changed, and the move and the new parent's unit were added.
    after = everything(branch)
    assert set(before) <= set(after)
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {("org_unit", branch.home_unit_uuid)}
    added = {k[0] for k in set(after) - set(before)}
    assert added == {"org_unit_move", "org_unit"}

    package = pair.export(name="after-the-move.zip")
    summary = import_package(target.site.db, package)
    assert summary.outcome == "committed", summary.text()
    assert summary.package.full and summary.package.base_sequence == 0
    assert summary.entities["org_unit_move"].created == 1
    # The new parent has every record the branch owns, exactly, and its history.
    mine = _branch_records(branch)
    for spec in ENTITIES:
        assert_same_records(branch, target.site.db, spec.model, mine[spec.name])
    history = reorg.parent_history(target.site.db, branch.home_unit_uuid)
    assert [(p.parent_code, p.starts_on) for p in history] == [
        ("LDLD-HN", None), (NEW_CODE, MOVED_ON)]

    # The old parent refuses it, with a plain message, and stays as it was.
    refused = pair.refused_unchanged(package, code="branch_left", text="đã chuyển khỏi")
    assert "Liên đoàn Lao động tỉnh Ninh Bình" in refused.text()
    # … and the branch refuses the old parent's data from now on.
    old_reference = pair.export(pair.parent)
    pair.refused_unchanged(old_reference, code="left_parent", site=pair.branch)

    # Once the new parent confirms, packages are deltas again.
    down = import_package(branch, export_package(target.site.db, pair.tmp / "nb.zip").path)
    assert down.outcome == "committed", down.text()
    again = pair.export(name="delta.zip")
    assert import_package(target.site.db, again).package.base_sequence > 0
    target.site.db.close()


def test_a_package_made_before_the_move_still_goes_to_the_old_parent(pair: Pair) -> None:
    """A move recorded ahead of its date: until then, the old parent takes the packages."""
    pair.send_up()
    soon = date.today() + timedelta(days=30)
    reorg.move_parent(pair.branch.db, code=NEW_CODE, name=NEW_NAME, effective_on=soon)
    summary = import_package(pair.parent.db, pair.export())
    assert summary.outcome == "committed", summary.text()


def test_the_new_parent_takes_decisions_made_with_the_old_parents_catalogue(pair: Pair) -> None:
    """Kinds of award the old parent sent down become the branch's own on moving, so the new
    parent, which never knew them, takes the decisions that use them."""
    _parent_reference_data(pair.parent.db)
    pair.send_down()
    branch = pair.branch.db
    with branch.read() as s:
        kind = s.scalar(select(AwardKind).where(AwardKind.code == "BK-TP"))
        assert kind is not None and kind.owner_uuid == pair.parent.db.home_unit_uuid
        kind_id = kind.id
    with branch.transaction() as s:
        s.add(AwardDecision(number="21/QĐ-CĐCS", decided_on=date(2025, 6, 20),
                            issuing_body="BAN CHẤP HÀNH CĐCS", award_kind_id=kind_id,
                            year=2025))
    target = new_parent(pair)
    reorg.move_parent(branch, code=NEW_CODE, name=NEW_NAME, effective_on=MOVED_ON,
                      key_file=target.key)
    summary = import_package(target.site.db, pair.export())
    assert summary.outcome == "committed", summary.text()
    with target.site.db.read() as s:
        assert s.scalar(select(AwardDecision.id).where(AwardDecision.number == "21/QĐ-CĐCS"))
    target.site.db.close()


def test_a_parent_moves_one_of_its_branches(pair: Pair) -> None:
    parent, branch, other = pair.parent.db, pair.branch.db, pair.other.db
    pair.send_up()
    before = everything(parent)
    result = reorg.move_branch(parent, "VNCPT", code=NEW_CODE, name=NEW_NAME,
                               effective_on=MOVED_ON)
    assert result.history[-1].parent_code == NEW_CODE
    after = everything(parent)
    assert {k: v for k, v in after.items() if k in before} == before  # nothing else changed

    down = pair.send_down()
    assert "moved_by_parent" in [n.code for n in down.notes], down.text()
    history = reorg.parent_history(branch)
    assert [(p.parent_code, p.starts_on) for p in history] == [
        ("LDLD-HN", None), (NEW_CODE, MOVED_ON)]
    with branch.read() as s:
        home = s.scalar(select(OrgUnit).where(OrgUnit.uuid == branch.home_unit_uuid))
        assert home is not None and home.parent is not None and home.parent.code == NEW_CODE
    # The branch left: the old parent's later data is refused (plainly), the history stays.
    pair.refused_unchanged(pair.export(pair.parent), code="left_parent", site=pair.branch)
    assert reorg.parent_history(pair.branch.db) == history
    branch = pair.branch.db

    # Another branch takes the same reference data; its own history is untouched.
    other_down = import_package(other, pair.export(pair.parent, name="to-other.zip"))
    assert other_down.outcome == "committed", other_down.text()
    assert len(reorg.parent_history(other)) == 1

    # The branch's next package is full, and its old parent refuses it.
    package = pair.export()
    pair.refused_unchanged(package, code="branch_left")
    target = new_parent(pair)
    keys.trust(branch, target.key, NEW_CODE)
    summary = import_package(target.site.db, package)
    assert summary.outcome == "committed" and summary.package.full, summary.text()
    assert [(p.parent_code, p.starts_on) for p in
            reorg.parent_history(target.site.db, branch.home_unit_uuid)] == [
        ("LDLD-HN", None), (NEW_CODE, MOVED_ON)]
    target.site.db.close()


def test_a_move_inside_the_parents_own_tree_keeps_the_exchange_as_it_was(pair: Pair) -> None:
    """A parent union places a branch under one of its own units: the packages still come to
    the same database, so they are neither refused nor made full again."""
    parent, branch = pair.parent.db, pair.branch.db
    pair.send_up()
    with parent.transaction() as s:
        home = s.scalar(select(OrgUnit).where(OrgUnit.uuid == parent.home_unit_uuid))
        s.add(OrgUnit(code="CDN-GD", name="Công đoàn ngành Giáo dục thành phố",
                      kind=OrgKind.PARENT_UNION, parent=home, place="Hà Nội"))
    reorg.move_branch(parent, "VNCPT", code="CDN-GD", name="Công đoàn ngành Giáo dục thành phố",
                      effective_on=MOVED_ON)
    pair.send_down()
    assert reorg.parent_history(branch)[-1].parent_code == "CDN-GD"
    summary = import_package(parent, pair.export())
    assert summary.outcome == "committed", summary.text()
    assert not summary.package.full
    with parent.read() as s:
        unit = s.scalar(select(OrgUnit).where(OrgUnit.code == "VNCPT"))
        assert unit is not None and unit.parent is not None and unit.parent.code == "CDN-GD"


def _models() -> list[type[Synced]]:
    return [spec.model for spec in ENTITIES]
