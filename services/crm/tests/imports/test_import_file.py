"""A CSV as people export it, with every kind of bad row: counts and report match exactly."""

from __future__ import annotations

import uuid

from imports.importer import Importer

from support.world import World

# Excel in Brazil: Windows-1252, semicolons, CRLF, a quoted cell with a line break.
HEADER = "Nome;Telefone;E-mail;Plano;Observações\r\n"
ROWS = [
    "Ana Souza;(11) 98765-4321;ana@example.com;Ouro;ok",  # 2 created
    'João Araújo;11 8765-4321;;Prata;"linha 1\r\nlinha 2"',  # 3 created (quoted newline)
    "Maria;+55 21 99876-5432; MARIA@Example.COM ;;",  # 4 created, email normalized
    "Email ruim;(11) 91234-5678;not-an-email;;",  # 5 rejected: E-mail
    "Telefone ruim;12;x@y.com;;",  # 6 rejected: Telefone
    "Plano ruim;(11) 93333-4444;;Diamante;",  # 7 rejected: Plano
    "Tudo ruim;abc;nope;Diamante;",  # 8 rejected: three cells
    "Sem telefone;;z@z.com;;",  # 9 rejected: no phone
    ";;;;",  # 10 blank: ignored
    "Ana de novo;(11) 98765-4321;ana2@example.com;;",  # 11 same phone as 2: updates it
    "Já cliente;(11) 95555-0000;;;",  # 12 an existing contact: updated
]
FILE = (HEADER + "\r\n".join(ROWS) + "\r\n").encode("cp1252")
MAPPING = [
    {"column": 0, "field": "name"},
    {"column": 1, "field": "phone"},
    {"column": 2, "field": "email"},
    {"column": 3, "field": "fields.plano"},
]


async def test_every_kind_of_bad_row_is_reported_and_the_good_ones_imported(
    world: World, importer: Importer
) -> None:
    await importer.field("plano", "Plano", "select", ["Ouro", "Prata"])
    vip = await importer.tag("VIP")
    existing = await importer.contact(
        name="Old name", phone="+5511955550000", email="keep@example.com"
    )

    uploaded = await importer.upload(FILE)

    assert uploaded["encoding"] == "cp1252"
    assert uploaded["delimiter"] == ";"
    assert uploaded["has_header"] is True
    assert [c["header"] for c in uploaded["columns"]] == [
        "Nome",
        "Telefone",
        "E-mail",
        "Plano",
        "Observações",
    ]
    assert [c["suggested"] for c in uploaded["columns"]] == [
        "name",
        "phone",
        "email",
        "fields.plano",
        None,
    ]
    preview = {row["row_number"]: row for row in uploaded["preview"]}
    assert preview[3]["values"][4] == "linha 1\r\nlinha 2"
    assert preview[2]["errors"] == []
    assert preview[5]["errors"] == [
        {"column": "E-mail", "reason": "'not-an-email' is not an email address"}
    ]

    started = await importer.start(
        uploaded["id"], {"mapping": MAPPING, "tags": [str(vip.id)], "on_existing": "update"}
    )
    job = await importer.finished(started["job_id"])
    after = await world.get(f"/api/v1/imports/{uploaded['id']}")

    assert job["status"] == "succeeded", job
    assert after["status"] == "succeeded"
    assert after["counts"] == {
        "total": 10,
        "created": 3,
        "updated": 2,
        "skipped": 0,
        "rejected": 5,
    }
    assert (job["total"], job["processed"], job["succeeded"], job["failed"]) == (10, 10, 5, 5)
    assert job["percent"] == 100.0
    assert job["result"]["created"] == 3

    report = await importer.report(uploaded["id"])
    assert report[0] == [
        "row",
        "column",
        "reason",
        "Nome",
        "Telefone",
        "E-mail",
        "Plano",
        "Observações",
    ]
    assert [(line[0], line[1]) for line in report[1:]] == [
        ("5", "E-mail"),
        ("6", "Telefone"),
        ("7", "Plano"),
        ("8", "Telefone"),
        ("8", "E-mail"),
        ("8", "Plano"),
        ("9", "Telefone"),
    ]
    reasons = {(line[0], line[1]): line[2] for line in report[1:]}
    assert reasons[("6", "Telefone")] == "'12' is not a phone number"
    assert reasons[("7", "Plano")] == "'Diamante' is not one of the options"
    assert reasons[("9", "Telefone")] == "no phone number or user id"
    assert report[1][3:] == ["Email ruim", "(11) 91234-5678", "not-an-email", "", ""]

    contacts = await importer.contacts()
    assert set(contacts) == {
        "+5511987654321",
        "+551187654321",
        "+5521998765432",
        "+5511955550000",
    }
    ana = contacts["+5511987654321"]
    assert (ana.name, ana.email, ana.fields) == (
        "Ana de novo",
        "ana2@example.com",
        {"plano": "Ouro"},
    )
    joao = contacts["+551187654321"]
    assert (joao.name, joao.fields) == ("João Araújo", {"plano": "Prata"})
    assert contacts["+5521998765432"].email == "maria@example.com"
    updated = contacts["+5511955550000"]
    assert updated.id == existing.id
    # A blank cell keeps what the contact had.
    assert (updated.name, updated.email) == ("Já cliente", "keep@example.com")
    for contact in contacts.values():
        assert await importer.tags_of(contact.id) == {vip.id}


