"""Master IA ai-agent: personas that answer customers from the company's knowledge."""
