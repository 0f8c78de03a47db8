"""Kafka handlers: one transaction per event, claimed by event id, then a service call."""
