"""Sending: the flow-controlled fan-out from the ledger to the sender, and its outcomes."""
