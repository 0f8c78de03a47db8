"""Meta's webhook: its signature, its body, and the events we derive from it."""
