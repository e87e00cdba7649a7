"""Members transferring between two branches with the signed transfer file: both ways, twice,
a file for another branch, a forged one, one typed from the letter; a parent union holding both
branches keeps one record of the member, whatever order the packages come in."""

from __future__ import annotations

import uuid
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from tests.exchange.conftest import Pair, Site
from tests.exchange.test_moves import everything
from tests.pdfcheck import assert_fonts_embedded, pdf_pages, pdf_text
from unionapp import members, transfers
from unionapp.errors import UserError
from unionapp.exchange import import_package, keys
from unionapp.members import MemberInput, MemberQuery, find_members, member_list
from unionapp.models import Member, MemberRelative, MemberStatus, MovementKind

OTHER_NAME = "Công đoàn cơ sở Trường Khác"


def unchanged(site: Site, action) -> object:  # type: ignore[no-untyped-def]
    """Run ``action(db)``: it must raise a plain message and leave the file as it was."""
    before = site.close()
    db = site.reopen()
    with pytest.raises(UserError) as raised:
        action(db)
    after = site.close()
    site.reopen()
    assert before == after, "a refused transfer changed the database"
    return raised.value


def peers(pair: Pair) -> None:
    keys.trust(pair.other.db, pair.tmp / "branch.key", "VNCPT")
    keys.trust(pair.branch.db, pair.tmp / "other.key", "CDCS-KHAC")


def two_members(pair: Pair) -> list[uuid.UUID]:
    with_relatives = []
    with pair.branch.db.read() as s:
        for member in s.scalars(select(Member).where(Member.status == MemberStatus.ACTIVE)
                                .order_by(Member.id)):
            if s.scalar(select(MemberRelative.id).where(MemberRelative.member_id == member.id)):
                with_relatives.append(member.uuid)
    return with_relatives[:2]


def send(pair: Pair, who: list[uuid.UUID], name: str = "transfer") -> transfers.TransferOutResult:
    return transfers.transfer_out(pair.branch.db, who, to_branch_code="CDCS-KHAC",
                                  to_branch_name=OTHER_NAME, out=pair.tmp / f"{name}.zip",
                                  letter=pair.tmp / f"{name}.pdf", reason="Chuyển công tác")


def test_members_transfer_with_their_histories_both_ways_and_twice(pair: Pair) -> None:
    peers(pair)
    branch, other = pair.branch.db, pair.other.db
    who = two_members(pair)
    before = everything(branch)
    result = send(pair, who)
    assert [m.letter_number for m in result.members] == ["1/GGT-CĐCS", "2/GGT-CĐCS"]

    # The sender: transferred out, dated, with the destination; nothing else changed.
    after = everything(branch)
    assert set(before) <= set(after)
    assert {k for k in before if before[k] != after[k]} == {("member", m) for m in who}
    assert {k[0] for k in set(after) - set(before)} == {"movement"}
    for m in who:
        assert members.get_member(branch, m).status == MemberStatus.TRANSFERRED_OUT
        last = members.movements(branch, m)[-1]
        assert (last.kind, last.to_unit, last.occurred_on) == (
            MovementKind.TRANSFER_OUT, OTHER_NAME, date.today())

    # The letters: one page each, the official layout, embedded fonts.
    letter = pair.tmp / "transfer.pdf"
    assert pdf_pages(letter) == 2
    assert_fonts_embedded(letter)
    text = " ".join(pdf_text(letter, page=1).split())
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "Số: 1/GGT-CĐCS", "GIẤY GIỚI THIỆU", "Chuyển sinh hoạt công đoàn",
                     result.members[0].full_name, OTHER_NAME, "TM. BAN CHẤP HÀNH", "CHỦ TỊCH",
                     "Hà Nội, ngày", "Chuyển công tác", "Nơi nhận"):
        assert expected in text, (expected, text)

    # The receiver: a dry run changes nothing; the import keeps UUIDs and both histories.
    checked = transfers.transfer_in(other, pair.tmp / "transfer.zip", dry_run=True)
    assert checked.outcome == "checked" and not member_list(other, MemberQuery()).count() > 3
    summary = transfers.transfer_in(other, pair.tmp / "transfer.zip")
    assert summary.outcome == "committed"
    assert [m.action for m in summary.members] == ["created", "created"]
    for m in who:
        row = members.get_member(other, m)
        assert row.status == MemberStatus.ACTIVE
        history = members.movements(other, m)
        theirs = members.movements(branch, m)
        assert [h.uuid for h in history[:-1]] == [h.uuid for h in theirs]
        assert history[-1].kind == MovementKind.TRANSFER_IN
        assert history[-1].from_unit == "Công đoàn cơ sở Viện Nghiên cứu Phát triển Bền vững"
    with branch.read() as s:
        sent = {r.uuid for r in s.scalars(select(MemberRelative).join(Member).where(
            Member.uuid.in_(who)))}
    with other.read() as s:
        came = {r.uuid for r in s.scalars(select(MemberRelative).join(Member).where(
            Member.uuid.in_(who)))}
    assert sent and sent == came

    # Twice: nothing changes.
    snapshot = everything(other)
    again = transfers.transfer_in(other, pair.tmp / "transfer.zip")
    assert again.outcome == "already_imported"
    assert everything(other) == snapshot

    # And back again: the first branch takes its member back, with every step in history.
    back = transfers.transfer_out(other, who[:1], to_branch_code="VNCPT", out=pair.tmp / "b.zip")
    assert back.members[0].letter_number == "1/GGT-CĐCS"
    returned = transfers.transfer_in(branch, pair.tmp / "b.zip")
    assert [m.action for m in returned.members] == ["returned"]
    assert members.get_member(branch, who[0]).status == MemberStatus.ACTIVE
    kinds = [h.kind for h in members.movements(branch, who[0])]
    assert kinds[-4:] == [MovementKind.TRANSFER_OUT, MovementKind.TRANSFER_IN] * 2


