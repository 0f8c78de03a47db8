"""The crm's process context: what it refuses to start with."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from mia_common.testing.lifespan import running
from mia_crm.config import CrmSettings
from mia_crm.main import create_app


async def test_the_crm_refuses_to_start_with_another_identity_secret_than_the_environment(
    crm_settings: CrmSettings,
) -> None:
    other = crm_settings.model_copy(
        update={"identity_token_secret": SecretStr("another-secret-of-at-least-32-bytes!")}
    )

    with pytest.raises(RuntimeError, match="identity_token_secret"):
        async with running(create_app(other)):
            pass
