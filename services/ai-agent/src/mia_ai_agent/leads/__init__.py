"""Lead progression: after an exchange, the lead's stage, score and fields proposed from
the conversation; applied above the tenant's threshold, suggested below it."""
