"""Template submissions: ``POST /{version}/{waba_id}/message_templates`` checked the way
Meta checks a create, then reviewed by rule and decided through the
``message_template_status_update`` webhook.

Meta's create answers ``{"id", "status": "PENDING", "category"}`` at once and decides
later. Here the decision comes ``template_review_delay_seconds`` after the submission
(tests set 0), unless a test forced one first through the control API:

- REJECTED, reason ``INVALID_FORMAT``, when the name starts with ``reject_``;
- REJECTED, reason ``PROMOTIONAL``, when a component's text holds one of the configured
  words (``template_reject_words``) or a URL shortener's domain
  (``template_shortener_domains``);
- APPROVED otherwise.

The webhook goes to the URL of the WABA's numbers, signed with their app secret, exactly
as the message webhooks are; the template's status in ``GET /message_templates`` changes
at the same moment.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from mia_meta_sandbox.graph_errors import GraphError, GraphErrorSpec, invalid_parameter
from mia_meta_sandbox.numbers import NumberRegistry
from mia_meta_sandbox.templates import MessageTemplate, TemplateBook
from mia_meta_sandbox.webhooks import WebhookDispatcher

__all__ = [
    "ReviewRules",
    "Submission",
    "TemplateReviewer",
    "parse_submission",
    "review",
    "status_update_body",
]

NAME = re.compile(r"^[a-z0-9_]+$")
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
CATEGORIES = {"MARKETING", "UTILITY", "AUTHENTICATION"}
LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")
HEADER_FORMATS = {"TEXT", "IMAGE", "VIDEO", "DOCUMENT", "LOCATION"}
BUTTON_TYPES = {"QUICK_REPLY", "URL", "PHONE_NUMBER", "COPY_CODE", "OTP", "FLOW"}
# What Graph answers a template whose name and language already exist.
_EXISTS = GraphErrorSpec(
    100,
    400,
    "Invalid parameter",
    "",
    subcode=2388024,
)


@dataclass(frozen=True, slots=True)
class ReviewRules:
    words: tuple[str, ...]
    shortener_domains: tuple[str, ...]


@dataclass
class Submission:
    """One accepted create, and the decision it got (None while PENDING)."""

    waba_id: str
    template: MessageTemplate
    submitted_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    submitted_monotonic: float = field(default_factory=time.monotonic)
    decision: str | None = None
    reason: str | None = None
    decided_at: datetime | None = None
    forced: bool = False


def _fail(details: str, *, message: str | None = None) -> GraphError:
    error = invalid_parameter(details)
    if message is not None:
        error.message = message
    return error


def _variables(text: str) -> list[str]:
    seen: list[str] = []
    for name in PLACEHOLDER.findall(text):
        if name not in seen:
            seen.append(name)
    return seen


def _check_examples(kind: str, text: str, example: Any, key: str) -> None:
    wanted = _variables(text)
    if not wanted:
        return
    values: Any = example.get(key) if isinstance(example, dict) else None
    if kind == "BODY" and isinstance(values, list) and values and isinstance(values[0], list):
        values = values[0]
    if not isinstance(values, list) or len(values) < len(wanted):
        raise _fail(
            f"The {kind.lower()} text has {len(wanted)} variable(s) but "
            f"{len(values) if isinstance(values, list) else 0} example value(s): add an "
            f"example.{key} value for each variable.",
            message="Invalid parameter",
        )
    if any(not isinstance(v, str) or not v.strip() for v in values):
        raise _fail(f"Every example.{key} value must be a non-empty string.")


def _check_components(components: Any) -> list[dict[str, Any]]:
    if not isinstance(components, list) or not components:
        raise _fail("The parameter components is required.")
    kinds: list[str] = []
    for component in components:
        if not isinstance(component, dict) or not isinstance(component.get("type"), str):
            raise _fail("Each component must be an object with a type.")
        kind = component["type"].upper()
        if kind not in ("HEADER", "BODY", "FOOTER", "BUTTONS"):
            raise _fail(f"Unknown component type {component['type']!r}.")
        kinds.append(kind)
        text = component.get("text")
        if kind == "BODY":
            if not isinstance(text, str) or not text.strip():
                raise _fail("The BODY component needs its text.")
            if len(text) > 1024:
                raise _fail("The BODY text is longer than 1024 characters.")
            _check_examples("BODY", text, component.get("example"), "body_text")
        elif kind == "HEADER":
            fmt = str(component.get("format", "")).upper()
            if fmt not in HEADER_FORMATS:
                raise _fail("The HEADER format must be TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION.")
            if fmt == "TEXT":
                if not isinstance(text, str) or not text.strip() or len(text) > 60:
                    raise _fail("A TEXT header needs a text of at most 60 characters.")
                if len(_variables(text)) > 1:
                    raise _fail("A header holds at most one variable.")
                _check_examples("HEADER", text, component.get("example"), "header_text")
            elif fmt != "LOCATION":
                example = component.get("example")
                handle = example.get("header_handle") if isinstance(example, dict) else None
                if not isinstance(handle, list) or not handle:
                    raise _fail(f"A {fmt} header needs an example.header_handle (a sample media).")
        elif kind == "FOOTER":
            if not isinstance(text, str) or not text.strip() or len(text) > 60:
                raise _fail("The FOOTER needs a text of at most 60 characters.")
            if _variables(text):
                raise _fail("A footer cannot hold variables.")
        else:
            _check_buttons(component.get("buttons"))
    if kinds.count("BODY") != 1:
        raise _fail("A template has exactly one BODY component.")
    if any(kinds.count(k) > 1 for k in ("HEADER", "FOOTER", "BUTTONS")):
        raise _fail("A template has at most one HEADER, FOOTER and BUTTONS component.")
    return components


def _check_buttons(buttons: Any) -> None:
    if not isinstance(buttons, list) or not buttons or len(buttons) > 10:
        raise _fail("The BUTTONS component holds 1 to 10 buttons.")
    for button in buttons:
        if not isinstance(button, dict) or str(button.get("type", "")).upper() not in BUTTON_TYPES:
            raise _fail("Each button needs a type: QUICK_REPLY, URL, PHONE_NUMBER, ...")
        kind = str(button["type"]).upper()
        text = button.get("text")
        if not isinstance(text, str) or not text.strip() or len(text) > 25:
            raise _fail("Each button needs a text of at most 25 characters.")
        if kind == "URL":
            url = button.get("url")
            if not isinstance(url, str) or not url.startswith(("https://", "http://")):
                raise _fail("A URL button needs a url starting with https://.")
            wanted = _variables(url)
            if len(wanted) > 1 or (wanted and not url.rstrip().endswith("}}")):
                raise _fail("A URL button holds one variable, at the end of its url.")
            example = button.get("example")
            if wanted and (
                not isinstance(example, list) or not example or not isinstance(example[0], str)
            ):
                raise _fail("A URL button with a variable needs an example (a full URL).")
        elif kind == "PHONE_NUMBER":
            phone = button.get("phone_number")
            if not isinstance(phone, str) or not re.fullmatch(r"\+?\d{6,20}", phone):
                raise _fail("A PHONE_NUMBER button needs a phone_number in international form.")


def parse_submission(body: Any) -> MessageTemplate:
    """The template a create body describes; a ``GraphError`` in Meta's shape otherwise."""
    if not isinstance(body, dict):
        raise _fail("The request body must be a JSON object.")
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise _fail("The parameter name is required.")
    if len(name) > 512 or not NAME.match(name):
        raise _fail(
            "Template name can only contain lowercase alphanumeric characters and underscores.",
            message="Invalid parameter",
        )
    language = body.get("language")
    if not isinstance(language, str) or not LANGUAGE.match(language):
        raise _fail("The parameter language is required (a code such as pt_BR or en_US).")
    category = body.get("category")
    if not isinstance(category, str) or category.upper() not in CATEGORIES:
        raise _fail("The parameter category must be MARKETING, UTILITY or AUTHENTICATION.")
    allow = body.get("allow_category_change", False)
    if not isinstance(allow, bool):
        raise _fail("allow_category_change must be a boolean.")
    parameter_format = str(body.get("parameter_format", "POSITIONAL")).upper()
    if parameter_format not in ("POSITIONAL", "NAMED"):
        raise _fail("parameter_format must be POSITIONAL or NAMED.")
    components = _check_components(body.get("components"))
    return MessageTemplate(
        name=name,
        language=language,
        status="PENDING",
        category=category.upper(),
        components=components,
        parameter_format=parameter_format,
    )


