"""A branch, signing with its own key, may not attach records to another branch's members,
decisions or cases (nor to a parent union's records that are not reference data): every
reference leaving the package points into the signer's subtree, or to the catalogues and
emulation movements of the unions above it. Refused, the database byte for byte as it was."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from tests.exchange.conftest import Pair
from tests.exchange.packages import entries, lines, resign, rows
from unionapp import members
from unionapp.exchange import import_package
from unionapp.exchange.keys import signing_key
from unionapp.members import MemberInput
from unionapp.models import AwardDecision, AwardKind, Member, SupportCase, SupportKind


def _other_member(pair: Pair) -> str:
    """A member of the other branch, now in the parent's database."""
    package = pair.export(pair.other)
    assert import_package(pair.parent.db, package).outcome == "committed"
    return rows(entries(package.read_bytes())["data/member.jsonl"])[0]["uuid"]


def _with_record(pair: Pair, entity: str, pick: Any, **changes: Any) -> bytes:
    """The branch's real package with one more record of ``entity`` (a copy of one of its
    own, under a new UUID) changed as given, signed by the branch."""
    valid = pair.export().read_bytes()

    def add(parts: dict[str, bytes]) -> None:
        path = f"data/{entity}.jsonl"
        found = rows(parts[path])
        extra = dict(next(r for r in found if pick(r)), uuid=str(uuid.uuid4()), **changes)
        parts[path] = lines([*found, extra])

    return resign(valid, signing_key(pair.branch.db), files=add)


ANY = lambda row: True  # noqa: E731


@pytest.mark.parametrize("entity, pick", [
    ("movement", ANY),
    ("award", lambda row: row["member_uuid"] is not None),
    ("support_case", lambda row: row["relative_uuid"] is None),
    ("member_relative", ANY),
    ("participation", ANY),
    ("initiative_author", ANY),
])
def test_records_aimed_at_another_branchs_member_are_refused(pair: Pair, entity: str,
                                                             pick: Any) -> None:
    target = _other_member(pair)
    forged = _with_record(pair, entity, pick, member_uuid=target)
    summary = pair.refused_unchanged(forged, code="foreign_reference", text=target)
    assert summary.entities[entity].rejected == 1


def _parent_records(pair: Pair) -> tuple[str, str]:
    """A decision and a support case of the parent union's own (not reference data)."""
    parent = pair.parent.db
    who = members.create_member(parent, MemberInput(full_name="Người Cấp Trên",
                                                    joined_on=date(2020, 1, 1)))
    with parent.transaction() as s:
        kind = s.scalar(select(AwardKind).order_by(AwardKind.id))
        support = s.scalar(select(SupportKind).order_by(SupportKind.id))
        assert kind is not None and support is not None
        decision = AwardDecision(number="99/QĐ-LĐLĐ", decided_on=date(2025, 3, 1),
                                 issuing_body="LIÊN ĐOÀN LAO ĐỘNG", award_kind_id=kind.id)
        member_id = s.scalar(select(Member.id).where(Member.uuid == who.uuid))
        case = SupportCase(kind_id=support.id, member_id=member_id,
                           occurred_on=date(2025, 3, 1), amount=500_000, reason="Ốm đau")
        s.add_all([decision, case])
        s.flush()
        return str(decision.uuid), str(case.uuid)


def test_an_award_under_a_parent_unions_own_decision_is_refused(pair: Pair) -> None:
    decision, _case = _parent_records(pair)
    forged = _with_record(pair, "award", lambda row: row["member_uuid"] is not None,
                          decision_uuid=decision)
    pair.refused_unchanged(forged, code="foreign_reference", text=decision)


def test_a_step_of_a_support_case_not_the_branchs_is_refused(pair: Pair) -> None:
    _decision, case = _parent_records(pair)
    forged = _with_record(pair, "support_case_event", ANY, case_uuid=case)
    pair.refused_unchanged(forged, code="foreign_reference", text=case)


def test_the_parent_unions_catalogues_stay_usable(pair: Pair) -> None:
    """Reference data of the union above is the branch's to use (the round-trip test covers
    movements; here a kind the parent owns, known only to the parent's database)."""
    with pair.parent.db.read() as s:
        kind = s.scalar(select(AwardKind.uuid).order_by(AwardKind.id))
    forged = _with_record(pair, "award_decision", ANY, award_kind_uuid=str(kind),
                          number="77/QĐ-CĐCS")
    summary = import_package(pair.parent.db, forged)
    assert summary.outcome == "committed", summary.text()


# --- a unit's live members never share a CCCD number (a rule the database holds too) -------


def _cccd(parts: dict[str, bytes], numbers: dict[int, str | None]) -> None:
    found = rows(parts["data/member.jsonl"])
    for line, number in numbers.items():
        found[line]["national_id"] = number
    parts["data/member.jsonl"] = lines(found)


def test_two_live_members_of_a_branch_with_one_cccd_are_refused(pair: Pair) -> None:
    valid = pair.export().read_bytes()
    forged = resign(valid, signing_key(pair.branch.db),
                    files=lambda parts: _cccd(parts, {1: "001090123456", 2: "001090123456"}))
    summary = pair.refused_unchanged(forged, code="duplicate_key", text="001090123456")
    assert summary.entities["member"].rejected == 1


def test_a_cccd_taken_by_a_live_member_here_is_refused_unless_it_moves(pair: Pair) -> None:
    key = signing_key(pair.branch.db)
    valid = pair.export().read_bytes()
    first = resign(valid, key, files=lambda parts: _cccd(parts, {1: "001090123456"}))
    assert import_package(pair.parent.db, first).outcome == "committed"

    def clash(parts: dict[str, bytes]) -> None:
        found = rows(parts["data/member.jsonl"])
        extra = dict(found[5], uuid=str(uuid.uuid4()), national_id="001090123456")
        parts["data/member.jsonl"] = lines([*found, extra])

    def manifest(m: dict[str, Any]) -> None:
        m.update(sequence=2, base_sequence=1, package_uuid=str(uuid.uuid4()))

    second = resign(first, key, files=clash, manifest=manifest)
    pair.refused_unchanged(second, code="duplicate_key", text="001090123456")

    def moves(parts: dict[str, bytes]) -> None:  # the holder takes another number meanwhile
        clash(parts)
        found = rows(parts["data/member.jsonl"])
        found[1]["national_id"] = "001090654321"
        found[1]["version"] += 1
        parts["data/member.jsonl"] = lines(found)

    third = resign(first, key, files=moves, manifest=manifest)
    assert import_package(pair.parent.db, third).outcome == "committed"


def test_members_of_two_branches_may_share_a_cccd(pair: Pair) -> None:
    """The rule holds within a unit; across branches the parent takes what each sends."""
    other = pair.export(pair.other).read_bytes()
    number = rows(entries(other)["data/member.jsonl"])[0]["national_id"] or "001090777777"
    if rows(entries(other)["data/member.jsonl"])[0]["national_id"] is None:
        other = resign(other, signing_key(pair.other.db),
                       files=lambda parts: _cccd(parts, {0: number}))
    assert import_package(pair.parent.db, other).outcome == "committed"
    mine = resign(pair.export().read_bytes(), signing_key(pair.branch.db),
                  files=lambda parts: _cccd(parts, {0: number}))
    assert import_package(pair.parent.db, mine).outcome == "committed"
