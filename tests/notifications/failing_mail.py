"""An e-mail backend whose SMTP server is down, like a real outage."""

from django.core.mail.backends.base import BaseEmailBackend


class UnreachableEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server unreachable")
