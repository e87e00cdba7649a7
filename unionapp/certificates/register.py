"""The award register (sổ khen thưởng): every printed certificate has a line and a serial.

Serials are ``number/year``: numbers run from 1 within each year of the register, the year
being the decision's (offices keep one book per year, and ``12/2024`` says at a glance which
book to open). A certificate is numbered the first time it is printed; a reprint keeps its
number and is only logged. Numbers are never reused, even when an award is later removed.

Numbering is safe with several writers: the transaction first locks the home unit's row
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's writers already queue at ``BEGIN
IMMEDIATE``), and a unique constraint on (owner, year, number) guards the rest.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..awards import RECIPIENT_TYPE, MemberUnit, ParentUnit, RecipientUnit, serial_text
from ..bulk import audit_summary, insert_records
from ..db import Database
from ..i18n import _
from ..labels import label
from ..members import name_matches
from ..models import (
    Award,
    AwardDecision,
    AwardKind,
    Certificate,
    CertificatePrint,
    Member,
    OrgUnit,
    RecipientType,
    utcnow,
)
from ..paging import ListQuery

CHUNK = 500  # ids per IN (…): under every database's parameter limit


@dataclass(frozen=True)
class Issued:
    """What the register says about one award just printed."""

    serial: str
    reprint: bool


def issue(s: Session, award_ids: list[int], *, year: int, design: str, user: str,
          owner: uuid.UUID, summary: str = "") -> dict[int, Issued]:
    """Number the awards not yet in the register (in the order given), and log one print of
    every award. Runs inside the caller's transaction, a chunk of awards at a time (memory
    stays small for a run of 10,000)."""
    s.execute(select(OrgUnit.id).where(OrgUnit.uuid == owner).with_for_update())
    last = s.scalar(select(func.max(Certificate.register_number)).where(
        Certificate.owner_uuid == owner, Certificate.register_year == year)) or 0
    now = utcnow()
    out: dict[int, Issued] = {}
    numbered = 0
    for start in range(0, len(award_ids), CHUNK):
        chunk = [a for a in dict.fromkeys(award_ids[start:start + CHUNK]) if a not in out]
        known: dict[int, tuple[int, int, int]] = {  # award id → certificate id, number, year
            award_id: (cert_id, number, cert_year) for cert_id, award_id, number, cert_year
            in s.execute(select(Certificate.id, Certificate.award_id,
                                Certificate.register_number, Certificate.register_year)
                         .where(Certificate.award_id.in_(chunk)))}
        reprinted = set(known)
        rows = [{"award_id": award_id, "register_year": year,
                 "register_number": last + numbered + i, "first_printed_at": now}
                for i, award_id in enumerate((a for a in chunk if a not in known), start=1)]
        numbered += len(rows)
        for row, cert_id in zip(rows, insert_records(s, Certificate, rows, owner=owner),
                                strict=True):
            known[row["award_id"]] = (cert_id, row["register_number"], year)
        insert_records(s, CertificatePrint, ({
            "certificate_id": known[a][0], "printed_at": now, "by_user": user, "design": design,
            "reprint": a in reprinted} for a in chunk), owner=owner)
        out.update((a, Issued(serial_text(known[a][1], known[a][2]), a in reprinted))
                   for a in chunk)
    reprints = len(out) - numbered
    audit_summary(s, user=user, action="print", entity="certificate",
                  summary=summary or f"{len(award_ids)} certificates printed",
                  details={"numbered": numbered, "reprinted": reprints, "year": year,
                           "design": design})
    return out


# --- reading the register -----------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterEntry:
    uuid: uuid.UUID
    serial: str
    year: int
    number: int
    recipient: str
    recipient_type: str
    unit: str
    award_kind: str
    decision_number: str
    decided_on: date
    first_printed_at: datetime
    prints: int
    removed: bool  # the award was taken off its decision after printing

    def as_json(self) -> dict[str, Any]:
        return {
            "uuid": str(self.uuid), "serial": self.serial, "year": self.year,
            "number": self.number, "recipient": self.recipient,
            "recipient_type": self.recipient_type, "unit": self.unit,
            "award_kind": self.award_kind, "decision_number": self.decision_number,
            "decision_date": self.decided_on.isoformat(),
            "first_printed_at": self.first_printed_at.isoformat(), "prints": self.prints,
            "removed": self.removed,
        }


def register_list(db: Database, *, year: int | None = None, text: str = "",
                  ) -> ListQuery[RegisterEntry]:
    """The register, newest year first and in number order within a year."""
    prints = (select(func.count(CertificatePrint.id))
              .where(CertificatePrint.certificate_id == Certificate.id)
              .correlate(Certificate).scalar_subquery())
    stmt = (
        select(Certificate.uuid, Certificate.register_year, Certificate.register_number,
               func.coalesce(Member.full_name, RecipientUnit.name),
               Award.member_id.is_not(None),
               func.coalesce(MemberUnit.name, ParentUnit.name, ""),
               AwardKind.name, AwardDecision.number, AwardDecision.decided_on,
               Certificate.first_printed_at, prints, Award.deleted_at.is_not(None))
        .join(Award, Certificate.award_id == Award.id)
        .join(AwardDecision, Award.decision_id == AwardDecision.id)
        .join(AwardKind, AwardDecision.award_kind_id == AwardKind.id)
        .outerjoin(Member, Award.member_id == Member.id)
        .outerjoin(MemberUnit, Member.org_unit_id == MemberUnit.id)
        .outerjoin(RecipientUnit, Award.recipient_unit_id == RecipientUnit.id)
        .outerjoin(ParentUnit, RecipientUnit.parent_id == ParentUnit.id)
        .where(Certificate.deleted_at.is_(None))
    )
    if year:
        stmt = stmt.where(Certificate.register_year == year)
    if text.strip():
        stmt = stmt.where(name_matches(Member.name_folded, text))

    def to_row(r: Any) -> RegisterEntry:
        (cert_uuid, cert_year, number, name, is_person, unit, kind, decision, decided,
         first, count, removed) = r
        return RegisterEntry(cert_uuid, serial_text(number, cert_year), cert_year, number, name,
                             RecipientType.PERSON if is_person else RecipientType.COLLECTIVE,
                             unit, kind, decision, decided, first, count, bool(removed))

    return ListQuery(db, stmt, (Certificate.register_year.desc(), Certificate.register_number),
                     to_row)


def register_years(db: Database) -> list[int]:
    with db.read() as s:
        return list(s.scalars(select(Certificate.register_year).distinct()
                              .order_by(Certificate.register_year.desc())))


@dataclass(frozen=True)
class PrintLogRow:
    printed_at: datetime
    by_user: str
    design: str
    reprint: bool


def print_log(db: Database, certificate_uuid: uuid.UUID) -> list[PrintLogRow]:
    """Every print of one certificate, oldest first."""
    with db.read() as s:
        rows = s.execute(
            select(CertificatePrint.printed_at, CertificatePrint.by_user,
                   CertificatePrint.design, CertificatePrint.reprint)
            .join(Certificate, CertificatePrint.certificate_id == Certificate.id)
            .where(Certificate.uuid == certificate_uuid)
            .order_by(CertificatePrint.printed_at, CertificatePrint.id)).all()
    return [PrintLogRow(*r) for r in rows]


def export_register(db: Database, path: Path, *, year: int | None = None,
                    unit_name: str = "") -> int:
    """The register as a spreadsheet (.xlsx or .csv): one line per certificate."""
    from ..spreadsheets import Sheet, write_table

    entries = register_list(db, year=year).all()
    title = (_("AWARD REGISTER {year}").format(year=year) if year else _("AWARD REGISTER"))
    headers = [_("Register no."), _("Name"), _("Type"), _("Group / unit"), _("Award kind"),
               _("Decision no."), _("Decision date"), _("First printed"), _("Prints"),
               _("Note")]
    rows = ([e.serial, e.recipient, label(RECIPIENT_TYPE, e.recipient_type), e.unit,
             e.award_kind, e.decision_number, e.decided_on,
             e.first_printed_at.astimezone().date(), e.prints,
             _("award removed from its decision") if e.removed else ""] for e in entries)
    return write_table(path, Sheet(headers=headers, rows=rows,
                                   title_lines=[t for t in (unit_name.upper(), title) if t],
                                   widths=[11, 28, 9, 30, 30, 15, 12, 12, 7, 22],
                                   name=_("Award register")))
