"""The domain model. Names follow ../shared/GLOSSARY.md."""

from .activities import Activity, ActivityKind, Participation
from .admin import AuditLog, DatabaseInfo, User
from .awards import Award, AwardDecision, AwardKind, RecipientType
from .base import Base, Synced, utcnow
from .org import OrgKind, OrgUnit, OrgUnitMove
from .people import Gender, Member, MemberStatus, Movement, MovementKind
from .support import SupportCase, SupportCaseEvent, SupportKind, SupportStatus

__all__ = [
    "Activity",
    "ActivityKind",
    "AuditLog",
    "Award",
    "AwardDecision",
    "AwardKind",
    "Base",
    "DatabaseInfo",
    "Gender",
    "Member",
    "MemberStatus",
    "Movement",
    "MovementKind",
    "OrgKind",
    "OrgUnit",
    "OrgUnitMove",
    "Participation",
    "RecipientType",
    "SupportCase",
    "SupportCaseEvent",
    "SupportKind",
    "SupportStatus",
    "Synced",
    "User",
    "utcnow",
]
