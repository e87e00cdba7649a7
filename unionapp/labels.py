"""What the user reads for each stored code (statuses, kinds, genders), through the catalogue."""

from __future__ import annotations

from .i18n import N_, _
from .models import (
    ActivityKind,
    Gender,
    MemberStatus,
    MovementKind,
    OrgKind,
    Relation,
    SupportStatus,
)

GENDER = {Gender.MALE: N_("Male"), Gender.FEMALE: N_("Female")}
# The fixed words the command line's JSON uses for gender, whatever the interface language.
GENDER_JSON = {Gender.MALE: "Nam", Gender.FEMALE: "Nữ"}

MEMBER_STATUS = {
    MemberStatus.ACTIVE: N_("Active"),
    MemberStatus.TRANSFERRED_OUT: N_("Transferred out"),
    MemberStatus.LEFT: N_("Left the union"),
    MemberStatus.RETIRED: N_("Retired"),
    MemberStatus.DECEASED: N_("Deceased"),
}

MOVEMENT = {
    MovementKind.ADMISSION: N_("Admission"),
    MovementKind.TRANSFER_IN: N_("Transfer in"),
    MovementKind.TRANSFER_OUT: N_("Transfer out"),
    MovementKind.GROUP_CHANGE: N_("Change of group"),
    MovementKind.EXIT: N_("Leaving the union"),
    MovementKind.RETIREMENT: N_("Retirement"),
    MovementKind.DEATH: N_("Death"),
}

ORG_KIND = {
    OrgKind.PARENT_UNION: N_("Parent union"),
    OrgKind.BRANCH: N_("Grassroots union"),
    OrgKind.GROUP: N_("Union group"),
}

ACTIVITY_KIND = {
    ActivityKind.MEETING: N_("Meeting"),
    ActivityKind.CONFERENCE: N_("Conference"),
    ActivityKind.TRAINING: N_("Training"),
    ActivityKind.VISIT: N_("Visit"),
    ActivityKind.SPORTS: N_("Sports"),
    ActivityKind.CULTURE: N_("Culture and arts"),
    ActivityKind.BLOOD_DRIVE: N_("Blood donation"),
    ActivityKind.VOLUNTEERING: N_("Volunteering"),
    ActivityKind.EMULATION_MOVEMENT: N_("Emulation movement"),
    ActivityKind.OTHER: N_("Other"),
}

SUPPORT_STATUS = {
    SupportStatus.PROPOSED: N_("Proposed"),
    SupportStatus.APPROVED: N_("Approved"),
    SupportStatus.PAID: N_("Paid"),
    SupportStatus.CLOSED: N_("Closed"),
    SupportStatus.REJECTED: N_("Rejected"),
}

RELATION = {
    Relation.SPOUSE: N_("Spouse"),
    Relation.CHILD: N_("Child"),
    Relation.FATHER: N_("Father"),
    Relation.MOTHER: N_("Mother"),
    Relation.FATHER_IN_LAW: N_("Father-in-law"),
    Relation.MOTHER_IN_LAW: N_("Mother-in-law"),
    Relation.SIBLING: N_("Brother or sister"),
    Relation.OTHER: N_("Other relative"),
}


def label(table: dict[str, str], code: str | None) -> str:
    """The translated label of ``code`` in ``table`` (the code itself if unknown)."""
    if code is None:
        return ""
    return _(table[code]) if code in table else code
