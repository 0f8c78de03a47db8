"""Contacts: who the tenant's customers are, how inbound messages find them, the API."""
