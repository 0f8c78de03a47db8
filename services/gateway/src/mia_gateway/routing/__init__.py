"""Placeholder until this feature lands."""
