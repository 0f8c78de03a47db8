"""Internal API: what the services ask the gateway, authorized by their identity tokens."""
