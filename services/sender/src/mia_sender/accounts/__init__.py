"""Channel accounts: the numbers and SMS senders a tenant sends from, with their credentials."""
