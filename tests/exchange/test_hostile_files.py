"""Packages that are damaged, disguised or malicious are refused with a clear message, and
the database is left byte for byte as it was."""

from __future__ import annotations

import io
import json
import random
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from tests.exchange.conftest import Pair
from tests.exchange.packages import build, entries, lines, resign, rows, swapped
from unionapp.exchange import Limits, import_package
from unionapp.exchange.keys import signing_key


@pytest.fixture
def valid(pair: Pair) -> bytes:
    return pair.export().read_bytes()


def _with(valid: bytes, *extra: tuple[str, bytes], drop: str = "") -> bytes:
    items = [(n, c) for n, c in entries(valid).items() if n != drop]
    return build([*items, *extra])


@pytest.mark.parametrize("name, why", [
    ("../evil.txt", "“..”"),
    ("data/../../evil.txt", "“..”"),
    ("/etc/passwd", "đường dẫn tuyệt đối"),
    ("C:/Windows/evil.dll", "đường dẫn tuyệt đối"),
    ("c:evil", "đường dẫn tuyệt đối"),
    ("data\\member.jsonl", "dấu gạch chéo ngược"),
    ("data/", "thư mục"),
])
def test_bad_entry_names(pair: Pair, valid: bytes, name: str, why: str) -> None:
    summary = pair.refused_unchanged(_with(valid, (name, b"x")), code="bad_entry_name")
    assert why in summary.errors[0].message


def test_extra_entry(pair: Pair, valid: bytes) -> None:
    pair.refused_unchanged(_with(valid, ("data/extra.jsonl", b"{}\n")), code="extra_entry",
                           text="data/extra.jsonl")


def test_missing_entry(pair: Pair, valid: bytes) -> None:
    pair.refused_unchanged(_with(valid, drop="data/member.jsonl"), code="missing_entry",
                           text="data/member.jsonl")


def test_duplicate_entry(pair: Pair, valid: bytes) -> None:
    parts = entries(valid)
    with pytest.warns(UserWarning, match="Duplicate"):
        twice = build([*parts.items(), ("data/member.jsonl", parts["data/member.jsonl"])])
    pair.refused_unchanged(twice, code="duplicate_entry", text="hai lần")


def test_duplicate_entry_differing_only_in_case(pair: Pair, valid: bytes) -> None:
    pair.refused_unchanged(_with(valid, ("DATA/member.jsonl", b"")), code="duplicate_entry")


def test_zip_bomb_by_ratio(pair: Pair, valid: bytes) -> None:
    bomb = b"\n" * (64 * 1024 * 1024)  # 64 MB of nothing, ~64 KB zipped
    parts = entries(valid)
    parts["data/member.jsonl"] = bomb
    unsigned = build(list(parts.items()))
    assert len(unsigned) < 1024 * 1024
    # Not what the sender signed: refused from the zip's header, nothing decompressed.
    pair.refused_unchanged(unsigned, code="hash_mismatch")
    # Signed by the branch itself (its key in wrong hands): the ratio gives it away.
    signed = resign(valid, signing_key(pair.branch.db),
                    files=lambda files: files.update({"data/member.jsonl": bomb}))
    pair.refused_unchanged(signed, code="compression_ratio", text="zip bomb")


def test_zip_bomb_by_total(pair: Pair, valid: bytes) -> None:
    # Incompressible bytes keep every ratio low; the total is what gives it away.
    noise = random.Random(6).randbytes(3 * 1024 * 1024)
    bomb = resign(valid, signing_key(pair.branch.db),
                  files=lambda files: files.update({"data/member.jsonl": noise}))
    before = pair.parent.close()
    db = pair.parent.reopen()
    summary = import_package(db, bomb, limits=Limits(max_total_bytes=2 * 1024 * 1024))
    assert summary.errors[0].code == "too_large_total"
    assert "zip bomb" in summary.errors[0].message
    assert pair.parent.close() == before
    pair.parent.reopen()


def test_zip_bomb_by_file_size(pair: Pair, valid: bytes) -> None:
    summary = import_package(pair.parent.db, valid, limits=Limits(max_file_bytes=1000))
    assert summary.errors[0].code == "entry_too_large"


def _central_records(data: bytes) -> list[int]:
    """Offsets of the central directory's file records."""
    found, at = [], data.find(b"PK\x01\x02")
    while at != -1:
        found.append(at)
        at = data.find(b"PK\x01\x02", at + 4)
    return found