async def test_skip_leaves_existing_contacts_as_they_were(world: World, importer: Importer) -> None:
    await importer.field("plano", "Plano", "select", ["Ouro", "Prata"])
    existing = await importer.contact(name="Old name", phone="+5511955550000")

    imported, _ = await importer.run(FILE, {"mapping": MAPPING, "on_existing": "skip"})

    assert imported["counts"] == {
        "total": 10,
        "created": 3,
        "updated": 0,
        "skipped": 2,
        "rejected": 5,
    }
    contacts = await importer.contacts()
    assert contacts["+5511955550000"].name == "Old name"
    assert contacts["+5511955550000"].id == existing.id
    # The second row with Ana's phone was skipped: the first one's values stay.
    assert contacts["+5511987654321"].name == "Ana Souza"
    assert await importer.tags_of(existing.id) == set()


async def test_utf8_with_bom_commas_and_crlf(world: World, importer: Importer) -> None:
    text = 'Name,Phone,Email\r\n"Zoë, the first",+55 11 91111-2222,zoe@example.com\r\n'
    data = b"\xef\xbb\xbf" + text.encode("utf-8")

    uploaded = await importer.upload(data)
    assert (uploaded["encoding"], uploaded["delimiter"]) == ("utf-8-sig", ",")
    assert uploaded["columns"][0]["header"] == "Name"

    imported, _ = await importer.run(
        data,
        {"mapping": [{"column": 0, "field": "name"}, {"column": 1, "field": "phone"}]},
    )
    assert imported["counts"]["created"] == 1
    assert (await importer.contacts())["+5511911112222"].name == "Zoë, the first"


async def test_latin1_and_tabs_read_as_windows_1252(world: World, importer: Importer) -> None:
    # \x81 is undefined in Windows-1252: read as Latin-1 rather than failing.
    data = (
        "Nome\tCelular\r\nConceição\t(21) 97777-8888\r\n".encode("latin-1")
        + b"X\x81\t21 3333-4444\r\n"
    )

    uploaded = await importer.upload(data)
    assert (uploaded["encoding"], uploaded["delimiter"]) == ("cp1252", "\t")
    assert [c["suggested"] for c in uploaded["columns"]] == ["name", "phone"]

    imported, _ = await importer.run(
        data, {"mapping": [{"column": 0, "field": "name"}, {"column": 1, "field": "phone"}]}
    )
    assert imported["counts"]["created"] == 2
    contacts = await importer.contacts()
    assert contacts["+5521977778888"].name == "Conceição"
    assert contacts["+552133334444"].name == "X\x81"


async def test_phone_numbers_use_the_tenants_default_country(
    world: World, importer: Importer
) -> None:
    await importer.default_country("US")
    data = b"phone,name\n(415) 555-0100,Sam\n+55 11 98765-4321,Bia\n"

    imported, _ = await importer.run(
        data, {"mapping": [{"column": 0, "field": "phone"}, {"column": 1, "field": "name"}]}
    )

    assert imported["counts"]["created"] == 2
    assert set(await importer.contacts()) == {"+14155550100", "+5511987654321"}


