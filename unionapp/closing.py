"""A branch ends its activity (giải thể / kết thúc hoạt động).

In order, each step only once the one before succeeded:

1. checks that change nothing (a branch's database, not closed yet, an empty archive folder,
   a signing key for the final package);
2. a backup of the database (``backups.backup_before``);
3. the archive folder: every register as .xlsx and PDF (:mod:`unionapp.archive`);
4. the home unit records its closing date, and the final package for the parent union is
   written into the archive — a full one, carrying that date;
5. the database becomes read-only (``database_info.closed_on``, checked where every write
   transaction begins: :meth:`unionapp.db.Database.transaction`), and a copy of it is made
   into the archive with SQLite's backup API;
6. the archive's table of contents, with each file's SHA-256.

If step 4 or 5 fails, the closing date is taken back and the database stays as it was (the
backup of step 2 also holds it). Afterwards searching, lists, exports and printing copies
work as before; every change is refused with a plain message.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from . import archive
from .backups import backup_before
from .bulk import audit_summary
from .db import CLOSED_INFO, Database, set_info
from .errors import NotFound, UserError
from .i18n import _
from .models import AwardDecision, Member, MemberStatus, OrgUnit, SupportCase
from .permissions import Permission, require
from .progress import NO_PROGRESS, Progress
from .text import format_date

PACKAGE_NAME = "goi-du-lieu-cuoi-cung.zip"
CONTENTS_NAME = "muc-luc.txt"


@dataclass(frozen=True)
class ClosePlan:
    """What closing will do, for a person to read before confirming."""

    unit_code: str
    unit_name: str
    parent_name: str
    on: date
    archive: Path
    members: int
    active_members: int
    decisions: int
    support_cases: int
    final_package: bool

    def steps(self) -> list[str]:
        steps = [
            _("A backup of the database is made first."),
            _("The archive folder {path} receives the member register, the members' "
              "movements, the award register, the award decisions with their recipients, the "
              "support ledger and the audit trail, each as an Excel file and a PDF.").format(
                path=self.archive)]
        if self.final_package:
            steps.append(_("A final, full data package for {parent} is written into the "
                           "archive; send it to them.").format(parent=self.parent_name
                                                               or _("the parent union")))
        steps += [
            _("{unit} is recorded as closed on {date}; from then on its data can be read, "
              "searched and printed, never changed again.").format(
                unit=self.unit_name, date=format_date(self.on)),
            _("A copy of the closed database is put in the archive.")]
        return steps

    def as_json(self) -> dict[str, Any]:
        return {"unit_code": self.unit_code, "unit_name": self.unit_name,
                "parent": self.parent_name, "on": self.on.isoformat(),
                "archive": str(self.archive), "members": self.members,
                "active_members": self.active_members, "decisions": self.decisions,
                "support_cases": self.support_cases, "final_package": self.final_package,
                "steps": self.steps()}


@dataclass(frozen=True)
class CloseResult:
    plan: ClosePlan
    files: tuple[archive.ArchiveFile, ...]
    package: str | None
    package_sha256: str | None
    database_copy: str | None
    backup_file: str | None

    def as_json(self) -> dict[str, Any]:
        return {"closed_on": self.plan.on.isoformat(), "unit_code": self.plan.unit_code,
                "archive": str(self.plan.archive), "package": self.package,
                "package_sha256": self.package_sha256, "database_copy": self.database_copy,
                "backup_file": self.backup_file, "files": [f.as_json() for f in self.files]}

    def text(self) -> str:
        lines = [_("{unit} has ended its activity on {date}. Its database is read-only from "
                   "now on.").format(unit=self.plan.unit_name, date=format_date(self.plan.on)),
                 _("Archive: {path} ({count} files).").format(path=self.plan.archive,
                                                              count=len(self.files))]
        if self.package:
            lines.append(_("Final data package for the parent union: {path}").format(
                path=self.package))
        return "\n".join(lines)


def is_closed(db: Database) -> bool:
    return db.closed_on is not None


def close_plan(db: Database, *, on: date, archive_dir: Path, final_package: bool = True,
               today: date | None = None) -> ClosePlan:
    """Check that the branch can close on ``on`` into ``archive_dir`` (an empty or new folder),
    and say what will happen. Changes nothing."""
    today = today or date.today()
    if db.mode == "parent":
        raise UserError(_("Only a branch's database is closed this way."))
    if db.closed_on is not None:
        raise UserError(_("This union already ended its activity on {date}.").format(
            date=db.closed_on))
    if on > today:
        raise UserError(_("The closing date can't be after today."))
    if on.year < 1950:
        raise UserError(_("The date {date} is not plausible.").format(date=format_date(on)))
    if archive_dir.exists() and (not archive_dir.is_dir() or any(archive_dir.iterdir())):
        raise UserError(_("Choose an empty or new folder for the archive; {path} already "
                          "holds files.").format(path=archive_dir))
    if final_package:
        from .exchange.keys import signing_key

        try:
            signing_key(db)
        except UserError as error:
            raise UserError(error.message + " " + _(
                "(Without a final package for the parent union: unionapp branch close "
                "--no-package.)")) from None
    home = db.home_unit_uuid
    with db.read() as s:
        unit = s.scalar(select(OrgUnit).where(OrgUnit.uuid == home))
        if unit is None:
            raise NotFound(_("This database has not been set up yet: run unionapp init."))
        live = Member.deleted_at.is_(None)
        return ClosePlan(
            unit.code, unit.name, unit.parent.name if unit.parent else "", on, archive_dir,
            s.scalar(select(func.count(Member.id)).where(live)) or 0,
            s.scalar(select(func.count(Member.id)).where(
                live, Member.status == MemberStatus.ACTIVE)) or 0,
            s.scalar(select(func.count(AwardDecision.id)).where(
                AwardDecision.deleted_at.is_(None))) or 0,
            s.scalar(select(func.count(SupportCase.id)).where(
                SupportCase.deleted_at.is_(None))) or 0,
            final_package)


def close_branch(db: Database, *, on: date, archive_dir: Path, final_package: bool = True,
                 progress: Progress = NO_PROGRESS, today: date | None = None) -> CloseResult:
    """End the branch's activity on ``on`` (see the module docstring)."""
    require(db, Permission.BRANCH_CLOSE)
    require(db, Permission.PERSONAL_DATA_EXPORT)  # the member register keeps the CCCD numbers
    plan = close_plan(db, on=on, archive_dir=archive_dir, final_package=final_package,
                      today=today)
    progress(0, 0, _("Making a backup…"))
    backup = backup_before(db, "before-branch-change")
    made_folder = not archive_dir.exists()
    try:
        archive_dir.mkdir(parents=True, exist_ok=True)
        files = archive.write_registers(db, archive_dir, as_of=on, progress=progress)
    except OSError as error:
        _clean(archive_dir, made_folder)
        raise UserError(_("Can't write to {path}: {error}").format(
            path=error.filename or archive_dir, error=error.strerror or error)) from None
    except BaseException:
        _clean(archive_dir, made_folder)
        raise
    home = db.home_unit_uuid
    package = package_sha = copy = None
    try:
        with db.transaction() as s:
            unit = s.scalar(select(OrgUnit).where(OrgUnit.uuid == home))
            assert unit is not None
            unit.closed_on = on
            audit_summary(s, user=s.info.get("user", db.user), action="close",
                          entity="org_unit", summary=f"{unit.code} closed on {on.isoformat()}",
                          details={"archive": str(archive_dir)})
        if final_package:
            from .exchange import export_package

            progress(0, 0, _("Writing the final data package…"))
            exported = export_package(db, archive_dir / PACKAGE_NAME, full=True)
            package, package_sha = exported.path, exported.sha256
        with db.transaction() as s:
            set_info(s, CLOSED_INFO, on.isoformat())
            audit_summary(s, user=s.info.get("user", db.user), action="read_only",
                          entity="database", summary="the database is read-only from now on")
        db.refresh_info()
    except BaseException:
        _reopen(db)
        _clean(archive_dir, made_folder)
        raise
    if db.path is not None:
        progress(0, 0, _("Copying the database into the archive…"))
        copy_path = archive_dir / f"{db.path.stem}-da-ket-thuc.db"
        try:
            db.backup(copy_path)
            copy = str(copy_path)
            files.append(archive.ArchiveFile(copy_path, _("Copy of the closed database"), 0,
                                             archive.sha256_of(copy_path)))
        except OSError as error:
            raise UserError(_("The branch is closed, but the copy of its database could not be "
                              "written to the archive ({reason}). Copy the file {path} by "
                              "hand.").format(reason=error.strerror or error,
                                              path=db.path)) from None
    if package:
        files.append(archive.ArchiveFile(Path(package), _("Final data package"), 0,
                                         package_sha or ""))
    _contents(archive_dir, plan, files)
    return CloseResult(plan, tuple(files), package, package_sha, copy,
                       str(backup) if backup else None)


