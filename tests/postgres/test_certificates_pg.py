"""The award register on PostgreSQL: concurrent print runs never share a serial."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.awardsdata import NAMES, make_decision
from unionapp.certificates import print_certificates, register_list
from unionapp.db import open_database
from unionapp.org import init_database

pytestmark = pytest.mark.postgres


def test_concurrent_numbering_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    with open_database(pg_url, user="tester") as db:
        init_database(db, code="CDCS-PG", name="Công đoàn cơ sở Thử", place="Hà Nội")
        decisions = [make_decision(db, number=f"{n}/QĐ-CĐCS", groups=0, names=NAMES).decision
                     for n in (1, 2, 3, 4)]
        errors: list[BaseException] = []
        start = threading.Barrier(len(decisions))

        def work(i: int) -> None:
            try:
                start.wait()
                print_certificates(db, decisions[i], out=tmp_path / f"{i}.pdf")
            except BaseException as error:  # reported below
                errors.append(error)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(len(decisions))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        numbers = sorted(e.number for e in register_list(db).all())
        assert numbers == list(range(1, len(decisions) * len(NAMES) + 1))
