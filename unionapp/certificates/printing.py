"""From an award decision to certificates on paper or in files, and the award register.

Printing happens in three steps, so that the register records what was issued, not what was
looked at, and never waits on drawing:

1. :func:`draft_certificates` reads a snapshot of the decision and the register and draws
   the pages with *provisional* serials into temporary files, outside any write
   transaction. A preview shows such a draft; closing it leaves no trace.
2. A :class:`Delivery` prepares what the clerk asked for — files beside their targets, a
   print job — still outside the write lock.
3. :func:`issue_certificates` opens one short write transaction: it checks that nobody
   numbered certificates since the snapshot (or draws again with the new numbers), writes
   the serials and the print log, has the delivery put its work in place (renames a file,
   hands the job to the printer) and commits. If anything fails, the transaction rolls back
   and the delivery puts back what was there: neither serials nor files are left, only an
   audit entry saying the print did not happen.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Select, func, select

from .. import permissions
from ..awards import RECIPIENT_ORDER, recipients_statement, serial_text
from ..bulk import audit_summary
from ..db import Database
from ..errors import NotFound, UserError
from ..i18n import _
from ..letterhead import decision_superior
from ..models import Award, AwardDecision, AwardKind, Certificate, CertificateDesign, OrgUnit
from ..permissions import Permission
from ..progress import NO_PROGRESS, Cancelled, Progress
from ..text import search_words
from .register import issue
from .render import CertificateDocument, CertificateRun, DecisionText, RecipientText
from .templates import Template, load_template

ATTEMPTS = 5  # others printing at the very same moment: draw again with the new numbers


@dataclass(frozen=True)
class PrintSummary:
    decision_number: str
    design: str
    pages: int
    numbered: int  # certificates that got their serial now
    reprinted: int  # certificates printed before (same serial, logged again)
    first_serial: str
    last_serial: str
    files: tuple[Path, ...]

    def as_json(self) -> dict[str, Any]:
        return {"decision": self.decision_number, "design": self.design, "pages": self.pages,
                "numbered": self.numbered, "reprinted": self.reprinted,
                "first_serial": self.first_serial, "last_serial": self.last_serial,
                "files": [str(f) for f in self.files]}


def decision_text(decision: AwardDecision, kind: AwardKind) -> DecisionText:
    return DecisionText(
        issuing_superior=decision_superior(decision), issuing_body=decision.issuing_body,
        title=kind.certificate_title, award_name=kind.name, place=decision.place,
        decided_on=decision.decided_on, decision_number=decision.number, year=decision.year,
        signer_on_behalf=decision.signer_on_behalf, signer_title=decision.signer_title,
        signer_name=decision.signer_name)


def certificate_template(kind: AwardKind) -> Template:
    if not kind.certificate_title or not kind.template:
        raise UserError(_("“{kind}” has no printed certificate (no title or template in the "
                          "award kinds catalogue).").format(kind=kind.name))
    return load_template(kind.template)


def _recipients(decision: AwardDecision, award_uuids: Iterable[uuid.UUID] | None,
                ) -> Select[Any]:
    stmt = (recipients_statement().add_columns(Award.id)
            .where(Award.decision_id == decision.id).order_by(*RECIPIENT_ORDER))
    if award_uuids is not None:
        stmt = stmt.where(Award.uuid.in_(list(award_uuids)))
    return stmt


def file_name(serial: str, name: str) -> str:
    """``12/2024`` + ``Nguyễn Thị Thu Hằng`` → ``0012-2024_nguyen-thi-thu-hang.pdf``: plain
    letters, safe on every system and in zip files, sorted in register order."""
    number, _sep, year = serial.partition("/")
    words = "-".join(search_words(name))[:80] or "certificate"
    return f"{int(number):04d}-{year}_{words}.pdf"


# --- 1. the draft: pages with provisional serials ------------------------------------------------


@dataclass(frozen=True)
class DraftRequest:
    """What the clerk asked to print (kept so that the draft can be drawn again)."""

    decision_uuid: uuid.UUID
    design: str = CertificateDesign.FULL
    award_uuids: tuple[uuid.UUID, ...] | None = None  # None: the whole decision
    offset: tuple[float, float] = (0.0, 0.0)
    whole: bool = True  # one PDF with every page
    one_per_recipient: bool = False  # and/or one PDF per recipient


@dataclass(frozen=True)
class CertificateDraft:
    """Certificates drawn with provisional serials; nothing is in the register yet."""

    request: DraftRequest
    decision_number: str
    title: str  # GIẤY KHEN
    decision_version: int
    year: int  # the register's year (the decision's)
    award_ids: tuple[int, ...]
    award_uuids: tuple[uuid.UUID, ...]
    names: tuple[str, ...]
    serials: tuple[str, ...]
    reprints: tuple[bool, ...]
    last_number: int  # the year's highest number in the register when drawn
    folder: Path  # temporary, holds the files below; see discard()
    pdf: Path | None
    singles: tuple[Path, ...]

    @property
    def pages(self) -> int:
        return len(self.award_ids)

    @property
    def numbered(self) -> int:
        return self.reprints.count(False)

    def provisional_note(self) -> str:
        """What the preview says about the numbers on its pages."""
        new = [s for s, again in zip(self.serials, self.reprints, strict=True) if not again]
        if not new:
            return _("All {count} certificates are reprints: they keep their numbers in the "
                     "award register.").format(count=self.pages)
        span = new[0] if len(new) == 1 else f"{new[0]} – {new[-1]}"
        return _("Provisional register numbers {span}: they are written into the award "
                 "register only when you print or save the PDF. Closing the preview writes "
                 "nothing.").format(span=span)

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _snapshot_last(s: Any, owner: uuid.UUID, year: int) -> int:
    return s.scalar(select(func.max(Certificate.register_number)).where(
        Certificate.owner_uuid == owner, Certificate.register_year == year)) or 0


def _known_serials(s: Any, award_ids: list[int]) -> dict[int, str]:
    known: dict[int, str] = {}
    for start in range(0, len(award_ids), 500):
        chunk = award_ids[start:start + 500]
        for award_id, number, year in s.execute(
                select(Certificate.award_id, Certificate.register_number,
                       Certificate.register_year).where(Certificate.award_id.in_(chunk))):
            known[award_id] = serial_text(number, year)
    return known


def draft_certificates(db: Database, request: DraftRequest, *,
                       progress: Progress = NO_PROGRESS) -> CertificateDraft:
    """Draw the certificates ``request`` asks for into a temporary folder, numbered as the
    register would number them now. Reads only: the register is not touched. Pages are
    drawn as the recipients are read, so memory does not grow with their number."""
    if request.design not in CertificateDesign.ALL:
        raise UserError(_("Unknown certificate design: {design}").format(design=request.design))
    progress(0, 0, _("Reading the decision…"))
    ids: list[int] = []
    uuids: list[uuid.UUID] = []
    names: list[str] = []
    serials: list[str] = []
    reprints: list[bool] = []
    singles: list[Path] = []
    offset = request.offset if request.design == CertificateDesign.BLANK else (0.0, 0.0)
    folder = Path(tempfile.mkdtemp(prefix="unionapp-certificates-"))
    run: CertificateRun | None = None
    try:
        # One read transaction: one consistent snapshot of the decision and the register
        # (a reader in WAL mode keeps no writer waiting).
        with db.read() as s:
            decision = s.scalar(select(AwardDecision).where(
                AwardDecision.uuid == request.decision_uuid))
            if decision is None or decision.deleted_at is not None:
                raise NotFound(_("No such award decision."))
            kind = s.get(AwardKind, decision.award_kind_id)
            assert kind is not None
            template = certificate_template(kind)
            assert db.home_unit_uuid is not None
            year, version = decision.decided_on.year, decision.version
            last = number = _snapshot_last(s, db.home_unit_uuid, year)
            text = decision_text(decision, kind)
            stmt = _recipients(decision, request.award_uuids)
            total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            if not total:
                raise UserError(_("The decision {number} has no recipients to print.").format(
                    number=decision.number))
            step = _Steps(progress, total * (int(request.whole)
                                             + int(request.one_per_recipient)))
            if request.whole:
                run = CertificateRun(folder / "all.pdf", template, request.design, text,
                                     offset=offset)
            for row in s.execute(stmt.execution_options(yield_per=500)):
                (award_uuid, kind_, name, gender, unit, _m, _ru, reason, _amount, _note,
                 known_number, known_year, _prints, award_id) = row
                if known_number is not None:
                    serial, again = serial_text(known_number, known_year), True
                else:
                    number += 1
                    serial, again = serial_text(number, year), False
                page = RecipientText(is_person=kind_ == "person", name=name, gender=gender,
                                     unit=unit, reason=reason or decision.reason, serial=serial)
                ids.append(award_id)
                uuids.append(award_uuid)
                names.append(name)
                serials.append(serial)
                reprints.append(again)
                if run is not None:
                    run.add(page)
                    step.page()
                if request.one_per_recipient:
                    single = folder / f"{len(ids):06d}.pdf"
                    document = CertificateDocument(single, template, request.design, text,
                                                   offset=offset)
                    document.add(page)
                    document.close()
                    singles.append(single)
                    step.page()
        if run is not None:
            run.close()
    except BaseException:
        if run is not None:
            run.abort()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return CertificateDraft(
        request=request, decision_number=text.decision_number, title=text.title,
        decision_version=version, year=year, award_ids=tuple(ids), award_uuids=tuple(uuids),
        names=tuple(names), serials=tuple(serials), reprints=tuple(reprints),
        last_number=last, folder=folder, pdf=run.path if run is not None else None,
        singles=tuple(singles))


class _Steps:
    """Counts pages drawn across the whole run (one PDF, then the single files)."""

    def __init__(self, progress: Progress, total: int):
        self.progress, self.total, self.done = progress, total, 0

    def page(self) -> None:
        self.done += 1
        self.progress(self.done, self.total, _("Certificate {done} of {total}").format(
            done=self.done, total=self.total))


# --- 2. deliveries: files, print jobs ------------------------------------------------------------


class Delivery(Protocol):
    """Where a draft goes. ``prepare`` does the slow part outside the write lock; ``finish``
    (inside the register's transaction) puts the work in place quickly and raises if it
    can't; ``undo`` puts back what was there (after a failed ``finish`` or commit); ``done``
    tidies up after the commit."""

    def prepare(self, draft: CertificateDraft, progress: Progress) -> None: ...

    def finish(self) -> None: ...

    def undo(self) -> None: ...

    def done(self) -> None: ...


def _replace(source: Path, target: Path) -> None:
    """Rename ``source`` over ``target`` (one place, so tests can play Windows' refusal to
    rename a file another program holds open)."""
    os.replace(source, target)


def cant_write(path: Path, error: OSError) -> UserError:
    """A file that can't be written, said plainly (nothing was printed or numbered)."""
    if isinstance(error, PermissionError) and path.exists():
        return UserError(_("{path} can't be replaced: it is probably open in another program "
                           "(a PDF reader). Close it and try again; nothing was printed or "
                           "numbered.").format(path=path))
    return UserError(_("Can't write to {path}: {error}. Nothing was printed or "
                       "numbered.").format(path=path, error=error.strerror or error))


class FileDelivery:
    """Files in place of their targets, all or none: each is first copied beside its target
    (``.part``); at ``finish`` an old file of the same name is moved aside (a file open in a
    viewer on Windows refuses here, before anything is committed) and the new one renamed
    in; ``undo`` brings the old ones back."""

    def __init__(self, out: Path | None = None, folder: Path | None = None,
                 sources: list[tuple[Path, Path]] | None = None):
        self.out, self.folder = out, folder
        self.pairs: list[tuple[Path, Path]] = list(sources or [])  # (source, final)
        self.parts: list[tuple[Path, Path]] = []  # (.part, final)
        self.asides: list[tuple[Path, Path]] = []  # (moved-aside old file, final)
        self.placed: list[Path] = []

    @property
    def files(self) -> tuple[Path, ...]:
        return tuple(final for _source, final in self.pairs)

    def prepare(self, draft: CertificateDraft | None, progress: Progress) -> None:
        if draft is not None:
            self.pairs = []
            if self.out is not None and draft.pdf is not None:
                self.pairs.append((draft.pdf, self.out))
            if self.folder is not None:
                self.pairs += [(single, self.folder / file_name(serial, name))
                               for single, serial, name
                               in zip(draft.singles, draft.serials, draft.names, strict=True)]
        self.parts, self.asides, self.placed = [], [], []
        token = secrets.token_hex(3)
        for n, (source, final) in enumerate(self.pairs):
            part = final.with_name(f".{final.name}.{token}.part")
            try:
                final.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, part)
            except OSError as error:
                part.unlink(missing_ok=True)
                self._drop_parts()
                raise cant_write(final, error) from None
            self.parts.append((part, final))
            if n % 50 == 0:
                progress.check()

    def finish(self) -> None:
        token = secrets.token_hex(3)
        for part, final in self.parts:
            try:
                if final.exists():
                    aside = final.with_name(f".{final.name}.{token}.old")
                    _replace(final, aside)
                    self.asides.append((aside, final))
                _replace(part, final)
            except OSError as error:
                raise cant_write(final, error) from None
            self.placed.append(final)

    def undo(self) -> None:
        for final, (part, _f) in zip(self.placed, self.parts, strict=False):
            try:
                _replace(final, part)
            except OSError:
                final.unlink(missing_ok=True)
        for aside, final in self.asides:
            with contextlib.suppress(OSError):  # else left beside it, hidden, never deleted
                _replace(aside, final)
        self.placed, self.asides = [], []
        self._drop_parts()

    def done(self) -> None:
        for aside, _final in self.asides:
            with contextlib.suppress(OSError):
                aside.unlink()
        self._drop_parts()

    def _drop_parts(self) -> None:
        for part, _final in self.parts:
            with contextlib.suppress(OSError):
                part.unlink(missing_ok=True)


