"""Award decisions (quyết định khen thưởng), their recipients, and the award kinds catalogue.

A decision grants one award kind to members (cá nhân) and org units (tập thể). Recipients are
added from lists or by filter; each member's awards show on the member's page. Printing the
certificates and the award register live in :mod:`unionapp.certificates`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from .activities import AddSummary, load_activity, member_ids
from .backups import backup_before, backup_before_bulk_delete
from .db import Database
from .errors import NotFound, Problem, UserError, ValidationError
from .i18n import N_, _
from .members import name_matches
from .models import (
    Activity,
    Award,
    AwardDecision,
    AwardKind,
    Certificate,
    CertificatePrint,
    Member,
    OrgKind,
    OrgUnit,
    RecipientType,
    utcnow,
)
from .paging import ListQuery
from .permissions import Permission, require
from .text import clean, fold, format_date

RECIPIENT_TYPE = {
    RecipientType.PERSON: N_("Individual"),
    RecipientType.COLLECTIVE: N_("Collective"),
    RecipientType.BOTH: N_("Individuals and collectives"),
}

# --- the award kinds catalogue ----------------------------------------------------------------


@dataclass(frozen=True)
class AwardKindRow:
    uuid: uuid.UUID
    code: str
    name: str
    certificate_title: str
    recipient_type: str
    template: str
    sort_order: int
    active: bool


@dataclass
class AwardKindInput:
    code: str = ""
    name: str = ""
    certificate_title: str = ""  # the word printed large ("GIẤY KHEN"); empty: no paper
    recipient_type: str = RecipientType.BOTH
    template: str = ""  # a certificate template's name (see unionapp.certificates)
    active: bool = True

    def cleaned(self) -> AwardKindInput:
        return replace(self, code=clean(self.code).upper(), name=clean(self.name),
                       certificate_title=clean(self.certificate_title),
                       template=clean(self.template))


_KIND_FIELDS = [f.name for f in fields(AwardKindInput)]


def _kind_row(k: AwardKind) -> AwardKindRow:
    return AwardKindRow(k.uuid, k.code, k.name, k.certificate_title, k.recipient_type, k.template,
                        k.sort_order, k.active)


def award_kinds(db: Database, *, include_inactive: bool = False) -> list[AwardKindRow]:
    """The catalogue in its order (the branch's own kinds and those its parent sent)."""
    with db.read() as s:
        stmt = select(AwardKind).where(AwardKind.deleted_at.is_(None))
        if not include_inactive:
            stmt = stmt.where(AwardKind.active.is_(True))
        return [_kind_row(k) for k in s.scalars(stmt.order_by(AwardKind.sort_order,
                                                               AwardKind.name))]


def validate_award_kind(data: AwardKindInput, *, session: Session | None = None,
                        owner: uuid.UUID | None = None,
                        exclude: uuid.UUID | None = None) -> list[Problem]:
    from .certificates.templates import template_names  # late: templates read files

    problems: list[Problem] = []
    if not re.fullmatch(r"[A-Z0-9][A-Z0-9_.\-]{0,39}", data.code):
        problems.append(Problem(_("The code must be 1 to 40 letters, digits, “-” or “_”, "
                                  "without accents."), "code"))
    if not data.name:
        problems.append(Problem(_("The name of the award kind is required."), "name"))
    if data.recipient_type not in RECIPIENT_TYPE:
        problems.append(Problem(_("Unknown kind of recipient."), "recipient_type"))
    if data.certificate_title and data.template not in template_names():
        problems.append(Problem(_("There is no certificate template named “{name}”.").format(
            name=data.template), "template"))
    if session is not None and data.code:
        clash = session.scalar(select(AwardKind.name).where(
            AwardKind.code == data.code, AwardKind.owner_uuid == owner,
            AwardKind.uuid != exclude if exclude else literal(True)))
        if clash is not None:
            problems.append(Problem(_("The code {code} is already used by “{name}”.").format(
                code=data.code, name=clash), "code"))
    return problems


def create_award_kind(db: Database, data: AwardKindInput) -> AwardKindRow:
    require(db, Permission.AWARDS_EDIT)
    data = data.cleaned()
    with db.transaction() as s:
        if problems := validate_award_kind(data, session=s, owner=db.home_unit_uuid):
            raise ValidationError(problems)
        last = s.scalar(select(func.max(AwardKind.sort_order))) or 0
        kind = AwardKind(sort_order=last + 1, **{k: getattr(data, k) for k in _KIND_FIELDS})
        s.add(kind)
        s.flush()
        return _kind_row(kind)


def update_award_kind(db: Database, kind_uuid: uuid.UUID, data: AwardKindInput) -> AwardKindRow:
    """Change a kind of this branch (kinds sent by the parent union are the parent's)."""
    require(db, Permission.AWARDS_EDIT)
    data = data.cleaned()
    with db.transaction() as s:
        kind = _load_kind(s, kind_uuid)
        if kind.owner_uuid != db.home_unit_uuid:
            raise UserError(_("This award kind comes from the parent union and can't be changed "
                              "here."))
        if problems := validate_award_kind(data, session=s, owner=kind.owner_uuid,
                                           exclude=kind_uuid):
            raise ValidationError(problems)
        for key in _KIND_FIELDS:
            setattr(kind, key, getattr(data, key))
        s.flush()
        return _kind_row(kind)


def _load_kind(s: Session, kind_uuid: uuid.UUID) -> AwardKind:
    kind = s.scalar(select(AwardKind).where(AwardKind.uuid == kind_uuid))
    if kind is None or kind.deleted_at is not None:
        raise NotFound(_("No such award kind."))
    return kind


# --- decisions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionRow:
    uuid: uuid.UUID
    number: str
    decided_on: date
    year: int | None
    award_kind: str
    award_kind_uuid: uuid.UUID
    certificate_title: str
    issuing_body: str
    signer_name: str
    movement: str
    reason: str
    persons: int
    collectives: int
    printed: int  # recipients whose certificate is in the register

    @property
    def recipients(self) -> int:
        return self.persons + self.collectives

    def as_json(self) -> dict[str, Any]:
        """The command line's JSON object for a decision (a contract: keys are kept)."""
        return {
            "uuid": str(self.uuid),
            "number": self.number,
            "date": self.decided_on.isoformat(),
            "year": self.year,
            "award_kind": self.award_kind,
            "issuing_body": self.issuing_body,
            "signer": self.signer_name,
            "reason": self.reason,
            "recipients": self.recipients,
            "persons": self.persons,
            "collectives": self.collectives,
            "printed": self.printed,
        }


@dataclass(frozen=True)
class DecisionQuery:
    text: str = ""  # words of the number or the reason
    year: int | None = None
    kind: uuid.UUID | None = None


def _count(condition: Any) -> Any:
    return (select(func.count(Award.id))
            .where(Award.decision_id == AwardDecision.id, Award.deleted_at.is_(None), condition)
            .correlate(AwardDecision).scalar_subquery())


def _printed() -> Any:
    return (select(func.count(Certificate.id))
            .join(Award, Certificate.award_id == Award.id)
            .where(Award.decision_id == AwardDecision.id, Award.deleted_at.is_(None))
            .correlate(AwardDecision).scalar_subquery())


def _decision_statement() -> Select[Any]:
    return (
        select(AwardDecision.uuid, AwardDecision.number, AwardDecision.decided_on,
               AwardDecision.year, AwardKind.name, AwardKind.uuid, AwardKind.certificate_title,
               AwardDecision.issuing_body, AwardDecision.signer_name,
               func.coalesce(Activity.title, ""), AwardDecision.reason,
               _count(Award.member_id.is_not(None)), _count(Award.recipient_unit_id.is_not(None)),
               _printed())
        .join(AwardKind, AwardDecision.award_kind_id == AwardKind.id)
        .outerjoin(Activity, AwardDecision.activity_id == Activity.id)
        .where(AwardDecision.deleted_at.is_(None))
    )


def _decision_row(r: Any) -> DecisionRow:
    return DecisionRow(*r)


def decision_list(db: Database, query: DecisionQuery = DecisionQuery()) -> ListQuery[DecisionRow]:
    """Decisions, newest first."""
    stmt = _decision_statement()
    if text := clean(query.text).lower():
        stmt = stmt.where(or_(func.lower(AwardDecision.number).contains(text),
                              func.lower(AwardDecision.reason).contains(text)))
    if query.year:
        stmt = stmt.where(AwardDecision.decided_on >= date(query.year, 1, 1),
                          AwardDecision.decided_on <= date(query.year, 12, 31))
    if query.kind:
        stmt = stmt.where(AwardKind.uuid == query.kind)
    return ListQuery(db, stmt, (AwardDecision.decided_on.desc(), AwardDecision.id.desc()),
                     _decision_row)


def get_decision(db: Database, decision_uuid: uuid.UUID) -> DecisionRow:
    with db.read() as s:
        row = s.execute(_decision_statement().where(AwardDecision.uuid == decision_uuid)).first()
    if row is None:
        raise NotFound(_("No such award decision."))
    return _decision_row(row)


def find_decision(db: Database, number_or_uuid: str) -> DecisionRow:
    """A decision by its uuid or its number (``15/QĐ-CĐCS``, accents and case ignored). A
    number used in several years must be told apart by its uuid."""
    text = clean(number_or_uuid)
    try:
        return get_decision(db, uuid.UUID(text))
    except ValueError:
        pass
    key = _number_key(text)
    with db.read() as s:
        candidates = s.execute(select(AwardDecision.uuid, AwardDecision.number)
                               .where(AwardDecision.deleted_at.is_(None))).all()
    matches = [u for u, n in candidates if _number_key(n) == key]
    if not matches:
        raise NotFound(_("There is no award decision numbered {number}.").format(number=text))
    if len(matches) > 1:
        rows = sorted((get_decision(db, u) for u in matches), key=lambda r: r.decided_on)
        listing = "; ".join(f"{format_date(r.decided_on)}: {r.uuid}" for r in rows)
        raise UserError(_("Several decisions are numbered {number} ({listing}). Give the uuid "
                          "of the one you mean.").format(number=text, listing=listing))
    return get_decision(db, matches[0])


@dataclass
class DecisionInput:
    """The editable facts of an award decision."""

    number: str = ""
    decided_on: date | None = None
    issuing_superior: str = ""  # the issuing body's direct superior (may be empty)
    issuing_body: str = ""
    signer_on_behalf: str = ""  # TM. BAN CHẤP HÀNH
    signer_title: str = ""  # CHỦ TỊCH
    signer_name: str = ""
    place: str = ""
    award_kind: uuid.UUID | None = None
    movement: uuid.UUID | None = None  # the emulation movement it rewards
    year: int | None = None  # the year it rewards
    reason: str = ""

    def cleaned(self) -> DecisionInput:
        changes = {f.name: clean(getattr(self, f.name)) for f in fields(self)
                   if isinstance(getattr(self, f.name), str)}
        return replace(self, **changes)


_DECISION_TEXT = ["number", "issuing_superior", "issuing_body", "signer_on_behalf",
                  "signer_title", "signer_name", "place", "reason", "year", "decided_on"]


def validate_decision(data: DecisionInput, *, session: Session | None = None,
                      exclude: uuid.UUID | None = None,
                      today: date | None = None) -> list[Problem]:
    today = today or date.today()
    problems: list[Problem] = []

    def problem(fld: str, message: str) -> None:
        problems.append(Problem(message, fld))

    if not data.number:
        problem("number", _("The decision number is required (e.g. 15/QĐ-CĐCS)."))
    if data.decided_on is None:
        problem("decided_on", _("The date of the decision is required."))
    elif not 1950 <= data.decided_on.year <= today.year + 1:
        problem("decided_on", _("The date {date} is not plausible.").format(
            date=format_date(data.decided_on)))
    if not data.issuing_body:
        problem("issuing_body", _("The issuing body is required."))
    if not data.signer_name:
        problem("signer_name", _("The signer's name is required."))
    if data.award_kind is None:
        problem("award_kind", _("Choose the award kind."))
    if data.year is not None and not 1950 <= data.year <= today.year + 1:
        problem("year", _("The year {year} is not plausible.").format(year=data.year))
    if session is not None and data.number and data.decided_on is not None:
        # Numbers restart every year and belong to their issuing body; compared folded
        # (SQL's lower() leaves "Đ" alone).
        same_year = session.execute(select(AwardDecision.number, AwardDecision.decided_on).where(
            AwardDecision.issuing_body == data.issuing_body,
            AwardDecision.decided_on >= date(data.decided_on.year, 1, 1),
            AwardDecision.decided_on <= date(data.decided_on.year, 12, 31),
            AwardDecision.deleted_at.is_(None),
            AwardDecision.uuid != exclude if exclude else literal(True))).all()
        key = _number_key(data.number)
        clash = next((day for number, day in same_year if _number_key(number) == key), None)
        if clash is not None:
            problem("number", _("The number {number} is already used by the decision of "
                                "{date}.").format(number=data.number, date=format_date(clash)))
    return problems


def _number_key(number: str) -> str:
    return fold(number).replace(" ", "")


def _load_decision(s: Session, decision_uuid: uuid.UUID) -> AwardDecision:
    decision = s.scalar(select(AwardDecision).where(AwardDecision.uuid == decision_uuid))
    if decision is None or decision.deleted_at is not None:
        raise NotFound(_("No such award decision."))
    return decision


def _apply_decision(s: Session, decision: AwardDecision, data: DecisionInput) -> None:
    assert data.award_kind is not None
    for key in _DECISION_TEXT:
        setattr(decision, key, getattr(data, key))
    decision.award_kind_id = _load_kind(s, data.award_kind).id
    decision.activity_id = load_activity(s, data.movement).id if data.movement else None


def create_decision(db: Database, data: DecisionInput) -> DecisionRow:
    require(db, Permission.AWARDS_ISSUE)
    data = data.cleaned()
    with db.transaction() as s:
        if problems := validate_decision(data, session=s):
            raise ValidationError(problems)
        decision = AwardDecision()
        _apply_decision(s, decision, data)
        s.add(decision)
        s.flush()
        decision_uuid = decision.uuid
    return get_decision(db, decision_uuid)


def update_decision(db: Database, decision_uuid: uuid.UUID, data: DecisionInput) -> DecisionRow:
    require(db, Permission.AWARDS_ISSUE)
    data = data.cleaned()
    with db.transaction() as s:
        decision = _load_decision(s, decision_uuid)
        if problems := validate_decision(data, session=s, exclude=decision_uuid):
            raise ValidationError(problems)
        _apply_decision(s, decision, data)
    return get_decision(db, decision_uuid)


def decision_input(db: Database, decision_uuid: uuid.UUID) -> DecisionInput:
    with db.read() as s:
        d = _load_decision(s, decision_uuid)
        kind = s.scalar(select(AwardKind.uuid).where(AwardKind.id == d.award_kind_id))
        movement = (s.scalar(select(Activity.uuid).where(Activity.id == d.activity_id))
                    if d.activity_id else None)
        return DecisionInput(award_kind=kind, movement=movement,
                             **{k: getattr(d, k) for k in _DECISION_TEXT})


def decision_defaults(db: Database, today: date | None = None) -> DecisionInput:
    """A new decision's starting values: the branch as issuer, the signer and the number's
    pattern of the latest decision (``16/QĐ-CĐCS`` → ``17/QĐ-CĐCS``)."""
    from .letterhead import dated_superior  # PDF code: loaded when a decision is made

    today = today or date.today()
    with db.read() as s:
        home = s.scalar(select(OrgUnit).where(OrgUnit.uuid == db.home_unit_uuid))
        last = s.scalar(select(AwardDecision).where(AwardDecision.deleted_at.is_(None))
                        .order_by(AwardDecision.decided_on.desc(), AwardDecision.id.desc()))
        first_kind = s.scalar(select(AwardKind.uuid).where(
            AwardKind.deleted_at.is_(None), AwardKind.active.is_(True))
            .order_by(AwardKind.sort_order))
        data = DecisionInput(decided_on=today, year=today.year, award_kind=first_kind)
        if home is not None:
            data.issuing_body = clean(f"BAN CHẤP HÀNH {home.name.upper()}")
            data.issuing_superior = dated_superior(s, "", today)  # the parent on that date
            data.place = home.place
            data.signer_on_behalf = "TM. BAN CHẤP HÀNH"
            data.signer_title = "CHỦ TỊCH"
        if last is not None:
            data.issuing_body = last.issuing_body
            data.issuing_superior = dated_superior(s, last.issuing_superior, today)
            data.signer_on_behalf, data.signer_title = last.signer_on_behalf, last.signer_title
            data.signer_name, data.place = last.signer_name, last.place or data.place
            data.number = next_number(last.number) if last.decided_on.year == today.year \
                else re.sub(r"^\d+", "1", last.number)
    return data


def next_number(number: str) -> str:
    """``16/QĐ-CĐCS`` → ``17/QĐ-CĐCS`` (a number with no leading digits is left alone)."""
    m = re.match(r"(\d+)(.*)", number)
    return f"{int(m.group(1)) + 1}{m.group(2)}" if m else number


def delete_decision(db: Database, decision_uuid: uuid.UUID) -> None:
    """Remove a decision entered by mistake. Once certificates are in the register, it stays
    (the register must keep explaining every number)."""
    require(db, Permission.AWARDS_ISSUE)
    backup_before(db, "before-bulk-delete")  # the decision and every recipient on it
    with db.transaction() as s:
        decision = _load_decision(s, decision_uuid)
        printed = s.scalar(select(func.count(Certificate.id)).join(
            Award, Certificate.award_id == Award.id).where(Award.decision_id == decision.id))
        if printed:
            raise UserError(_("Certificates of this decision are already in the award register: "
                              "the decision can't be deleted."))
        now = utcnow()
        decision.deleted_at = now
        for award in s.scalars(select(Award).where(Award.decision_id == decision.id,
                                                    Award.deleted_at.is_(None))):
            award.deleted_at = now


# --- recipients ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AwardRow:
    """One recipient of a decision."""

    uuid: uuid.UUID  # the award's
    recipient_type: str  # person / collective
    name: str
    gender: str | None
    unit: str  # a person's group; a collective's parent unit
    member_uuid: uuid.UUID | None
    unit_uuid: uuid.UUID | None
    reason: str  # this recipient's own reason ("" → the decision's)
    amount: int
    note: str
    serial: str  # in the award register ("" until printed)
    prints: int


ParentUnit = aliased(OrgUnit)
RecipientUnit = aliased(OrgUnit)
MemberUnit = aliased(OrgUnit)


def serial_text(number: int | None, year: int | None) -> str:
    """The serial of a certificate in the award register: ``12/2024``."""
    return f"{number}/{year}" if number is not None and year is not None else ""


def _prints() -> Any:
    return (select(func.count(CertificatePrint.id))
            .where(CertificatePrint.certificate_id == Certificate.id)
            .correlate(Certificate).scalar_subquery())


def recipients_statement() -> Select[Any]:
    """Every live award with what lists and certificates need about its recipient."""
    is_person = Award.member_id.is_not(None)
    return (
        select(
            Award.uuid,
            case((is_person, literal(RecipientType.PERSON)),
                 else_=literal(RecipientType.COLLECTIVE)),
            func.coalesce(Member.full_name, RecipientUnit.name),
            Member.gender,
            func.coalesce(MemberUnit.name, ParentUnit.name, ""),
            Member.uuid,
            RecipientUnit.uuid,
            Award.reason,
            Award.amount,
            Award.note,
            Certificate.register_number,
            Certificate.register_year,
            func.coalesce(_prints(), 0),
        )
        .join(AwardDecision, Award.decision_id == AwardDecision.id)
        .outerjoin(Member, Award.member_id == Member.id)
        .outerjoin(MemberUnit, Member.org_unit_id == MemberUnit.id)
        .outerjoin(RecipientUnit, Award.recipient_unit_id == RecipientUnit.id)
        .outerjoin(ParentUnit, RecipientUnit.parent_id == ParentUnit.id)
        .outerjoin(Certificate, Certificate.award_id == Award.id)
        .where(Award.deleted_at.is_(None))
    )


# Collectives first (as decisions list them), then people in Vietnamese name order.
RECIPIENT_ORDER = (case((Award.member_id.is_(None), 0), else_=1), RecipientUnit.sort_order,
                   RecipientUnit.name, Member.sort_key, Award.id)


def _award_row(r: Any) -> AwardRow:
    return AwardRow(*r[:10], serial_text(r[10], r[11]), r[12])


def award_list(db: Database, decision_uuid: uuid.UUID, text: str = "") -> ListQuery[AwardRow]:
    stmt = recipients_statement().where(AwardDecision.uuid == decision_uuid)
    if text.strip():
        stmt = stmt.where(or_(name_matches(Member.name_folded, text),
                              and_(Member.id.is_(None),
                                   func.lower(RecipientUnit.name).contains(clean(text).lower()))))
    return ListQuery(db, stmt, RECIPIENT_ORDER, _award_row)


def _decision_and_kind(s: Session, decision_uuid: uuid.UUID) -> tuple[AwardDecision, AwardKind]:
    decision = _load_decision(s, decision_uuid)
    kind = s.get(AwardKind, decision.award_kind_id)
    assert kind is not None
    return decision, kind


def add_member_recipients(db: Database, decision_uuid: uuid.UUID,
                          member_uuids: Iterable[uuid.UUID], *, amount: int = 0,
                          reason: str = "") -> AddSummary:
    """Add members (cá nhân) to a decision; members already on it are left as they are."""
    require(db, Permission.AWARDS_EDIT)
    if amount < 0:
        raise UserError(_("The amount can't be negative."))
    with db.transaction() as s:
        decision, kind = _decision_and_kind(s, decision_uuid)
        if kind.recipient_type == RecipientType.COLLECTIVE:
            raise UserError(_("“{kind}” is awarded to collectives only.").format(kind=kind.name))
        ids = member_ids(s, member_uuids)
        return _add(s, decision, Award.member_id, ids.values(), amount, reason)


def add_unit_recipients(db: Database, decision_uuid: uuid.UUID, unit_uuids: Iterable[uuid.UUID],
                        *, amount: int = 0, reason: str = "") -> AddSummary:
    """Add org units (tập thể: union groups, branches) to a decision."""
    require(db, Permission.AWARDS_EDIT)
    if amount < 0:
        raise UserError(_("The amount can't be negative."))
    with db.transaction() as s:
        decision, kind = _decision_and_kind(s, decision_uuid)
        if kind.recipient_type == RecipientType.PERSON:
            raise UserError(_("“{kind}” is awarded to individuals only.").format(kind=kind.name))
        wanted = list(dict.fromkeys(unit_uuids))
        ids = list(s.scalars(select(OrgUnit.id).where(OrgUnit.uuid.in_(wanted),
                                                      OrgUnit.deleted_at.is_(None))))
        if len(ids) != len(wanted):
            raise NotFound(_("No such unit."))
        return _add(s, decision, Award.recipient_unit_id, ids, amount, reason)


def _add(s: Session, decision: AwardDecision, column: Any, ids: Iterable[int], amount: int,
         reason: str) -> AddSummary:
    existing = {getattr(a, column.key): a for a in s.scalars(
        select(Award).where(Award.decision_id == decision.id, column.is_not(None)))}
    added = already = 0
    for recipient_id in ids:
        award = existing.get(recipient_id)
        if award is not None and award.deleted_at is None:
            already += 1
            continue
        if award is not None:  # removed by mistake earlier: it comes back, serial and all
            award.deleted_at = None
            award.amount, award.reason = amount, clean(reason)
        else:
            s.add(Award(decision_id=decision.id, amount=amount, reason=clean(reason),
                        **{column.key: recipient_id}))
        added += 1
    return AddSummary(added, already)


def _awards(s: Session, award_uuids: Iterable[uuid.UUID]) -> list[Award]:
    wanted = list(award_uuids)
    return list(s.scalars(select(Award).where(Award.uuid.in_(wanted),
                                              Award.deleted_at.is_(None)))) if wanted else []


def update_award(db: Database, award_uuid: uuid.UUID, *, reason: str, amount: int,
                 note: str = "") -> None:
    """A recipient's own reason (printed instead of the decision's), prize money and note."""
    require(db, Permission.AWARDS_EDIT)
    if amount < 0:
        raise UserError(_("The amount can't be negative."))
    with db.transaction() as s:
        rows = _awards(s, [award_uuid])
        if not rows:
            raise NotFound(_("No such recipient."))
        rows[0].reason, rows[0].amount, rows[0].note = clean(reason), amount, clean(note)


def remove_awards(db: Database, award_uuids: Iterable[uuid.UUID]) -> int:
    """Take recipients off a decision (tombstones). A printed certificate keeps its line in the
    register, marked as belonging to a removed award; its number is never reused."""
    require(db, Permission.AWARDS_EDIT)
    award_uuids = list(award_uuids)
    backup_before_bulk_delete(db, len(award_uuids))
    with db.transaction() as s:
        rows = _awards(s, award_uuids)
        now = utcnow()
        for row in rows:
            row.deleted_at = now
        return len(rows)


def award_units(db: Database) -> list[tuple[uuid.UUID, str, str]]:
    """Units that can receive collective awards: (uuid, name, kind), groups first."""
    with db.read() as s:
        rows = s.execute(select(OrgUnit.uuid, OrgUnit.name, OrgUnit.kind)
                         .where(OrgUnit.deleted_at.is_(None),
                                OrgUnit.kind.in_((OrgKind.GROUP, OrgKind.BRANCH)))
                         .order_by(OrgUnit.kind.desc(), OrgUnit.sort_order, OrgUnit.name)).all()
    return [(u, n, k) for u, n, k in rows]


# --- a member's awards -----------------------------------------------------------------------


@dataclass(frozen=True)
class MemberAwardRow:
    """One award of a member, for the member's page."""

    award_uuid: uuid.UUID
    decision_uuid: uuid.UUID
    decision_number: str
    decided_on: date
    award_kind: str
    reason: str  # the recipient's own, else the decision's
    issuing_body: str
    amount: int
    serial: str


def member_awards(db: Database, member_uuid: uuid.UUID) -> list[MemberAwardRow]:
    """A member's awards, newest first."""
    with db.read() as s:
        rows = s.execute(
            select(Award.uuid, AwardDecision.uuid, AwardDecision.number,
                   AwardDecision.decided_on, AwardKind.name,
                   case((Award.reason != "", Award.reason), else_=AwardDecision.reason),
                   AwardDecision.issuing_body, Award.amount, Certificate.register_number,
                   Certificate.register_year)
            .join(AwardDecision, Award.decision_id == AwardDecision.id)
            .join(AwardKind, AwardDecision.award_kind_id == AwardKind.id)
            .join(Member, Award.member_id == Member.id)
            .outerjoin(Certificate, Certificate.award_id == Award.id)
            .where(Member.uuid == member_uuid, Award.deleted_at.is_(None),
                   AwardDecision.deleted_at.is_(None))
            .order_by(AwardDecision.decided_on.desc(), AwardDecision.id.desc())).all()
    return [MemberAwardRow(*r[:8], serial_text(r[8], r[9])) for r in rows]