def test_a_transfer_file_for_another_branch_is_refused(pair: Pair) -> None:
    peers(pair)
    who = two_members(pair)[:1]
    transfers.transfer_out(pair.branch.db, who, to_branch_code="CDCS-XA", out=pair.tmp / "x.zip")
    error = unchanged(pair.other, lambda db: transfers.transfer_in(db, pair.tmp / "x.zip"))
    assert "CDCS-XA" in error.message and "CDCS-KHAC" in error.message


def test_a_file_from_a_branch_not_enrolled_or_altered_is_refused(pair: Pair) -> None:
    who = two_members(pair)[:1]
    send(pair, who)
    error = unchanged(pair.other, lambda db: transfers.transfer_in(db, pair.tmp / "transfer.zip"))
    assert "keys trust" in error.message
    peers(pair)
    forged = pair.tmp / "forged.zip"
    with zipfile.ZipFile(pair.tmp / "transfer.zip") as src, zipfile.ZipFile(forged, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "data/member.jsonl":
                data = data.replace(b'"active"', b'"retired"').replace(
                    b'"transferred_out"', b'"retired"')
            out.writestr(info, data)
    unchanged(pair.other, lambda db: transfers.transfer_in(db, forged))
    junk = pair.tmp / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    unchanged(pair.other, lambda db: transfers.transfer_in(db, junk))


def test_only_active_members_transfer_out_and_nothing_changes_otherwise(pair: Pair) -> None:
    left = next(m for m in find_members(pair.branch.db) if m.status != MemberStatus.ACTIVE)
    active = two_members(pair)[0]
    unchanged(pair.branch, lambda db: transfers.transfer_out(
        db, [active, left.uuid], to_branch_code="CDCS-KHAC", out=pair.tmp / "n.zip"))
    assert not (pair.tmp / "n.zip").exists()


def test_a_member_from_a_branch_without_the_program_is_typed_from_the_letter(
        pair: Pair) -> None:
    other = pair.other.db
    member = transfers.transfer_in_by_letter(
        other, MemberInput(full_name="phạm thị thu trang", date_of_birth=date(1990, 4, 2),
                           national_id="001190012345", joined_on=date(2015, 3, 8)),
        from_branch="Công đoàn cơ sở Công ty Cổ phần May Hồng Hà", letter_number="12/GGT",
        letter_date=date(2025, 9, 1), on=date(2025, 9, 10))
    row = members.get_member(other, member.uuid)
    assert (row.full_name, row.status) == ("Phạm Thị Thu Trang", MemberStatus.ACTIVE)
    history = members.movements(other, member.uuid)
    assert [(h.kind, h.from_unit, h.decision_ref, h.occurred_on) for h in history] == [
        (MovementKind.TRANSFER_IN, "Công đoàn cơ sở Công ty Cổ phần May Hồng Hà", "12/GGT",
         date(2025, 9, 10))]


@pytest.mark.parametrize("receiver_first", [False, True])
def test_the_parent_keeps_one_record_of_a_transferred_member(pair: Pair,
                                                             receiver_first: bool) -> None:
    """Both branches send packages to the same parent union: the member ends up as the
    receiving branch's, active, and a later full package of the sender does not take it
    back."""
    peers(pair)
    pair.send_up()
    assert import_package(pair.parent.db, pair.export(pair.other)).outcome == "committed"
    who = two_members(pair)[:1]
    send(pair, who)
    transfers.transfer_in(pair.other.db, pair.tmp / "transfer.zip")
    sender = pair.export(name="from-sender.zip")
    receiver = pair.export(pair.other, name="from-receiver.zip")
    order = [receiver, sender] if receiver_first else [sender, receiver]
    for package in order:
        summary = import_package(pair.parent.db, package)
        assert summary.outcome == "committed", summary.text()
    with pair.parent.db.read() as s:
        record = s.scalar(select(Member).where(Member.uuid == who[0]))
        assert record is not None
        assert record.owner_uuid == pair.other.db.home_unit_uuid
        assert record.status == MemberStatus.ACTIVE
        unit_owner = record.org_unit.uuid
    assert unit_owner == pair.other.db.home_unit_uuid
    # The sender's full package later (closing, say) leaves the member where they are.
    later = import_package(pair.parent.db, pair.export(full=True, name="full.zip"))
    assert later.outcome == "committed", later.text()
    with pair.parent.db.read() as s:
        record = s.scalar(select(Member).where(Member.uuid == who[0]))
        assert record is not None and record.owner_uuid == pair.other.db.home_unit_uuid
