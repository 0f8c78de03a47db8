"""Master IA gateway: the only public door, for the dashboard and for integrations."""
