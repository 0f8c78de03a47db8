"""meta-ingest's tables: its projection of the channel accounts the sender owns, and the
app secrets of the deleted ones."""

from mia_meta_ingest.models.channel_account import ChannelAccount
from mia_meta_ingest.models.retired_account import RetiredChannelAccount

__all__ = ["ChannelAccount", "RetiredChannelAccount"]
