"""Initiatives (sáng kiến) with their authors and estimated benefit, and the total."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget

from ui.operations import Changes, run_op
from ui.tables.windowed import CENTER, RIGHT, Column, RowSource
from ui.tabs.list_tab import ListTab, combo
from ui.tabs.sections import add_buttons, confirm, current_row
from ui.widgets.empty_state import for_list
from unionapp import initiatives
from unionapp.db import Database
from unionapp.i18n import N_, _
from unionapp.initiatives import InitiativeQuery, InitiativeRow
from unionapp.permissions import Permission
from unionapp.text import format_date, format_vnd

COLUMNS: list[Column[InitiativeRow]] = [
    Column("year", N_("Year"), lambda r: r.year, CENTER, 60),
    Column("title", N_("Initiative"), lambda r: r.title, width=380),
    Column("authors", N_("Authors"), lambda r: r.authors, width=280),
    Column("benefit", N_("Estimated benefit"), lambda r: format_vnd(r.estimated_benefit),
           RIGHT, 130),
    Column("level", N_("Recognised at"), lambda r: r.recognition_level, width=130),
    Column("recognised_on", N_("Recognised on"), lambda r: format_date(r.recognised_on),
           CENTER, 100, hidden=True),
    Column("movement", N_("Emulation movement"), lambda r: r.movement, width=300, hidden=True),
]


class InitiativesTab(ListTab):
    settings_key = "initiatives"
    shows = Changes.INITIATIVES | Changes.MEMBERS  # the authors' names

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(db, COLUMNS, parent)
        years = sorted({r.year for r in initiatives.initiative_list(db).all()}, reverse=True)
        self.year = combo([(_("All years"), None)] + [(str(y), y) for y in years])
        self.add_filter(self.year)
        self.buttons = add_buttons(self, [
            (_("New initiative…"), self.new_initiative, Permission.ACTIVITIES_EDIT),
            (_("Edit…"), self.edit_initiative),
            (_("Delete"), self.delete_initiative, Permission.ACTIVITIES_EDIT),
        ])
        self.view.doubleClicked.connect(lambda _i: self.edit_initiative())
        self.empty = for_list(self, _("No initiatives yet"), _(
            "Record the improvements members propose, with their authors and the benefit "
            "they are expected to bring."), [
            (_("New initiative…"), self.new_initiative, Permission.ACTIVITIES_EDIT)],
            lambda: bool(initiatives.initiative_list(db).page(0, 1)))

    def search_hint(self) -> str:
        return _("Search initiatives by name")

    def query(self, text: str) -> InitiativeQuery:
        return InitiativeQuery(text=text, year=self.year.currentData())

    def source(self, text: str) -> RowSource[InitiativeRow]:
        return initiatives.initiative_list(self.db, self.query(text))

    def footer_text(self, count: int) -> str:
        total = initiatives.total_benefit(self.db, self.query(self.search.text()))
        return _("{count} initiatives — estimated benefit in all {amount}").format(
            count=count, amount=format_vnd(total))

    def new_initiative(self) -> None:
        from ui.dialogs.initiative_dialog import InitiativeDialog

        dialog = InitiativeDialog(self.db, None, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            self.select_record(dialog.saved.uuid)

    def edit_initiative(self) -> None:
        from ui.dialogs.initiative_dialog import InitiativeDialog

        row = current_row(self)
        if row is not None:
            InitiativeDialog(self.db, row.uuid, self).exec()

    def delete_initiative(self) -> None:
        row = current_row(self)
        if row is not None and confirm(self, _("Delete initiative"), _(
                "Delete the initiative “{title}”?").format(title=row.title)):
            db, initiative = self.db, row.uuid
            run_op(self, lambda _a: initiatives.delete_initiative(db, initiative), db=db,
                   changes=Changes.INITIATIVES,
                   said=_("Deleted “{title}”.").format(title=row.title))
