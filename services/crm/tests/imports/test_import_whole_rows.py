"""A row the database refuses is rejected alone, and nothing of it is left behind."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from imports.importer import Importer
from sqlalchemy.exc import DBAPIError

from mia_crm.imports import job as import_job
from support.world import World


async def test_a_row_the_database_refuses_is_rejected_alone(
    world: World, importer: Importer, monkeypatch: pytest.MonkeyPatch
) -> None:
    write = import_job._write

    async def refusing(session: Any, plan: Any, rows: Sequence[Any]) -> Any:
        outcome = await write(session, plan, rows)
        if any(row.values.get("name") == "Boom" for row in rows):
            # After the rows were written: the savepoint must take them back.
            raise DBAPIError("INSERT ...", {}, Exception("value too long for the disk"))
        return outcome

    monkeypatch.setattr(import_job, "_write", refusing)
    data = b"name,phone\nAna,+5511900000001\nBoom,+5511900000002\nBia,+5511900000003\n"

    imported, job = await importer.run(
        data, {"mapping": [{"column": 0, "field": "name"}, {"column": 1, "field": "phone"}]}
    )

    assert imported["counts"] == {
        "total": 3,
        "created": 2,
        "updated": 0,
        "skipped": 0,
        "rejected": 1,
    }
    assert (job["succeeded"], job["failed"]) == (2, 1)
    assert set(await importer.contacts()) == {"+5511900000001", "+5511900000003"}
    report = await importer.report(imported["id"])
    assert report[1][:3] == ["3", "", "could not be stored: value too long for the disk"]
