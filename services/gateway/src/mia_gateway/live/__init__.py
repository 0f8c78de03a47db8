"""Live events: a WebSocket at ``/api/v1/live`` pushing each browser its tenant's events.

Every gateway process consumes the live topics from Kafka in a consumer group of its own
(``consumer``), fans each event out in memory to the open connections of the event's
tenant (``hub``), and serves each connection from its own bounded queue (``delivery``),
so a slow browser is dropped instead of slowing the consumer or anyone else. Recent
events are kept per tenant for a short window, so a reconnecting browser resumes where
it stopped (``?last_event_id=``) or is told to refetch (``{"type": "resync"}``).
"""