def _reopen(db: Database) -> None:
    """Take back a closing that could not finish (only its date was recorded)."""
    db.refresh_info()
    if db.closed_on is not None:
        return  # fully closed: nothing to take back
    with db.transaction() as s:
        unit = s.scalar(select(OrgUnit).where(OrgUnit.uuid == db.home_unit_uuid))
        if unit is not None and unit.closed_on is not None:
            unit.closed_on = None
            audit_summary(s, user=s.info.get("user", db.user), action="reopen",
                          entity="org_unit", summary="closing not finished: taken back")


def _clean(folder: Path, made: bool) -> None:
    """Remove what a failed closing wrote (only files it made)."""
    if not folder.exists():
        return
    for path in folder.iterdir():
        if path.is_file():
            path.unlink(missing_ok=True)
    if made:
        with contextlib.suppress(OSError):
            folder.rmdir()


def _contents(folder: Path, plan: ClosePlan, files: list[archive.ArchiveFile]) -> None:
    lines = [plan.unit_name.upper(),
             _("Archive of the union's records, closed on {date}").format(
                 date=format_date(plan.on)), ""]
    lines += [f"{f.path.name}\t{f.what}\t{f.rows or ''}\tSHA-256 {f.sha256}" for f in files]
    (folder / CONTENTS_NAME).write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "muc-luc.json").write_text(json.dumps(
        {"unit": plan.as_json(), "files": [f.as_json() for f in files]}, ensure_ascii=False,
        indent=2) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class CopiesResult:
    path: Path
    pages: int
    left_out: int  # recipients never printed: no number in the register, so no copy

    def as_json(self) -> dict[str, Any]:
        return {"file": str(self.path), "pages": self.pages, "left_out": self.left_out}


def print_copies(db: Database, decision_uuid: uuid.UUID, out: Path, *,
                 design: str = "full") -> CopiesResult:
    """Copies of a decision's certificates already in the award register, with their
    numbers, reading only (for a closed branch, whose register takes no new line: a
    certificate never printed has no number, and gets none now)."""
    from .awards import award_list
    from .certificates.printing import certificate_template, decision_text
    from .certificates.render import CertificateDocument, RecipientText
    from .models import AwardKind, CertificateDesign

    require(db, Permission.CERTIFICATES_PRINT)
    if design not in CertificateDesign.ALL:
        raise UserError(_("Unknown certificate design: {design}").format(design=design))
    awards = award_list(db, decision_uuid).all()
    numbered = [a for a in awards if a.serial]
    if not numbered:
        raise UserError(_("No certificate of this decision is in the award register: there "
                          "is nothing to copy."))
    with db.read() as s:
        decision = s.scalar(select(AwardDecision).where(AwardDecision.uuid == decision_uuid))
        if decision is None or decision.deleted_at is not None:
            raise NotFound(_("No such award decision."))
        kind = s.get(AwardKind, decision.award_kind_id)
        assert kind is not None
        template = certificate_template(kind)
        text = decision_text(decision, kind)
    part = out.with_name(out.name + ".part")
    try:
        document = CertificateDocument(part, template, design, text)
        for award in numbered:
            document.add(RecipientText(award.recipient_type == "person", award.name,
                                       award.gender, award.unit, award.reason or decision.reason,
                                       award.serial))
        document.close()
        part.replace(out)
    except OSError as error:
        part.unlink(missing_ok=True)
        raise UserError(_("Can't write to {path}: {error}").format(
            path=error.filename or out, error=error.strerror or error)) from None
    return CopiesResult(out, len(numbered), len(awards) - len(numbered))

