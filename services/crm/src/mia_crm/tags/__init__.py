"""Tags: per tenant, coloured, many per contact."""
