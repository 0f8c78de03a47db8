"""A local stand-in for an OpenAI-compatible endpoint: the wire protocol of
``/v1/chat/completions``, ``/v1/embeddings`` and ``/v1/models``, OpenAI's error shapes and
rate-limit headers, and a control API (``/_fake/...``) tests script per API key."""
