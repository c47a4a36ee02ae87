"""What each platform is sent, in the shape its documentation gives.

- Discord: an execute-webhook body (`content`, `embeds`, `allowed_mentions`), with mentions
  switched off so a member's "@everyone" in a title pings nobody.
- Slack: an incoming-webhook body with a plain-text `text` fallback and `blocks` in mrkdwn,
  with &, < and > escaped as Slack asks.
- Telegram: a Bot API sendMessage body with `parse_mode` HTML (only <b> and <a> used, the
  member's text escaped).
"""

import html
from dataclasses import dataclass

from flywheel.bridges.models import Platform

DISCORD_TITLE_MAX = 256
DISCORD_DESCRIPTION_MAX = 4096
DISCORD_USERNAME_MAX = 80
TELEGRAM_TEXT_MAX = 4096


@dataclass(frozen=True)
class BridgePost:
    heading: str  # "New topic in Trail running", already in the bridge's language
    title: str
    url: str
    excerpt: str
    byline: str  # "Giulia · Trail running"
    community: str  # the brand's community name
    colour: int = 0x2F6F4E


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def discord_body(post: BridgePost) -> dict:
    return {
        "username": _cut(post.community, DISCORD_USERNAME_MAX),
        "content": _cut(post.heading, 2000),
        "embeds": [
            {
                "title": _cut(post.title, DISCORD_TITLE_MAX),
                "url": post.url,
                "description": _cut(post.excerpt, DISCORD_DESCRIPTION_MAX),
                "color": post.colour,
                "footer": {"text": _cut(post.byline, 2048)},
            }
        ],
        "allowed_mentions": {"parse": []},
    }


def slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_body(post: BridgePost) -> dict:
    link = f"<{post.url}|{slack_escape(post.title)}>"
    return {
        "text": f"{slack_escape(post.heading)}: {link}",
        "unfurl_links": False,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{link}*"}},
            {
                "type": "section",
                "text": {"type": "plain_text", "text": _cut(post.excerpt, 2900) or " "},
            },
            {
                "type": "context",
                "elements": [
                    {"type": "plain_text", "text": _cut(f"{post.heading} · {post.byline}", 150)}
                ],
            },
        ],
    }


def telegram_body(post: BridgePost, *, chat_id: str) -> dict:
    head = (
        f"<b>{html.escape(post.heading)}</b>\n"
        f'<a href="{html.escape(post.url, quote=True)}">{html.escape(post.title)}</a>\n\n'
    )
    tail = f"\n\n{html.escape(post.byline)}"
    room = TELEGRAM_TEXT_MAX - len(head) - len(tail)
    return {
        "chat_id": chat_id,
        "text": head + html.escape(_cut(post.excerpt, max(room // 2, 0))) + tail,
        "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": True},
    }


def body_for(platform: str, post: BridgePost, *, chat_id: str = "") -> dict:
    if platform == Platform.DISCORD:
        return discord_body(post)
    if platform == Platform.SLACK:
        return slack_body(post)
    return telegram_body(post, chat_id=chat_id)
