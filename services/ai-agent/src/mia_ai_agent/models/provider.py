"""provider tables (filled in by its feature)."""
