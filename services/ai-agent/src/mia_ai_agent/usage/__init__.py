"""Usage and budgets: tokens, calls and cost per tenant, persona and day."""
