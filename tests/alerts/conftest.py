"""A real SMTP server for the alert tests, and the referral personas they share."""

import socket
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from tests.referrals.conftest import colleague, on_call  # noqa: F401  (fixtures)


class FlakyHandler:
    """Refuses the first `refuse` DATA commands with 451 (try again later), then accepts."""

    def __init__(self, refuse: int = 0):
        self.refuse = refuse
        self.attempts = 0
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        if self.attempts <= self.refuse:
            return "451 4.3.0 Mail server temporarily unavailable"
        self.received.append(message_from_bytes(envelope.original_content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """An SMTP server on 127.0.0.1 that Django's SMTP backend sends to; set
    `smtp.refuse` to make it refuse the first attempts."""
    handler = FlakyHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield handler
    finally:
        controller.stop()


def body_of(message) -> str:
    return message.get_payload(decode=True).decode()
