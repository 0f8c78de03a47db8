"""The 24-hour customer-service windows, learned from inbound messages."""
