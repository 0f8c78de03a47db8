"""meta-ingest's tables: its projection of the channel accounts the sender owns, the app
secrets of the deleted ones, and the keys of erased media."""

from mia_meta_ingest.models.channel_account import ChannelAccount
from mia_meta_ingest.models.erased_media import ErasedMediaKey
from mia_meta_ingest.models.retired_account import RetiredChannelAccount

__all__ = ["ChannelAccount", "ErasedMediaKey", "RetiredChannelAccount"]
