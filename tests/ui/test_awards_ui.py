"""The Hoạt động & Khen thưởng tab, its dialogs, certificate printing and the PDF preview."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from tests.pdfcheck import pdf_pages, pdf_text
from ui.dialogs import pdf_preview
from ui.dialogs.activity_dialogs import ActivityDialog
from ui.dialogs.award_kinds import AwardKindDialog, AwardKindsDialog
from ui.dialogs.award_register import AwardRegisterDialog
from ui.dialogs.certificate_dialogs import CalibrationDialog, PrintCertificatesDialog
from ui.dialogs.decision_dialogs import AwardEditDialog, DecisionDialog, UnitPickerDialog
from ui.dialogs.initiative_dialog import InitiativeDialog
from ui.dialogs.member_picker import MemberPickerDialog
from ui.main_window import MainWindow
from ui.tabs.activities_tab import ActivitiesSection
from ui.tabs.decisions_tab import DecisionsSection
from ui.widgets.member_awards import MemberAwardsWidget
from unionapp import activities, awards
from unionapp.certificates import print_certificates, print_sample, printer_offset
from unionapp.db import Database
from unionapp.members import MemberQuery, member_list
from unionapp.models import MemberStatus
from unionapp.settings import Settings


def _decision(db: Database, number: str = "15/QĐ-CĐCS") -> awards.DecisionRow:
    return awards.find_decision(db, number)


class Shown(list):
    """(path, printer) of each PDF the GUI asked to preview, and what printing it does."""

    outputs: list[pdf_preview.PreviewOutput | None]


@pytest.fixture
def previews(monkeypatch: pytest.MonkeyPatch) -> Shown:
    """The PDFs the GUI asked to preview (the modal dialog itself is not opened)."""
    shown = Shown()
    shown.outputs = []

    def record(parent: object, path: Path, title: str = "", printer_name: str = "",
               output: pdf_preview.PreviewOutput | None = None) -> None:
        shown.append((Path(path), printer_name))
        shown.outputs.append(output)

    monkeypatch.setattr(pdf_preview, "preview_pdf", record)
    return shown


def test_the_tab_has_activities_decisions_and_initiatives(qtbot: QtBot, demo_db: Database) -> None:
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    tab = window.activities_tab
    assert [tab.inner.tabText(i) for i in range(3)] == ["Hoạt động", "Quyết định khen thưởng",
                                                         "Sáng kiến"]
    for index in range(3):
        tab.inner.setCurrentIndex(index)
        assert tab.model.rowCount() > 0
    assert "486.900.000 đ" in tab.initiatives.footer.text()


def test_activity_dialog_validates_then_saves(qtbot: QtBot, db: Database) -> None:
    dialog = ActivityDialog(db)
    qtbot.addWidget(dialog)
    dialog.starts_on.setText("31/02/2025")
    dialog.save()
    assert dialog.saved is None
    assert "“31/02/2025” không phải ngày có thật" in dialog.problems.text()  # one date rule
    assert "Cần nhập tên hoạt động" in dialog.problems.text()
    dialog.title.setText("Hội nghị viên chức năm 2025")
    dialog.starts_on.setText("20/01/2025")
    dialog.save()
    assert dialog.saved is not None and dialog.saved.starts_on.month == 1
    assert activities.activity_list(db).count() == 1


def test_participants_are_added_from_the_picker_and_by_group(qtbot: QtBot,
                                                             demo_db: Database,
                                                             sync_pool: object) -> None:
    section = ActivitiesSection(demo_db)
    qtbot.addWidget(section)
    section.reload()
    index = next(i for i in range(section.list.model.rowCount())
                 if section.list.model.row_at(i).participants == 0)
    section.list.view.selectRow(index)
    pane = section.participants
    assert pane.activity is not None and pane.model.rowCount() == 0
    picker = MemberPickerDialog(demo_db, "x")
    qtbot.addWidget(picker)
    qtbot.keyClicks(picker.search, "nguyen")
    qtbot.waitUntil(lambda: 0 < picker.model.rowCount() < 280, timeout=3000)
    picker.view.selectRow(0)
    picker.view.selectRow(1)
    picker.take_selected()
    assert len(picker.chosen) == 1  # selectRow replaces the selection
    picker.take_everyone_shown()
    shown = picker.model.rowCount()
    assert len(picker.chosen) == shown
    pane._add(picker.chosen)
    assert pane.model.rowCount() == shown
    assert section.list.model.row_at(section.list.view.currentIndex().row()).participants == shown
    assert "thêm" in pane.footer.text().lower()


def test_decision_dialog_starts_from_the_branch_and_saves(qtbot: QtBot, db: Database) -> None:
    dialog = DecisionDialog(db)
    qtbot.addWidget(dialog)
    assert dialog.issuing_body.text() == "BAN CHẤP HÀNH CÔNG ĐOÀN CƠ SỞ TRƯỜNG THỬ NGHIỆM"
    assert dialog.issuing_superior.text() == "CÔNG ĐOÀN VIÊN CHỨC THÀNH PHỐ HÀ NỘI"
    dialog.save()
    assert dialog.saved is None and "số quyết định" in dialog.problems.text().lower()
    dialog.number.setText("3/QĐ-CĐCS")
    dialog.signer_name.setText("Lê Hồng Hạnh")
    dialog.reason.setPlainText("Đã có thành tích xuất sắc")
    dialog.save()
    assert dialog.saved is not None and dialog.saved.number == "3/QĐ-CĐCS"


def test_recipients_pane_adds_collectives_and_edits_one(qtbot: QtBot, demo_db: Database,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    section = DecisionsSection(demo_db)
    qtbot.addWidget(section)
    section.reload()
    rows = [section.list.model.row_at(i) for i in range(section.list.model.rowCount())]
    section.list.view.selectRow(next(i for i, r in enumerate(rows) if r.number == "15/QĐ-CĐCS"))
    pane = section.recipients
    assert pane.model.rowCount() == 27
    picker = UnitPickerDialog(demo_db)
    qtbot.addWidget(picker)
    units = awards.award_units(demo_db)
    picker.check(units[-1][0])
    picker.take()
    assert picker.chosen == [units[-1][0]]
    def tick(dialog: UnitPickerDialog) -> int:  # the clerk ticks the same collective
        dialog.check(units[-1][0])
        dialog.take()
        return dialog.result()

    monkeypatch.setattr(UnitPickerDialog, "exec", tick)
    pane.add_units()  # a quick operation: written, and the pane shows it, at once
    assert pane.model.rowCount() == 28 and "1" in pane.footer.text()
    first = pane.model.row_at(0)
    editor = AwardEditDialog(demo_db, first)
    qtbot.addWidget(editor)
    editor.amount.setText("1.500.000")
    editor.reason.setPlainText("Tập thể lao động xuất sắc")
    editor.save()
    assert awards.award_list(demo_db, pane.decision.uuid).all()[0].amount == 1_500_000


def test_printing_a_decision_previews_then_numbers_it_when_saved(
        qtbot: QtBot, demo_db: Database, previews: Shown, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.dialogs import certificate_dialogs

    told: list[str] = []
    monkeypatch.setattr(certificate_dialogs, "tell", lambda parent, title, text: told.append(text))
    decision = _decision(demo_db)
    dialog = PrintCertificatesDialog(demo_db, decision, [])
    qtbot.addWidget(dialog)
    assert dialog.all.isChecked() and not dialog.some.isEnabled()
    dialog.start()
    qtbot.waitUntil(lambda: bool(previews), timeout=20000)
    path, _printer = previews[0]
    output = previews.outputs[0]
    assert pdf_pages(path) == 27
    # Issue 12.5: the preview alone takes no number and logs no print.
    assert dialog.summary is None and _decision(demo_db).printed == 0
    assert output is not None and "Số vào sổ dự kiến 1/" in output.note
    # The clerk saves the PDF from the preview: now the register is written.
    preview = pdf_preview.PdfPreviewDialog(None, path, "Giấy khen", output=output)
    qtbot.addWidget(preview)
    with qtbot.waitSignal(dialog.printed, timeout=20000):
        preview.save_copy(tmp_path / "gk.pdf")
    qtbot.waitUntil(lambda: preview.printed == 27, timeout=20000)
    assert dialog.summary is not None and dialog.summary.numbered == 27
    assert _decision(demo_db).printed == 27 and pdf_pages(tmp_path / "gk.pdf") == 27
    assert "Đã ghi vào sổ khen thưởng" in preview.note.text()
    preview.reject()
    # Two chosen recipients again, onto blanks, as one file: reprints, same numbers.
    chosen = [r.uuid for r in awards.award_list(demo_db, decision.uuid).all()[3:5]]
    again = PrintCertificatesDialog(demo_db, _decision(demo_db), chosen)
    qtbot.addWidget(again)
    assert again.some.isChecked()
    again.blank.setChecked(True)
    again.one_file.setChecked(True)
    with qtbot.waitSignal(again.printed, timeout=20000):
        again.start(tmp_path / "two.pdf")
    assert again.summary is not None and (again.summary.reprinted, again.summary.pages) == (2, 2)
    assert "CỘNG HÒA" not in pdf_text(tmp_path / "two.pdf")
    assert "2 giấy in lại" in told[0]
    assert Settings.load().extra["certificate_last"]["design"] == "blank"


def test_preview_shows_pages_saves_and_prints(qtbot: QtBot, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    source = print_sample("giay_khen", tmp_path / "sample.pdf")
    dialog = pdf_preview.PdfPreviewDialog(None, source, "Mẫu")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.pages == 3 and not dialog.canvas.pixmap().isNull()
    first = dialog.canvas.pixmap().cacheKey()
    dialog.next.click()
    assert dialog.page_box.value() == 2 and dialog.canvas.pixmap().cacheKey() != first
    dialog.zoom.setCurrentIndex(4)  # 100 %
    assert dialog.canvas.pixmap().width() > 800
    saved = tmp_path / "copy.pdf"
    proposed: list[str] = []
    monkeypatch.setattr(pdf_preview.QFileDialog, "getSaveFileName",
                        lambda parent, title, start, filters: proposed.append(start) or
                        (str(saved), ""))
    assert dialog.save_copy() == saved
    qtbot.waitUntil(lambda: dialog.printed == 3, timeout=20000)
    assert saved.read_bytes() == source.read_bytes()
    printer = dialog.make_printer()
    assert printer.pageLayout().orientation() == pdf_preview.QPageLayout.Orientation.Landscape
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(150)
    dialog.print_pages(printer, 2, 3)
    qtbot.waitUntil(lambda: dialog.printed == 2, timeout=20000)
    assert pdf_pages(tmp_path / "printed.pdf") == 2


def test_calibration_is_saved_per_printer_and_the_test_page_previewed(
        qtbot: QtBot, previews: list) -> None:
    dialog = CalibrationDialog(printer="Máy in phòng Văn thư")
    qtbot.addWidget(dialog)
    dialog.x.setValue(1.5)
    dialog.y.setValue(-2.0)
    path = dialog.test_page()
    assert previews == [(path, "Máy in phòng Văn thư")] and "+1,5" in pdf_text(path)
    dialog.save()
    assert printer_offset(Settings.load(), "Máy in phòng Văn thư") == (1.5, -2.0)
    again = CalibrationDialog(printer="Máy in phòng Văn thư")
    qtbot.addWidget(again)
    assert (again.x.value(), again.y.value()) == (1.5, -2.0)


def test_award_register_lists_logs_and_exports(qtbot: QtBot, demo_db: Database,
                                               tmp_path: Path) -> None:
    decision = _decision(demo_db)
    print_certificates(demo_db, decision.uuid, out=tmp_path / "a.pdf")
    print_certificates(demo_db, decision.uuid, out=tmp_path / "b.pdf", design="blank")
    dialog = AwardRegisterDialog(demo_db)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 27
    dialog.view.selectRow(0)
    log = dialog.log_text(dialog.current())
    assert "1/" in log and "in lại" in log and "lên phôi" in log
    out = dialog.export(tmp_path / "so.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(out).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "SỔ KHEN THƯỞNG NĂM " + decision.decided_on.strftime("%Y") in values


def test_award_kinds_can_be_added_and_sampled(qtbot: QtBot, db: Database,
                                              previews: list) -> None:
    dialog = AwardKindsDialog(db)
    qtbot.addWidget(dialog)
    before = dialog.table.rowCount()
    editor = AwardKindDialog(db)
    qtbot.addWidget(editor)
    editor.code.setText("LDTT")
    editor.name.setText("Lao động tiên tiến")
    editor.save()
    assert editor.saved is not None
    dialog.reload()
    assert dialog.table.rowCount() == before + 1
    dialog.table.selectRow(0)
    dialog.sample()
    assert previews and pdf_pages(previews[0][0]) == 3


def test_initiative_dialog_with_authors_and_benefit(qtbot: QtBot, demo_db: Database) -> None:
    people = member_list(demo_db, MemberQuery(status=MemberStatus.ACTIVE)).page(0, 2)
    dialog = InitiativeDialog(demo_db)
    qtbot.addWidget(dialog)
    dialog.title.setText("Phần mềm quản lý công văn")
    for person in people:
        dialog.add_author(person.uuid)
    dialog.benefit.setText("12.500.000")
    dialog.save()
    assert dialog.saved is not None and dialog.saved.estimated_benefit == 12_500_000
    assert dialog.saved.authors == ", ".join(p.full_name for p in people)


def test_member_awards_widget(qtbot: QtBot, demo_db: Database) -> None:
    decision = _decision(demo_db)
    person = next(r for r in awards.award_list(demo_db, decision.uuid).all() if r.member_uuid)
    widget = MemberAwardsWidget(demo_db, person.member_uuid)
    qtbot.addWidget(widget)
    assert widget.awards.rowCount() >= 1
    assert widget.awards.item(0, 0).text() in ("15/QĐ-CĐCS", "16/QĐ-CĐCS", "125/QĐ-CĐVC",
                                               "125/QĐ-LĐLĐ")  # the demo's Bằng khen, by date
    assert "Khen thưởng (" in widget.boxes[0].title()
    widget.show_member(uuid.uuid4())  # an unknown member: empty lists, no error
    assert widget.awards.rowCount() == 0


def test_recipients_are_imported_from_a_spreadsheet(qtbot: QtBot, demo_db: Database,
                                                    tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.dialogs import recipient_import
    from unionapp.spreadsheets import Sheet, write_xlsx

    monkeypatch.setattr(recipient_import, "tell", lambda *a: None)
    decision = _decision(demo_db, "16/QĐ-CĐCS")
    on_it = {r.member_uuid for r in awards.award_list(demo_db, decision.uuid).all()}
    people = [m for m in member_list(demo_db, MemberQuery(status=MemberStatus.ACTIVE)).all()
              if m.uuid not in on_it and m.national_id][:3]
    path = tmp_path / "list.xlsx"
    write_xlsx(path, Sheet(headers=["STT", "Họ và tên", "Số CCCD", "Số tiền"], rows=[
        [i + 1, p.full_name, p.national_id, 200000] for i, p in enumerate(people)]
        + [[4, "Không Ai Tên Này", None, None]]))
    dialog = recipient_import.RecipientImportDialog(demo_db, decision.uuid, decision.number,
                                                    path)
    qtbot.addWidget(dialog)
    dialog.load()
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=10000)
    assert dialog.rows_model.rowCount() == 4 and dialog.import_button.isEnabled()
    assert "3 cá nhân" in dialog.summary_label.text()
    dialog.only_problems.setChecked(True)
    assert dialog.rows_model.rowCount() == 1
    dialog.do_import()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10000)
    assert awards.get_decision(demo_db, decision.uuid).persons == decision.persons + 3
