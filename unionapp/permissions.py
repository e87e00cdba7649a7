"""Who may do what: the names of the actions roles allow, and the role matrix.

Services call ``require(db, Permission.X)`` before they change anything (and before they
hand out personal data), so the rule holds for the GUI, the command line and tests alike;
hiding a button is never the check. Until the first account is made every action is allowed
(a one-person office works without signing in); from then on the signed-in account's role
decides (:mod:`unionapp.accounts` signs in and sets ``db.account``).

The roles (Vietnamese labels in the interface):

============  =========================  =================================================
role          label                      may
============  =========================  =================================================
chair         Chủ tịch                   everything: accounts, approving support, decisions
treasurer     Kế toán – thủ quỹ          funds, budgets and kinds of support; paying and
                                         closing cases; corrections of paid amounts
clerk         Cán bộ công đoàn           members, relatives, activities, initiatives,
                                         award decisions and certificates, proposing
                                         support cases, roster imports and exports
inspector     Ủy ban kiểm tra            reads everything, the audit trail included;
                                         changes nothing
viewer        Chỉ xem                    reads; CCCD and phone numbers are masked
============  =========================  =================================================

Steps and who takes them:

- support cases: a clerk (or the chair) proposes; the chair approves or rejects, never a
  case they proposed themselves; the treasurer (or the chair) marks it paid, closes it and
  corrects a paid amount. A case saved by someone who may approve it (the chair, or anyone
  while there are no accounts) is approved at once when its kind needs no approval.
- award decisions: a clerk or the chair records a decision (its number, date and signer,
  after the chair has signed it on paper) and its recipients (``AWARDS_ISSUE``,
  ``AWARDS_EDIT``); a clerk or the chair prints the certificates, which takes their serials
  in the award register (``CERTIFICATES_PRINT``).
- every audit row records the username and the role of whoever took the step.

Inspector and viewer are read-only roles: besides every service's ``require``,
``Database.transaction`` refuses them any write (:func:`check_write`), so a service that
forgot its ``require`` still can't change data for them. The matrix is data (:data:`ROLES`):
a union that divides the work differently changes it here, in one place.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import exc, select

from .errors import UserError
from .i18n import N_, _

if TYPE_CHECKING:
    from .db import Database


class Permission(StrEnum):
    MEMBERS_EDIT = "members.edit"  # add, edit, delete members, movements, relatives
    MEMBERS_IMPORT = "members.import"
    MEMBERS_TRANSFER = "members.transfer"
    PERSONAL_DATA_EXPORT = "members.export_personal"  # files with CCCD or phone numbers
    PERSONAL_DATA_VIEW = "members.view_personal"  # CCCD and phone unmasked on screen
    ACTIVITIES_EDIT = "activities.edit"  # activities, movements, participants, initiatives
    AWARDS_EDIT = "awards.edit"  # recipients of decisions, the award kinds catalogue
    AWARDS_ISSUE = "awards.issue"  # recording a decision (number, date, signer), deleting it
    CERTIFICATES_PRINT = "certificates.print"  # takes serials in the award register
    SUPPORT_PROPOSE = "support.propose"  # record and edit proposed cases, batches
    SUPPORT_APPROVE = "support.approve"  # approve or reject
    SUPPORT_PAY = "support.pay"  # mark paid, close
    SUPPORT_CORRECT = "support.correct"  # correct a paid amount
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


P = Permission


@dataclass(frozen=True)
class Role:
    code: str
    label: str  # English source text; translated by label_of()
    permissions: frozenset[Permission]
    writes: bool  # False: read-only, refused any write transaction

    @property
    def display(self) -> str:
        return _(self.label)


_CLERK = frozenset({
    P.MEMBERS_EDIT, P.MEMBERS_IMPORT, P.MEMBERS_TRANSFER, P.PERSONAL_DATA_EXPORT,
    P.PERSONAL_DATA_VIEW, P.ACTIVITIES_EDIT, P.AWARDS_EDIT, P.AWARDS_ISSUE,
    P.CERTIFICATES_PRINT, P.SUPPORT_PROPOSE, P.EXCHANGE_EXPORT, P.EXCHANGE_IMPORT,
    P.EXCHANGE_RESOLVE, P.ORG_EDIT, P.BACKUP_CREATE, P.REPORTS_MAKE,
})
_TREASURER = frozenset({
    P.PERSONAL_DATA_VIEW, P.SUPPORT_PAY, P.SUPPORT_CORRECT, P.SUPPORT_FUNDS,
    P.EXCHANGE_EXPORT, P.BACKUP_CREATE, P.REPORTS_MAKE,
})
_INSPECTOR = frozenset({P.PERSONAL_DATA_VIEW, P.AUDIT_READ, P.REPORTS_MAKE})
_VIEWER = frozenset({P.REPORTS_MAKE})

CHAIR, TREASURER, CLERK, INSPECTOR, VIEWER = "chair", "treasurer", "clerk", "inspector", "viewer"

ROLES: dict[str, Role] = {
    CHAIR: Role(CHAIR, N_("Chair"), frozenset(Permission), writes=True),
    TREASURER: Role(TREASURER, N_("Treasurer"), _TREASURER, writes=True),
    CLERK: Role(CLERK, N_("Union officer"), _CLERK, writes=True),
    INSPECTOR: Role(INSPECTOR, N_("Inspection committee"), _INSPECTOR, writes=False),
    VIEWER: Role(VIEWER, N_("View only"), _VIEWER, writes=False),
}

# What each permission is called in a refusal ("… may not {action}").
_ACTION_TEXT: dict[Permission, str] = {
    P.MEMBERS_EDIT: N_("change members"),
    P.MEMBERS_IMPORT: N_("import rosters"),
    P.MEMBERS_TRANSFER: N_("transfer members"),
    P.PERSONAL_DATA_EXPORT: N_("export CCCD or phone numbers"),
    P.PERSONAL_DATA_VIEW: N_("see CCCD or phone numbers"),
    P.ACTIVITIES_EDIT: N_("change activities and initiatives"),
    P.AWARDS_EDIT: N_("change award recipients and award kinds"),
    P.AWARDS_ISSUE: N_("record award decisions"),
    P.CERTIFICATES_PRINT: N_("print certificates"),
    P.SUPPORT_PROPOSE: N_("record support cases"),
    P.SUPPORT_APPROVE: N_("approve or reject support cases"),
    P.SUPPORT_PAY: N_("mark support cases paid"),
    P.SUPPORT_CORRECT: N_("correct paid amounts"),
    P.SUPPORT_FUNDS: N_("change funds and kinds of support"),
    P.EXCHANGE_EXPORT: N_("export data files"),
    P.EXCHANGE_IMPORT: N_("import data files"),
    P.EXCHANGE_KEYS: N_("manage signing keys"),
    P.EXCHANGE_RESOLVE: N_("resolve exchange conflicts"),
    P.ORG_EDIT: N_("change the union's units and groups"),
    P.ORG_MOVE_PARENT: N_("move the union to another parent"),
    P.BRANCH_CLOSE: N_("close the branch"),
    P.BACKUP_CREATE: N_("make backups"),
    P.BACKUP_RESTORE: N_("restore backups"),
    P.USERS_MANAGE: N_("manage accounts"),
    P.AUDIT_READ: N_("read the audit trail"),
    P.REPORTS_MAKE: N_("make reports"),
}


def role_label(code: str) -> str:
    """The role's name in the interface (Chủ tịch, Kế toán – thủ quỹ…)."""
    role = ROLES.get(code)
    return role.display if role is not None else code


