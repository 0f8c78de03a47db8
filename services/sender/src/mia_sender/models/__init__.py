"""The sender's tables: channel accounts, send requests and channel alerts."""

from mia_sender.models.account import ChannelAccount
from mia_sender.models.alert import ChannelAlertRecord
from mia_sender.models.send import Send, SendState

__all__ = ["ChannelAccount", "ChannelAlertRecord", "Send", "SendState"]
