"""Request rate limits of signed-in callers: per tenant, and per API key.

Every authenticated request takes a token from its tenant's bucket, which the tenant's
dashboard users and integrations share; a request made with an API key first takes one
from the key's own bucket, so one integration gets at most its share of the tenant's and
a noisy key is refused before it costs its tenant anything. Tenants never share a bucket:
one tenant's traffic never slows another's. The buckets are ``mia_common.ratelimit``
token buckets in Redis, shared by every gateway replica.

``limiter`` decides (``RequestLimiter.admit``), ``dependencies`` runs it right after the
caller is authenticated, ``headers`` puts the ``RateLimit-Policy`` and ``RateLimit``
fields (draft-ietf-httpapi-ratelimit-headers) on every answer to a limited caller, and
``errors`` is the 429 problem with its ``Retry-After``. The login throttle for callers
who are not signed in yet is ``auth.throttle``.
"""
