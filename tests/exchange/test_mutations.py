"""Hypothesis mutates a valid package — flipped bytes, truncations, renamed or added entries,
bytes changed inside a data file — and the importer must never crash and never write,
unless the mutation left the package intact (bytes the zip format ignores)."""

from __future__ import annotations

import shutil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.exchange.conftest import Pair, file_hash
from tests.exchange.packages import build, entries
from unionapp.exchange import import_package

NAMES = st.sampled_from(["../x", "/abs", "C:/x", "a\\b", "data/", "data/member.jsonl",
                         "manifest.json", "data/extra.jsonl", "DATA/MEMBER.JSONL", "x" * 300,
                         "dữ liệu.jsonl", "", "data//x", "./manifest.sig"])


def _mutate(data: st.DataObject, valid: bytes) -> bytes:
    kind = data.draw(st.sampled_from(["flip", "flips", "truncate", "insert", "rename", "add",
                                      "inner"]))
    if kind == "flip":
        at = data.draw(st.integers(0, len(valid) - 1))
        return valid[:at] + bytes([valid[at] ^ data.draw(st.integers(1, 255))]) + valid[at + 1:]
    if kind == "flips":
        out = bytearray(valid)
        for at in data.draw(st.lists(st.integers(0, len(valid) - 1), min_size=2, max_size=20)):
            out[at] ^= 0xA5
        return bytes(out)
    if kind == "truncate":
        return valid[: data.draw(st.integers(0, len(valid) - 1))]
    if kind == "insert":
        at = data.draw(st.integers(0, len(valid)))
        return valid[:at] + data.draw(st.binary(min_size=1, max_size=64)) + valid[at:]
    parts = list(entries(valid).items())
    if kind == "rename":
        i = data.draw(st.integers(0, len(parts) - 1))
        parts[i] = (data.draw(NAMES), parts[i][1])
        return _build(parts)
    if kind == "add":
        return _build([*parts, (data.draw(NAMES), data.draw(st.binary(max_size=100)))])
    i = data.draw(st.integers(0, len(parts) - 1))
    name, content = parts[i]
    if content:
        at = data.draw(st.integers(0, len(content) - 1))
        content = content[:at] + bytes([content[at] ^ 0x20]) + content[at + 1:]
    parts[i] = (name, content)
    return _build(parts)


def _build(parts: list[tuple[str, bytes]]) -> bytes:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are the point here
        try:
            return build(parts)
        except ValueError:  # a name zipfile itself won't write (e.g. empty): keep the original
            return build([(n or "empty", c) for n, c in parts])


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_packages_never_crash_or_write(pair: Pair, data: st.DataObject) -> None:
    state = pair.__dict__.setdefault("_mutation_state", {})
    if not state:
        valid = pair.export().read_bytes()
        state["valid"] = valid
        state["expected"] = import_package(pair.parent.db, valid, dry_run=True)
        state["hash"] = pair.parent.close()
        state["clean"] = str(pair.parent.path) + ".clean"
        shutil.copy(pair.parent.path, state["clean"])
        pair.parent.reopen()
    mutated = _mutate(data, state["valid"])
    summary = import_package(pair.parent.db, mutated)  # must not raise
    after = pair.parent.close()
    if summary.outcome == "committed":
        # Only bytes the zip format ignores were touched: the package is the original one.
        expected = state["expected"]
        assert summary.package.uuid == expected.package.uuid
        assert summary.package.signature == "valid"
        assert {k: v.as_json() for k, v in summary.entities.items()} == {
            k: v.as_json() for k, v in expected.entities.items()}
        shutil.copy(state["clean"], pair.parent.path)
        assert file_hash(pair.parent.path) == state["hash"]
    else:
        assert summary.status == "error", summary.text()
        assert summary.errors[0].message
        assert after == state["hash"], "a refused package changed the database"
    pair.parent.reopen()
