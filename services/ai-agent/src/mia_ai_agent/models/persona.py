"""persona tables (filled in by its feature)."""
