"""Reading a package that came from outside, without trusting it.

Nothing is extracted to disk. The whole file is read into memory once (bounded), so the bytes
checked are the bytes used, and its SHA-256 names it. Before any entry is decompressed the zip's
directory is checked: no Office document in disguise, entry names from a strict alphabet (no
absolute or drive paths, ``..``, backslashes or directories), no duplicates, no encryption, only
stored or deflated entries, and entries laid end to end exactly as a writer lays them (so
overlapping entries — a known zip-bomb trick — and hidden data are refused). Even before that, the
number of entries is read from the end-of-central-directory record, so a directory claiming
millions of entries is refused before anything is built from it. Entries are then streamed,
counting the bytes really decompressed (the sizes in the zip's headers are not trusted)
against caps per file, in total and per compression ratio; a data file is read only up to the
size its signed manifest gives, hashed as it comes, and refused at the first byte too many.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..i18n import _

KiB, MiB, GiB = 1024, 1024**2, 1024**3
CHUNK = 256 * KiB
_NAME = re.compile(r"[A-Za-z0-9_.\-]+(/[A-Za-z0-9_.\-]+)*")
_DRIVE = re.compile(r"^[A-Za-z]:")
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # 30 bytes
_OFFICE_MARKERS = ("[Content_Types].xml", "mimetype")
_OFFICE_FOLDERS = ("word/", "xl/", "ppt/", "docProps/", "META-INF/")


@dataclass(frozen=True)
class Limits:
    """How much a package may hold. Generous for any real branch (a 100,000-member package is
    about 15 MB zipped, 70 MB unzipped); tests pass smaller ones."""

    max_package_bytes: int = 512 * MiB
    max_entries: int = 64
    max_manifest_bytes: int = 4 * MiB
    max_signature_bytes: int = 1 * KiB
    max_file_bytes: int = 2 * GiB
    max_total_bytes: int = 4 * GiB
    max_ratio: int = 100  # decompressed ÷ compressed bytes of one entry
    ratio_floor: int = 1 * MiB  # entries smaller than this are not held to the ratio
    max_line_bytes: int = 1 * MiB


DEFAULT_LIMITS = Limits()


class Refused(Exception):
    """The package cannot be accepted; ``code`` for programs, ``message`` for people."""

    def __init__(self, code: str, message: str, *, file: str | None = None,
                 line: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.file = file
        self.line = line


def damaged(detail: str = "") -> Refused:
    return Refused("damaged", _("The file is damaged or incomplete (perhaps it was not copied "
                                "to the end). Ask for the file again.")
                   + (f" ({detail})" if detail else ""))


def load_bytes(path: Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The package file's bytes (refused when empty or too large)."""
    try:
        with path.open("rb") as f:
            data = f.read(limits.max_package_bytes + 1)
    except FileNotFoundError:
        raise Refused("not_found", _("There is no file {path}.").format(path=path)) from None
    except OSError as error:
        raise Refused("unreadable", _("Cannot read {path}: {reason}").format(
            path=path, reason=error.strerror or error)) from None
    if not data:
        raise Refused("empty", _("The file is empty (0 bytes): it was not copied properly. "
                                 "Ask for the file again."))
    if len(data) > limits.max_package_bytes:
        raise Refused("too_large", _("The file is larger than a data package can be "
                                     "({limit} MB).").format(limit=limits.max_package_bytes // MiB))
    return data


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_name(name: str) -> str | None:
    """Why an entry name is refused, or None."""
    if name.endswith("/"):
        return _("a folder")
    if name.startswith("/") or _DRIVE.match(name):
        return _("an absolute path")
    if "\\" in name:
        return _("a backslash")
    if ".." in name.split("/") or "." in name.split("/"):
        return _("a “..” part")
    if not _NAME.fullmatch(name):
        return _("characters not allowed in a package")
    return None


class PackageZip:
    """A zip in memory whose directory passed every check; entries are read as streams."""

    def __init__(self, data: bytes, limits: Limits = DEFAULT_LIMITS):
        self.data = data
        self.limits = limits
        self.total_read = 0
        count = entry_count(data)
        if count > limits.max_entries:
            raise Refused("too_many_entries", _("The package has too many files ({count}).")
                          .format(count=count))
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError,
                struct.error, UnicodeDecodeError, IndexError):
            raise damaged() from None
        self.infos = {info.orig_filename: info for info in infos}
        self._check_directory(infos)

    @property
    def names(self) -> list[str]:
        return list(self.infos)

    def _check_directory(self, infos: list[zipfile.ZipInfo]) -> None:
        names = [info.orig_filename for info in infos]
        if any(n in _OFFICE_MARKERS or n.startswith(_OFFICE_FOLDERS) for n in names):
            raise Refused("office_document", _(
                "This file is an office document (Word, Excel…) with another name, not a data "
                "package. Choose the .zip file made with “Export data file”."))
        if len(infos) > self.limits.max_entries:
            raise Refused("too_many_entries", _("The package has too many files ({count}).")
                          .format(count=len(infos)))
        seen: set[str] = set()
        for info in infos:
            name = info.orig_filename
            why = check_name(name)
            if why is not None:
                raise Refused("bad_entry_name", _(
                    "The package holds a file named “{name}”: {why}. A data package never "
                    "does; it is refused.").format(name=name[:100], why=why))
            if name.lower() in seen:
                raise Refused("duplicate_entry", _(
                    "The package holds the file “{name}” twice; it is refused.").format(
                    name=name))
            seen.add(name.lower())
            if info.flag_bits & 0x1:
                raise Refused("encrypted", _("The package is encrypted; data packages never "
                                             "are."))
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise Refused("compression", _("The package uses a kind of compression this "
                                               "program does not read."))
        self._check_layout(infos)

    def _check_layout(self, infos: list[zipfile.ZipInfo]) -> None:
        """Entries must lie end to end from the first byte to the directory: no overlap, no
        gap, each local header naming the same file as the directory."""
        position = 0
        for info in sorted(infos, key=lambda i: i.header_offset):
            offset = info.header_offset
            if offset != position:
                raise Refused("overlapping_entries", _(
                    "The entries of the package overlap or hide data between them (a trick of "
                    "malicious files); it is refused."))
            header = self.data[offset: offset + _LOCAL_HEADER.size]
            if len(header) < _LOCAL_HEADER.size:
                raise damaged()
            fields = _LOCAL_HEADER.unpack(header)
            if fields[0] != b"PK\x03\x04":
                raise damaged()
            name_length, extra_length = fields[9], fields[10]
            start = offset + _LOCAL_HEADER.size
            local_name = self.data[start: start + name_length]
            if local_name != info.orig_filename.encode("ascii"):  # names are ASCII (checked)
                raise Refused("overlapping_entries", _(
                    "The entries of the package overlap or hide data between them (a trick of "
                    "malicious files); it is refused."))
            position = start + name_length + extra_length + info.compress_size
            if info.flag_bits & 0x8:  # a data descriptor follows the data
                signed = self.data[position: position + 4] == b"PK\x07\x08"
                position += (16 if signed else 12) + (8 if info.file_size >= 2**32 else 0)
        if position != self.zip.start_dir or position > len(self.data):
            raise Refused("overlapping_entries", _(
                "The entries of the package overlap or hide data between them (a trick of "
                "malicious files); it is refused."))

    # -- reading entries --------------------------------------------------------------------

    def read_small(self, name: str, cap: int) -> bytes:
        """A small entry (manifest, signature) whole."""
        return b"".join(self.stream(name, cap))

    def stream(self, name: str, cap: int | None = None,
               too_large: Refused | None = None) -> Iterator[bytes]:
        """The decompressed bytes of ``name``, chunk by chunk, counted against the caps;
        past ``cap`` bytes, ``too_large`` is raised (by default: larger than allowed)."""
        info = self.infos[name]
        limit = min(self.limits.max_file_bytes if cap is None else cap,
                    self.limits.max_file_bytes)
        ratio_limit = max(self.limits.max_ratio * max(info.compress_size, 1),
                          self.limits.ratio_floor)
        read = 0
        try:
            with self.zip.open(info) as f:
                while chunk := f.read(min(CHUNK, limit - read + 1)):
                    read += len(chunk)
                    self.total_read += len(chunk)
                    if read > limit:
                        raise too_large or Refused("entry_too_large", _(
                            "The file {name} in the package is larger than allowed; it is "
                            "refused.").format(name=name), file=name)
                    if self.total_read > self.limits.max_total_bytes:
                        raise Refused("too_large_total", _(
                            "The package unpacks to more data than allowed (possibly a "
                            "“zip bomb”); it is refused."), file=name)
                    if read > ratio_limit:
                        raise Refused("compression_ratio", _(
                            "The file {name} in the package unpacks to far more than its "
                            "compressed size (possibly a “zip bomb”); it is refused.").format(
                            name=name), file=name)
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
                NotImplementedError, RuntimeError, struct.error):
            raise damaged(name) from None


