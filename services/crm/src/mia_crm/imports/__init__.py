"""CSV imports of contacts, streamed, run as jobs."""
