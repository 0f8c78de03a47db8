"""Which of our three languages a customer writes in, from the words they use.

Good enough to greet, hand off and apologise in the customer's language; the model, when
there is one, is told to answer in the language it sees.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

__all__ = ["Language", "detect_language", "folded_words"]

Language = Literal["pt", "en", "es"]


def _vocabulary(words: str) -> frozenset[str]:
    return frozenset(words.split())


_WORDS: dict[Language, frozenset[str]] = {
    "pt": _vocabulary(
        "voce voces nao sim obrigado obrigada tem quero qual quais quando onde como entrega"
        " prazo preco pedido compra ola oi bom dia tarde noite por favor e o a os as um uma"
        " do da dos das no na para pra com meu minha isso esta estou gostaria posso vcs"
        " tudo bem atendente pessoa falar"
    ),
    "en": _vocabulary(
        "you your the is are do does can could would what when where how which please thanks"
        " thank hello hi yes no my order price delivery shipping want need i a an of to for"
        " with it this that is there agent person human speak talk"
    ),
    "es": _vocabulary(
        "usted ustedes hola gracias si quiero cual cuales cuando donde como envio precio"
        " pedido compra buenos dias tardes noches por favor el la los las un una del al para"
        " con mi esto esta estoy quisiera puedo hablar persona agente tienen"
    ),
}


def folded_words(text: str) -> list[str]:
    """Lower-case words without accents: "Não" and "nao" are one word."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.findall(r"[a-z0-9]+", plain)


def detect_language(text: str, *, default: Language = "pt") -> Language:
    words = folded_words(text)
    if not words:
        return default
    scores = {lang: sum(w in vocab for w in words) for lang, vocab in _WORDS.items()}
    best = max(scores, key=lambda lang: (scores[lang], lang == default))
    return best if scores[best] > 0 else default
