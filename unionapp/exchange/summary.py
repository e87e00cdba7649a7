"""What an import says: on screen, in the import log, and as the command line's JSON.

The JSON is a contract (keys are kept): ``status`` (ok / warning / error), ``dry_run``,
``outcome``, the package (UUID, hash, source, key fingerprint, signature result, sequence,
schema version), integrity per file, counts per entity and in total, conflicts (one by one
and grouped by code), errors and warnings as ``{"code", "message"}``, the backup written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..i18n import N_, _
from ..text import format_count, format_moment
from .format import BY_NAME


def _moment(text: str | None) -> str:
    """The package's creation time (UTC ISO in the manifest) as local dd/mm/yyyy HH:MM."""
    if not text:
        return "—"
    try:
        return format_moment(datetime.fromisoformat(text))
    except ValueError:
        return text[:19]


class Status:
    OK = "ok"
    WARNING = "warning"
    ERROR = "error"


class Outcome:
    CHECKED = "checked"  # dry run: it would be applied
    COMMITTED = "committed"
    ALREADY_IMPORTED = "already_imported"
    SUPERSEDED = "superseded"  # an older package whose content already came in a newer one
    HELD = "held"  # waits for a missing earlier package
    REFUSED = "refused"


OUTCOME_TEXT = {
    Outcome.CHECKED: N_("Checked: the package can be imported (nothing was written yet)."),
    Outcome.COMMITTED: N_("Imported."),
    Outcome.ALREADY_IMPORTED: N_("This package was already imported; nothing changed."),
    Outcome.SUPERSEDED: N_("This is an older package whose content already arrived in a later "
                           "one; nothing changed."),
    Outcome.HELD: N_("Held: an earlier package from this unit is missing. It will be applied "
                     "when the missing one is imported."),
    Outcome.REFUSED: N_("Refused: nothing was changed."),
}

SIGNATURE_TEXT = {
    "valid": N_("valid"),
    "invalid": N_("INVALID"),
    "unknown_key": N_("unknown key"),
    "not_checked": N_("not checked"),
}


