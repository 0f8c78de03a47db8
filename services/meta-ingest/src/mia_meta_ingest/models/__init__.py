"""meta-ingest's tables: only its projection of the channel accounts the sender owns."""

from mia_meta_ingest.models.channel_account import ChannelAccount

__all__ = ["ChannelAccount"]