def test_overlapped_entries(pair: Pair, valid: bytes) -> None:
    """Two directory entries sharing one local file (the overlap trick of zip bombs)."""
    data = bytearray(valid)
    with zipfile.ZipFile(io.BytesIO(valid)) as zf:
        offsets = {i.filename: i.header_offset for i in zf.infolist()}
    for record in _central_records(bytes(data)):
        name_length = struct.unpack_from("<H", data, record + 28)[0]
        name = bytes(data[record + 46: record + 46 + name_length]).decode()
        if name == "data/tombstones.jsonl":
            struct.pack_into("<L", data, record + 42, offsets["data/org_unit.jsonl"])
    pair.refused_unchanged(bytes(data), code="overlapping_entries", text="chồng lên nhau")


def test_hidden_bytes_between_entries(pair: Pair, valid: bytes) -> None:
    first = valid.find(b"PK\x03\x04", 4)
    data = valid[:first] + b"HIDDEN" + valid[first:]
    # Point every later offset past the inserted bytes, so the zip still opens.
    fixed = bytearray(data)
    end = fixed.rfind(b"PK\x05\x06")
    struct.pack_into("<L", fixed, end + 16, struct.unpack_from("<L", fixed, end + 16)[0] + 6)
    for record in _central_records(bytes(fixed)):
        offset = struct.unpack_from("<L", fixed, record + 42)[0]
        if offset >= first:
            struct.pack_into("<L", fixed, record + 42, offset + 6)
    pair.refused_unchanged(bytes(fixed), code="overlapping_entries")


