"""A tenant's crm settings: default country, consent rules, opt-out keywords."""
