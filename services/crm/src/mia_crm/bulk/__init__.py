"""Bulk actions on a selection or a filter, run as jobs."""
