"""Internal notes the team writes on a conversation."""
