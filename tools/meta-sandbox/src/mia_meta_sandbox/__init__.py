"""Master IA Meta sandbox: a local stand-in for the WhatsApp Cloud API."""
