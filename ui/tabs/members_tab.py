"""The Đoàn viên tab: the member register as a window onto the database."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QWidget

from ui.operations import Attempt, Changes, run_op
from ui.roles import needs
from ui.tables.windowed import CENTER, Column, RowSource
from ui.tabs.list_tab import ListTab, combo
from ui.widgets.empty_state import for_list
from unionapp import members as members_service
from unionapp.db import Database
from unionapp.filenames import proposed_path
from unionapp.i18n import N_, _
from unionapp.labels import GENDER, MEMBER_STATUS, label
from unionapp.members import MemberQuery, MemberRow
from unionapp.models import Gender, MemberStatus, OrgKind
from unionapp.org import list_units
from unionapp.permissions import Permission
from unionapp.text import format_birth, format_date, format_vnd

if TYPE_CHECKING:
    from ui.dialogs.transfer_dialogs import TransferOutDialog

COLUMNS: list[Column[MemberRow]] = [
    Column("full_name", N_("Full name"), lambda r: r.full_name, width=220),
    Column("date_of_birth", N_("Date of birth"),
           lambda r: format_birth(r.date_of_birth, r.birth_year), CENTER, 100),
    Column("gender", N_("Gender"), lambda r: label(GENDER, r.gender), CENTER, 70,
           fits=tuple(GENDER.values())),
    Column("org_unit", N_("Union group"), lambda r: r.org_unit, width=260),
    Column("union_role", N_("Union role"), lambda r: r.union_role, width=150),
    Column("job_title", N_("Job title"), lambda r: r.job_title, width=150),
    Column("status", N_("Status"), lambda r: label(MEMBER_STATUS, r.status), width=120,
           fits=tuple(MEMBER_STATUS.values())),
    Column("joined_on", N_("Admission date"), lambda r: format_date(r.joined_on), CENTER, 110),
    Column("card_number", N_("Card number"), lambda r: r.card_number, width=110, hidden=True),
    Column("national_id", N_("CCCD number"), lambda r: r.national_id or "", width=120,
           hidden=True),
    Column("phone", N_("Phone"), lambda r: r.phone, width=110, hidden=True),
    Column("ethnicity", N_("Ethnicity"), lambda r: r.ethnicity, width=80, hidden=True),
    Column("religion", N_("Religion"), lambda r: r.religion, width=90, hidden=True),
]

AGE_BANDS = [  # (label, youngest, oldest), ages counted by year as union statistics do
    (N_("Under 30"), None, 29),
    (N_("30 to 39"), 30, 39),
    (N_("40 to 49"), 40, 49),
    (N_("50 and over"), 50, None),
]


class MembersTab(ListTab):
    settings_key = "members"
    shows = Changes.MEMBERS | Changes.UNITS  # the group's name in each row

    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(db, COLUMNS, parent)
        groups = [(g.name, g.uuid) for g in list_units(db, OrgKind.GROUP)]
        self.group = combo([(_("All groups"), None), *groups])
        self.status = combo([(_("All statuses"), None)]
                            + [(label(MEMBER_STATUS, s), s) for s in MemberStatus.ALL])
        self.status.setCurrentIndex(1)  # the register opens on the members who are active
        self.gender = combo([(_("Men and women"), None)]
                            + [(label(GENDER, g), g) for g in Gender.ALL])
        self.age = combo([(_("All ages"), None)]
                         + [(_(text), (low, high)) for text, low, high in AGE_BANDS])
        self.add_branch_filter()
        for box in (self.group, self.status, self.gender, self.age):
            self.add_filter(box)

        for text, slot, *permission in (
                (_("Add member…"), self.add_member, Permission.MEMBERS_EDIT),
                (_("Open…"), self.open_selected),
                (_("Record a movement…"), self.record_movement, Permission.MEMBERS_EDIT),
                (_("Transfer out…"), self.transfer_out, Permission.MEMBERS_TRANSFER),
                (_("Transfer in…"), self.transfer_in, Permission.MEMBERS_TRANSFER),
                (_("Delete"), self.delete_selected, Permission.MEMBERS_EDIT),
                (_("Import from Excel…"), self.import_file, Permission.MEMBERS_IMPORT),
                (_("Export to Excel…"), self.export_file)):
            button = needs(QPushButton(text), *permission)
            button.clicked.connect(slot)
            self.actions.addWidget(button)
        self.actions.addStretch()
        self.view.doubleClicked.connect(self._open_index)
        self.empty = for_list(self, _("No members yet"), _(
            "Start with the roster: import the Excel file the union keeps (.xlsx, .xls, .ods "
            "or .csv), or add the members one by one."), [
            (_("Import the roster from Excel…"), self.import_file, Permission.MEMBERS_IMPORT),
            (_("Add member…"), self.add_member, Permission.MEMBERS_EDIT)],
            lambda: bool(members_service.member_list(db, MemberQuery()).page(0, 1)))

    def search_hint(self) -> str:
        return _("Search by name — accents not needed, e.g. “nguyen thi hang”")

    def query(self, text: str) -> MemberQuery:
        ages = self.age.currentData() or (None, None)
        # A parent union's branch choice narrows like a group (the unit and those under it).
        return MemberQuery(text=text, org_unit=self.group.currentData() or self.branch(),
                           status=self.status.currentData(), gender=self.gender.currentData(),
                           age_min=ages[0], age_max=ages[1])

    def source(self, text: str) -> RowSource[MemberRow]:
        return members_service.member_list(self.db, self.query(text))

    def footer_text(self, count: int) -> str:
        return _("{count} members shown").format(count=count)

    # -- actions -----------------------------------------------------------------------

    def selected(self) -> MemberRow | None:
        index = self.view.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        return row if isinstance(row, MemberRow) else None

    def open_member(self, member_uuid: uuid.UUID | None) -> None:
        from ui.dialogs.member_dialog import MemberDialog

        dialog = MemberDialog(self.db, member_uuid, self)
        dialog.exec()
        if dialog.saved is not None and member_uuid is None:
            self.select_record(dialog.saved.uuid)

    def add_member(self) -> None:
        self.open_member(None)

    def _open_index(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self.open_member(row.uuid)

    def open_selected(self) -> None:
        row = self.selected()
        if row is not None:
            self.open_member(row.uuid)

    def record_movement(self) -> None:
        from ui.dialogs.member_dialog import MovementDialog

        row = self.selected()
        if row is not None:
            MovementDialog(self.db, row.uuid, self).exec()

    def selected_rows(self) -> list[MemberRow]:
        rows = (self.model.row_at(i.row()) for i in self.view.selectionModel().selectedRows())
        return [r for r in rows if isinstance(r, MemberRow)]

    def transfer_out(self) -> TransferOutDialog | None:
        """The selected members transfer to another branch: the letters and the file."""
        from ui.dialogs.transfer_dialogs import TransferOutDialog

        chosen = self.selected_rows()
        if not chosen:
            QMessageBox.information(self, _("Transfer members out"),
                                    _("Select the members who transfer (Ctrl+click for several)."))
            return None
        dialog = TransferOutDialog(self.db, chosen, self)
        dialog.transferred.connect(self._transferred)
        dialog.open()
        return dialog

    def _transferred(self, result: object) -> None:
        QMessageBox.information(self, _("Transfer members out"), result.text())  # type: ignore[attr-defined]

    def transfer_in(self) -> None:
        from ui.dialogs.transfer_dialogs import transfer_in

        transfer_in(self, self.db)

    def delete_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        answer = QMessageBox.question(self, _("Delete"), _(
            "Delete {name}? Only delete a member entered by mistake: for a member who leaves, "
            "retires or transfers, record a movement instead.").format(name=row.full_name))
        if answer == QMessageBox.StandardButton.Yes:
            db, member = self.db, row.uuid
            run_op(self, lambda _a: members_service.delete_member(db, member), db=db,
                   changes=Changes.MEMBERS,
                   said=_("Deleted {name}.").format(name=row.full_name))

    def import_file(self) -> None:
        from ui.dialogs.import_dialog import ImportDialog

        dialog = ImportDialog(self.db, parent=self)
        dialog.choose_file()
        if dialog.path is not None:
            dialog.exec()

    def export_file(self) -> None:
        from ui.dialogs.personal_export import PersonalExportDialog
        from unionapp.rosters.export import export_members

        choose = PersonalExportDialog(self.db, self)
        if not choose.exec() or choose.choice is None:
            return
        choice = choose.choice
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Export the roster"), str(proposed_path("danh-sach-doan-vien", ".xlsx")),
            _("Excel workbook (*.xlsx);;CSV, UTF-8 (*.csv)"))
        if not name:
            return
        path, db, query = Path(name), self.db, self.query(self.search.text())

        def work(attempt: Attempt) -> int:
            return export_members(db, path, query, national_id=choice.national_id,
                                  phone=choice.phone, purpose=choice.purpose,
                                  progress=attempt.progress)

        run_op(self, work, db=db, label=_("Writing the roster…"), cancellable=True,
               said=lambda count: _("Wrote {count} members to {file}.").format(
                   count=format_vnd(count, unit=False), file=path.name), file=path)
