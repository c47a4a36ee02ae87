"""A real HTTP server on 127.0.0.1 answering as Discord's execute-webhook, Slack's incoming
webhooks and Telegram's Bot API sendMessage do, in their documented shapes, including their
rate-limit answers. Answers can be scheduled per platform; every request is recorded.

    with FakePlatforms() as fake:
        settings.FLYWHEEL_BRIDGE_API_BASE_URLS = fake.base_urls
        fake.answer("discord", 429, times=1)
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

TELEGRAM_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
DISCORD_PATH = re.compile(r"^/api/webhooks/(\d+)/([\w-]+)$")
SLACK_PATH = re.compile(r"^/services/([\w/]+)$")
TELEGRAM_PATH = re.compile(r"^/bot([^/]+)/sendMessage$")


@dataclass
class Received:
    platform: str
    path: str
    query: dict[str, str]
    body: dict


def _discord(status: int, retry_after: float) -> tuple[int, dict[str, str], bytes]:
    if status == 200:
        message = {"id": "1178", "type": 0, "channel_id": "99", "content": "", "embeds": []}
        return 200, {"Content-Type": "application/json"}, json.dumps(message).encode()
    if status == 429:
        body = {"message": "You are being rate limited.", "retry_after": retry_after}
        body["global"] = False
        headers = {
            "Content-Type": "application/json",
            "Retry-After": str(int(retry_after) or 1),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset-After": str(retry_after),
            "X-RateLimit-Scope": "shared",
        }
        return 429, headers, json.dumps(body).encode()
    if status == 404:
        body = {"message": "Unknown Webhook", "code": 10015}
        return 404, {"Content-Type": "application/json"}, json.dumps(body).encode()
    return status, {"Content-Type": "application/json"}, b'{"message": "Internal error"}'


SLACK_ERRORS = {
    400: "invalid_payload",
    403: "action_prohibited",
    404: "channel_not_found",
    410: "channel_is_archived",
}


def _slack(status: int, retry_after: float) -> tuple[int, dict[str, str], bytes]:
    if status == 200:
        return 200, {"Content-Type": "text/html"}, b"ok"
    if status == 429:
        return 429, {"Retry-After": str(int(retry_after) or 1)}, b"rate_limited"
    return status, {"Content-Type": "text/html"}, SLACK_ERRORS.get(status, "error").encode()


def _telegram(status: int, retry_after: float, body: dict) -> tuple[int, dict[str, str], bytes]:
    if status == 200:
        result = {
            "message_id": 7,
            "chat": {"id": -1001234567890, "type": "channel", "title": "Northtrail"},
            "date": 1733560000,
            "text": body.get("text", ""),
        }
        answer = {"ok": True, "result": result}
    elif status == 429:
        answer = {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {int(retry_after)}",
            "parameters": {"retry_after": int(retry_after)},
        }
    elif status == 400:
        answer = {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
    elif status == 401:
        answer = {"ok": False, "error_code": 401, "description": "Unauthorized"}
    else:
        answer = {"ok": False, "error_code": status, "description": "Internal Server Error"}
    return status, {"Content-Type": "application/json"}, json.dumps(answer).encode()


class FakePlatforms:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self._answers: dict[str, deque[tuple[int, float]]] = {
            "discord": deque(),
            "slack": deque(),
            "telegram": deque(),
        }
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    body = {}
                platform = fake._platform_of(url.path)
                if platform is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                status, retry_after = fake._next_answer(platform)
                if platform == "telegram" and TELEGRAM_PATH.match(url.path).group(1) != (
                    TELEGRAM_TOKEN
                ):
                    status = 401
                with fake._lock:
                    fake.received.append(
                        Received(platform, url.path, dict(parse_qsl(url.query)), body)
                    )
                if platform == "discord":
                    status, headers, payload = _discord(status, retry_after)
                elif platform == "slack":
                    status, headers, payload = _slack(status, retry_after)
                else:
                    status, headers, payload = _telegram(status, retry_after, body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def base_urls(self) -> dict[str, str]:
        return {"discord": self.base_url, "slack": self.base_url, "telegram": self.base_url}

    def discord_webhook(self) -> str:
        return f"{self.base_url}/api/webhooks/1178/Xk-Lp9_webhook-token"

    def slack_webhook(self) -> str:
        return f"{self.base_url}/services/T0001/B0002/slackwebhooksecret"

    @staticmethod
    def _platform_of(path: str) -> str | None:
        if DISCORD_PATH.match(path):
            return "discord"
        if SLACK_PATH.match(path):
            return "slack"
        if TELEGRAM_PATH.match(path):
            return "telegram"
        return None

    def answer(self, platform: str, status: int, *, times: int = 1, retry_after: float = 3):
        with self._lock:
            self._answers[platform].extend([(status, retry_after)] * times)

    def _next_answer(self, platform: str) -> tuple[int, float]:
        with self._lock:
            queue = self._answers[platform]
            return queue.popleft() if queue else (200, 0)

    def to(self, platform: str) -> list[Received]:
        return [request for request in self.received if request.platform == platform]

    def __enter__(self) -> FakePlatforms:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
