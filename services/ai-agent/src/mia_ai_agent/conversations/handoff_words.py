"""A customer asking for a person, in Portuguese, English or Spanish."""

from __future__ import annotations

from mia_ai_agent.conversations.language import folded_words

__all__ = ["asks_for_a_person"]

# Single words that on their own ask for a person, and phrases (folded, in order).
_WORDS = frozenset(
    {
        "atendente",
        "humano",
        "humana",
        "operador",
        "operadora",
        "agente",
        "human",
        "agent",
        "representative",
        "operator",
        "asesor",
        "asesora",
    }
)
_PHRASES = (
    ("falar", "com", "alguem"),
    ("falar", "com", "uma", "pessoa"),
    ("falar", "com", "pessoa"),
    ("pessoa", "de", "verdade"),
    ("real", "person"),
    ("talk", "to", "someone"),
    ("speak", "to", "someone"),
    ("talk", "to", "a", "person"),
    ("speak", "to", "a", "person"),
    ("hablar", "con", "alguien"),
    ("hablar", "con", "una", "persona"),
    ("persona", "real"),
)


def asks_for_a_person(text: str, *, extra: frozenset[str] = frozenset()) -> bool:
    words = folded_words(text)
    if any(w in _WORDS or w in extra for w in words):
        return True
    joined = " " + " ".join(words) + " "
    return any(" " + " ".join(phrase) + " " in joined for phrase in _PHRASES)
