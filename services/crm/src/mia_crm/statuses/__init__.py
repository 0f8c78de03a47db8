"""Delivery statuses of outbound messages: send outcomes and channel receipts."""
