"""Test support for every service: fixtures on the real servers, and the helpers tests use.

The fixtures are a pytest plugin (``mia_common.testing.plugin``) registered through an
entry point, so every package's tests get them without importing anything. The helpers:
``wait_until`` (the only way a test waits), ``TopicReader`` and ``read_topic`` /
``read_up_to_marker`` (what a topic holds, and proof that nothing more was published),
``admin_connection`` and ``fresh_database`` (databases of a run's own).
"""

from mia_common.testing.kafka import (
    MARKER_HEADER,
    TopicReader,
    TopicRecord,
    end_offsets,
    group_caught_up,
    group_stable,
    read_topic,
    read_up_to_marker,
)
from mia_common.testing.postgres import admin_connection, fresh_database
from mia_common.testing.waiting import wait_until

__all__ = [
    "MARKER_HEADER",
    "TopicReader",
    "TopicRecord",
    "admin_connection",
    "end_offsets",
    "fresh_database",
    "group_caught_up",
    "group_stable",
    "read_topic",
    "read_up_to_marker",
    "wait_until",
]
