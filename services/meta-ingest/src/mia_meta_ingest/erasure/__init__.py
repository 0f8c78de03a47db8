"""A customer's erasure, as meta-ingest takes part in it: its copies of their files go.

meta-ingest keeps the media customers sent (``media.storage``), keyed by tenant, channel
account and the channel's media id, and nothing else about them (the accounts it follows
are the tenants' own). On ``contact.erased`` it deletes each file the event lists (the
crm names them: the addresses the event also carries cannot find a file), under the
event's own tenant, so an erasure never reaches another tenant's file of the same id. A
file never copied, or already deleted, is no error. The keys stay listed in
``erased_media`` so that a copy in flight deletes what it wrote and none is made again.
"""
