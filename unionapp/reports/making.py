"""Making a report: which units it covers, its figures, its document, its file.

- In a branch's database (or for one branch of a parent union: ``branch``), the report covers
  that unit and everything under it, section by section.
- In a parent union's database, it covers every branch under the parent (or under the unit
  ``branch`` names): one row per branch and the totals, then the sections' totals, then the
  branches whose latest package was made before the period's end ("chưa gửi số liệu").

The file is written beside its destination and moved into place once complete, so a failed
report never leaves half a file, nor spoils an older one of the same name.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import permissions
from ..db import Database
from ..errors import UserError
from ..exchange.state import IMPORT
from ..filenames import safe_file_name
from ..i18n import _
from ..letterhead import PaperSetup, Signer, issuer_in
from ..models import ExchangeLog, Member, MemberStatus, OrgKind, OrgUnit
from ..permissions import Permission
from ..progress import NO_PROGRESS, Progress
from ..text import fold, format_date, place_date
from .catalogue import FAMILIES, FIGURES, LIST, json_key
from .definitions import Definition, Period, common, definition, definitions
from .document import (
    ROMAN,
    BranchRow,
    Document,
    branch_tables,
    branches_table,
    fill,
    not_sent_table,
    period_lines,
)
from .figures import Tree, Unit, collect, load_tree, officer_of, rollup
from .form import Unknown, fill_form, read_form
from .periods import resolve_period

SUFFIXES = (".xlsx", ".pdf")
CHAIR = "chu tich"  # the union role whose holder signs, folded


@dataclass(frozen=True)
class ReportRequest:
    kind: str
    out: Path
    start: date | None = None
    end: date | None = None
    form: Path | None = None  # the parent's own .xlsx with placeholders
    branch: str = ""  # the code of the unit to report on (default: this database's own)
    dated: date | None = None  # the document's date (default: today)


@dataclass(frozen=True)
class ReportResult:
    kind: str
    title: str
    period: Period
    path: Path
    unit: str  # the unit reported on
    figures: dict[str, Any]  # figure id → value (totals, for a parent union)
    json_figures: dict[str, Any]
    branches: tuple[BranchRow, ...] = ()  # a parent union's report: each branch
    unknown: tuple[Unknown, ...] = ()  # placeholders of the form nobody knows
    parent: bool = False

    @property
    def not_sent(self) -> list[BranchRow]:
        return [b for b in self.branches if not b.sent]

    def as_json(self) -> dict[str, Any]:
        """The command line's JSON: ``kind``, ``from``, ``to``, ``file``, ``figures`` are a
        contract (issue 15); the rest is added."""
        out: dict[str, Any] = {
            "kind": self.kind, "from": self.period.start.isoformat(),
            "to": self.period.end.isoformat(), "file": str(self.path),
            "figures": self.json_figures, "title": self.title, "unit": self.unit,
        }
        if self.parent:
            out["branches"] = [{"code": b.code, "name": b.name, "sent": b.sent,
                                "last_package": b.last_package.isoformat()
                                if b.last_package else None,
                                "figures": _json_values(b.figures)} for b in self.branches]
            out["not_sent"] = [{"code": b.code, "name": b.name,
                                "last_package": b.last_package.isoformat()
                                if b.last_package else None} for b in self.not_sent]
        out["unknown_placeholders"] = [u.as_json() for u in self.unknown]
        return out


def report_kinds() -> list[tuple[str, str]]:
    """(kind, title) of every report, in menu order."""
    return [(d.kind, d.title) for d in definitions()]


def suggested_name(kind: str, period: Period, suffix: str = ".xlsx") -> str:
    """A file name for a report (``bao-cao-thong-ke-2025-05-31.xlsx``), valid everywhere."""
    return safe_file_name(f"{definition(kind).file_stem}-{period.end.isoformat()}", suffix)


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    return value


def _json_values(figures: dict[str, Any]) -> dict[str, Any]:
    return {k: _json_value(v) for k, v in figures.items() if FIGURES[k].kind != LIST}


# --- who is reported on, who reports --------------------------------------------------------------


def _home(db: Database, tree: Tree) -> Unit:
    home = tree.by_uuid(db.home_unit_uuid)
    if home is None:
        raise UserError(_("This database has not been set up yet: run unionapp init."))
    return home


def _root(tree: Tree, home: Unit, code: str) -> Unit:
    if not code.strip():
        return home
    unit = tree.by_code(code)
    if unit is None or unit.id not in tree.subtree(home.id):
        raise UserError(_("There is no unit with the code {code} here.").format(code=code))
    return unit


def paper_setup(db: Database, tree: Tree, home: Unit, day: date, parent_mode: bool,
                chair: str | None = None) -> PaperSetup:
    """Who issues the report: this database's own union under its parent, on ``day``, and
    who signs (``chair``: already known, else looked up). The one place the report's
    letterhead is decided (the issuing body depends on the document's date when units move
    to new parents)."""
    with db.read() as s:
        issuer = issuer_in(s, home.uuid, day)  # the parent in charge on the report's date
        place = s.scalar(select(OrgUnit.place).where(OrgUnit.id == home.id)) or ""
        if chair is None:
            chair = _chair(s, tree, home, parent_mode)
    signers = tuple(Signer(spec.title, spec.on_behalf, chair if spec.name == "chair" else "")
                    for spec in common().signers["parent" if parent_mode else "branch"])
    return PaperSetup(issuing_superior=issuer.superior, issuing_body=issuer.body or home.name,
                      place=place, day=day, signers=signers)


def _chair(s: Session, tree: Tree, home: Unit, parent_mode: bool) -> str:
    """The active member whose union role is "Chủ tịch" in the union making the report (a
    parent union: among its own members, not its branches')."""
    units = {home.id} if parent_mode else tree.subtree(home.id)
    # No filter by unit in SQL: officers are few, and a scan beats looking members up by unit.
    rows = s.execute(select(Member.full_name, Member.union_role, Member.org_unit_id).where(
        Member.deleted_at.is_(None), Member.status == MemberStatus.ACTIVE,
        Member.union_role != "").order_by(Member.id)).all()
    return next((name for name, role, unit in rows if unit in units and fold(role) == CHAIR),
                "")


def last_packages(s: Session, branches: list[Unit]) -> dict[uuid.UUID, datetime]:
    """When the latest package taken in from each branch was made (its own date, not the
    day it was imported), from the exchange's bookkeeping."""
    if not branches:
        return {}
    rows = s.execute(select(ExchangeLog.source_uuid, func.max(ExchangeLog.created_at))
                     .where(ExchangeLog.direction == IMPORT,
                            ExchangeLog.source_uuid.in_([b.uuid for b in branches]))
                     .group_by(ExchangeLog.source_uuid)).all()
    return {u: (at if at.tzinfo else at.replace(tzinfo=UTC)) for u, at in rows if at}


def _sent(made: datetime | None, end: date) -> bool:
    return made is not None and made.astimezone().date() >= end


# --- making -------------------------------------------------------------------------------------


def _check_paths(request: ReportRequest) -> Path:
    out = Path(request.out)
    if out.suffix.lower() not in SUFFIXES:
        raise UserError(_("Can't write {name}: choose a file ending in .xlsx or .pdf.").format(
            name=out.name))
    if request.form is not None:
        if out.suffix.lower() != ".xlsx":
            raise UserError(_("A filled form is an Excel workbook: choose an output file "
                              "ending in .xlsx."))
        if out.resolve() == Path(request.form).resolve():
            raise UserError(_("Choose another output file: the form itself is kept as it is."))
    if not out.parent.is_dir():
        raise UserError(_("The folder {folder} does not exist.").format(folder=out.parent))
    return out


def _write(out: Path, write: Any) -> None:
    """``write(path)`` into a file beside ``out``, then moved into place."""
    part = out.with_name(f".{out.name}.part")
    try:
        write(part)
        os.replace(part, out)
    except PermissionError:
        raise UserError(_("Can't write {name}: it may be open in another program (Excel?). "
                          "Close it and try again.").format(name=out.name)) from None
    except OSError as error:
        raise UserError(_("Can't write {name}: {reason}").format(name=out.name,
                                                                  reason=error.strerror or error)
                        ) from None
    finally:
        part.unlink(missing_ok=True)


def make_report(db: Database, request: ReportRequest, *, today: date | None = None,
                progress: Progress = NO_PROGRESS) -> ReportResult:
    permissions.require(db, Permission.REPORTS_MAKE)
    spec = definition(request.kind)
    out = _check_paths(request)
    period = resolve_period(spec, request.start, request.end, today)
    workbook = read_form(Path(request.form)) if request.form is not None else None
    day = request.dated or today or date.today()
    progress(0, 0, _("Counting…"))
    with db.read() as s:
        tree = load_tree(s)
        home = _home(db, tree)
        root = _root(tree, home, request.branch)
        # A parent union's report is over branches; one branch or one of its groups is
        # reported on as a branch reports itself.
        parent_mode = db.mode == "parent" and root.kind not in (OrgKind.BRANCH, OrgKind.GROUP)
        branches = tree.branches_under(root.id) if parent_mode else [root]
        if parent_mode and not branches:
            raise UserError(_("There is no grassroots union under {unit} yet: nothing to "
                              "report.").format(unit=root.name))
        scopes = {b.id: tree.subtree(b.id) for b in branches}
        covered = frozenset().union(*scopes.values())
        # Whose packages bring the data: each branch (a group's come with its branch's).
        senders = {b.id: tree.branch_of(b.id) for b in branches}
        made = last_packages(s, [u for u in senders.values() if u is not None]) \
            if db.mode == "parent" else {}
    # A form may name any figure: then every family is counted. The units of the union
    # making the report are counted too (not reported on): its chair signs.
    families = FAMILIES if workbook is not None else spec.families
    signing = frozenset({home.id} if parent_mode else tree.subtree(home.id))
    collected = collect(db, families, period, units=covered | signing, progress=progress)
    progress.check()
    setup = paper_setup(db, tree, home, day, parent_mode,
                        officer_of(collected, signing, CHAIR))
    totals = rollup(collected, covered)
    rows = []
    for b in branches:
        sender = senders[b.id]
        last = made.get(sender.uuid) if sender is not None else None
        rows.append(BranchRow(b.code, b.name,
                              rollup(collected, scopes[b.id]) if parent_mode else totals,
                              last, _sent(last, period.end)))
    if parent_mode:
        totals["branches.total"] = len(rows)
        totals["branches.not_sent"] = sum(1 for r in rows if not r.sent)
    document = _document(spec, period, setup, root, home, totals, rows, parent_mode,
                         db.mode == "parent")
    progress(1, 2, _("Writing {name}…").format(name=out.name))
    unknown: list[Unknown] = []
    if workbook is not None:
        unknown = fill_form(workbook, totals, _meta(spec, period, setup, root))
        _write(out, lambda part: workbook.save(part))
    elif out.suffix.lower() == ".pdf":
        from .pdf import write_pdf

        _write(out, lambda part: write_pdf(document, part))
    else:
        from .xlsx import write_xlsx

        _write(out, lambda part: write_xlsx(document, part))
    progress(2, 2, "")
    shown = {k: v for k, v in totals.items() if FIGURES[k].family in (*spec.families,
                                                                       "branches")}
    json_figures = {json_key(k, spec.family): _json_value(v) for k, v in shown.items()}
    return ReportResult(kind=spec.kind, title=spec.title, period=period, path=out,
                        unit=root.name, figures=totals, json_figures=json_figures,
                        branches=tuple(rows) if parent_mode else (),
                        unknown=tuple(unknown), parent=parent_mode)


def _meta(spec: Definition, period: Period, setup: PaperSetup, root: Unit) -> dict[str, Any]:
    return {
        "report.from": period.start, "report.to": period.end, "report.date": setup.day,
        "report.title": spec.heading,
        "report.place_date": place_date(setup.place, setup.day) if setup.place else
        format_date(setup.day),
        "unit.name": root.name, "unit.code": root.code, "unit.superior": setup.issuing_superior,
    }


def _document(spec: Definition, period: Period, setup: PaperSetup, root: Unit, home: Unit,
              totals: dict[str, Any], rows: list[BranchRow], parent_mode: bool,
              parent_db: bool) -> Document:
    lines = period_lines(spec, period, root.name if root.id != home.id else "")
    notes: list[str] = []
    if not parent_mode:
        tables = branch_tables(spec, totals, period)
        if parent_db and rows and not rows[0].sent and root.kind in (OrgKind.BRANCH,
                                                                      OrgKind.GROUP):
            notes.append(_late_note(rows[0], period))
        return Document(setup, spec.heading, lines, tuple(tables), tuple(notes))
    late = [r for r in rows if not r.sent]
    marked = [BranchRow(r.code, f"{r.name} (*)" if not r.sent else r.name, r.figures,
                        r.last_package, r.sent) for r in rows]
    tables = [branches_table(f"I. {fill('SỐ LIỆU THEO CÔNG ĐOÀN CƠ SỞ', period)}", spec,
                             marked, totals)]
    tables += branch_tables(spec, totals, period, parent=True, first_number=2)
    if late:
        notes.append("(*) Đơn vị chưa gửi số liệu đến ngày "
                     f"{format_date(period.end)}: số liệu lấy theo gói dữ liệu gần nhất.")
        number = ROMAN[len(tables)]
        tables.append(not_sent_table(
            f"{number}. ĐƠN VỊ CHƯA GỬI SỐ LIỆU ĐẾN NGÀY {format_date(period.end)}", rows))
    else:
        notes.append(f"Tất cả {len(rows)} đơn vị đã gửi số liệu đến ngày "
                     f"{format_date(period.end)}.")
    return Document(setup, spec.heading, lines, tuple(tables), tuple(notes), landscape=True)


def _late_note(row: BranchRow, period: Period) -> str:
    if row.last_package is None:
        return f"Đơn vị chưa gửi số liệu lần nào (đến ngày {format_date(period.end)})."
    return (f"Đơn vị chưa gửi số liệu đến ngày {format_date(period.end)}: gói dữ liệu gần "
            f"nhất lập ngày {format_date(row.last_package.astimezone().date())}.")

