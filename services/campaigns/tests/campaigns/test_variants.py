"""A/B variants: recipients split by the percents, each sent their variant, results apart."""

from __future__ import annotations

from collections import Counter

from support.world import World

VARIANTS = [
    {
        "label": "A",
        "percent": 70,
        "message": {"type": "text", "body": "Oi {{first_name}}: 10% off"},
    },
    {
        "label": "B",
        "percent": 30,
        "message": {"type": "text", "body": "Oi {{first_name}}: frete grátis"},
    },
]


async def test_recipients_are_split_by_the_percents_and_counted_per_variant(world: World) -> None:
    contacts = world.contacts(200)
    created = await world.create(contacts, message=None, variants=VARIANTS)
    await world.launch(created["id"])
    done = await world.until_status(created["id"], "completed")

    bodies = Counter(
        r.content.body  # type: ignore[union-attr]
        for r in world.sender.requests(world.account_id)
    )
    assert bodies == {"Oi Pessoa: 10% off": 140, "Oi Pessoa: frete grátis": 60}
    assert [(v["label"], v["percent"], v["counts"]) for v in done["variants"]] == [
        ("A", 70, {"accepted": 140}),
        ("B", 30, {"accepted": 60}),
    ]
    assert Counter(world.sent_to()) == Counter(c["phone"] for c in contacts)


async def test_variants_must_add_up_to_100_and_replace_the_single_message(world: World) -> None:
    contacts = world.contacts(1)
    uneven = [{**VARIANTS[0], "percent": 60}, VARIANTS[1]]
    answers = [
        await world.client.post(
            "/api/v1/campaigns",
            json=world.campaign_body(contacts, message=None, variants=uneven),
            headers=world.manager.headers,
        ),
        await world.client.post(
            "/api/v1/campaigns",
            json=world.campaign_body(contacts, variants=VARIANTS),
            headers=world.manager.headers,
        ),
        await world.client.post(
            "/api/v1/campaigns",
            json=world.campaign_body(
                contacts,
                message=None,
                variants=[
                    VARIANTS[0],
                    {**VARIANTS[1], "message": {"type": "text", "body": "Oi {{nome"}},
                ],
            ),
            headers=world.manager.headers,
        ),
    ]

    assert [a.status_code for a in answers] == [422, 422, 422]
    assert answers[2].json()["code"] == "campaign_message_invalid"
    assert answers[2].json()["detail"].startswith("variant B: ")
