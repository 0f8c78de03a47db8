"""How the providers that call us sign their webhooks, and checking it in constant time.

- Meta (``X-Hub-Signature-256``): ``sha256=`` and the hex HMAC-SHA256 of the raw body,
  keyed with the app secret.
- Twilio (``X-Twilio-Signature``): the URL it requested, exactly as configured (scheme,
  host, path, query), then each POST parameter's name immediately followed by its value,
  in name order; base64 of the HMAC-SHA1 of that, keyed with the account's auth token.
  Behind a proxy the URL our app sees (``http://10.0.0.5:8002/...``) is not the one
  Twilio signed (``https://sms.example.com/...``), so it is rebuilt from the public base.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

__all__ = [
    "hub_signature_matches",
    "public_request_url",
    "twilio_signature",
    "twilio_signature_matches",
]

_HUB_PREFIX = "sha256="
_DEFAULT_PORTS = {"http": 80, "https": 443}


def hub_signature_matches(raw_body: bytes, header: str | None, app_secret: str) -> bool:
    """Meta's ``X-Hub-Signature-256`` against the body's HMAC; False when malformed."""
    if not header or not header.startswith(_HUB_PREFIX):
        return False
    expected = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len(_HUB_PREFIX) :].strip().lower())


def public_request_url(*, public_base_url: str, path: str, query: str = "") -> str:
    """The URL a provider requested: our public base (origin, plus any prefix a proxy
    strips), the path the app routed, and the raw query string."""
    url = public_base_url.rstrip("/") + "/" + path.lstrip("/")
    return f"{url}?{query}" if query else url


def twilio_signature(url: str, params: Iterable[tuple[str, str]], auth_token: str) -> str:
    """Twilio's signature of a request to ``url`` with these (decoded) POST parameters.

    A name sent more than once contributes each value, values in order, as Twilio's own
    validators do.
    """
    data = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def twilio_signature_matches(
    *, url: str, params: Iterable[tuple[str, str]], header: str | None, auth_token: str
) -> bool:
    """``X-Twilio-Signature`` against the signature of the request, in constant time.

    Twilio is not consistent about default ports (``https://host/...`` may have been signed
    as ``https://host:443/...``, or the reverse), so both spellings are accepted.
    """
    if not header or not auth_token:
        return False
    pairs = list(params)
    given = header.strip().encode()
    matched = False
    for candidate in _port_spellings(url):
        expected = twilio_signature(candidate, pairs, auth_token).encode()
        # No early exit: every spelling costs the same whether or not one matched.
        matched |= hmac.compare_digest(expected, given)
    return matched


def _port_spellings(url: str) -> list[str]:
    parts = urlsplit(url)
    default = _DEFAULT_PORTS.get(parts.scheme)
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    userinfo = parts.netloc.rpartition("@")[0]
    prefix = f"{userinfo}@" if userinfo else ""
    try:
        port = parts.port
    except ValueError:
        return [url]
    if port is None and default is not None:
        with_port = urlunsplit(parts._replace(netloc=f"{prefix}{host}:{default}"))
        return [url, with_port]
    if port is not None and port == default:
        without_port = urlunsplit(parts._replace(netloc=f"{prefix}{host}"))
        return [url, without_port]
    return [url]
