"""A contact's data export (everything we hold, as JSON) and erasure."""
