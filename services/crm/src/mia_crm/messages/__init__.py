"""Messages: inbound ones stored from Kafka, agents' replies sent through the outbox."""
