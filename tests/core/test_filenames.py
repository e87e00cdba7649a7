"""Proposed file names are valid on Windows and Linux, and sit in the Documents folder."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unionapp.filenames import documents_dir, proposed_path, safe_file_name

# Windows' rules, written out here on their own (not imported from the code under test).
WINDOWS_FORBIDDEN = set('<>:"/\\|?*') | {chr(c) for c in range(32)}
WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                   *(f"LPT{i}" for i in range(1, 10))}


def assert_valid_everywhere(name: str, suffix: str = "") -> None:
    assert name and name.endswith(suffix)
    assert not set(name) & WINDOWS_FORBIDDEN, name
    assert name[-1] not in ". ", name
    assert not name.startswith((".", " ")), name
    assert name.split(".")[0].rstrip(" ").upper() not in WINDOWS_DEVICES, name
    assert len(name.encode("utf-8")) <= 255 and len(name) <= 255
    assert unicodedata.is_normalized("NFC", name)


DECISION_NUMBERS = st.builds(
    lambda n, sign, sep: f"{n}{sep}{sign}",
    st.integers(0, 9999), st.sampled_from(["QĐ-CĐCS", "QĐ-CĐVC", "QĐ/LĐLĐ", "TB", ""]),
    st.sampled_from(["/", "\\", ":", "*", "?", '"', "<", ">", "|", "-", " / "]))
NAMES = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300)
ANY_TEXT = st.one_of(
    NAMES, DECISION_NUMBERS,
    st.sampled_from(["CON", "con", "Con.txt", "NUL", "COM1", "lpt9", "AUX ", "prn.",
                     ". . .", "...", "   ", "", "/", "..\\..\\Windows", "Nguyễn Thị Hạnh.",
                     "Giấy khen — 15/QĐ-CĐCS", "a\x00b", "\u0301", "Tổ 1 | Tổ 2"]))


@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=ANY_TEXT, suffix=st.sampled_from(["", ".pdf", ".xlsx", ".zip", ".key"]))
def test_every_proposed_name_is_valid_and_can_be_created(tmp_path: Path, text: str,
                                                          suffix: str) -> None:
    name = safe_file_name(text, suffix)
    assert_valid_everywhere(name, suffix)
    made = tmp_path / name
    made.write_bytes(b"x")  # really a file name here, not a path into a sub-folder
    assert made.parent == tmp_path and made.is_file()
    made.unlink()


@given(number=DECISION_NUMBERS, person=NAMES)
def test_certificate_and_paper_names_from_decisions_and_people(number: str, person: str) -> None:
    for text in (f"Giấy khen — {number}", f"Phiếu chi — {person}", f"{number}_{person}"):
        assert_valid_everywhere(safe_file_name(text, ".pdf"), ".pdf")


def test_what_a_clerk_sees() -> None:
    assert safe_file_name("Giấy khen — 15/QĐ-CĐCS", ".pdf") == "Giấy khen — 15-QĐ-CĐCS.pdf"
    assert safe_file_name("Phiếu chi — Nguyễn Thị Hạnh", ".pdf") == \
        "Phiếu chi — Nguyễn Thị Hạnh.pdf"
    assert safe_file_name("CON", ".pdf") == "CON_.pdf"
    assert safe_file_name("báo cáo. ", "") == "báo cáo"
    assert safe_file_name("///", ".zip") == "tai-lieu.zip"
    long = safe_file_name("Nguyễn " * 100, ".pdf")
    assert len(long.encode("utf-8")) <= 185 and long.endswith("Nguyễn.pdf")


def test_proposals_sit_in_documents_and_never_overwrite(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNIONAPP_DOCUMENTS_DIR", str(tmp_path))
    first = proposed_path("Giấy khen — 15/QĐ-CĐCS", ".pdf")
    assert first == tmp_path / "Giấy khen — 15-QĐ-CĐCS.pdf"
    first.write_bytes(b"old")
    assert proposed_path("Giấy khen — 15/QĐ-CĐCS", ".pdf").name == \
        "Giấy khen — 15-QĐ-CĐCS (2).pdf"


def test_documents_folder_on_windows_and_when_it_is_gone(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("UNIONAPP_DOCUMENTS_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    onedrive = tmp_path / "OneDrive" / "Tài liệu"
    onedrive.mkdir(parents=True)
    # The Windows known folder, moved to OneDrive: used as it is.
    assert documents_dir(lambda: str(onedrive)) == onedrive
    # Redirected to a network drive that is not connected, or the look-up failing: home.
    assert documents_dir(lambda: str(tmp_path / "Z" / "Documents")) == tmp_path / "home"

    def broken() -> str:
        raise OSError("known folder not found")

    assert documents_dir(broken) == tmp_path / "home"
    # The real look-up of this platform gives a folder that exists.
    assert documents_dir().is_dir()
