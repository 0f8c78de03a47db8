"""API keys of a tenant, for integrations."""
