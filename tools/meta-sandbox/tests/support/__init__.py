"""Test support for the Meta sandbox: a real webhook receiver, and constants."""
