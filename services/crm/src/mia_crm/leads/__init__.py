"""Leads: the cards of a pipeline board, their moves and stage history."""
