"""Saved filters over contacts, their live counts and members."""
