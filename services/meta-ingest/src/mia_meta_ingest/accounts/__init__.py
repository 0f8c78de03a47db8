"""The channel accounts meta-ingest follows on the compacted ``channels.state.v1`` topic."""
