"""Logging in through an OAuth/OIDC provider (Google, Facebook): the authorization code
flow with PKCE, ID token checks, and linking the provider's account to an existing user."""
