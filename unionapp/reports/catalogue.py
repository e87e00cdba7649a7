"""The figures reports are made of: each has an id ``family.name`` (``members.women``), a kind
(a count, an amount in đồng, a breakdown by name, or a list), and the unit a document writes
beside it. Report definitions, the parent's forms (``{{members.women}}``) and the command
line's JSON all name figures by these ids; a definition naming another is refused on load.

The words here are the ones printed on Vietnamese documents, so they are Vietnamese, not
translated (see :mod:`unionapp.letterhead`).
"""

from __future__ import annotations

from dataclasses import dataclass

COUNT, MONEY, MAPPING, LIST = "count", "money", "mapping", "list"
FAMILIES = ("members", "support", "awards", "activities", "branches")


@dataclass(frozen=True)
class FigureSpec:
    id: str
    kind: str
    unit: str = ""  # what a count counts ("người", "lượt"); "đồng" for money
    # For a breakdown whose entries have several numbers: their names (else one number).
    fields: tuple[str, ...] = ()
    money_fields: frozenset[str] = frozenset()
    # A breakdown by free-text values (ethnicity…): a name it does not list counts zero.
    # Otherwise it lists every possible name (every group, every kind), zeros included.
    open_keys: bool = False

    @property
    def family(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.id.split(".", 1)[1]


def _specs(*specs: FigureSpec) -> dict[str, FigureSpec]:
    return {s.id: s for s in specs}


_SUPPORT_FIELDS = ("cases", "people", "amount")
_AWARD_FIELDS = ("decisions", "persons", "collectives")

FIGURES: dict[str, FigureSpec] = _specs(
    # Members: at the period's end (active on that day)…
    FigureSpec("members.total", COUNT, "người"),
    FigureSpec("members.women", COUNT, "người"),
    FigureSpec("members.men", COUNT, "người"),
    FigureSpec("members.ethnic_minorities", COUNT, "người"),
    FigureSpec("members.with_religion", COUNT, "người"),
    FigureSpec("members.officers", COUNT, "người"),
    FigureSpec("members.groups", COUNT, "tổ"),
    FigureSpec("members.by_group", MAPPING, "người"),
    FigureSpec("members.by_age_band", MAPPING, "người"),
    FigureSpec("members.by_ethnicity", MAPPING, "người", open_keys=True),
    FigureSpec("members.by_religion", MAPPING, "người", open_keys=True),
    FigureSpec("members.by_role", MAPPING, "người", open_keys=True),
    # … on the day before it starts, and the dated movements within it.
    FigureSpec("members.at_start", COUNT, "người"),
    FigureSpec("members.admitted", COUNT, "người"),
    FigureSpec("members.transferred_in", COUNT, "người"),
    FigureSpec("members.transferred_out", COUNT, "người"),
    FigureSpec("members.left", COUNT, "người"),
    FigureSpec("members.retired", COUNT, "người"),
    FigureSpec("members.deceased", COUNT, "người"),
    FigureSpec("members.increased", COUNT, "người"),  # admitted + transferred in
    FigureSpec("members.decreased", COUNT, "người"),  # out, left, retired, deceased
    # Support given within the period (paid or closed, as `support summary` counts it).
    FigureSpec("support.cases", COUNT, "lượt"),
    FigureSpec("support.people", COUNT, "người"),
    FigureSpec("support.amount", MONEY, "đồng"),
    FigureSpec("support.by_kind", MAPPING, fields=_SUPPORT_FIELDS,
               money_fields=frozenset({"amount"})),
    FigureSpec("support.by_fund", MAPPING, fields=("cases", "amount"),
               money_fields=frozenset({"amount"})),
    # The funds of the period's years: budget, and money committed up to the period's end.
    FigureSpec("support.budget", MONEY, "đồng"),
    FigureSpec("support.committed", MONEY, "đồng"),
    FigureSpec("support.remaining", MONEY, "đồng"),
    FigureSpec("support.funds", MAPPING, fields=("budget", "committed", "paid", "remaining"),
               money_fields=frozenset({"budget", "committed", "paid", "remaining"})),
    # Awards decided within the period, counted where their recipients belong.
    FigureSpec("awards.decisions", COUNT, "quyết định"),
    FigureSpec("awards.persons", COUNT, "lượt cá nhân"),
    FigureSpec("awards.collectives", COUNT, "lượt tập thể"),
    FigureSpec("awards.prize_amount", MONEY, "đồng"),
    FigureSpec("awards.by_kind", MAPPING, fields=_AWARD_FIELDS),
    FigureSpec("awards.by_level", MAPPING, fields=_AWARD_FIELDS, open_keys=True),
    FigureSpec("awards.initiatives", COUNT, "sáng kiến"),
    FigureSpec("awards.initiatives_recognised", COUNT, "sáng kiến"),
    FigureSpec("awards.initiatives_benefit", MONEY, "đồng"),
    # Activities and emulation movements taking place within the period.
    FigureSpec("activities.activities", COUNT, "hoạt động"),
    FigureSpec("activities.participants", COUNT, "lượt người"),
    FigureSpec("activities.movements", COUNT, "phong trào"),
    FigureSpec("activities.movement_participants", COUNT, "lượt người"),
    FigureSpec("activities.by_kind", MAPPING, fields=("count", "participants")),
    FigureSpec("activities.list", LIST,
               fields=("title", "kind", "starts_on", "ends_on", "participants")),
    # A parent union's report: its branches, and those whose data is older than the period.
    FigureSpec("branches.total", COUNT, "đơn vị"),
    FigureSpec("branches.not_sent", COUNT, "đơn vị"),
)

# The command line's JSON names a figure by its name alone in a report of its own family
# (``women``, ``by_group``); these few by another name (a contract: see issue 15).
JSON_NAMES = {"members.total": "members_total"}


def json_key(figure_id: str, report_family: str | None) -> str:
    spec = FIGURES[figure_id]
    if spec.family == report_family:
        return JSON_NAMES.get(figure_id, spec.name)
    return figure_id

