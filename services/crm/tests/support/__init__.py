"""Builders and helpers of the crm's tests."""
