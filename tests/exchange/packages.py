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


def _compressible_chunk(seed: int = 1) -> bytes:
    """1 MiB of record-like lines that deflate about 95:1 (under the importer's ratio cap)."""
    import random

    rnd = random.Random(seed)
    base = b'{"uuid":"5b7f0c1e-8d2a-4e53-9c1f-000000000000","full_name":"Nguyen Van An"}\n'
    out = bytearray()
    line_number = 0
    while len(out) < 1 << 20:
        line = bytearray(base)
        if line_number % 5 == 0:
            line[rnd.randrange(len(line) - 1)] = rnd.randrange(97, 123)
        out += line
        line_number += 1
    return bytes(out[:1 << 20])


def swapped(data: bytes, names: set[str], mebibytes: int, *, honest_header: bool = True
            ) -> bytes:
    """``data`` (a real package, its manifest and signature untouched) with the data files
    ``names`` swapped for ``mebibytes`` MiB of compressible lines each, written by hand as a
    raw deflate stream (the same full-flushed block repeated: gigabytes cost no compression
    time). ``honest_header``: the zip says the real size; otherwise it claims the signed one."""
    import struct
    import zlib

    chunk = _compressible_chunk()
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    ending = zlib.compressobj(6, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    body = io.BytesIO()
    central = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        contents = {info.filename: zf.read(info) for info in infos}
    for info in infos:
        name = info.filename.encode()
        if info.filename in names:
            compressed = block * mebibytes + ending
            size = len(chunk) * mebibytes if honest_header else info.file_size
            crc = 0  # never reached: the reader stops long before the end
        else:
            packer = zlib.compressobj(6, zlib.DEFLATED, -15)
            compressed = packer.compress(contents[info.filename]) + packer.flush()
            size = len(contents[info.filename])
            crc = zlib.crc32(contents[info.filename])
        offset = body.tell()
        body.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x5A21, crc,
                               len(compressed), size, len(name), 0) + name)
        body.write(compressed)
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x5A21, crc,
                                   len(compressed), size, len(name), 0, 0, 0, 0, 0, offset)
                       + name)
    start = body.tell()
    directory = b"".join(central)
    body.write(directory)
    body.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central),
                           len(directory), start, 0))
    return body.getvalue()
