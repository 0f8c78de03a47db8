"""The bot in a conversation: reacting to customers' messages (debounced), deciding to
answer or hand off, humanized delivery, pausing when a person takes over."""