async def test_a_file_without_header_gets_suggestions_from_its_rows(
    world: World, importer: Importer
) -> None:
    data = b"Ana;(11) 98765-4321;ana@example.com\nBia;(11) 98765-4322;bia@example.com\n"

    uploaded = await importer.upload(data)

    assert uploaded["has_header"] is False
    assert [c["header"] for c in uploaded["columns"]] == ["Column 1", "Column 2", "Column 3"]
    assert [c["suggested"] for c in uploaded["columns"]] == [None, "phone", "email"]
    assert [row["row_number"] for row in uploaded["preview"]] == [1, 2]
    started = await importer.start(
        uploaded["id"],
        {"mapping": [{"column": 0, "field": "name"}, {"column": 1, "field": "phone"}]},
    )
    job = await importer.finished(started["job_id"])
    assert job["succeeded"] == 2


async def test_user_ids_profile_columns_and_first_last_names(
    world: World, importer: Importer
) -> None:
    data = (
        "Primeiro nome,Sobrenome,User ID,Idioma,Fuso horário,Estágio,Origem\n"
        "Ana,Lima,BR.123,pt_br,america/sao_paulo,Cliente,feira\n"
        "Bia,,BR.456,klingon!,Mars/Olympus,nope,x\n"
    ).encode()

    uploaded = await importer.upload(data)
    mapping = [{"column": i, "field": c["suggested"]} for i, c in enumerate(uploaded["columns"])]
    assert [m["field"] for m in mapping] == [
        "first_name",
        "last_name",
        "user_id",
        "language",
        "time_zone",
        "lifecycle_stage",
        "source",
    ]
    started = await importer.start(uploaded["id"], {"mapping": mapping})
    await importer.finished(started["job_id"])
    imported = await world.get(f"/api/v1/imports/{uploaded['id']}")

    assert imported["counts"]["created"] == 1
    assert imported["counts"]["rejected"] == 1
    ana = (await importer.contacts())["BR.123"]
    assert (ana.name, ana.language, ana.time_zone, ana.lifecycle_stage, ana.source) == (
        "Ana Lima",
        "pt-BR",
        "America/Sao_Paulo",
        "customer",
        "feira",
    )
    report = await importer.report(uploaded["id"])
    assert [line[1] for line in report[1:]] == ["Idioma", "Fuso horário", "Estágio"]


async def test_consent_is_recorded_but_never_reopens_an_opt_out(
    world: World, importer: Importer
) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import select

    from mia_common.contracts.contacts import ConsentChannel, ConsentSource, ConsentStatus
    from mia_crm.consent.service import record_consent
    from mia_crm.models import ContactConsent

    stopped = await importer.contact(phone="+5511900000001")
    async with importer.sessions() as session, session.begin():
        await record_consent(
            session,
            tenant_id=world.tenant_id,
            contact_id=stopped.id,
            channel=ConsentChannel.WHATSAPP,
            status=ConsentStatus.OPTED_OUT,
            source=ConsentSource.KEYWORD,
            actor_user_id=None,
            occurred_at=datetime.now(UTC),
            contacts_topic=world.settings.contacts_topic,
        )
    data = b"phone\n+5511900000001\n+5511900000002\n"

    await importer.run(
        data,
        {
            "mapping": [{"column": 0, "field": "phone"}],
            "consent": {"channel": "whatsapp", "status": "opted_in"},
        },
    )

    async with importer.sessions() as session:
        rows = (
            await session.execute(
                select(
                    ContactConsent.contact_id, ContactConsent.status, ContactConsent.source
                ).where(ContactConsent.tenant_id == world.tenant_id)
            )
        ).all()
    by_contact = {row[0]: (row[1], row[2]) for row in rows}
    contacts = await importer.contacts()
    assert by_contact[stopped.id] == ("opted_out", "keyword")
    assert by_contact[contacts["+5511900000002"].id] == ("opted_in", "import")


