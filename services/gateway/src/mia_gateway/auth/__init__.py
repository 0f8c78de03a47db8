"""Authentication: passwords, tokens, sessions, the current principal, login throttling."""
