"""Exchange with the parent union by file: signed packages, a dry run before every import,
and no record lost or doubled whatever order, however often, files arrive.

Who sends what
    A branch sends its own records up (its unit, its groups and everything they own) as a
    ``branch_export``; its parent union sends reference data down (its own units, award and
    support kinds, emulation movements) as ``reference_data``. Every record names its owner
    (``owner_uuid``); a package may only carry records its signer owns, inside its subtree.

Files (:mod:`.format`, :mod:`.manifest`)
    One zip: ``manifest.json``, ``manifest.sig`` (Ed25519 over the manifest's exact bytes,
    :mod:`.keys`) and one JSON Lines file per entity plus ``data/tombstones.jsonl`` (deleted
    records travel whole, so a receiver that never saw them still learns they are gone).

Sequences and acknowledgements
    Each source numbers its packages 1, 2, 3… A package says which number it builds on
    (``base_sequence``): 0 for a full export, otherwise the last of the sender's packages the
    receiver has acknowledged — a delta holds everything changed since then, so losing a
    file costs nothing: the next one carries its content again. The parent's reference-data
    packages carry, for each branch, the last branch package it applied (``acks``); importing
    one is how a branch learns what arrived. A receiver applies package *n* built on *b*
    when it has applied *b* or later; ``n`` at or below what it applied is already there
    (same bytes: "already imported"; another package with that number: refused); *b* beyond
    what it applied means packages are missing: *n* is held (in the data folder, never in the
    database) until they come, then applied in order.

Versions, bases and conflicts (table ``exchange_record``, by table and local id)
    ``version`` goes up by one on every local change. Per record, ``base_version`` is the
    last version both sides are known to hold: for a record received, the version applied
    from its owner; for a record of ours, the version in the newest export the receiver
    acknowledged (``pending_version`` holds what the newest unacknowledged export carried,
    promoted to the base when its acknowledgement comes). A delta export is every record of
    ours whose version differs from its base; each line also carries that base.

    On import, by UUID: unknown → created; the same in every field → unchanged; our copy
    still at the base (not changed here) → updated to the owner's version; changed here
    since the base while the owner has nothing newer → unchanged (our change stays);
    changed on both sides → the owner's version is applied and ours kept in
    ``exchange_conflict`` until a person decides (keep ours / take theirs); the owner
    changed a record deleted here → conflict, the record stays deleted (no resurrection).
    Records are written with Core statements in one transaction, with versions and times
    exactly as the package says.

Locks and cost
    An export reads one snapshot and writes its zip holding no lock; only its bookkeeping is
    committed, briefly. An import checks the envelope and whether it would change anything
    before taking a backup (one per batch of packages) and then its write transaction, one per
    package. On PostgreSQL every write transaction takes the writers' advisory lock, as SQLite's
    BEGIN IMMEDIATE does (:mod:`unionapp.db`). What a package costs depends on the package, not
    on the database it goes into, except for the B-tree pages its random UUIDs land on.

Everything here is a plain service, used the same way by the command line, the GUI and the
tests: :func:`export_package`, :func:`import_package` (``dry_run=True`` to check and
preview), the key functions of :mod:`.keys`, and the parent union's views of :mod:`.parent`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .export import ExportResult, export_package
    from .importer import check_package, import_package, import_packages
    from .reader import DEFAULT_LIMITS, Limits
    from .summary import ImportSummary, Outcome, Status

# Where each name lives. They load when first asked for: the window's exchange tab reads the
# parent's views (.parent) without loading signing, zip reading and merging.
_HOMES = {
    "DEFAULT_LIMITS": "reader", "Limits": "reader",
    "ExportResult": "export", "export_package": "export",
    "ImportSummary": "summary", "Outcome": "summary", "Status": "summary",
    "check_package": "importer", "import_package": "importer", "import_packages": "importer",
}

__all__ = [
    "DEFAULT_LIMITS",
    "ExportResult",
    "ImportSummary",
    "Limits",
    "Outcome",
    "Status",
    "check_package",
    "export_package",
    "import_package",
    "import_packages",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{home}", __name__), name)
