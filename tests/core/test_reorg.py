"""A branch changes parent union on a date: its history, and the header of every document on
each side of a move (and of two moves)."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from tests.awardsdata import make_decision
from tests.pdfcheck import assert_fonts_embedded, pdf_text
from unionapp import awards, reorg
from unionapp.certificates.printing import print_certificates
from unionapp.db import Database
from unionapp.errors import UserError
from unionapp.letterhead import issuer_on
from unionapp.support import CaseQuery
from unionapp.support.papers import paper_setup, payment_slips_pdf, signature_list_pdf

OLD = "CÔNG ĐOÀN VIÊN CHỨC THÀNH PHỐ HÀ NỘI"  # the fixture's parent until mid-2025
CITY = "LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ HÀ NỘI"
MERGED = "LIÊN ĐOÀN LAO ĐỘNG TỈNH NINH BÌNH"


def flat(path: Path, page: int | None = None) -> str:
    return re.sub(r"\s+", " ", pdf_text(path, page=page))


def move_to_city(db: Database, day: date = date(2025, 7, 1)) -> reorg.MoveResult:
    return reorg.move_parent(db, code="LDLD-HN", name="Liên đoàn Lao động thành phố Hà Nội",
                             effective_on=day, note="Kết luận 157-KL/TW")


def test_the_history_of_two_moves(db: Database) -> None:
    result = move_to_city(db)
    assert result.next_package_full and not result.corrected
    assert result.old_parent == "Công đoàn Viên chức thành phố Hà Nội"
    reorg.move_parent(db, code="LDLD-NB", name="Liên đoàn Lao động tỉnh Ninh Bình",
                      effective_on=date(2025, 9, 15))
    history = reorg.parent_history(db)
    assert [(p.starts_on, p.ends_on, p.parent_code, p.superior_line) for p in history] == [
        (None, date(2025, 6, 30), "CDVC-HN", OLD),
        (date(2025, 7, 1), date(2025, 9, 14), "LDLD-HN", CITY),
        (date(2025, 9, 15), None, "LDLD-NB", MERGED)]
    for day, line in ((date(2024, 12, 27), OLD), (date(2025, 6, 30), OLD),
                      (date(2025, 7, 1), CITY), (date(2025, 9, 14), CITY),
                      (date(2025, 9, 15), MERGED), (date.today(), MERGED)):
        assert issuer_on(db, day).superior == line, day
        assert issuer_on(db, day).body == "Công đoàn cơ sở Trường Thử nghiệm"


def test_header_lines_of_a_period_are_the_ones_given(db: Database) -> None:
    reorg.move_parent(db, code="CDN-YT", name="Công đoàn ngành Y tế",
                      effective_on=date(2025, 7, 1),
                      superior_line="CÔNG ĐOÀN Y TẾ VIỆT NAM",
                      issuer_line="Công đoàn Bệnh viện Thử nghiệm")
    issuer = issuer_on(db, date(2025, 8, 1))
    assert (issuer.superior, issuer.body) == ("CÔNG ĐOÀN Y TẾ VIỆT NAM",
                                              "Công đoàn Bệnh viện Thử nghiệm")
    assert issuer_on(db, date(2025, 6, 1)).body == "Công đoàn cơ sở Trường Thử nghiệm"


def test_recording_the_same_parent_again_corrects_the_date(db: Database) -> None:
    move_to_city(db, date(2025, 7, 15))
    result = move_to_city(db, date(2025, 7, 1))
    assert result.corrected
    assert [p.starts_on for p in reorg.parent_history(db)] == [None, date(2025, 7, 1)]
    assert reorg.moves_count(db) == 1


def test_moves_that_make_no_sense_are_refused_and_change_nothing(db: Database) -> None:
    move_to_city(db)
    with pytest.raises(UserError, match="sau lần chuyển"):
        reorg.move_parent(db, code="LDLD-NB", name="LĐLĐ tỉnh Ninh Bình",
                          effective_on=date(2025, 6, 1))
    with pytest.raises(UserError, match="quá một năm"):
        reorg.move_parent(db, code="LDLD-NB", name="LĐLĐ tỉnh Ninh Bình",
                          effective_on=date(date.today().year + 3, 1, 1))
    with pytest.raises(UserError, match="mã và tên"):
        reorg.move_parent(db, code="", name="", effective_on=date(2025, 8, 1))
    with pytest.raises(UserError, match="không phải là công đoàn cấp trên"):
        reorg.move_parent(db, code="CDCS-TEST", name="Chính mình", effective_on=date(2025, 8, 1))
    assert reorg.moves_count(db) == 1
    assert reorg.parent_history(db)[-1].parent_code == "LDLD-HN"


def test_certificates_keep_the_header_of_their_decisions_date(db: Database,
                                                               tmp_path: Path) -> None:
    """A 2024 decision reprinted after the move keeps the 2024 header; a decision dated after
    the move names the new parent, even when its superior was copied from an older one."""
    before = make_decision(db, number="15/QĐ-CĐCS", decided_on=date(2024, 12, 27))
    first = tmp_path / "before.pdf"
    print_certificates(db, before.decision, out=first)
    move_to_city(db)
    reprint = tmp_path / "reprint.pdf"
    print_certificates(db, before.decision, out=reprint)
    for path in (first, reprint):
        assert OLD in flat(path, 1) and CITY not in flat(path, 1)
    defaults = awards.decision_defaults(db, today=date(2025, 10, 20))
    assert defaults.issuing_superior == CITY  # not the last decision's (older) superior
    after = make_decision(db, number="9/QĐ-CĐCS", decided_on=date(2025, 10, 20), groups=0)
    stale = awards.decision_input(db, after.decision)
    stale.issuing_superior = OLD  # as a form filled before the move was recorded
    awards.update_decision(db, after.decision, stale)
    out = tmp_path / "after.pdf"
    print_certificates(db, after.decision, out=out)
    assert CITY in flat(out, 1) and OLD not in flat(out, 1)
    assert_fonts_embedded(out)


def test_another_bodys_decision_keeps_its_own_superior(db: Database, tmp_path: Path) -> None:
    """A Bằng khen of the province recorded here is headed as that body wrote it."""
    move_to_city(db)
    made = make_decision(db, number="125/QĐ-LĐLĐ", decided_on=date(2025, 12, 1), groups=0,
                         kind_code="BK")
    data = awards.decision_input(db, made.decision)
    data.issuing_superior, data.issuing_body = "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM", \
        "BAN THƯỜNG VỤ LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ HÀ NỘI"
    awards.update_decision(db, made.decision, data)
    out = tmp_path / "bk.pdf"
    print_certificates(db, made.decision, out=out)
    assert "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM" in flat(out, 1)


def test_support_papers_name_the_parent_of_their_date(db: Database, tmp_path: Path) -> None:
    from tests.support_helpers import case_input, member
    from unionapp.models import SupportStatus
    from unionapp.support import create_case, transition_case

    move_to_city(db)
    someone = member(db, "Nguyễn Thị Thu Hằng")
    case = create_case(db, case_input(db, someone, kind="OM-DAU", amount=500_000,
                                      on=date(2025, 6, 20)), on=date(2025, 6, 21))
    transition_case(db, case.uuid, SupportStatus.PAID, on=date(2025, 6, 25))
    # The header's two columns interleave in the text: the superiors' first words tell them.
    old, city = "CÔNG ĐOÀN VIÊN CHỨC", "LIÊN ĐOÀN LAO ĐỘNG"
    for day, line, absent in ((date(2025, 6, 28), old, city), (date(2025, 7, 2), city, old)):
        setup = replace(paper_setup(db, date(2025, 8, 1)), place="Hà Nội", day=day)
        out = tmp_path / f"list-{day}.pdf"
        signature_list_pdf(db, out, CaseQuery(), setup=setup)
        text = flat(out)
        assert line in text and absent not in text, (day, text[:200])
    slip = tmp_path / "slip.pdf"  # dated the day it was paid, before the move
    payment_slips_pdf(db, slip, [case.uuid])
    assert old in flat(slip) and city not in flat(slip)


def test_migration_0710_keeps_recorded_moves_and_movements(tmp_path: Path) -> None:
    """A database of revision 0600 with a move recorded by local keys and a movement: after
    the upgrade the move names its units by identity, and nothing else changed."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from unionapp.db import _alembic_config, open_database

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    config = _alembic_config()
    stamp = "2024-01-01 00:00:00"
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0600")
        for i, code, name, kind in ((1, "CDVC-HN", "Công đoàn Viên chức thành phố Hà Nội",
                                     "parent_union"),
                                    (2, "LDLD-HN", "Liên đoàn Lao động thành phố Hà Nội",
                                     "parent_union"),
                                    (3, "B1", "Công đoàn cơ sở Cũ", "branch")):
            conn.execute(text(
                "insert into org_unit (id, uuid, owner_uuid, code, name, kind, place, address, "
                "budget_funded, sort_order, created_at, updated_at, version) values (:i, :u, "
                ":u, :c, :n, :k, '', '', 0, 0, :t, :t, 1)"),
                {"i": i, "u": f"{i:032x}", "c": code, "n": name, "k": kind, "t": stamp})
        conn.execute(text(
            "insert into org_unit_move (id, uuid, owner_uuid, org_unit_id, old_parent_id, "
            "new_parent_id, effective_on, note, created_at, updated_at, version) values (1, :m, "
            ":o, 3, 1, 2, '2025-07-01', 'chuyển giao', :t, :t, 1)"),
            {"m": "a" * 32, "o": f"{3:032x}", "t": stamp})
        conn.execute(text("insert into database_info values ('home_unit_uuid', :u)"),
                     {"u": str(uuid.UUID(int=3))})
    engine.dispose()
    with open_database(path) as db:
        history = reorg.parent_history(db)
        assert [(p.parent_code, p.starts_on, p.superior_line) for p in history] == [
            ("CDVC-HN", None, OLD), ("LDLD-HN", date(2025, 7, 1), CITY)]
        assert issuer_on(db, date(2025, 8, 1)).body == "Công đoàn cơ sở Cũ"
