"""The domain model. Names follow ../shared/GLOSSARY.md."""

from .activities import Activity, ActivityKind, Initiative, InitiativeAuthor, Participation
from .admin import AuditLog, DatabaseInfo, User
from .awards import (
    Award,
    AwardDecision,
    AwardKind,
    Certificate,
    CertificateDesign,
    CertificatePrint,
    RecipientType,
)
from .base import Base, Synced, utcnow
from .exchange import (
    ConflictCode,
    ExchangeConflict,
    ExchangeLog,
    ExchangePeer,
    ExchangeRecord,
    PeerRole,
)
from .org import OrgKind, OrgUnit, OrgUnitMove
from .people import (
    Gender,
    Member,
    MemberRelative,
    MemberStatus,
    Movement,
    MovementKind,
    Relation,
)
from .support import (
    SupportBatch,
    SupportCase,
    SupportCaseEvent,
    SupportCorrection,
    SupportFund,
    SupportKind,
    SupportStatus,
)

__all__ = [
    "Activity",
    "ActivityKind",
    "AuditLog",
    "Award",
    "AwardDecision",
    "AwardKind",
    "Base",
    "Certificate",
    "CertificateDesign",
    "CertificatePrint",
    "ConflictCode",
    "DatabaseInfo",
    "ExchangeConflict",
    "ExchangeLog",
    "ExchangePeer",
    "ExchangeRecord",
    "Gender",
    "Initiative",
    "InitiativeAuthor",
    "Member",
    "MemberRelative",
    "MemberStatus",
    "Movement",
    "MovementKind",
    "OrgKind",
    "OrgUnit",
    "OrgUnitMove",
    "Participation",
    "PeerRole",
    "RecipientType",
    "Relation",
    "SupportBatch",
    "SupportCase",
    "SupportCaseEvent",
    "SupportCorrection",
    "SupportFund",
    "SupportKind",
    "SupportStatus",
    "Synced",
    "User",
    "utcnow",
]
