"""What the bot says by itself (not from the knowledge or a model), in three languages."""

from __future__ import annotations

from mia_ai_agent.conversations.language import Language

__all__ = ["after_hours_message", "handoff_message"]

_HANDOFF: dict[Language, str] = {
    "pt": "Vou chamar uma pessoa da nossa equipe para continuar com você. Só um instante!",
    "en": "I'm bringing in someone from our team to help you. Just a moment!",
    "es": "Voy a llamar a una persona de nuestro equipo para ayudarte. ¡Un momento!",
}
_HANDOFF_CLOSED: dict[Language, str] = {
    "pt": "Nossa equipe está fora do horário agora. Uma pessoa vai responder assim que"
    " voltarmos; deixe aqui os detalhes do que precisa.",
    "en": "Our team is away right now. A person will answer as soon as we are back; leave"
    " the details of what you need here.",
    "es": "Nuestro equipo está fuera de horario ahora. Una persona te responderá en cuanto"
    " volvamos; deja aquí los detalles de lo que necesitas.",
}


def handoff_message(language: Language, *, open_now: bool, custom: str | None) -> str:
    if open_now and custom:
        return custom
    return (_HANDOFF if open_now else _HANDOFF_CLOSED)[language]


def after_hours_message(language: Language, *, custom: str | None) -> str:
    return custom or _HANDOFF_CLOSED[language]
