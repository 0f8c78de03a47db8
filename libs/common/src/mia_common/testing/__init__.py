"""Test support for every service: fixtures on the real servers, and waiting helpers.

The fixtures are a pytest plugin (``mia_common.testing.plugin``) registered through an
entry point, so every package's tests get them without importing anything.
"""

from mia_common.testing.waiting import wait_until

__all__ = ["wait_until"]
