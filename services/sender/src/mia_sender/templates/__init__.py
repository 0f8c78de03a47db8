"""Message templates of a WhatsApp number, for the composer's picker (read from Meta)."""