@dataclass(frozen=True)
class Message:
    code: str
    message: str
    file: str | None = None
    line: int | None = None
    entity: str | None = None
    uuid: str | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        for key in ("file", "line", "entity", "uuid"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


@dataclass(frozen=True)
class FileCheck:
    path: str
    entity: str
    declared_rows: int
    read_rows: int
    declared_bytes: int
    read_bytes: int
    sha256_ok: bool

    @property
    def ok(self) -> bool:
        return (self.sha256_ok and self.declared_rows == self.read_rows
                and self.declared_bytes == self.read_bytes)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    rejected: int = 0
    conflicts: int = 0

    def as_json(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Conflict:
    code: str
    message: str
    entity: str
    uuid: str
    name: str
    file: str
    line: int
    kept: str  # the version the record holds now: theirs / ours

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


CONFLICT_TEXT = {
    "both_changed": N_("Changed here and by its owner since the last exchange: the owner's "
                       "version was applied, ours is kept in the conflict list until someone "
                       "decides."),
    "update_after_delete": N_("Its owner changed a record deleted here: it stays deleted (not "
                              "brought back); the owner's version is kept in the conflict list "
                              "until someone decides."),
}


@dataclass(frozen=True)
class PackageInfo:
    uuid: str | None = None
    sha256: str = ""
    kind: str | None = None
    source_uuid: str | None = None
    source_code: str = ""
    source_name: str = ""
    key_fingerprint: str = ""
    signature: str = "not_checked"
    sequence: int | None = None
    base_sequence: int | None = None
    schema_version: str | None = None
    app_version: str = ""
    created_at: str | None = None
    full: bool | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "uuid": self.uuid,
            "sha256": self.sha256,
            "kind": self.kind,
            "source": {"uuid": self.source_uuid, "code": self.source_code,
                       "name": self.source_name},
            "key_fingerprint": self.key_fingerprint,
            "signature": self.signature,
            "sequence": self.sequence,
            "base_sequence": self.base_sequence,
            "schema_version": self.schema_version,
            "app_version": self.app_version,
            "created_at": self.created_at,
            "full": self.full,
        }


@dataclass(frozen=True)
class ImportSummary:
    status: str
    dry_run: bool
    outcome: str
    file_name: str = ""
    package: PackageInfo = field(default_factory=PackageInfo)
    files: tuple[FileCheck, ...] = ()
    entities: dict[str, Counts] = field(default_factory=dict)
    conflicts: tuple[Conflict, ...] = ()
    errors: tuple[Message, ...] = ()
    warnings: tuple[Message, ...] = ()
    notes: tuple[Message, ...] = ()
    backup_file: str | None = None
    held_applied: tuple[ImportSummary, ...] = ()

    def total(self, key: str) -> int:
        return sum(getattr(c, key) for c in self.entities.values())

    @property
    def refused(self) -> bool:
        return self.status == Status.ERROR

    def conflict_groups(self) -> list[dict[str, Any]]:
        groups: dict[str, dict[str, Any]] = {}
        for c in self.conflicts:
            group = groups.setdefault(c.code, {"code": c.code, "message": c.message, "count": 0,
                                               "items": []})
            group["count"] += 1
            group["items"].append({"entity": c.entity, "uuid": c.uuid, "name": c.name,
                                   "file": c.file, "line": c.line})
        return list(groups.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "dry_run": self.dry_run,
            "outcome": self.outcome,
            "message": _(OUTCOME_TEXT[self.outcome]),
            "file": self.file_name,
            "package": self.package.as_json(),
            "files": [f.__dict__ | {"ok": f.ok} for f in self.files],
            "entities": {name: c.as_json() for name, c in self.entities.items()},
            "created": self.total("created"),
            "updated": self.total("updated"),
            "deleted": self.total("deleted"),
            "unchanged": self.total("unchanged"),
            "rejected": self.total("rejected"),
            "conflicts": [c.as_json() for c in self.conflicts],
            "conflict_groups": self.conflict_groups(),
            "errors": [e.as_json() for e in self.errors],
            "warnings": [w.as_json() for w in self.warnings],
            "notes": [n.as_json() for n in self.notes],
            "backup_file": self.backup_file,
            "held_applied": [h.as_json() for h in self.held_applied],
        }

    def text(self) -> str:
        """The summary for people (the command line and the preview)."""
        p = self.package
        lines = [_(OUTCOME_TEXT[self.outcome])]
        if p.uuid:
            lines.append(_("Package {uuid} from {code} — {name}").format(
                uuid=p.uuid, code=p.source_code, name=p.source_name))
            lines.append(_("Number {sequence} (builds on {base}), format {schema}, made {at}")
                         .format(sequence=p.sequence, base=p.base_sequence,
                                 schema=p.schema_version, at=_moment(p.created_at)))
            lines.append(_("Signature: {result}; key {fingerprint}").format(
                result=_(SIGNATURE_TEXT.get(p.signature, p.signature)),
                fingerprint=p.key_fingerprint or "—"))
        if p.sha256:
            lines.append(_("SHA-256: {hash}").format(hash=p.sha256))
        for f in self.files:
            if not f.ok:
                lines.append(_("  {path}: declared {declared} rows, read {read}; content "
                               "{state}").format(path=f.path, declared=f.declared_rows,
                                                 read=f.read_rows,
                                                 state=_("intact") if f.sha256_ok
                                                 else _("ALTERED")))
        if self.entities:
            lines.append(_("Created {created}, updated {updated}, deleted {deleted}, unchanged "
                           "{unchanged}, rejected {rejected}, conflicts {conflicts}.").format(
                created=format_count(self.total("created")),
                updated=format_count(self.total("updated")),
                deleted=format_count(self.total("deleted")),
                unchanged=format_count(self.total("unchanged")),
                rejected=format_count(self.total("rejected")),
                conflicts=format_count(len(self.conflicts))))
            for name, c in self.entities.items():
                if any(c.as_json().values()):
                    lines.append("  " + _("{entity}: +{created} ~{updated} −{deleted} "
                                          "={unchanged} ✗{rejected} ⚠{conflicts}").format(
                        entity=_(BY_NAME[name].label) if name in BY_NAME else name,
                        **{k: format_count(v) for k, v in c.as_json().items()}))
        for group in self.conflict_groups():
            lines.append(_("Conflicts ({count}): {message}").format(
                count=group["count"], message=group["message"]))
            for item in group["items"][:20]:
                lines.append(f"  {item['entity']} {item['uuid']} “{item['name']}” "
                             f"({item['file']}:{item['line']})")
        for error in self.errors[:50]:
            lines.append(_("Error: {message}").format(message=error.message))
        if len(self.errors) > 50:
            lines.append(_("… and {count} more errors").format(count=len(self.errors) - 50))
        for warning in self.warnings:
            lines.append(_("Warning: {message}").format(message=warning.message))
        lines.extend(note.message for note in self.notes)
        if self.backup_file:
            lines.append(_("Backup made before importing: {path}").format(path=self.backup_file))
        for held in self.held_applied:
            lines.append(_("Then applied a held package:"))
            lines.extend("  " + line for line in held.text().splitlines())
        return "\n".join(lines)


def status_of(errors: list[Message] | tuple[Message, ...], warnings: Any, conflicts: Any) -> str:
    if errors:
        return Status.ERROR
    if warnings or conflicts:
        return Status.WARNING
    return Status.OK
