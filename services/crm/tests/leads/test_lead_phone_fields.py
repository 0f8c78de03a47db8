"""A lead's phone-type custom field written without + is read in the tenant's country,
as a contact's is."""

from __future__ import annotations

from leads.test_leads import custom_field

from support.boards import Boards
from support.world import World


async def test_a_national_number_on_a_lead_is_stored_in_the_tenants_country(
    world: World, boards: Boards
) -> None:
    saved = await world.send(
        "PUT", "/api/v1/crm/settings", {"default_country": "US"}, caller=world.manager
    )
    assert saved.status_code == 200, saved.text
    await custom_field(boards, "desk_phone", "phone")
    pipeline = await boards.pipeline()

    lead = await boards.lead(pipeline["stages"][0]["id"], fields={"desk_phone": "(415) 555-2671"})

    assert lead["fields"] == {"desk_phone": "+14155552671"}
