"""conversation tables (filled in by its feature)."""
