"""Tenants (companies): creation, settings, suspension."""
