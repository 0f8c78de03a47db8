"""Custom field definitions of a tenant; values live on contacts."""
