"""Users of a tenant: listing, roles, disabling."""
