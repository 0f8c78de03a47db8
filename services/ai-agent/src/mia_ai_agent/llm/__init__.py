"""The tenant's generative model: an OpenAI-compatible endpoint (base URL, sealed key,
model), called through the ``openai`` SDK's client, with usage recorded per call."""
