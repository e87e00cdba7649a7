"""Report definitions as data, the reporting periods, and the cheap counts a home tab asks."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from unionapp.db import Database
from unionapp.members import MemberQuery, member_list
from unionapp.models import MemberStatus
from unionapp.reports import key_counts, presets, resolve_period
from unionapp.reports.catalogue import COUNT, FIGURES, MONEY
from unionapp.reports.definitions import (
    DefinitionError,
    _all,
    definition,
    definitions,
    definitions_dir,
)
from unionapp.reports.periods import last_reporting_date
from unionapp.support import CaseQuery, case_totals


def test_the_shipped_definitions() -> None:
    shipped = definitions()
    assert [d.kind for d in shipped] == ["members", "support", "awards", "activities",
                                         "statistics"]
    for spec in shipped:
        assert spec.sections and spec.by_branch and spec.heading.isupper()
        assert all(FIGURES[c.figure].kind in (COUNT, MONEY) for c in spec.by_branch)
    assert definition("statistics").families == ("members", "support", "awards", "activities")
    # Every figure is shown by some report.
    used = {row.figure for spec in shipped for section in spec.sections for row in section.rows}
    used |= {section.breakdown for spec in shipped for section in spec.sections}
    used |= {c.figure for spec in shipped for c in spec.by_branch}
    missing = {f for f in FIGURES if f not in used and FIGURES[f].family != "branches"}
    assert missing <= {"members.men"}, missing


def _broken(tmp_path: Path, name: str, change: object) -> Path:
    folder = tmp_path / "reports"
    shutil.copytree(definitions_dir(), folder)
    path = folder / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return folder


@pytest.mark.parametrize(("name", "change", "message"), [
    ("members.json", lambda d: d["sections"][0]["rows"][1].update(figure="members.nope"),
     "members.json bị sai ở sections[1].rows[2].figure: không có chỉ tiêu “members.nope”"),
    ("support.json", lambda d: d["sections"][1]["columns"][0].update(field="colour"),
     "support.json bị sai ở sections[2].columns[1].field"),
    ("awards.json", lambda d: d.update(families=["awards", "money"]), "awards.json bị sai ở "
     "families"),
    ("activities.json", lambda d: d["sections"][0]["rows"].append(
        {"label": "x", "figure": "members.total"}), "không thuộc các nhóm số liệu"),
    ("common.json", lambda d: d["periods"][0]["end"].update(day=31, month=2),
     "common.json bị sai ở periods[1].end"),
    ("statistics.json", lambda d: d.update(kind="members"), "trùng loại"),
])
def test_a_broken_definition_is_refused_by_name(tmp_path: Path, name: str, change: object,
                                                message: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        _all(_broken(tmp_path, name, change))
    assert message in caught.value.message


def test_periods() -> None:
    statistics, members = definition("statistics"), definition("members")
    cases = [
        (statistics, date(2026, 6, 2), None, None, (date(2025, 12, 1), date(2026, 5, 31))),
        (statistics, date(2026, 12, 4), None, None, (date(2025, 12, 1), date(2026, 11, 30))),
        (statistics, date(2027, 1, 10), None, None, (date(2026, 1, 1), date(2026, 12, 31))),
        (members, date(2026, 7, 15), None, None, (date(2026, 1, 1), date(2026, 7, 15))),
        (members, date(2026, 7, 15), None, date(2026, 5, 31),
         (date(2025, 12, 1), date(2026, 5, 31))),
        (members, date(2026, 7, 15), date(2026, 3, 1), None,
         (date(2026, 3, 1), date(2026, 7, 15))),
        (members, date(2026, 7, 15), None, date(2026, 6, 30),
         (date(2026, 1, 1), date(2026, 6, 30))),
    ]
    for spec, today, start, end, expected in cases:
        period = resolve_period(spec, start, end, today)
        assert (period.start, period.end) == expected, (spec.kind, today, start, end)
    assert last_reporting_date(date(2026, 5, 31)) == date(2026, 5, 31)
    assert last_reporting_date(date(2026, 5, 30)) == date(2025, 12, 31)
    offered = [p.label for p in presets(date(2026, 6, 2))]
    assert offered[0] == "Năm dương lịch 2026 (01/01/2026 – 31/12/2026)"
    assert "Báo cáo 6 tháng 2026 (01/12/2025 – 31/05/2026)" in offered
    assert "Báo cáo năm 2025 (01/12/2024 – 30/11/2025)" in offered
    assert offered[-1] == "Từ đầu năm đến nay (01/01/2026 – 02/06/2026)"


def test_key_counts_for_a_glance(demo_db: Database) -> None:
    today = date.today()
    counts = key_counts(demo_db, today)
    assert counts.members == member_list(demo_db, MemberQuery(
        status=MemberStatus.ACTIVE)).count() > 250
    assert counts.groups == 7
    totals = case_totals(demo_db, CaseQuery(date_from=date(today.year, 1, 1), date_to=today))
    assert counts.support_amount == totals.given
    assert counts.support_cases == sum(totals.by_status.get(s, (0, 0))[0]
                                       for s in ("paid", "closed"))
