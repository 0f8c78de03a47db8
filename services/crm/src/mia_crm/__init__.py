"""Master IA crm: contacts, conversations, messages and the inbox API."""
