"""Teams of a tenant: named groups of its users that conversations are handed off to."""