async def test_refusals_of_the_upload_and_the_start(world: World, importer: Importer) -> None:
    headers = world.agent.headers
    multipart = await world.client.post(
        "/api/v1/imports", files={"file": ("a.csv", b"phone\n1\n")}, headers=headers
    )
    assert multipart.status_code == 415
    assert multipart.json()["code"] == "unsupported_file_type"
    empty = await world.client.post(
        "/api/v1/imports", content=b"", headers={**headers, "Content-Type": "text/csv"}
    )
    assert empty.status_code == 422
    assert empty.json()["code"] == "empty_file"

    uploaded = await importer.upload(b"name,phone\nAna,11987654321\n")
    url = f"/api/v1/imports/{uploaded['id']}/start"
    for body, code in [
        ({"mapping": [{"column": 0, "field": "name"}]}, "invalid_mapping"),
        ({"mapping": [{"column": 5, "field": "phone"}]}, "invalid_mapping"),
        ({"mapping": [{"column": 1, "field": "fields.nope"}]}, "invalid_mapping"),
        (
            {"mapping": [{"column": 0, "field": "phone"}, {"column": 1, "field": "phone"}]},
            "invalid_mapping",
        ),
        (
            {"mapping": [{"column": 1, "field": "phone"}], "tags": [str(uuid.uuid4())]},
            "unknown_tags",
        ),
    ]:
        response = await world.client.post(url, json=body, headers=headers)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["code"] == code

    ok = {"mapping": [{"column": 1, "field": "phone"}]}
    assert (await world.client.post(url, json=ok, headers=headers)).status_code == 202
    again = await world.client.post(url, json=ok, headers=headers)
    assert again.status_code == 409
    assert again.json()["code"] == "import_already_started"


async def test_a_file_over_the_limit_is_refused_with_413(world: World) -> None:
    from mia_crm.imports.service import MAX_FILE_BYTES

    response = await world.client.post(
        "/api/v1/imports",
        content=b"x",
        headers={
            **world.agent.headers,
            "Content-Type": "text/csv",
            "Content-Length": str(MAX_FILE_BYTES + 1),
        },
    )
    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"


async def test_another_tenants_import_is_not_found(world: World, importer: Importer) -> None:
    uploaded = await importer.upload(b"name,phone\nAna,11987654321\n")
    stranger = world.stranger()
    base = f"/api/v1/imports/{uploaded['id']}"
    for method, path, body in [
        ("GET", base, None),
        ("POST", f"{base}/preview", {}),
        ("POST", f"{base}/start", {"mapping": [{"column": 1, "field": "phone"}]}),
        ("GET", f"{base}/rejections.csv", None),
    ]:
        response = await world.client.request(method, path, json=body, headers=stranger.headers)
        assert response.status_code == 404, (path, response.text)
        assert response.json()["code"] == "import_not_found"
    assert (await world.get(base))["status"] == "ready"


async def test_the_preview_reads_the_rows_under_another_mapping(
    world: World, importer: Importer
) -> None:
    uploaded = await importer.upload(b"a,b\nAna,(11) 98765-4321\nBia,nope\n")
    assert [c["suggested"] for c in uploaded["columns"]] == [None, None]

    response = await world.client.post(
        f"/api/v1/imports/{uploaded['id']}/preview",
        json={"mapping": [{"column": 0, "field": "name"}, {"column": 1, "field": "phone"}]},
        headers=world.agent.headers,
    )
    assert response.status_code == 200, response.text
    preview = response.json()["preview"]
    assert [(row["row_number"], row["errors"]) for row in preview] == [
        (2, []),
        (3, [{"column": "b", "reason": "'nope' is not a phone number"}]),
    ]

    as_data = await world.client.post(
        f"/api/v1/imports/{uploaded['id']}/preview",
        json={"mapping": [{"column": 1, "field": "phone"}], "has_header": False},
        headers=world.agent.headers,
    )
    assert [row["row_number"] for row in as_data.json()["preview"]] == [1, 2, 3]
    assert as_data.json()["preview"][0]["errors"] == [
        {"column": "b", "reason": "'b' is not a phone number"}
    ]
