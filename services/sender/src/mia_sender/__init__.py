"""Master IA sender: the one service that sends: channel accounts, pacing, provider calls."""
