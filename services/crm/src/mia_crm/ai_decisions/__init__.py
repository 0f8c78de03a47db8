"""The AI agent's decisions, applied by the crm, which owns conversations and leads: a
persona's reply recorded in the thread as the bot's and handed to the sender, a handoff
(note, assignment, the customer told), a tool's action, a lead update."""
