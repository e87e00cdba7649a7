"""From an award decision to a PDF of certificates: numbering in the register, one page per
recipient, streamed to the file, in one transaction.

Cancelling (or any failure) rolls the register back and leaves no file behind: pages are
written to a ``.part`` file that takes its real name only after the register is committed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..awards import RECIPIENT_ORDER, recipients_statement
from ..db import Database
from ..errors import NotFound, UserError
from ..i18n import _
from ..letterhead import decision_superior
from ..models import Award, AwardDecision, AwardKind, CertificateDesign
from ..progress import NO_PROGRESS, Progress
from ..text import search_words
from .register import issue
from .render import CertificateDocument, DecisionText, RecipientText
from .templates import Template, load_template


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


def _recipients(s: Any, decision: AwardDecision,
                award_uuids: Iterable[uuid.UUID] | None) -> list[tuple[int, RecipientText]]:
    stmt = recipients_statement().add_columns(Award.id).where(Award.decision_id == decision.id)
    if award_uuids is not None:
        wanted = list(award_uuids)
        if not wanted:
            return []
        stmt = stmt.where(Award.uuid.in_(wanted))
    out = []
    for r in s.execute(stmt.order_by(*RECIPIENT_ORDER)):
        (_u, kind, name, gender, unit, _m, _ru, reason, *_rest, award_id) = r
        out.append((award_id, RecipientText(
            is_person=kind == "person", name=name, gender=gender, unit=unit,
            reason=reason or decision.reason, serial="")))
    return out


def file_name(serial: str, name: str) -> str:
    """``12/2024`` + ``Nguyễn Thị Thu Hằng`` → ``0012-2024_nguyen-thi-thu-hang.pdf``: plain
    letters, safe on every system and in zip files, sorted in register order."""
    number, _sep, year = serial.partition("/")
    words = "-".join(search_words(name))[:80] or "certificate"
    return f"{int(number):04d}-{year}_{words}.pdf"


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
    offset = offset if design == CertificateDesign.BLANK else (0.0, 0.0)
    written: list[tuple[Path, Path]] = []  # (.part file, final name)
    try:
        with db.transaction() as s:
            decision = s.scalar(select(AwardDecision).where(AwardDecision.uuid == decision_uuid))
            if decision is None or decision.deleted_at is not None:
                raise NotFound(_("No such award decision."))
            kind = s.get(AwardKind, decision.award_kind_id)
            assert kind is not None
            template = certificate_template(kind)
            recipients = _recipients(s, decision, award_uuids)
            if not recipients:
                raise UserError(_("The decision {number} has no recipients to print.").format(
                    number=decision.number))
            assert db.home_unit_uuid is not None
            issued = issue(s, [a for a, _r in recipients], year=decision.decided_on.year,
                           design=design, user=s.info.get("user", db.user),
                           owner=db.home_unit_uuid,
                           summary=f"{decision.number}: {len(recipients)} certificates")
            text = decision_text(decision, kind)
            total = len(recipients)
            progress(0, total, _("Printing certificates…"))
            whole = None
            if out is not None:
                part = out.with_name(out.name + ".part")
                written.append((part, out))
                whole = CertificateDocument(part, template, design, text, offset=offset)
            for done, (award_id, recipient) in enumerate(recipients, start=1):
                numbered = RecipientText(recipient.is_person, recipient.name, recipient.gender,
                                         recipient.unit, recipient.reason,
                                         issued[award_id].serial)
                if whole is not None:
                    whole.add(numbered)
                if per_recipient_dir is not None:
                    final = per_recipient_dir / file_name(numbered.serial, numbered.name)
                    part = final.with_name(final.name + ".part")
                    written.append((part, final))
                    single = CertificateDocument(part, template, design, text, offset=offset)
                    single.add(numbered)
                    single.close()
                progress(done, total, _("Certificate {done} of {total}").format(
                    done=done, total=total))
            if whole is not None:
                whole.close()
            serials = [issued[a].serial for a, _r in recipients]
            reprinted = sum(1 for a, _r in recipients if issued[a].reprint)
        for part, final in written:
            part.replace(final)
    except OSError as error:  # a full disk, a file open in another program…
        for part, _final in written:
            part.unlink(missing_ok=True)
        raise UserError(_("Can't write to {path}: {error}").format(
            path=error.filename or out, error=error.strerror or error)) from None
    except BaseException:
        for part, _final in written:
            part.unlink(missing_ok=True)
        raise
    return PrintSummary(decision_number=decision.number, design=design, pages=total,
                        numbered=total - reprinted, reprinted=reprinted,
                        first_serial=serials[0], last_serial=serials[-1],
                        files=tuple(final for _part, final in written))


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
