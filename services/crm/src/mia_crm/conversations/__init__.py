"""Conversations: a contact on one channel account; the inbox lists them."""
