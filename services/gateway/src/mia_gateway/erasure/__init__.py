"""A customer's erasure, as the gateway takes part in it: recorded in the tenant's audit log.

The gateway holds nothing about the tenants' customers (its users, keys and audit log are
the tenants' own staff and integrations), so on ``contact.erased`` it only records that
the erasure was asked, by whom, without the person's addresses.
"""
