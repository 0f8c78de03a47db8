"""Shared contracts and plumbing for Master IA services (infrastructure only, no business rules)."""
