"""Personas: who answers, how, from which knowledge, on which numbers."""