# --- 3. into the register, in one short transaction ---------------------------------------------


class _Stale(Exception):
    """Someone numbered certificates (or changed the decision) since the draft."""


def _unchanged(s: Any, draft: CertificateDraft, owner: uuid.UUID) -> bool:
    s.execute(select(OrgUnit.id).where(OrgUnit.uuid == owner).with_for_update())
    decision = s.scalar(select(AwardDecision).where(
        AwardDecision.uuid == draft.request.decision_uuid))
    if decision is None or decision.deleted_at is not None \
            or decision.version != draft.decision_version:
        return False
    ids = list(draft.award_ids)
    live = 0
    for start in range(0, len(ids), 500):
        live += s.scalar(select(func.count(Award.id)).where(
            Award.id.in_(ids[start:start + 500]), Award.deleted_at.is_(None))) or 0
    if live != len(ids):
        return False
    known = _known_serials(s, ids)
    expected = {a: serial for a, serial, again
                in zip(draft.award_ids, draft.serials, draft.reprints, strict=True) if again}
    return known == expected and _snapshot_last(s, owner, draft.year) == draft.last_number


def issue_certificates(db: Database, draft: CertificateDraft, delivery: Delivery, *,
                       progress: Progress = NO_PROGRESS,
                       ) -> tuple[PrintSummary, CertificateDraft]:
    """Deliver ``draft`` and write it into the award register, both or neither.

    If someone numbered certificates since the draft was drawn, the same recipients are
    drawn again with the numbers they get now (and that draft, which the caller must
    discard too, is returned with the summary)."""
    permissions.require(db, Permission.CERTIFICATES_PRINT)
    owner = db.home_unit_uuid
    assert owner is not None
    original = draft
    try:
        for _attempt in range(ATTEMPTS):
            try:
                delivery.prepare(draft, progress)
                with db.transaction() as s:
                    if not _unchanged(s, draft, owner):
                        raise _Stale
                    issued = issue(s, list(draft.award_ids), year=draft.year,
                                   design=draft.request.design,
                                   user=s.info.get("user", db.user), owner=owner,
                                   summary=f"{draft.decision_number}: {draft.pages} certificates")
                    if tuple(issued[a].serial for a in draft.award_ids) != draft.serials:
                        raise _Stale  # can't happen after the check; never a wrong number
                    delivery.finish()
            except _Stale:
                delivery.undo()
                fresh = draft_certificates(
                    db, replace(draft.request, award_uuids=draft.award_uuids), progress=progress)
                if draft is not original:
                    draft.discard()
                draft = fresh
                continue
            except BaseException as error:
                delivery.undo()
                _log_not_printed(db, draft, error)
                raise
            delivery.done()
            files = delivery.files if isinstance(delivery, FileDelivery) else ()
            summary = PrintSummary(
                decision_number=draft.decision_number, design=draft.request.design,
                pages=draft.pages, numbered=draft.numbered,
                reprinted=draft.pages - draft.numbered, first_serial=draft.serials[0],
                last_serial=draft.serials[-1], files=files)
            return summary, draft
    except BaseException:
        if draft is not original:
            draft.discard()
        raise
    if draft is not original:
        draft.discard()
    raise UserError(_("Others keep printing certificates at this very moment; nothing was "
                      "printed. Try again in a minute."))


