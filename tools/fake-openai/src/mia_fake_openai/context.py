"""The fake's state for the life of the process: its settings, catalogue and scripts."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from mia_fake_openai.catalog import Catalog
from mia_fake_openai.config import FakeOpenAISettings
from mia_fake_openai.script import ScriptStore

__all__ = ["FakeOpenAI", "fake_of"]


@dataclass(kw_only=True, eq=False)
class FakeOpenAI:
    settings: FakeOpenAISettings
    catalog: Catalog
    scripts: ScriptStore

    @classmethod
    def build(cls, settings: FakeOpenAISettings) -> FakeOpenAI:
        return cls(
            settings=settings,
            catalog=Catalog(settings.extra_model_names),
            scripts=ScriptStore(
                history_per_key=settings.history_per_key, max_keys=settings.max_keys
            ),
        )


def fake_of(request: Request) -> FakeOpenAI:
    fake: FakeOpenAI = request.app.state.fake
    return fake
