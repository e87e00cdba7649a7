"""The awards and certificates commands (a contract: names and JSON keys are kept)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli
from tests.pdfcheck import assert_fonts_embedded, page_size_mm, pdf_pages, pdf_text


def test_awards_list_json_and_certificates_of_a_decision(demo_path: Path, tmp_path: Path) -> None:
    db = str(demo_path)
    decisions = json.loads(run_cli("--db", db, "awards", "list", "--json", check=True).stdout)
    by_number = {d["number"]: d for d in decisions}
    first = by_number["15/QĐ-CĐCS"]
    assert {"uuid", "number", "date", "recipients"} <= set(first)
    assert first["recipients"] == 27 and (first["persons"], first["collectives"]) == (24, 3)
    assert len(first["date"]) == 10 and first["date"][4] == "-"  # ISO

    out = tmp_path / "gk.pdf"
    result = run_cli("--db", db, "certificates", "15/QĐ-CĐCS", "--out", str(out), check=True)
    assert "27" in result.stdout
    assert pdf_pages(out) == 27
    assert_fonts_embedded(out)
    assert tuple(round(v) for v in page_size_mm(out)) == (297, 210)
    shown = json.loads(run_cli("--db", db, "awards", "show", first["uuid"], "--json",
                               check=True).stdout)
    people = [r for r in shown["recipient_list"] if r["type"] == "person"]
    text = pdf_text(out)
    for person in people:
        assert person["name"] in text
    assert sorted(r["serial"] for r in shown["recipient_list"]) == sorted(
        f"{n}/{first['date'][:4]}" for n in range(1, 28))

    # The next decision continues the numbering; printing the first again reprints.
    each = tmp_path / "each"
    second = json.loads(run_cli("--db", db, "certificates", "16/qd-cdcs", "--blank",
                                "--one-file-per-recipient", str(each), "--json",
                                check=True).stdout)
    assert second["first_serial"].startswith("28/") and second["numbered"] == second["pages"]
    assert len(list(each.glob("*.pdf"))) == second["pages"]
    again = json.loads(run_cli("--db", db, "certificates", first["uuid"], "--out",
                               str(tmp_path / "again.pdf"), "--json", check=True).stdout)
    assert (again["numbered"], again["reprinted"]) == (0, 27)
    register = json.loads(run_cli("--db", db, "awards", "register", "--json",
                                  check=True).stdout)
    assert len(register) == 27 + second["pages"]
    assert len({r["serial"] for r in register}) == len(register)
    assert {r["prints"] for r in register if r["decision_number"] == "15/QĐ-CĐCS"} == {2}


def test_certificate_errors_are_vietnamese(demo_path: Path, tmp_path: Path) -> None:
    db = str(demo_path)
    missing = run_cli("--db", db, "certificates", "99/QĐ-CĐCS", "--out", str(tmp_path / "x.pdf"))
    assert missing.returncode == 2 and "Không có quyết định khen thưởng nào số" in missing.stderr
    nowhere = run_cli("--db", db, "certificates", "15/QĐ-CĐCS")
    assert nowhere.returncode == 2 and "--out" in nowhere.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_sample_and_calibration_page_commands(tmp_path: Path) -> None:
    sample = tmp_path / "s.pdf"
    run_cli("awards", "sample", "bang_khen", "--out", str(sample), "--title", "BẰNG KHEN",
            check=True)
    assert "BẰNG KHEN" in pdf_text(sample)
    page = tmp_path / "cal.pdf"
    run_cli("awards", "test-page", "--out", str(page), "--offset-x", "1.5", check=True)
    assert "+1,5" in pdf_text(page)


def test_awards_import_previews_then_adds(demo_path: Path, tmp_path: Path) -> None:
    from unionapp.spreadsheets import Sheet, write_csv

    db = str(demo_path)
    members = json.loads(run_cli("--db", db, "members", "find", "--status", "active", "--json",
                                 check=True).stdout)
    shown = json.loads(run_cli("--db", db, "awards", "show", "16/QĐ-CĐCS", "--json",
                               check=True).stdout)
    on_it = {r["name"] for r in shown["recipient_list"]}
    names = {m["full_name"] for m in members}
    chosen = [m for m in members if m["full_name"] not in on_it and m["national_id"]][:2]
    path = tmp_path / "list.csv"
    write_csv(path, Sheet(headers=["STT", "Họ và tên", "Số CCCD"],
                          rows=[[i + 1, m["full_name"], m["national_id"]]
                                for i, m in enumerate(chosen)]))
    dry = json.loads(run_cli("--db", db, "awards", "import", "16/QĐ-CĐCS", str(path),
                             "--dry-run", "--json", check=True).stdout)
    assert dry["dry_run"] and dry["persons"] == 2 and dry["errors"] == []
    done = run_cli("--db", db, "awards", "import", "16/QĐ-CĐCS", str(path), check=True)
    assert "2" in done.stdout
    after = json.loads(run_cli("--db", db, "awards", "show", "16/QĐ-CĐCS", "--json",
                               check=True).stdout)
    assert after["persons"] == shown["persons"] + 2
    assert names  # the register was read
