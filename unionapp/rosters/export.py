"""Writing the member roster in the form offices file it (.xlsx), or as CSV.

The .xlsx follows the usual "Danh sách đoàn viên công đoàn" form: the issuing body and the
title above, Vietnamese headers with the birth date split into Nam / Nữ columns, dates as
real dates shown dd/mm/yyyy, widths set, the header frozen, and the signature lines below.
It reads back through our own importer. Rows stream from the database page by page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..audit import write_entries
from ..db import Database
from ..errors import UserError
from ..i18n import _
from ..labels import MEMBER_STATUS, label
from ..members import MemberQuery, MemberRow, member_list
from ..org import home_unit
from ..permissions import Permission, accounts_exist, require
from ..progress import NO_PROGRESS, Progress
from ..spreadsheets import Cell, Sheet, write_table
from ..text import clean, format_date

PAGE = 2000


@dataclass(frozen=True)
class Column:
    header: str
    width: float


def _columns(national_id: bool, phone: bool = True) -> list[Column]:
    columns = [
        Column(_("No."), 6), Column(_("Full name"), 28), Column(_("Date of birth (men)"), 13),
        Column(_("Date of birth (women)"), 13), Column(_("Ethnicity"), 9),
        Column(_("Religion"), 11),
    ]
    if national_id:
        columns.append(Column(_("CCCD number"), 15))
    columns += [
        Column(_("Job title"), 20), Column(_("Union role"), 18), Column(_("Union group"), 30),
        Column(_("Admission date"), 13), Column(_("Card number"), 14),
    ]
    if phone:
        columns.append(Column(_("Phone"), 13))
    columns.append(Column(_("Status"), 15))
    return columns


def _birth(row: MemberRow) -> Cell:
    if row.date_of_birth:
        return row.date_of_birth
    return str(row.birth_year) if row.birth_year else None  # only the year is known


def _values(number: int, row: MemberRow, national_id: bool, phone: bool = True) -> list[Cell]:
    men = row.gender == "male"
    values: list[Cell] = [number, row.full_name, _birth(row) if men else None,
                          None if men else _birth(row), row.ethnicity, row.religion]
    if national_id:
        values.append(row.national_id or "")
    values += [row.job_title, row.union_role, row.org_unit, row.joined_on, row.card_number]
    if phone:
        values.append(row.phone)
    values.append(label(MEMBER_STATUS, row.status))
    return values


def export_members(db: Database, path: Path, query: MemberQuery | None = None, *,
                   national_id: bool = True, phone: bool = True, purpose: str = "",
                   progress: Progress = NO_PROGRESS) -> int:
    """Write the members ``query`` selects to ``path`` (.xlsx or .csv). Returns the count.

    A file with CCCD or phone numbers is personal data (Decree 13/2023/NĐ-CP): it needs a
    role that may export it (chair, clerk) and, once there are accounts, the ``purpose``;
    the export is written to the audit trail with the file's name, its rows and the
    purpose. A file that can't be recorded there is removed."""
    personal = national_id or phone
    purpose = clean(purpose)[:300]
    if personal:
        require(db, Permission.PERSONAL_DATA_EXPORT)
        if not purpose and accounts_exist(db):
            raise UserError(_("Say what this file with CCCD or phone numbers is for (the "
                              "purpose is kept in the audit trail)."))
    members = member_list(db, query or MemberQuery())
    total = members.count()
    unit = home_unit(db)

    def rows() -> Iterator[list[Cell]]:
        for offset in range(0, total, PAGE):
            progress(offset, total, _("Writing the roster…"))
            for number, row in enumerate(members.page(offset, PAGE), start=offset + 1):
                yield _values(number, row, national_id, phone)

    columns = _columns(national_id, phone)
    today = date.today()
    sheet = Sheet(
        headers=[c.header for c in columns],
        rows=rows(),
        widths=[c.width for c in columns],
        name=_("Members"),
        title_lines=[unit.name.upper(), "", _("LIST OF UNION MEMBERS"),
                     _("(as of {date})").format(date=format_date(today))],
        footer_lines=[_("Total: {count} members").format(count=total),
                      (_("PREPARED BY"), _("ON BEHALF OF THE EXECUTIVE COMMITTEE"))],
    )
    count = write_table(Path(path), sheet)
    if personal:
        try:
            record_personal_export(db, Path(path), count, purpose,
                                   [c for c, on in (("national_id", national_id),
                                                    ("phone", phone)) if on])
        except BaseException:
            Path(path).unlink(missing_ok=True)  # no personal data leaves without a record
            raise
    progress(total, total, _("Writing the roster…"))
    return count


def record_personal_export(db: Database, path: Path, rows: int, purpose: str,
                           columns: list[str]) -> None:
    """An audit row for a file that carries personal data: who, when, which file, how many
    rows, which columns, what for."""
    with db.transaction() as s:
        write_entries(s, [{"action": "personal_export", "entity": "member",
                           "summary": _("{file}: {rows} members ({purpose})").format(
                               file=path.name, rows=rows, purpose=purpose or "—"),
                           "after": {"file": str(path), "rows": rows, "purpose": purpose,
                                     "columns": columns}}])

