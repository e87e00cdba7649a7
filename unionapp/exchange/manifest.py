"""The manifest: what a package is, who made it, where it sits in its source's sequence, and
for each data file its size, row count and SHA-256. ``manifest.sig`` signs its exact bytes.

The envelope (``format``, ``schema_version``, ``source``, ``files``) keeps its shape across
versions, so an older program can still check a newer package's integrity before saying
"update the program".
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..i18n import _
from .format import FORMAT_ID, Kind

_SHA = re.compile(r"[0-9a-f]{64}")
_VERSION = re.compile(r"(\d{1,4})\.(\d{1,4})")


class ManifestError(ValueError):
    """The manifest is not what a package of this program has (message for the user)."""


@dataclass(frozen=True)
class FileEntry:
    path: str
    entity: str
    bytes: int
    rows: int
    sha256: str


@dataclass(frozen=True)
class Ack:
    """A parent union's confirmation that it applied a branch's packages up to ``sequence``."""

    org_unit_uuid: uuid.UUID
    sequence: int


@dataclass(frozen=True)
class Manifest:
    package_uuid: uuid.UUID
    kind: str
    schema_version: str
    app_version: str
    source_uuid: uuid.UUID
    source_code: str
    source_name: str
    key_fingerprint: str
    sequence: int
    base_sequence: int
    full: bool
    created_at: datetime
    files: tuple[FileEntry, ...]
    acks: tuple[Ack, ...] = field(default=())

    def to_bytes(self) -> bytes:
        content = {
            "format": FORMAT_ID,
            "schema_version": self.schema_version,
            "app_version": self.app_version,
            "package_uuid": str(self.package_uuid),
            "kind": self.kind,
            "source": {"org_unit_uuid": str(self.source_uuid), "code": self.source_code,
                       "name": self.source_name},
            "key_fingerprint": self.key_fingerprint,
            "sequence": self.sequence,
            "base_sequence": self.base_sequence,
            "full": self.full,
            "created_at": self.created_at.astimezone(UTC).isoformat(),
            "acks": [{"org_unit_uuid": str(a.org_unit_uuid), "sequence": a.sequence}
                     for a in self.acks],
            "files": [{"path": f.path, "entity": f.entity, "bytes": f.bytes, "rows": f.rows,
                       "sha256": f.sha256} for f in self.files],
        }
        return (json.dumps(content, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _get(obj: Any, key: str, kind: type) -> Any:
    value = obj.get(key) if isinstance(obj, dict) else None
    if kind is int and (type(value) is not int or not 0 <= value < 2**31):
        raise ManifestError(_("the manifest's field “{field}” is missing or wrong").format(
            field=key))
    if kind is not int and not isinstance(value, kind):
        raise ManifestError(_("the manifest's field “{field}” is missing or wrong").format(
            field=key))
    return value


def _uuid(obj: Any, key: str) -> uuid.UUID:
    try:
        return uuid.UUID(_get(obj, key, str))
    except ValueError:
        raise ManifestError(_("the manifest's field “{field}” is missing or wrong").format(
            field=key)) from None


def parse_json(data: bytes) -> dict[str, Any]:
    try:
        content = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ManifestError(_("the manifest is not readable")) from None
    if not isinstance(content, dict) or content.get("format") != FORMAT_ID:
        raise ManifestError(_("this is not a data package of this program"))
    return content


def schema_version_of(content: dict[str, Any]) -> tuple[int, int]:
    match = _VERSION.fullmatch(str(content.get("schema_version", "")))
    if not match:
        raise ManifestError(_("the manifest's field “{field}” is missing or wrong").format(
            field="schema_version"))
    return int(match.group(1)), int(match.group(2))


def signer_of(content: dict[str, Any]) -> uuid.UUID:
    """The unit whose key must have signed the manifest (read before it is trusted)."""
    return _uuid(content.get("source"), "org_unit_uuid")


def files_of(content: dict[str, Any]) -> tuple[FileEntry, ...]:
    """The envelope's file list (the same shape in every version)."""
    raw = content.get("files")
    if not isinstance(raw, list) or len(raw) > 1000:
        raise ManifestError(_("the manifest's field “{field}” is missing or wrong").format(
            field="files"))
    entries = []
    for item in raw:
        sha = _get(item, "sha256", str)
        if not _SHA.fullmatch(sha):
            raise ManifestError(_("the manifest's field “{field}” is missing or wrong").format(
                field="sha256"))
        entries.append(FileEntry(path=_get(item, "path", str)[:200],
                                 entity=_get(item, "entity", str)[:50],
                                 bytes=_get(item, "bytes", int), rows=_get(item, "rows", int),
                                 sha256=sha))
    return tuple(entries)


def parse(content: dict[str, Any]) -> Manifest:
    """The whole manifest of this schema's major version."""
    kind = _get(content, "kind", str)
    if kind not in Kind.ALL:
        raise ManifestError(_("unknown kind of package “{kind}”").format(kind=kind[:40]))
    source = content.get("source")
    created_text = _get(content, "created_at", str)
    try:
        created = datetime.fromisoformat(created_text)
    except ValueError:
        created = None
    if created is None or created.tzinfo is None:
        raise ManifestError(_("the manifest's field “{field}” is missing or wrong").format(
            field="created_at"))
    acks = []
    raw_acks = content.get("acks", [])
    if not isinstance(raw_acks, list) or len(raw_acks) > 100_000:
        raise ManifestError(_("the manifest's field “{field}” is missing or wrong").format(
            field="acks"))
    for item in raw_acks:
        acks.append(Ack(_uuid(item, "org_unit_uuid"), _get(item, "sequence", int)))
    full = content.get("full")
    if not isinstance(full, bool):
        raise ManifestError(_("the manifest's field “{field}” is missing or wrong").format(
            field="full"))
    major, minor = schema_version_of(content)
    manifest = Manifest(
        package_uuid=_uuid(content, "package_uuid"),
        kind=kind,
        schema_version=f"{major}.{minor}",
        app_version=str(content.get("app_version", ""))[:40],
        source_uuid=signer_of(content),
        source_code=str(_get(source, "code", str))[:40],
        source_name=str(_get(source, "name", str))[:300],
        key_fingerprint=str(content.get("key_fingerprint", ""))[:50],
        sequence=_get(content, "sequence", int),
        base_sequence=_get(content, "base_sequence", int),
        full=full,
        created_at=created.astimezone(UTC),
        files=files_of(content),
        acks=tuple(acks),
    )
    if manifest.sequence < 1 or manifest.base_sequence >= manifest.sequence:
        raise ManifestError(_("the package's sequence numbers are not consistent"))
    return manifest
