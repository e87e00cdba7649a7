"""Taking packages apart and putting them back together, for tests that forge or damage them.

``resign`` rebuilds a package with edited files and manifest and signs it with a given key:
a package its sender really signed, but with content the importer must still refuse.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def build(items: list[tuple[str, bytes]], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zf:
        for name, content in items:
            zf.writestr(zipfile.ZipInfo(name, (2025, 1, 1, 0, 0, 0)), content,
                        compress_type=compression)
    return out.getvalue()


def rows(content: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in content.decode("utf-8").splitlines()]


def lines(items: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n" for r in items)


def manifest_of(data: bytes) -> dict[str, Any]:
    return json.loads(entries(data)["manifest.json"])


def resign(data: bytes, key: Ed25519PrivateKey, *,
           files: Callable[[dict[str, bytes]], None] | None = None,
           manifest: Callable[[dict[str, Any]], None] | None = None) -> bytes:
    """``data`` with its data files and manifest edited in place by the callbacks, the
    manifest's sizes, counts and hashes recomputed, and signed again with ``key``."""
    parts = entries(data)
    content = json.loads(parts.pop("manifest.json"))
    parts.pop("manifest.sig")
    if files is not None:
        files(parts)
    for entry in content["files"]:
        body = parts[entry["path"]]
        entry["bytes"] = len(body)
        entry["rows"] = body.count(b"\n")
        entry["sha256"] = hashlib.sha256(body).hexdigest()
    if manifest is not None:
        manifest(content)
    manifest_bytes = json.dumps(content, ensure_ascii=False, indent=2).encode("utf-8")
    signature = base64.b64encode(key.sign(manifest_bytes)) + b"\n"
    return build([*parts.items(), ("manifest.json", manifest_bytes),
                  ("manifest.sig", signature)])
