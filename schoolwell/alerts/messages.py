"""What an outbox row says, rendered when it is sent, in the recipient's language.

Each cause registers its message codes here (referrals in `referrals/alerts.py`): how to
render one, how to deliver it in-app, and whom to tell if it cannot be delivered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation


@dataclass(frozen=True)
class Rendered:
    subject: str
    # Emails and digests never name a student nor a reason: mailboxes are less protected.
    body: str  # with the absolute link (absolute_url)
    summary: str  # one line for the daily digest, same rule as the body
    text: str  # the in-app notification, inside the protected app
    path: str  # where to act, relative


@dataclass(frozen=True)
class MessageType:
    render: Callable  # (delivery) -> Rendered
    deliver_in_app: Callable  # (delivery, rendered) -> None; must be idempotent
    escalate_to: Callable  # (delivery) -> list[User]: who hears that it failed
    on_sent: Callable | None = None  # (delivery) -> None, after a row is sent


_types: dict[str, MessageType] = {}


def register(code: str, message_type: MessageType) -> None:
    _types[code] = message_type


def message_type(code: str) -> MessageType:
    return _types[code]


def render(delivery) -> Rendered:
    with translation.override(delivery.recipient.preferred_language or settings.LANGUAGE_CODE):
        return _types[delivery.message_code].render(delivery)


def absolute_url(path: str) -> str:
    """Links in emails are opened outside the app: they need the site's address."""
    return settings.SITE_URL.rstrip("/") + path


def mail_host() -> str:
    """The right-hand side of our Message-IDs: the site's own host name."""
    return urlsplit(settings.SITE_URL).hostname or "schoolwell.invalid"