def _log_not_printed(db: Database, draft: CertificateDraft, error: BaseException) -> None:
    """The one trace a cancelled or failed print leaves: an audit entry."""
    why = "cancelled" if isinstance(error, Cancelled) else "failed"
    # Suppressed: the original error is what the clerk must see.
    with contextlib.suppress(Exception), db.transaction() as s:
        audit_summary(s, user=s.info.get("user", db.user), action=f"print-{why}",
                      entity="certificate",
                      summary=f"{draft.decision_number}: {draft.pages} certificates "
                              f"not printed ({why})",
                      details={"design": draft.request.design, "pages": draft.pages,
                               "error": str(error)[:300]})


def print_certificates(
    db: Database,
    decision_uuid: uuid.UUID,
    *,
    out: Path | None,
    design: str = CertificateDesign.FULL,
    award_uuids: Iterable[uuid.UUID] | None = None,
    per_recipient_dir: Path | None = None,
    offset: tuple[float, float] = (0.0, 0.0),
    progress: Progress = NO_PROGRESS,
) -> PrintSummary:
    """Print a decision's certificates (all, or the ``award_uuids`` chosen) into ``out`` and/or
    one file per recipient in ``per_recipient_dir``, numbering them in the award register."""
    permissions.require(db, Permission.CERTIFICATES_PRINT)
    if design not in CertificateDesign.ALL:
        raise UserError(_("Unknown certificate design: {design}").format(design=design))
    if out is None and per_recipient_dir is None:
        raise UserError(_("Say where to write the certificates."))
    try:
        if per_recipient_dir is not None:
            per_recipient_dir.mkdir(parents=True, exist_ok=True)
        if out is not None and not out.parent.is_dir():
            raise FileNotFoundError(2, _("no such folder"), str(out.parent))
    except OSError as error:
        raise UserError(_("Can't write to {path}: {error}").format(
            path=error.filename or out, error=error.strerror or error)) from None
    request = DraftRequest(decision_uuid, design,
                           tuple(award_uuids) if award_uuids is not None else None, offset,
                           whole=out is not None, one_per_recipient=per_recipient_dir is not None)
    draft = draft_certificates(db, request, progress=progress)
    final = draft
    try:
        summary, final = issue_certificates(db, draft, FileDelivery(out, per_recipient_dir),
                                            progress=progress)
    finally:
        draft.discard()
        final.discard()
    return summary


