"""SMS through Twilio: its webhooks (delivery statuses, inbound messages) and their checks."""
