"""Routing: ``/api/v1/<area>/...`` forwarded to the internal service that owns the area.

``endpoints`` authenticates the caller and picks the service; ``proxy`` forwards the
request with a short-lived identity token and streams the answer back; ``client`` holds
the pooled HTTP clients (one per area); ``errors`` names what can go wrong on the way.
"""