def already_exists(name: str, language: str) -> GraphError:
    return GraphError(
        _EXISTS,
        message="Invalid parameter",
        details=(
            f"Content in this language already exists: a template named {name} in {language} "
            "exists already. Wait until it is deleted, or choose another name."
        ),
    )


def _texts(template: MessageTemplate) -> list[str]:
    texts: list[str] = []
    for component in template.components:
        if isinstance(component.get("text"), str):
            texts.append(component["text"])
        for button in component.get("buttons") or []:
            if isinstance(button, dict):
                texts.extend(str(button.get(key, "")) for key in ("text", "url"))
    return texts


def review(template: MessageTemplate, rules: ReviewRules) -> tuple[str, str | None]:
    """The decision and its reason (``NONE`` when approved, as Meta sends it)."""
    if template.name.startswith("reject_"):
        return "REJECTED", "INVALID_FORMAT"
    lowered = " ".join(_texts(template)).casefold()
    if any(word.casefold() in lowered for word in rules.words if word):
        return "REJECTED", "PROMOTIONAL"
    if any(
        re.search(rf"(?<![a-z0-9.-]){re.escape(domain.casefold())}(/|\b)", lowered)
        for domain in rules.shortener_domains
        if domain
    ):
        return "REJECTED", "PROMOTIONAL"
    return "APPROVED", "NONE"


