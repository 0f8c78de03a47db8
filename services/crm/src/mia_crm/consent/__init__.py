"""The consent ledger: per contact and channel, opted in or out, when, how, by whom."""
