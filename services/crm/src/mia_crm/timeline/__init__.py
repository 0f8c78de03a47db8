"""A contact's timeline: messages, notes, stage and consent changes, sends."""