def sample_texts(title: str = "GIẤY KHEN") -> tuple[DecisionText, list[RecipientText]]:
    """Made-up values to show a template with (nothing is numbered)."""
    decision = DecisionText(
        issuing_superior="LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ HÀ NỘI",
        issuing_body="BAN CHẤP HÀNH CÔNG ĐOÀN CƠ SỞ TRƯỜNG THPT CHU VĂN AN",
        title=title, award_name=title.capitalize(), place="Hà Nội",
        decided_on=date(2024, 12, 27), decision_number="15/QĐ-CĐCS", year=2024,
        signer_on_behalf="TM. BAN CHẤP HÀNH", signer_title="CHỦ TỊCH",
        signer_name="Lê Hồng Hạnh")
    reason = ("Đã có thành tích xuất sắc trong phong trào thi đua “Lao động giỏi, lao động "
              "sáng tạo” năm 2024")
    return decision, [
        RecipientText(True, "Nguyễn Thị Thu Hằng", "female",
                      "Tổ công đoàn Phòng Tài chính – Kế toán", reason, "1/2024"),
        RecipientText(True, "Đỗ Hữu Phước", "male", "Tổ công đoàn Văn phòng", reason, "2/2024"),
        RecipientText(False, "Tổ công đoàn Phòng Nghiên cứu Kinh tế – Xã hội và Môi trường",
                      None, "Công đoàn cơ sở Trường THPT Chu Văn An", reason, "3/2024"),
    ]


def print_sample(template_name: str, out: Path, *, design: str = CertificateDesign.FULL,
                 title: str = "GIẤY KHEN", offset: tuple[float, float] = (0.0, 0.0)) -> Path:
    """A template filled with made-up values (a person of each gender and a collective)."""
    template = load_template(template_name)
    decision, recipients = sample_texts(title)
    document = CertificateDocument(out, template, design, decision, offset=offset,
                                   title=template.title)
    for recipient in recipients:
        document.add(recipient)
    document.close()
    return out
