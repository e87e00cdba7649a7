"""A data file's lines are read in one pass when the file is well formed; whatever the file
holds, the values (and the errors, line by line) are exactly those of reading each line on
its own."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unionapp.exchange.reader import LineError, ReadFile, _parse_line, split_lines


def _line_by_line(content: bytes) -> list[object]:
    lines = content.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [_parse_line(line) for line in lines]


def _same(content: bytes) -> None:
    got = split_lines(ReadFile("data/x.jsonl", content, ""), 1 << 20)
    assert got == _line_by_line(content)


@pytest.mark.parametrize("content", [
    b"", b"\n", b'{"a":1}', b'{"a":1}\n', b'{"a":1}\n{"b":[1,2]}\n',
    b'{"a":\n1}\n{"b":2}{"c":3}\n',  # a value over two lines, two values on one
    b'1,2\n[3\n4]\n', b'{"a":1}\n\n{"b":2}\n', b'{"a":1} \n', b'{"a":1}\r\n{"b":2}\r\n',
    b'{"a":"\xc3"}\n', b'\xef\xbb\xbf{"a":1}\n', b'{"a":"x\ty"}\n', b'[' * 5000 + b'\n',
    '{"tên":"Nguyễn Thị Hằng"}\n'.encode(), b'"text"\n7\nnull\n',
])
def test_tricky_files_read_as_line_by_line(content: bytes) -> None:
    _same(content)


_PIECES = st.sampled_from(['{"a":1}', '{"b":[1,{"c":null}]}', "[", "]", "{", "}", ",", ":",
                           '"x"', "1", " ", "\n", "\r", "\t", "true", '"đ\\n"', "\x00"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=30))
def test_any_file_reads_as_line_by_line(pieces: list[str]) -> None:
    _same("".join(pieces).encode())


def test_errors_name_their_line() -> None:
    got = split_lines(ReadFile("data/x.jsonl", b'{"a":1}\nnope\n{"b":2}\n', ""), 1 << 20)
    assert got[0] == {"a": 1} and isinstance(got[1], LineError) and got[2] == {"b": 2}