@dataclass
class ReadFile:
    """A data file as read: its real size, hash and content (split into lines only once its
    hash has been checked: nothing unverified is parsed)."""

    path: str
    content: bytes
    sha256: str

    @property
    def bytes(self) -> int:
        return len(self.content)

    @property
    def rows(self) -> int:
        newlines = self.content.count(b"\n")
        return newlines + (1 if self.content and not self.content.endswith(b"\n") else 0)


@dataclass(frozen=True)
class LineError:
    message: str


def read_file(package: PackageZip, name: str, signed_bytes: int | None = None) -> ReadFile:
    """Stream ``name`` out of the zip, counting and hashing what really comes out. With
    ``signed_bytes`` (the size the signed manifest gives), a file whose zip header says
    otherwise is refused before anything is decompressed, and reading stops at the first
    byte beyond it: a swapped file costs no more than the genuine one would."""
    differs = Refused("hash_mismatch", _(
        "The content of {name} differs from what the sender signed (the file was damaged or "
        "altered); it is refused.").format(name=name), file=name)
    if signed_bytes is not None and package.infos[name].file_size != signed_bytes:
        raise differs
    digest = hashlib.sha256()
    parts = []
    for chunk in package.stream(name, signed_bytes, differs):
        digest.update(chunk)
        parts.append(chunk)
    return ReadFile(name, b"".join(parts), digest.hexdigest())


