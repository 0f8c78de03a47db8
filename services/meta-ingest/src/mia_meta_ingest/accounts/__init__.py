"""The projection of channel accounts, from the compacted channels.state.v1 topic."""
