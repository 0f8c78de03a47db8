"""The inbox API, ``/api/v1/inbox/...``: conversations, their messages and notes."""
