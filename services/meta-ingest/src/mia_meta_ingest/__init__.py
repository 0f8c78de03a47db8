"""Master IA meta-ingest: Meta WhatsApp Cloud API webhooks in, normalized events out."""
