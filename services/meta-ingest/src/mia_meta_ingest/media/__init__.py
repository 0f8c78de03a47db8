"""Inbound media: copied from Meta (whose ids and URLs expire) into our storage, served
to the tenant's users through the gateway's ``media`` area.

``storage`` keeps files (local directory or S3-compatible bucket), ``graph`` downloads
them from the Graph API, ``service`` puts the two together for one account's media,
``handlers`` does it for every inbound event, ``endpoints`` serves them.
"""