def test_truncated_file(pair: Pair, valid: bytes) -> None:
    pair.refused_unchanged(valid[: len(valid) // 2], code="damaged", text="không đầy đủ")


def test_zero_byte_file(pair: Pair, tmp_path: Path) -> None:
    empty = tmp_path / "empty.zip"
    empty.write_bytes(b"")
    pair.refused_unchanged(empty, code="empty", text="0 byte")


def test_missing_file(pair: Pair, tmp_path: Path) -> None:
    pair.refused_unchanged(tmp_path / "nothing.zip", code="not_found")


def test_renamed_docx(pair: Pair, tmp_path: Path) -> None:
    docx = build([
        ("[Content_Types].xml", b'<?xml version="1.0"?><Types xmlns="http://schemas.openxml'
                                b'formats.org/package/2006/content-types"/>'),
        ("_rels/.rels", b"<Relationships/>"),
        ("word/document.xml", "<w:document>Báo cáo</w:document>".encode()),
        ("docProps/core.xml", b"<cp:coreProperties/>"),
    ])
    path = tmp_path / "bao-cao.zip"
    path.write_bytes(docx)
    pair.refused_unchanged(path, code="office_document", text="Word")


def test_not_a_zip_at_all(pair: Pair) -> None:
    pair.refused_unchanged("Xin chào, đây là một tệp văn bản.".encode() * 50, code="damaged")


def test_one_byte_changed_in_a_data_file(pair: Pair, valid: bytes) -> None:
    parts = entries(valid)
    content = bytearray(parts["data/member.jsonl"])
    at = content.find(b'"full_name":"') + len(b'"full_name":"')
    content[at] = ord("X") if content[at] != ord("X") else ord("Y")
    parts["data/member.jsonl"] = bytes(content)
    summary = pair.refused_unchanged(build(list(parts.items())), code="hash_mismatch",
                                     text="data/member.jsonl")
    member_file = next(f for f in summary.files if f.path == "data/member.jsonl")
    assert not member_file.sha256_ok and member_file.read_rows == member_file.declared_rows


def test_one_byte_changed_in_the_zip_itself(pair: Pair, valid: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(valid)) as zf:
        info = zf.getinfo("data/member.jsonl")
    at = info.header_offset + 30 + len(info.filename) + len(info.extra) + 40
    data = bytearray(valid)
    data[at] ^= 0x55
    pair.refused_unchanged(bytes(data), code="damaged")


def test_row_count_differs_from_the_manifest(pair: Pair, valid: bytes) -> None:
    key = signing_key(pair.branch.db)
    forged = resign(valid, key, manifest=lambda m: next(
        f for f in m["files"] if f["path"] == "data/member.jsonl").update(
        rows=next(f for f in m["files"] if f["path"] == "data/member.jsonl")["rows"] + 1))
    pair.refused_unchanged(forged, code="row_count_mismatch")


def test_bad_signature(pair: Pair, valid: bytes) -> None:
    parts = entries(valid)
    manifest = json.loads(parts["manifest.json"])
    manifest["sequence"] = 7  # altered after signing
    parts["manifest.json"] = json.dumps(manifest, indent=2).encode()
    summary = pair.refused_unchanged(build(list(parts.items())), code="bad_signature",
                                     text="Chữ ký không khớp")
    assert summary.package.signature == "invalid"


def test_signature_file_damaged(pair: Pair, valid: bytes) -> None:
    parts = entries(valid)
    parts["manifest.sig"] = b"not base64 at all!"
    pair.refused_unchanged(build(list(parts.items())), code="bad_signature")


def test_unsigned_package(pair: Pair, valid: bytes) -> None:
    pair.refused_unchanged(_with(valid, drop="manifest.sig"), code="not_signed")


def test_unknown_signer(pair: Pair, valid: bytes) -> None:
    """Signed by a key nobody enrolled, claiming to be the enrolled branch."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    forged = resign(valid, Ed25519PrivateKey.generate())
    summary = pair.refused_unchanged(forged, code="bad_signature")
    assert summary.package.signature == "invalid"


def test_package_from_a_branch_not_enrolled(pair: Pair, valid: bytes) -> None:
    key = signing_key(pair.branch.db)
    stranger = "6f1c1d7e-0000-4000-8000-000000000001"
    forged = resign(valid, key, manifest=lambda m: m["source"].update(org_unit_uuid=stranger))
    summary = pair.refused_unchanged(forged, code="unknown_key", text="keys trust")
    assert summary.package.signature == "unknown_key"


def test_newer_schema(pair: Pair, valid: bytes) -> None:
    key = signing_key(pair.branch.db)
    forged = resign(valid, key, manifest=lambda m: m.update(schema_version="2.0"))
    pair.refused_unchanged(forged, code="newer_schema", text="Cập nhật chương trình")


def test_rows_for_another_branchs_subtree(pair: Pair, valid: bytes) -> None:
    """The branch signs a package carrying a record of the other branch's tree."""
    other_package = pair.export(pair.other)
    assert import_package(pair.parent.db, other_package).outcome == "committed"
    key = signing_key(pair.branch.db)
    other_member = rows(entries(other_package.read_bytes())["data/member.jsonl"])[0]
    other_member["full_name"] = "Nguyễn Văn Giả Mạo"
    other_member["version"] += 1

    def add(parts: dict[str, bytes]) -> None:
        parts["data/member.jsonl"] += lines([other_member])

    summary = pair.refused_unchanged(resign(valid, key, files=add), code="foreign_record",
                                     text="Nguyễn Văn Giả Mạo")
    assert summary.entities["member"].rejected == 1


def test_rows_owned_by_the_parent_in_a_branch_package(pair: Pair, valid: bytes) -> None:
    key = signing_key(pair.branch.db)
    parent_uuid = str(pair.parent.db.home_unit_uuid)

    def steal(parts: dict[str, bytes]) -> None:
        members_ = rows(parts["data/member.jsonl"])
        members_[0]["owner_uuid"] = parent_uuid
        parts["data/member.jsonl"] = lines(members_)

    pair.refused_unchanged(resign(valid, key, files=steal), code="foreign_record")


def test_rows_with_wrong_types_are_listed_with_file_and_line(pair: Pair, valid: bytes) -> None:
    key = signing_key(pair.branch.db)

    def spoil(parts: dict[str, bytes]) -> None:
        members_ = rows(parts["data/member.jsonl"])
        members_[2]["date_of_birth"] = "31/12/1990"
        members_[4]["status"] = "vanished"
        members_[5]["org_unit_uuid"] = "00000000-0000-4000-8000-000000000000"
        parts["data/member.jsonl"] = lines(members_)

    summary = pair.refused_unchanged(resign(valid, key, files=spoil), code="invalid_row")
    found = {(e.file, e.line) for e in summary.errors if e.file}
    assert ("data/member.jsonl", 3) in found and ("data/member.jsonl", 5) in found
    assert "data/member.jsonl, dòng 3" in summary.text()


def test_reference_data_in_a_parent_database_is_refused(pair: Pair) -> None:
    # A parent's own package fed back to itself: its own signature, refused.
    pair.refused_unchanged(pair.export(pair.parent), code="own_package")


def test_the_same_record_twice_in_a_package(pair: Pair, valid: bytes) -> None:
    key = signing_key(pair.branch.db)

    def double(parts: dict[str, bytes]) -> None:
        first = parts["data/member.jsonl"].split(b"\n")[0]
        parts["data/member.jsonl"] += first + b"\n"

    pair.refused_unchanged(resign(valid, key, files=double), code="duplicate_record",
                           text="hai lần")


def test_a_deleted_record_outside_the_tombstones_file(pair: Pair, valid: bytes) -> None:
    key = signing_key(pair.branch.db)

    def delete_in_place(parts: dict[str, bytes]) -> None:
        members_ = rows(parts["data/member.jsonl"])
        members_[0]["deleted_at"] = "2025-01-01T00:00:00.000000+00:00"
        parts["data/member.jsonl"] = lines(members_)

    pair.refused_unchanged(resign(valid, key, files=delete_in_place), code="invalid_row",
                           text="tệp bản ghi đã xóa")


@pytest.mark.parametrize("honest_header", [True, False], ids=["header-says-so", "header-lies"])
def test_data_files_swapped_for_huge_ones_are_refused_at_once(pair: Pair, valid: bytes,
                                                              honest_header: bool) -> None:
    """A genuine manifest and signature, two data files swapped for 256 MiB each (80:1, under
    the ratio cap): refused after reading no more than the signed sizes, in little memory."""
    hostile = swapped(valid, {"data/member.jsonl", "data/support_case.jsonl"}, 256,
                      honest_header=honest_header)
    assert len(hostile) < 8 * 1024 * 1024
    tracemalloc.start()
    try:
        summary = import_package(pair.parent.db, hostile)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert summary.refused
    assert summary.errors[0].code == ("hash_mismatch" if honest_header else "damaged")
    assert peak < 16 * 1024 * 1024, f"{peak / 2**20:.0f} MiB to refuse it"
    pair.refused_unchanged(hostile)


def test_a_directory_announcing_too_many_entries_is_refused_before_it_is_parsed(
        pair: Pair, valid: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    from unionapp.exchange import reader

    def never(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the zip's directory was parsed")

    at = valid.rfind(b"PK\x05\x06")
    claims = bytearray(valid)
    struct.pack_into("<2H", claims, at + 8, 65000, 65000)
    monkeypatch.setattr(reader.zipfile, "ZipFile", never)
    summary = import_package(pair.parent.db, bytes(claims))
    assert summary.errors[0].code == "too_many_entries"
    assert "65000" in summary.errors[0].message or "65.000" in summary.errors[0].message


def test_a_zip64_directory_announcing_a_billion_entries_is_refused(pair: Pair,
                                                                  valid: bytes) -> None:
    at = valid.rfind(b"PK\x05\x06")
    size, offset = struct.unpack_from("<2L", valid, at + 12)
    zip64 = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, 10**9, 10**9, size,
                        offset)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, at, 1)
    eocd = bytearray(valid[at:])
    struct.pack_into("<2H", eocd, 8, 0xFFFF, 0xFFFF)
    claims = valid[:at] + zip64 + locator + bytes(eocd)
    pair.refused_unchanged(claims, code="too_many_entries")


EDGE_BASES = [None, 1, 2**31 - 1, 0, -1, 2**31, 2**40, True, 1.0, "3"]


def test_base_versions_follow_one_rule_row_by_row_and_by_column() -> None:
    from unionapp.exchange.format import BadValue, base_versions_ok, check_base_version

    for value in EDGE_BASES:
        try:
            check_base_version(value)
            by_row = True
        except BadValue:
            by_row = False
        assert base_versions_ok([None, 5, value]) == by_row, value


@pytest.mark.parametrize("base", [2**40, 0, -3])
def test_a_base_version_out_of_range_is_refused(pair: Pair, valid: bytes, base: int) -> None:
    """Column-wise, a base version was only checked to be a number: 2⁴⁰ passed there and was
    refused row by row."""
    def spoil(parts: dict[str, bytes]) -> None:
        found = rows(parts["data/member.jsonl"])
        found[3]["base_version"] = base
        parts["data/member.jsonl"] = lines(found)

    summary = pair.refused_unchanged(resign(valid, signing_key(pair.branch.db), files=spoil),
                                     code="invalid_row", text="base_version")
    assert ("data/member.jsonl", 4) in {(e.file, e.line) for e in summary.errors}
