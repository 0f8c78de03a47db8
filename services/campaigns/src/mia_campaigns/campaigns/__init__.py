"""Campaigns: a message to a frozen audience, its lifecycle and its progress."""
