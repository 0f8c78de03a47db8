"""Merge suggestions for contacts that look like one person, and merges."""
