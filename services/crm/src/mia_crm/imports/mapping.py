"""Where each column of a file goes: a contact field, or a custom field (``fields.<key>``).

Suggestions come from the header, compared without accents, case, spaces or punctuation
against the names people give these columns in Portuguese and English ("Telefone",
"Celular", "WhatsApp", "E-mail", "Nome"...) and against the tenant's custom fields' keys
and labels; a file without a header gets suggestions from what its first rows hold.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from enum import StrEnum

__all__ = [
    "CUSTOM_PREFIX",
    "ContactTarget",
    "looks_like_data",
    "normalized",
    "suggest",
]

CUSTOM_PREFIX = "fields."


class ContactTarget(StrEnum):
    NAME = "name"
    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    PHONE = "phone"
    EMAIL = "email"
    USER_ID = "user_id"
    LANGUAGE = "language"
    TIME_ZONE = "time_zone"
    LIFECYCLE_STAGE = "lifecycle_stage"
    SOURCE = "source"
    OWNER_USER_ID = "owner_user_id"


_SYNONYMS: dict[ContactTarget, tuple[str, ...]] = {
    ContactTarget.NAME: (
        "name",
        "nome",
        "nomecompleto",
        "fullname",
        "contato",
        "contact",
        "contactname",
        "nomedocontato",
        "cliente",
        "customer",
        "nombre",
        "razaosocial",
    ),
    ContactTarget.FIRST_NAME: (
        "firstname",
        "primeironome",
        "givenname",
        "prenome",
        "nomeproprio",
        "first",
    ),
    ContactTarget.LAST_NAME: (
        "lastname",
        "sobrenome",
        "surname",
        "familyname",
        "ultimonome",
        "apellido",
        "last",
    ),
    ContactTarget.PHONE: (
        "phone",
        "telefone",
        "celular",
        "whatsapp",
        "whats",
        "zap",
        "fone",
        "tel",
        "telefono",
        "mobile",
        "mobilephone",
        "cellphone",
        "cell",
        "phonenumber",
        "numero",
        "number",
        "numerodetelefone",
        "telefonecelular",
        "numerowhatsapp",
        "whatsappnumber",
        "cel",
        "telemovel",
        "movil",
    ),
    ContactTarget.EMAIL: (
        "email",
        "mail",
        "emailaddress",
        "enderecodeemail",
        "correio",
        "correioeletronico",
        "correo",
        "emails",
    ),
    ContactTarget.USER_ID: ("userid", "bsuid", "whatsappid", "idusuario", "iddousuario"),
    ContactTarget.LANGUAGE: ("language", "idioma", "lingua", "lang", "locale", "lingua"),
    ContactTarget.TIME_ZONE: ("timezone", "fusohorario", "fuso", "tz", "zonahoraria"),
    ContactTarget.LIFECYCLE_STAGE: (
        "lifecyclestage",
        "lifecycle",
        "estagio",
        "etapa",
        "estagiodociclodevida",
        "ciclodevida",
        "stage",
        "fase",
    ),
    ContactTarget.SOURCE: ("source", "origem", "fonte", "origin", "leadsource", "canal"),
    ContactTarget.OWNER_USER_ID: ("owneruserid", "ownerid", "responsavelid", "iddoresponsavel"),
}
_BY_NAME = {name: target for target, names in _SYNONYMS.items() for name in names}
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_PHONE_LIKE = re.compile(r"^\s*\+?[\d\s().-]{8,20}\s*$")
_EMAIL_LIKE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalized(text: str) -> str:
    """``text`` without accents, case, spaces or punctuation: "E-mail" → "email"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub("", bare)


def looks_like_data(cells: Sequence[str]) -> bool:
    """Whether a first record is data rather than a header: it holds a phone number or
    an email address."""
    return any(_PHONE_LIKE.match(cell) or _EMAIL_LIKE.match(cell.strip()) for cell in cells)


def suggest(
    headers: Sequence[str],
    custom_fields: Iterable[tuple[str, str]],
    *,
    has_header: bool,
    first_rows: Sequence[Sequence[str]] = (),
) -> list[str | None]:
    """One suggested target per column (None: not imported); each target once, to the
    first column that names it. ``custom_fields`` are (key, label) pairs."""
    custom: dict[str, str] = {}
    for key, label in custom_fields:
        custom.setdefault(normalized(key), CUSTOM_PREFIX + key)
        custom.setdefault(normalized(label), CUSTOM_PREFIX + key)
    taken: set[str] = set()
    suggested: list[str | None] = []
    for index, header in enumerate(headers):
        target: str | None = None
        if has_header:
            name = normalized(header)
            target = custom.get(name) or _BY_NAME.get(name)
            if target is None and name:
                target = _contains_known(name)
        else:
            values = [row[index] for row in first_rows if index < len(row) and row[index]]
            if values and all(_PHONE_LIKE.match(value) for value in values):
                target = ContactTarget.PHONE
            elif values and all(_EMAIL_LIKE.match(value.strip()) for value in values):
                target = ContactTarget.EMAIL
        if target is not None and target in taken:
            target = None
        if target is not None:
            taken.add(target)
        suggested.append(None if target is None else str(target))
    return suggested


def _contains_known(name: str) -> str | None:
    """A header such as "Telefone celular (WhatsApp)" or "E-mail comercial"."""
    for target in (ContactTarget.EMAIL, ContactTarget.PHONE):
        if any(len(synonym) >= 5 and synonym in name for synonym in _SYNONYMS[target]):
            return target
    return None


def is_header(cells: Sequence[str], custom_fields: Iterable[tuple[str, str]]) -> bool:
    """Whether the first record names the columns."""
    known = set(_BY_NAME)
    for key, label in custom_fields:
        known.add(normalized(key))
        known.add(normalized(label))
    if any(normalized(cell) in known for cell in cells):
        return True
    return not looks_like_data(cells)
