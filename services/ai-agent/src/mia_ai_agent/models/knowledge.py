"""knowledge tables (filled in by its feature)."""
