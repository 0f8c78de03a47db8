"""Invitations: single-use, expiring links to join a tenant with a role."""
