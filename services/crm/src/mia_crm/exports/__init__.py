"""Contacts, a segment or a selection as CSV, streamed."""
