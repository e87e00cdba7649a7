"""Award decisions (quyết định khen thưởng) with their recipients, and printing their
certificates."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QWidget

from ui.operations import Changes, run_op
from ui.tables.windowed import CENTER, RIGHT, Column, RowSource
from ui.tabs.list_tab import ListTab, combo
from ui.tabs.sections import (
    DetailPane,
    MasterDetail,
    add_buttons,
    added_text,
    confirm,
    current_row,
    selected_rows,
)
from ui.widgets.empty_state import for_list
from unionapp import awards
from unionapp.activities import AddSummary
from unionapp.awards import RECIPIENT_TYPE, AwardRow, DecisionQuery, DecisionRow
from unionapp.db import Database
from unionapp.i18n import N_, _
from unionapp.labels import label
from unionapp.permissions import Permission
from unionapp.text import format_date, format_vnd

COLUMNS: list[Column[DecisionRow]] = [
    Column("number", N_("Decision no."), lambda r: r.number, width=130),
    Column("decided_on", N_("Date"), lambda r: format_date(r.decided_on), CENTER, 95),
    Column("award_kind", N_("Award kind"), lambda r: r.award_kind, width=260),
    Column("recipients", N_("Recipients"), lambda r: r.recipients, RIGHT, 90),
    Column("collectives", N_("Of which collectives"), lambda r: r.collectives, RIGHT, 90,
           hidden=True),
    Column("printed", N_("Printed"), lambda r: r.printed, RIGHT, 80),
    Column("issuing_body", N_("Issued by"), lambda r: r.issuing_body, width=260, hidden=True),
    Column("reason", N_("Reason"), lambda r: r.reason, width=400),
]

RECIPIENT_COLUMNS: list[Column[AwardRow]] = [
    Column("type", N_("Type"), lambda r: label(RECIPIENT_TYPE, r.recipient_type), width=80),
    Column("name", N_("Name"), lambda r: r.name, width=250),
    Column("unit", N_("Group / unit"), lambda r: r.unit, width=250),
    Column("amount", N_("Prize money"), lambda r: format_vnd(r.amount) if r.amount else "",
           RIGHT, 110),
    Column("serial", N_("Register no."), lambda r: r.serial, CENTER, 100),
    Column("prints", N_("Prints"), lambda r: r.prints or "", RIGHT, 60),
    Column("reason", N_("Own reason"), lambda r: r.reason, width=260),
    Column("note", N_("Note"), lambda r: r.note, width=150, hidden=True),
]


class DecisionListTab(ListTab):
    settings_key = "decisions"
    shows = Changes.AWARDS

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(db, COLUMNS, parent)
        years = sorted({r.decided_on.year for r in awards.decision_list(db).all()}, reverse=True)
        self.year = combo([(_("All years"), None)] + [(str(y), y) for y in years])
        self.add_filter(self.year)
        self.buttons = add_buttons(self, [
            (_("New decision…"), self.new_decision, Permission.AWARDS_ISSUE),
            (_("Edit…"), self.edit_decision),
            (_("Delete"), self.delete_decision, Permission.AWARDS_ISSUE),
            ("", lambda: None),
            (_("Print certificates…"), self.print_certificates, Permission.CERTIFICATES_PRINT),
            (_("Award register…"), self.open_register),
            (_("Award kinds…"), self.open_kinds, Permission.AWARDS_EDIT),
            (_("Printer calibration…"), self.open_calibration),
        ])
        self.view.doubleClicked.connect(lambda _i: self.edit_decision())
        self.empty = for_list(self, _("No award decisions yet"), _(
            "Enter a decision once it is signed (its number, date and award kind), add the "
            "members or collectives it rewards, then print their certificates."), [
            (_("New decision…"), self.new_decision, Permission.AWARDS_ISSUE)],
            lambda: bool(awards.decision_list(db).page(0, 1)))

    def search_hint(self) -> str:
        return _("Search by decision number or reason")

    def source(self, text: str) -> RowSource[DecisionRow]:
        return awards.decision_list(self.db, DecisionQuery(text=text,
                                                           year=self.year.currentData()))

    def footer_text(self, count: int) -> str:
        return _("{count} decisions").format(count=count)

    def new_decision(self) -> None:
        from ui.dialogs.decision_dialogs import DecisionDialog

        dialog = DecisionDialog(self.db, None, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            self.select_record(dialog.saved.uuid)

    def edit_decision(self) -> None:
        from ui.dialogs.decision_dialogs import DecisionDialog

        row = current_row(self)
        if row is not None:
            DecisionDialog(self.db, row.uuid, self).exec()

    def delete_decision(self) -> None:
        row = current_row(self)
        if row is None or not confirm(self, _("Delete decision"), _(
                "Delete the decision {number} and its list of recipients?").format(
                    number=row.number)):
            return
        db, decision = self.db, row.uuid  # backed up first: off the GUI thread
        run_op(self, lambda _a: awards.delete_decision(db, decision), db=db,
               changes=Changes.AWARDS, label=_("Deleting…"),
               said=_("Deleted the decision {number}.").format(number=row.number))

    def print_certificates(self, award_uuids: list[uuid.UUID] | None = None) -> None:
        from ui.dialogs.certificate_dialogs import PrintCertificatesDialog

        row = current_row(self)
        if row is None:
            return
        PrintCertificatesDialog(self.db, row, award_uuids or [], self).exec()

    def open_register(self) -> None:
        from ui.dialogs.award_register import AwardRegisterDialog

        AwardRegisterDialog(self.db, self).exec()

    def open_kinds(self) -> None:
        from ui.dialogs.award_kinds import AwardKindsDialog

        AwardKindsDialog(self.db, self).exec()

    def open_calibration(self) -> None:
        from ui.dialogs.certificate_dialogs import CalibrationDialog

        CalibrationDialog(self).exec()


class RecipientsTab(DetailPane):
    """The recipients of the decision selected above."""

    settings_key = "recipients"
    shows = Changes.AWARDS | Changes.MEMBERS | Changes.UNITS
    print_requested = Signal(list)  # the awards chosen: print their certificates

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(db, RECIPIENT_COLUMNS, parent)
        self.set_buttons([
            (_("Add members…"), self.add_members, Permission.AWARDS_EDIT),
            (_("Add collectives…"), self.add_units, Permission.AWARDS_EDIT),
            (_("Import from Excel…"), self.import_file, Permission.AWARDS_EDIT),
            (_("Edit…"), self.edit_award, Permission.AWARDS_EDIT),
            (_("Remove from the decision"), self.remove, Permission.AWARDS_EDIT),
            ("", lambda: None),
            (_("Print for the selected…"), self.print_selected, Permission.CERTIFICATES_PRINT),
        ])

    @property
    def decision(self) -> DecisionRow | None:
        return self.master  # type: ignore[no-any-return]

    def search_hint(self) -> str:
        return _("Search recipients by name")

    def rows_of(self, master: DecisionRow, text: str) -> RowSource[AwardRow]:
        return awards.award_list(self.db, master.uuid, text)

    def hint(self) -> str:
        return _("Choose a decision above to see its recipients.")

    def count_text(self, count: int, master: DecisionRow) -> str:
        return _("{count} recipients of decision {number}").format(count=count,
                                                                   number=master.number)

    def open_selected(self) -> None:
        self.edit_award()

    def add_members(self) -> None:
        from ui.dialogs.member_picker import pick_members

        if self.decision is None:
            return
        chosen = pick_members(self.db, _("Add members to decision {number}").format(
            number=self.decision.number), self)
        if chosen:
            self.add_member_uuids(chosen)

    def _run_add(self, add: Callable[[], AddSummary], label: str | None) -> None:
        run_op(self, lambda _a: add(), db=self.db, changes=Changes.AWARDS, said=added_text,
               on_done=lambda s: self.tell(added_text(s)), label=label)

    def add_member_uuids(self, member_uuids: list[uuid.UUID]) -> None:
        assert self.decision is not None
        db, decision = self.db, self.decision.uuid
        self._run_add(lambda: awards.add_member_recipients(db, decision, member_uuids),
                      _("Adding recipients…"))

    def add_units(self) -> None:
        from ui.dialogs.decision_dialogs import UnitPickerDialog

        if self.decision is None:
            return
        dialog = UnitPickerDialog(self.db, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.chosen:
            return
        db, decision, chosen = self.db, self.decision.uuid, dialog.chosen
        self._run_add(lambda: awards.add_unit_recipients(db, decision, chosen), None)

    def import_file(self) -> None:
        from ui.dialogs.recipient_import import RecipientImportDialog

        if self.decision is None:
            return
        dialog = RecipientImportDialog(self.db, self.decision.uuid, self.decision.number,
                                       parent=self)
        dialog.choose_file()
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result is not None:
            self.tell(added_text(AddSummary(dialog.result.added, dialog.result.already)))

    def edit_award(self) -> None:
        from ui.dialogs.decision_dialogs import AwardEditDialog

        rows = selected_rows(self)
        if len(rows) == 1:
            AwardEditDialog(self.db, rows[0], self).exec()

    def remove(self) -> None:
        rows = selected_rows(self)
        if not rows:
            return
        printed = sum(1 for r in rows if r.serial)
        text = _("Take the {count} selected off the decision?").format(count=len(rows))
        if printed:
            text += "\n" + _("{count} of them have a printed certificate: its line stays in the "
                             "award register, marked as removed.").format(count=printed)
        if confirm(self, _("Remove recipients"), text):
            db, chosen = self.db, [r.uuid for r in rows]  # many: backed up first, off the GUI
            run_op(self, lambda _a: awards.remove_awards(db, chosen), db=db,
                   changes=Changes.AWARDS, label=_("Deleting…"))

    def print_selected(self) -> None:
        self.print_requested.emit([r.uuid for r in selected_rows(self)])


class DecisionsSection(MasterDetail):
    def __init__(self, db: Database):
        self.list = DecisionListTab(db)
        self.recipients = RecipientsTab(db)
        super().__init__(self.list, self.recipients)
        self.recipients.print_requested.connect(self.list.print_certificates)