def status_update_body(
    waba_id: str, template: MessageTemplate, event: str, reason: str | None
) -> dict[str, Any]:
    """Meta's ``message_template_status_update`` webhook body."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": waba_id,
                "time": int(time.time()),
                "changes": [
                    {
                        "value": {
                            "event": event,
                            "message_template_id": int(template.id),
                            "message_template_name": template.name,
                            "message_template_language": template.language,
                            "reason": reason or "NONE",
                        },
                        "field": "message_template_status_update",
                    }
                ],
            }
        ],
    }


class TemplateReviewer:
    def __init__(
        self,
        *,
        templates: TemplateBook,
        numbers: NumberRegistry,
        dispatcher: WebhookDispatcher,
        rules: ReviewRules,
        delay_seconds: float,
    ) -> None:
        self._templates = templates
        self._numbers = numbers
        self._dispatcher = dispatcher
        self._rules = rules
        self._delay = delay_seconds
        self._submissions: list[Submission] = []

    def submit(self, waba_id: str, template: MessageTemplate) -> Submission:
        """Store ``template`` as PENDING and schedule its review; refuses a taken name."""
        for existing in self._templates.all(waba_id):
            if (existing.name, existing.language) == (template.name, template.language):
                raise already_exists(template.name, template.language)
        self._templates.add(waba_id, template)
        submission = Submission(waba_id=waba_id, template=template)
        self._submissions.append(submission)
        self._dispatcher.spawn(self._review_later(submission))
        return submission

    def submissions(self, waba_id: str | None = None) -> list[Submission]:
        return [s for s in self._submissions if waba_id is None or s.waba_id == waba_id]

    def get(self, template_id: str) -> Submission | None:
        return next((s for s in self._submissions if s.template.id == template_id), None)

    async def _review_later(self, submission: Submission) -> None:
        wait = submission.submitted_monotonic + self._delay - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        if submission.decision is not None:
            return
        event, reason = review(submission.template, self._rules)
        self.decide(submission, event, reason)

    def decide(
        self, submission: Submission, event: str, reason: str | None, *, forced: bool = False
    ) -> None:
        """Apply a decision now; its webhook is posted in the background (retried)."""
        submission.decision, submission.reason = event, reason
        submission.decided_at = datetime.now(UTC)
        submission.forced = forced
        submission.template.status = event
        self._dispatcher.spawn(self._post(submission, event, reason))

    async def _post(self, submission: Submission, event: str, reason: str | None) -> None:
        """The decision's webhook, to every distinct URL of the WABA's numbers."""
        numbers = [n for n in self._numbers.all() if n.waba_id == submission.waba_id]
        payload = status_update_body(submission.waba_id, submission.template, event, reason)
        posted: set[tuple[str, str]] = set()
        deliveries = []
        for number in numbers:
            if (number.webhook_url, number.app_secret) in posted:
                continue
            posted.add((number.webhook_url, number.app_secret))
            deliveries.append(
                self._dispatcher.prepare(
                    kind="template",
                    phone_number_id=number.phone_number_id,
                    url=number.webhook_url,
                    app_secret=number.app_secret,
                    payload=payload,
                    status=event,
                )
            )
        await asyncio.gather(*(self._dispatcher.deliver(d) for d in deliveries))

    def clear(self) -> None:
        self._submissions.clear()