_EOCD = struct.Struct("<4s4H2LH")  # end of central directory, 22 bytes
_ZIP64_LOCATOR = struct.Struct("<4sLQL")  # 20 bytes, just before the EOCD
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")  # 56 bytes


def entry_count(data: bytes) -> int:
    """How many entries the zip's end-of-central-directory record announces (the ZIP64 one
    when there is one), read before the directory itself is parsed."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - _EOCD.size - 65535))
    if at < 0 or at + _EOCD.size > len(data):
        raise damaged()
    fields = _EOCD.unpack_from(data, at)
    count = max(fields[3], fields[4])
    if 0xFFFF not in (fields[3], fields[4]) and 0xFFFFFFFF not in (fields[5], fields[6]):
        return count
    locator = at - _ZIP64_LOCATOR.size
    if locator < 0 or data[locator:locator + 4] != b"PK\x06\x07":
        return count
    offset = _ZIP64_LOCATOR.unpack_from(data, locator)[2]
    if offset + _ZIP64_EOCD.size > len(data) or data[offset:offset + 4] != b"PK\x06\x06":
        raise damaged()
    zip64 = _ZIP64_EOCD.unpack_from(data, offset)
    return max(zip64[6], zip64[7])


def split_lines(read: ReadFile, max_line: int) -> list[Any]:
    """The file's lines as JSON values (a ``LineError`` where a line is not a record)."""
    lines = read.content.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if lines and max(map(len, lines)) > max_line:
        raise Refused("line_too_long", _("A line of {name} is too long; the package is "
                                         "refused.").format(name=read.path), file=read.path)
    parsed = _parse_all(read.content, len(lines))
    return parsed if parsed is not None else [_parse_line(line) for line in lines]


def _parse_all(content: bytes, count: int) -> list[Any] | None:
    """Every line of a well-formed file, in one pass over the text decoded once (a third
    quicker than line by line); None at the first doubt (not UTF-8, an empty line, a value
    not ending its line…): the caller then reads line by line to say what is wrong where."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    values: list[Any] = []
    append, scan, at, end = values.append, _SCAN, 0, len(text)
    try:
        while at < end:
            value, at = scan(text, at)
            if at < end and text[at] != "\n":
                return None
            append(value)
            at += 1
    except (StopIteration, ValueError, RecursionError):
        return None
    return values if len(values) == count else None


# The C scanner behind json.loads, called directly: a line is one JSON value, nothing around
# it (json.loads costs several microseconds more per call, which counts over 100,000 lines).
_SCAN = json.JSONDecoder().scan_once


def _parse_line(raw: bytes) -> Any:
    if not raw:
        return LineError(_("the line is empty"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return LineError(_("the line is not UTF-8 text"))
    try:
        value, end = _SCAN(text, 0)
    except (StopIteration, ValueError, RecursionError):
        return LineError(_("the line is not a JSON record"))
    if end != len(text):
        return LineError(_("the line is not a JSON record"))
    return value
