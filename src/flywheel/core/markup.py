"""Member Markdown to safe HTML: markdown-it-py renders, nh3 sanitises.

Images only from our own image paths (settings.FLYWHEEL_OWN_IMAGE_PREFIXES, the community's
access-checked `/images/`): an image from any other host would load in every reader's browser
(a tracking pixel, a changed picture, a reader's IP address for the host). Markdown that shows
one becomes a plain link to it; nh3 drops any other `src` that gets through.
"""

import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

MENTION_PATTERN = re.compile(r"(?<![\w@/])@([a-z0-9][a-z0-9_.-]{1,29}[a-z0-9_])", re.IGNORECASE)

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
    "th": {"align"},
    "td": {"align"},
}


def find_mentions(text: str) -> list[str]:
    """Handles mentioned in Markdown source, lower-cased, first mention order, no repeats."""
    without_code = re.sub(r"```.*?```|`[^`]*`", " ", text, flags=re.DOTALL)
    seen: dict[str, None] = {}
    for match in MENTION_PATTERN.finditer(without_code):
        seen.setdefault(match.group(1).lower(), None)
    return list(seen)


def _mention_rule(state) -> None:
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        inside_link = 0
        for token in block.children:
            if token.type == "link_open":
                inside_link += 1
            elif token.type == "link_close":
                inside_link -= 1
            if token.type != "text" or inside_link or "@" not in token.content:
                children.append(token)
                continue
            position = 0
            for match in MENTION_PATTERN.finditer(token.content):
                if match.start() > position:
                    children.append(_text(token.content[position : match.start()]))
                link_open = Token("link_open", "a", 1)
                link_open.attrs = {
                    "href": f"/members/{match.group(1).lower()}/",
                    "class": "mention",
                }
                children.extend([link_open, _text(match.group(0)), Token("link_close", "a", -1)])
                position = match.end()
            if position < len(token.content):
                children.append(_text(token.content[position:]))
        block.children = children


def _link_rule(state) -> None:
    """Offer every absolute http(s) link to the registered link rewriters (core.hooks)."""
    from flywheel.core import hooks

    rewriters = list(hooks.link_rewriters)
    if not rewriters:
        return
    for block in state.tokens:
        for token in block.children or ():
            if token.type != "link_open":
                continue
            href = str(token.attrs.get("href", ""))
            if not href.lower().startswith(("http://", "https://")):
                continue
            for rewrite in rewriters:
                new_href = rewrite(href)
                if new_href:
                    token.attrs["href"] = new_href
                    token.attrs.setdefault("title", href)
                    break


def own_image_prefixes() -> tuple[str, ...]:
    from django.conf import settings

    return tuple(getattr(settings, "FLYWHEEL_OWN_IMAGE_PREFIXES", ("/images/",)))


def is_own_image(src: str) -> bool:
    """A site-relative path under one of our image prefixes (no scheme, no host, no `..`)."""
    src = (src or "").strip()
    return (
        src.startswith(own_image_prefixes())
        and not src.startswith("//")
        and ".." not in src
        and "\\" not in src
    )


def _image_rule(state) -> None:
    """An image from elsewhere becomes a link to it, labelled with its alt text."""
    for block in state.tokens:
        if not block.children:
            continue
        children: list[Token] = []
        for token in block.children:
            src = str(token.attrs.get("src", "")) if token.type == "image" else ""
            if token.type != "image" or is_own_image(src):
                children.append(token)
                continue
            link_open = Token("link_open", "a", 1)
            link_open.attrs = {"href": src}
            label = token.content or src
            children.extend([link_open, _text(label), Token("link_close", "a", -1)])
        block.children = children


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src" and not is_own_image(value):
        return None
    return value


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"linkify": True, "html": False, "typographer": False})
    parser.enable(["linkify", "table", "strikethrough"])
    parser.core.ruler.push("mentions", _mention_rule)
    parser.core.ruler.push("own_images", _image_rule)
    parser.core.ruler.push("link_rewriters", _link_rule)
    return parser


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        link_rel="nofollow ugc noopener",
        url_schemes={"http", "https", "mailto"},
    )


def render_markdown(text: str) -> str:
    """Render member Markdown to HTML that is safe to show as-is."""
    return sanitize_html(_parser().render(text))


def excerpt(text: str, length: int = 180) -> str:
    plain = nh3.clean(_parser().render(text), tags=set())
    plain = re.sub(r"\s+", " ", plain).strip()
    return plain if len(plain) <= length else plain[: length - 1].rsplit(" ", 1)[0] + "…"