NO_ACCOUNTS_FOR = 1.0  # seconds a "no accounts yet" answer is trusted before asking again


def accounts_exist(db: Database) -> bool:
    """Whether anyone has an account (a password) in this database. A database made before
    accounts existed, opened read-only without upgrading, has none.

    Once seen, accounts stay (the last chair can't be disabled); "none yet" is asked again
    after a second, so another copy of the program making the first account is noticed
    while a service's several checks cost one query."""
    known = getattr(db, "_accounts_seen", None)
    if known is True or (known is not None and time.monotonic() - known < NO_ACCOUNTS_FOR):
        return known is True
    from .models import User

    try:
        with db.read() as s:
            found = s.scalar(select(User.id).where(User.password_hash.is_not(None),
                                                   User.active.is_(True)).limit(1)) is not None
    except (exc.OperationalError, exc.ProgrammingError):
        found = False  # no such column yet: an old schema, which has no accounts
    db._accounts_seen = True if found else time.monotonic()  # type: ignore[attr-defined]
    return found


def forget_accounts_answer(db: Database) -> None:
    """After this program made the first account: ask the database again."""
    db._accounts_seen = None  # type: ignore[attr-defined]


def granted(db: Database) -> frozenset[Permission]:
    """Everything the signed-in account (or, with no accounts, anybody) may do."""
    account = getattr(db, "account", None)
    if account is None:
        return frozenset() if accounts_exist(db) else frozenset(Permission)
    role = ROLES.get(account.role)
    return role.permissions if role is not None else frozenset()


def allows(db: Database, permission: Permission) -> bool:
    """Whether the signed-in account (or, with no accounts, anybody) may do ``permission``
    (for hiding buttons; the services check with :func:`require`)."""
    account = getattr(db, "account", None)
    if account is None:
        return not accounts_exist(db)
    role = ROLES.get(account.role)
    return role is not None and permission in role.permissions


def require(db: Database, permission: Permission) -> None:
    """Refuse (``UserError``, nothing changed) when the signed-in account's role does not
    allow ``permission``. With no accounts yet, everything is allowed."""
    account = getattr(db, "account", None)
    if account is None:
        if accounts_exist(db):
            raise UserError(_("Sign in first: this database has accounts."))
        return
    role = ROLES.get(account.role)
    if role is None or permission not in role.permissions:
        raise UserError(_("{name} ({role}) may not {action}. Ask the chair.").format(
            name=account.username, role=role_label(account.role),
            action=_(_ACTION_TEXT.get(permission, str(permission)))))


def check_write(db: Database) -> None:
    """The safety net under every write transaction: read-only roles write nothing, and
    nobody writes without signing in once accounts exist."""
    account = getattr(db, "account", None)
    if account is None:
        if accounts_exist(db):
            raise UserError(_("Sign in first: this database has accounts."))
        return
    role = ROLES.get(account.role)
    if role is None or not role.writes:
        raise UserError(_("{name} ({role}) can only read: nothing was changed.").format(
            name=account.username, role=role_label(account.role)))
