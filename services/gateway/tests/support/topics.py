"""Topic names of this test session: live events flow on topics of their own, so a
running `make up` never sees test events (and the tests never see its events)."""

from __future__ import annotations

import uuid

SESSION = uuid.uuid4().hex[:8]
LIVE_INBOUND = f"test.{SESSION}.messages.inbound.v1"
LIVE_STATUS = f"test.{SESSION}.messages.status.v1"
LIVE_TOPICS = [LIVE_INBOUND, LIVE_STATUS]
