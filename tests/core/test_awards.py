"""Award decisions, their recipients, the award kinds catalogue and a member's awards."""

from __future__ import annotations

from datetime import date

import pytest

from tests.awardsdata import NAMES, make_decision
from unionapp import awards
from unionapp.awards import AwardKindInput, DecisionQuery
from unionapp.db import Database
from unionapp.errors import NotFound, UserError, ValidationError
from unionapp.members import MemberInput, create_member
from unionapp.models import RecipientType


def test_decision_with_people_and_collectives(db: Database) -> None:
    made = make_decision(db, groups=1)
    row = awards.get_decision(db, made.decision)
    assert (row.number, row.persons, row.collectives, row.recipients) == (
        "15/QĐ-CĐCS", len(NAMES), 1, len(NAMES) + 1)
    assert row.issuing_body == "BAN CHẤP HÀNH CÔNG ĐOÀN CƠ SỞ TRƯỜNG THỬ NGHIỆM"
    recipients = awards.award_list(db, made.decision).all()
    assert recipients[0].recipient_type == RecipientType.COLLECTIVE  # collectives come first
    assert recipients[0].unit == "Công đoàn cơ sở Trường Thử nghiệm"
    people = [r.name for r in recipients[1:]]
    assert sorted(people) == sorted(n for n, _g in NAMES)
    assert people.index("Lưu Thị Ngọc Ữ") > people.index("Đặng Quốc Mỗ")  # by given name
    again = awards.add_member_recipients(db, made.decision, made.members[:2])
    assert (again.added, again.already) == (0, 2)
    found = awards.award_list(db, made.decision, "phuoc").all()
    assert [r.name for r in found] == ["Đỗ Hữu Phước"]


def test_recipient_edits_and_removal(db: Database) -> None:
    made = make_decision(db, groups=0)
    first = awards.award_list(db, made.decision).all()[0]
    awards.update_award(db, first.uuid, reason="Giải Nhất hội thi", amount=500_000, note="")
    changed = awards.award_list(db, made.decision).all()[0]
    assert (changed.reason, changed.amount) == ("Giải Nhất hội thi", 500_000)
    assert awards.remove_awards(db, [first.uuid]) == 1
    assert awards.get_decision(db, made.decision).persons == len(NAMES) - 1
    with pytest.raises(UserError):
        awards.update_award(db, first.uuid, reason="", amount=-1)


def test_person_only_kind_refuses_collectives(db: Database) -> None:
    made = make_decision(db, groups=0, kind_code="DVXS")
    with pytest.raises(UserError, match="chỉ dành cho cá nhân"):
        awards.add_unit_recipients(db, made.decision, made.groups)


def test_decision_validation_and_duplicate_number(db: Database) -> None:
    make_decision(db, groups=0, names=[])
    data = awards.decision_defaults(db, today=date(2024, 12, 28))
    assert data.number == "16/QĐ-CĐCS"  # continues the latest decision's numbering
    assert data.signer_name == "Lê Hồng Hạnh"
    data.number = "15/qđ-cđcs"
    with pytest.raises(ValidationError) as caught:
        awards.create_decision(db, data)
    assert [p.field for p in caught.value.problems] == ["number"]
    with pytest.raises(ValidationError) as caught:
        awards.create_decision(db, awards.DecisionInput())
    assert {p.field for p in caught.value.problems} == {
        "number", "decided_on", "issuing_body", "signer_name", "award_kind"}
    next_year = awards.decision_defaults(db, today=date(2025, 3, 1))
    assert next_year.number == "1/QĐ-CĐCS"


def test_find_decision_by_number_or_uuid(db: Database) -> None:
    made = make_decision(db, groups=0, names=[])
    assert awards.find_decision(db, "15/QD-CDCS").uuid == made.decision
    assert awards.find_decision(db, str(made.decision)).number == "15/QĐ-CĐCS"
    with pytest.raises(NotFound):
        awards.find_decision(db, "99/QĐ-CĐCS")
    make_decision(db, number="15/QĐ-CĐCS", decided_on=date(2025, 12, 20), groups=0, names=[])
    with pytest.raises(UserError, match="uuid"):
        awards.find_decision(db, "15/QĐ-CĐCS")
    assert awards.decision_list(db, DecisionQuery(year=2025)).count() == 1
    assert awards.decision_list(db, DecisionQuery(text="15/")).count() == 2


def test_member_awards_for_the_member_page(db: Database) -> None:
    made = make_decision(db, groups=0)
    rows = awards.member_awards(db, made.members[0])
    assert [(r.decision_number, r.award_kind, r.amount, r.serial) for r in rows] == [
        ("15/QĐ-CĐCS", "Giấy khen của Ban Chấp hành Công đoàn cơ sở", 300_000, "")]
    assert rows[0].reason.startswith("Đã có thành tích")
    nobody = create_member(db, MemberInput(full_name="Phạm Văn Khác")).uuid
    assert awards.member_awards(db, nobody) == []


def test_award_kinds_catalogue_can_grow(db: Database) -> None:
    before = len(awards.award_kinds(db))
    kind = awards.create_award_kind(db, AwardKindInput(
        code="ld-tt", name="Lao động tiên tiến", certificate_title="GIẤY KHEN",
        recipient_type=RecipientType.PERSON, template="giay_khen"))
    assert kind.code == "LD-TT" and kind.sort_order > 0
    assert len(awards.award_kinds(db)) == before + 1
    with pytest.raises(ValidationError) as caught:
        awards.create_award_kind(db, AwardKindInput(code="LD-TT", name="", template="nowhere",
                                                    certificate_title="GIẤY KHEN"))
    assert {p.field for p in caught.value.problems} == {"code", "name", "template"}
    with pytest.raises(ValidationError):
        awards.create_award_kind(db, AwardKindInput(code="LĐ TT", name="Có dấu"))
    awards.update_award_kind(db, kind.uuid, AwardKindInput(
        code="LD-TT", name="Lao động tiên tiến", active=False, template="giay_khen",
        certificate_title="GIẤY KHEN"))
    assert len(awards.award_kinds(db)) == before
    assert len(awards.award_kinds(db, include_inactive=True)) == before + 1


def test_a_printed_decision_cant_be_deleted(db: Database) -> None:
    from unionapp.certificates import print_certificates

    made = make_decision(db, groups=0, names=NAMES[:1])
    print_certificates(db, made.decision, out=db.path.parent / "c.pdf")  # type: ignore[union-attr]
    with pytest.raises(UserError, match="sổ khen thưởng"):
        awards.delete_decision(db, made.decision)
    empty = make_decision(db, number="16/QĐ-CĐCS", groups=0, names=[])
    awards.delete_decision(db, empty.decision)
    with pytest.raises(NotFound):
        awards.get_decision(db, empty.decision)
