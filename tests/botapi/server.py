"""A fake Telegram Bot API server for end-to-end tests.

The server speaks real HTTP (aiohttp) on 127.0.0.1 so that the unmodified
python-telegram-bot stack (``Application``, ``Bot``, ``HTTPXRequest``,
``AIORateLimiter``) can run against it.  It implements the subset of the Bot
API the quote bot uses and mimics Telegram closely where it matters for tests:

* responses are ``{"ok": true, "result": ...}`` or
  ``{"ok": false, "error_code": ..., "description": ...}`` with Telegram's
  wording; dates are unix seconds;
* ``parse_mode=HTML`` is parsed the way Telegram's server (TDLib) does it:
  same tags, same entity decoding, same error messages, entity offsets and
  lengths in UTF-16 code units, whitespace trimming, normalisation of nested
  entities and automatic detection of mentions, commands, hashtags, cashtags,
  URLs and e-mail addresses;
* ``getUpdates`` honours ``offset``/``limit`` and long polls with ``timeout``;
* in group chats the bot runs in privacy mode (``can_read_all_group_messages``
  is false): only commands, and replies to the bot's own messages, are
  delivered (see :attr:`BotAPIServer.privacy_mode`).

Any method that is not implemented answers with a 404 error and is recorded in
:attr:`BotAPIServer.unknown_calls`, so tests can assert that the bot only uses
what the fake server actually checks.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import itertools
import json
import logging
import mimetypes
import re
import struct
import time
import unicodedata
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

__all__ = ["APIError", "BotAPIServer", "HTMLParseError", "html_to_entities"]

_LOGGER = logging.getLogger(__name__)

MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_ENTITIES = 100
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_RESULTS = 50
MAX_CALLBACK_ANSWER_LENGTH = 200

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


class APIError(Exception):
    """An error answered to the client as ``{"ok": false, ...}``."""

    def __init__(self, description: str, error_code: int = 400, parameters: dict | None = None):
        super().__init__(description)
        self.description = description
        self.error_code = error_code
        self.parameters = parameters


class HTMLParseError(ValueError):
    """Malformed Telegram HTML; ``str(err)`` is TDLib's message, e.g. ``Unsupported start tag``."""


# ---------------------------------------------------------------------------
# Message entities: HTML parsing and TDLib's normalisation (fix_formatted_text)
# ---------------------------------------------------------------------------


class _Entity:
    """A mutable message entity; offset and length are in UTF-16 code units."""

    __slots__ = ("extra", "length", "offset", "type")

    def __init__(self, type_: str, offset: int, length: int, extra: dict | None = None):
        self.type = type_
        self.offset = offset
        self.length = length
        self.extra = extra or {}

    @property
    def end(self) -> int:
        return self.offset + self.length

    def copy(self) -> _Entity:
        return _Entity(self.type, self.offset, self.length, dict(self.extra))

    def to_dict(self) -> dict:
        result = {"type": self.type, "offset": self.offset, "length": self.length}
        result.update(copy.deepcopy(self.extra))
        return result

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"_Entity({self.type!r}, {self.offset}, {self.length}, {self.extra!r})"


# TDLib's MessageEntity::get_type_priority, keyed by Bot API type names.
_TYPE_PRIORITY = {
    "mention": 50,
    "hashtag": 50,
    "bot_command": 50,
    "url": 50,
    "email": 50,
    "bold": 90,
    "italic": 91,
    "code": 20,
    "pre": 11,  # 10 for a pre entity with a language (TDLib's PreCode)
    "text_link": 49,
    "text_mention": 49,
    "cashtag": 50,
    "phone_number": 50,
    "underline": 92,
    "strikethrough": 93,
    "blockquote": 0,
    "expandable_blockquote": 0,
    "bank_card_number": 50,
    "spoiler": 94,
    "custom_emoji": 99,
}
_SPLITTABLE = ("bold", "italic", "underline", "strikethrough", "spoiler")
_BLOCKQUOTES = frozenset({"blockquote", "expandable_blockquote"})
_PRE_TYPES = frozenset({"code", "pre"})
_HIDDEN_DATA = frozenset({"text_link", "text_mention", "custom_emoji"})


def _priority(entity: _Entity) -> int:
    if entity.type == "pre" and entity.extra.get("language"):
        return 10
    return _TYPE_PRIORITY.get(entity.type, 50)


def _sort_entities(entities: list[_Entity]) -> None:
    entities.sort(key=lambda e: (e.offset, -e.length, _priority(e)))


def _utf16_len(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _is_space_byte(b: int) -> bool:
    # TDLib's is_space(): NUL counts as a space (it is the C string terminator).
    return b in (0x20, 0x09, 0x0D, 0x0A, 0x00, 0x0B)


def _is_ascii_alpha(b: int) -> bool:
    return 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A


def _is_ascii_digit(b: int) -> bool:
    return 0x30 <= b <= 0x39


def _is_ascii_alnum(b: int) -> bool:
    return _is_ascii_alpha(b) or _is_ascii_digit(b)


def _hex_value(b: int) -> int:
    if _is_ascii_digit(b):
        return b - 0x30
    if 0x61 <= b <= 0x66:
        return b - 0x61 + 10
    if 0x41 <= b <= 0x46:
        return b - 0x41 + 10
    return -1


class _Bytes:
    """Byte access with a C-string like NUL terminator past the end."""

    __slots__ = ("data", "size")

    def __init__(self, data: bytes):
        self.data = data
        self.size = len(data)

    def __getitem__(self, index: int) -> int:
        return self.data[index] if index < self.size else 0


def _decode_html_entity(text: _Bytes, pos: int) -> tuple[int, int]:
    """TDLib's decode_html_entity: returns (code point, new position) or (0, pos)."""
    end_pos = pos + 1
    res = 0
    if text[pos + 1] == ord("#"):
        end_pos += 1
        if text[pos + 2] == ord("x"):
            end_pos += 1
            while _hex_value(text[end_pos]) >= 0:
                res = res * 16 + _hex_value(text[end_pos])
                end_pos += 1
                if res >= 0x10FFFF:
                    return 0, pos
        else:
            while _is_ascii_digit(text[end_pos]):
                res = res * 10 + text[end_pos] - 0x30
                end_pos += 1
                if res >= 0x10FFFF:
                    return 0, pos
        if res == 0 or res >= 0x10FFFF or end_pos - pos >= 10:
            return 0, pos
    else:
        while _is_ascii_alpha(text[end_pos]):
            end_pos += 1
        name = text.data[pos + 1 : end_pos]
        res = {b"lt": 0x3C, b"gt": 0x3E, b"amp": 0x26, b"quot": 0x22}.get(name, 0)
        if res == 0:
            return 0, pos
    if text[end_pos] == ord(";"):
        end_pos += 1
    return res, end_pos


_SUPPORTED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
        "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip


def _parse_html(html: str) -> tuple[str, list[_Entity]]:
    """Port of TDLib's parse_html(): returns the plain text and raw (unfixed) entities."""
    text = _Bytes(html.encode("utf-8"))
    size = text.size
    result = bytearray()
    entities: list[_Entity] = []
    utf16_offset = 0
    # (tag name, argument, utf16 offset, byte position in result)
    nested: list[tuple[str, str, int, int]] = []

    def name_at(begin: int, end: int) -> str:
        return text.data[begin:end].lower().decode("utf-8", "replace")

    i = 0
    while i < size:
        c = text[i]
        if c == ord("&"):
            code, new_pos = _decode_html_entity(text, i)
            if code != 0:
                if 0xD800 <= code <= 0xDFFF:
                    raise HTMLParseError(
                        "Text contains invalid Unicode characters after decoding HTML entities, "
                        "check for unmatched surrogate code units"
                    )
                utf16_offset += 2 if code > 0xFFFF else 1
                result += chr(code).encode("utf-8")
                i = new_pos
                continue
        if c != ord("<"):
            if (c & 0xC0) != 0x80:
                utf16_offset += 2 if c >= 0xF0 else 1
            result.append(c)
            i += 1
            continue

        begin_pos = i
        i += 1
        if text[i] != ord("/"):
            # start tag
            while not _is_space_byte(text[i]) and text[i] != ord(">"):
                i += 1
            if text[i] == 0:
                raise HTMLParseError(f"Unclosed start tag at byte offset {begin_pos}")
            tag_name = name_at(begin_pos + 1, i)
            if tag_name not in _SUPPORTED_TAGS:
                raise HTMLParseError(
                    f'Unsupported start tag "{tag_name}" at byte offset {begin_pos}'
                )
            argument = ""
            while text[i] != ord(">"):
                while text[i] != 0 and _is_space_byte(text[i]):
                    i += 1
                if text[i] == ord(">"):
                    break
                attribute_begin = i
                while (
                    not _is_space_byte(text[i]) and text[i] != ord("=") and text[i] != ord(">")
                ):
                    i += 1
                attribute_name = text.data[attribute_begin:i]
                if not attribute_name:
                    raise HTMLParseError(
                        f'Empty attribute name in the tag "{tag_name}" at byte offset {begin_pos}'
                    )
                while text[i] != 0 and _is_space_byte(text[i]):
                    i += 1
                if text[i] != ord("="):
                    if tag_name == "blockquote" and attribute_name == b"expandable":
                        argument = "1"
                        continue
                    raise HTMLParseError(
                        "Expected equal sign in declaration of an attribute of the tag "
                        f'"{tag_name}" at byte offset {begin_pos}'
                    )
                i += 1
                while text[i] != 0 and _is_space_byte(text[i]):
                    i += 1
                if text[i] == 0:
                    raise HTMLParseError(
                        f'Unclosed start tag "{tag_name}" at byte offset {begin_pos}'
                    )
                if text[i] not in (ord("'"), ord('"')):
                    # a name token: letters, digits, periods or hyphens, case-insensitive
                    token_begin = i
                    while _is_ascii_alnum(text[i]) or text[i] in (ord("."), ord("-")):
                        i += 1
                    attribute_value = text.data[token_begin:i].lower().decode("utf-8")
                    if not _is_space_byte(text[i]) and text[i] != ord(">"):
                        raise HTMLParseError(
                            f"Unexpected end of name token at byte offset {token_begin}"
                        )
                else:
                    end_character = text[i]
                    i += 1
                    value = bytearray()
                    while text[i] != end_character and text[i] != 0:
                        if text[i] == ord("&"):
                            code, new_pos = _decode_html_entity(text, i)
                            if code != 0:
                                value += chr(code).encode("utf-8", "surrogatepass")
                                i = new_pos
                                continue
                        value.append(text[i])
                        i += 1
                    if text[i] == end_character:
                        i += 1
                    attribute_value = value.decode("utf-8", "replace")
                if text[i] == 0:
                    raise HTMLParseError(f"Unclosed start tag at byte offset {begin_pos}")

                if tag_name == "a" and attribute_name == b"href":
                    argument = attribute_value
                elif (
                    tag_name == "code"
                    and attribute_name == b"class"
                    and attribute_value.startswith("language-")
                ):
                    argument = attribute_value[len("language-") :]
                elif (
                    tag_name == "span"
                    and attribute_name == b"class"
                    and attribute_value.startswith("tg-")
                ):
                    argument = attribute_value[len("tg-") :]
                elif tag_name == "tg-emoji" and attribute_name == b"emoji-id":
                    argument = attribute_value
            if tag_name == "span" and argument != "spoiler":
                raise HTMLParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {begin_pos}'
                )
            nested.append((tag_name, argument, utf16_offset, len(result)))
            i += 1  # skip '>'
            continue

        # end tag
        if not nested:
            raise HTMLParseError(f"Unexpected end tag at byte offset {begin_pos}")
        while not _is_space_byte(text[i]) and text[i] != ord(">"):
            i += 1
        end_tag_name = name_at(begin_pos + 2, i)
        while _is_space_byte(text[i]) and text[i] != 0:
            i += 1
        if text[i] != ord(">"):
            raise HTMLParseError(f"Unclosed end tag at byte offset {begin_pos}")
        tag_name, argument, entity_offset, entity_begin_pos = nested[-1]
        if end_tag_name and end_tag_name != tag_name:
            raise HTMLParseError(
                f"Unmatched end tag at byte offset {begin_pos}, expected "
                f'"</{tag_name}>", found "</{end_tag_name}>"'
            )
        if utf16_offset > entity_offset:
            length = utf16_offset - entity_offset
            simple = {
                "i": "italic", "em": "italic", "b": "bold", "strong": "bold",
                "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
                "u": "underline", "ins": "underline", "tg-spoiler": "spoiler", "span": "spoiler",
            }  # fmt: skip
            if tag_name in simple:
                entities.append(_Entity(simple[tag_name], entity_offset, length))
            elif tag_name == "tg-emoji":
                if not argument.isdigit() or int(argument) == 0:
                    raise HTMLParseError("Invalid custom emoji identifier specified")
                entities.append(
                    _Entity("custom_emoji", entity_offset, length, {"custom_emoji_id": argument})
                )
            elif tag_name == "a":
                url = argument or result[entity_begin_pos:].decode("utf-8", "replace")
                user_id = _link_user_id(url)
                if user_id is not None:
                    entities.append(
                        _Entity(
                            "text_mention",
                            entity_offset,
                            length,
                            {"user": {"id": user_id, "is_bot": False, "first_name": ""}},
                        )
                    )
                else:
                    checked = _check_link(url)
                    if checked:
                        entities.append(
                            _Entity("text_link", entity_offset, length, {"url": checked})
                        )
            elif tag_name == "pre":
                last = entities[-1] if entities else None
                if (
                    last is not None
                    and last.type == "code"
                    and last.offset == entity_offset
                    and last.length == length
                    and last.extra.get("language")
                ):
                    last.type = "pre"
                else:
                    entities.append(_Entity("pre", entity_offset, length))
            elif tag_name == "code":
                last = entities[-1] if entities else None
                if (
                    last is not None
                    and last.type == "pre"
                    and last.offset == entity_offset
                    and last.length == length
                    and argument
                ):
                    last.extra["language"] = argument
                else:
                    extra = {"language": argument} if argument else {}
                    entities.append(_Entity("code", entity_offset, length, extra))
            elif tag_name == "blockquote":
                kind = "expandable_blockquote" if argument else "blockquote"
                entities.append(_Entity(kind, entity_offset, length))
        nested.pop()
        i += 1  # skip '>'

    if nested:
        raise HTMLParseError(
            f'Can\'t find end tag corresponding to start tag "{nested[-1][0]}"'
        )
    for entity in entities:
        if entity.type == "code":
            entity.extra.pop("language", None)
    _sort_entities(entities)
    return result.decode("utf-8"), entities


def _link_user_id(url: str) -> int | None:
    match = re.fullmatch(r"(?i)tg:(?://)?user\?id=(\d{1,19})", url.strip())
    if match and int(match.group(1)) > 0:
        return int(match.group(1))
    return None


def _check_link(url: str) -> str | None:
    """Approximation of TDLib's LinkManager::get_checked_link(); None for an invalid link."""
    url = url.strip()
    if not url or any(ch.isspace() for ch in url):
        return None
    match = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", url)
    if match:
        scheme = match.group(1).lower()
        if scheme in ("tg", "ton", "tonsite"):
            rest = url[match.end() :]
            return f"{scheme}:{rest}" if rest.strip("/") else None
        if scheme not in ("http", "https"):
            if not url[match.end() :].startswith("//") and "." in scheme:
                pass  # "example.com:8080/path" - a host with a port, not a scheme
            else:
                return None
        else:
            if not url[match.end() :].startswith("//"):
                return None
    if "://" not in url:
        url = "http://" + url
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return None
    if not host or not re.fullmatch(r"[a-z0-9\-._~\u00a1-\U0010ffff]+", host):
        return None
    if "." not in host and host != "localhost":
        return None
    scheme, _, rest = url.partition("://")
    authority_end = len(rest)
    for sep in "/?#":
        index = rest.find(sep)
        if index != -1:
            authority_end = min(authority_end, index)
    tail = rest[authority_end:]
    if not tail.startswith("/"):
        tail = "/" + tail
    userinfo = f"{parts.username}@" if parts.username else ""
    port_part = f":{port}" if port is not None else ""
    return f"{scheme.lower()}://{userinfo}{host}{port_part}{tail}"


def _remove_intersecting(entities: list[_Entity]) -> list[_Entity]:
    result = []
    last_end = 0
    for entity in entities:
        if entity.offset >= last_end:
            last_end = entity.end
            result.append(entity)
    return result


def _remove_intersecting_blockquote(
    entities: list[_Entity], blockquotes: list[_Entity]
) -> list[_Entity]:
    if not blockquotes:
        return entities
    result = []
    index = 0
    for entity in entities:
        while index < len(blockquotes) and blockquotes[index].end <= entity.offset:
            index += 1
        if index < len(blockquotes):
            quote = blockquotes[index]
            if quote.end < entity.end or entity.offset < quote.offset < entity.end:
                continue
        result.append(entity)
    return result


def _split_entities(splittable: list[_Entity], others: list[_Entity]) -> list[_Entity]:
    """Port of TDLib's split_entities(): merges overlapping/adjacent splittable entities of
    the same type and splits them at the borders of the other entities; parts inside code
    and pre entities are dropped."""
    begin_pos = dict.fromkeys(_SPLITTABLE, 0)
    end_pos = dict.fromkeys(_SPLITTABLE, 0)
    result: list[_Entity] = []
    position = 0

    def flush(offset: int) -> None:
        for type_ in _SPLITTABLE:
            if end_pos[type_] != 0 and begin_pos[type_] < offset:
                if end_pos[type_] <= offset:
                    result.append(
                        _Entity(type_, begin_pos[type_], end_pos[type_] - begin_pos[type_])
                    )
                    begin_pos[type_] = 0
                    end_pos[type_] = 0
                else:
                    result.append(_Entity(type_, begin_pos[type_], offset - begin_pos[type_]))
                    begin_pos[type_] = offset

    def add_entities(end_offset: int) -> None:
        nonlocal position
        while position < len(splittable):
            entity = splittable[position]
            if entity.offset >= end_offset:
                break
            type_ = entity.type
            if entity.offset <= end_pos[type_] and end_pos[type_] != 0:
                end_pos[type_] = max(end_pos[type_], entity.end)
            else:
                flush(entity.offset)
                begin_pos[type_] = entity.offset
                end_pos[type_] = entity.end
            position += 1
        flush(end_offset)

    stack: list[_Entity] = []

    def add_offset(offset: int) -> None:
        while stack and offset >= stack[-1].end:
            old_size = len(result)
            add_entities(stack[-1].end)
            if stack[-1].type in _PRE_TYPES:
                del result[old_size:]
            stack.pop()
        add_entities(offset)

    for other in others:
        add_offset(other.offset)
        stack.append(other)
    add_offset(1 << 62)
    _sort_entities(result)
    return result


def _partition(entities: list[_Entity]) -> tuple[list[_Entity], list[_Entity], list[_Entity]]:
    splittable = [e for e in entities if e.type in _SPLITTABLE]
    blockquotes = [e for e in entities if e.type in _BLOCKQUOTES]
    continuous = [e for e in entities if e.type not in _SPLITTABLE and e.type not in _BLOCKQUOTES]
    return splittable, blockquotes, continuous


def _resplit(splittable: list[_Entity], entities: list[_Entity]) -> list[_Entity]:
    if splittable:
        splittable = _split_entities(splittable, entities)
        if not entities:
            return splittable
        entities = entities + splittable
        _sort_entities(entities)
    return entities


def _fix_entities(entities: list[_Entity]) -> list[_Entity]:
    _sort_entities(entities)
    splittable, blockquotes, continuous = _partition(entities)
    continuous = _remove_intersecting(continuous)
    if blockquotes:
        blockquotes = _remove_intersecting(blockquotes)
        continuous = _remove_intersecting_blockquote(continuous, blockquotes)
        continuous = continuous + blockquotes
        _sort_entities(continuous)
    return _resplit(splittable, continuous)


def _merge_new_entities(entities: list[_Entity], new_entities: list[_Entity]) -> list[_Entity]:
    if not new_entities:
        return entities
    splittable, blockquotes, continuous = _partition(entities)
    new_entities = _remove_intersecting_blockquote(new_entities, blockquotes)
    # old entities win over intersecting new ones (TDLib's merge_entities)
    merged: list[_Entity] = []
    position = 0
    for old in continuous:
        while position < len(new_entities) and new_entities[position].end <= old.offset:
            merged.append(new_entities[position])
            position += 1
        merged.append(old)
        while position < len(new_entities) and new_entities[position].offset < old.end:
            position += 1
    merged.extend(new_entities[position:])
    if blockquotes:
        merged = merged + blockquotes
        _sort_entities(merged)
    return _resplit(splittable, merged)


def _utf16_map(chars: list[str]) -> list[int]:
    """Start offset (UTF-16) of every code point, plus the total length at the end."""
    offsets = [0]
    for ch in chars:
        offsets.append(offsets[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return offsets


def _clean_text(text: str, entities: list[_Entity]) -> str:
    """TDLib's clean_input_string(_with_entities): control characters become spaces, '\\r' and
    some invisible characters are removed; entity offsets are adjusted."""
    removed = {"\r", "\u0333", "\u033f", "\u030a"} | {chr(c) for c in range(0x2028, 0x202F)}
    out: list[str] = []
    old_to_new: list[int] = []  # new UTF-16 offset for every old UTF-16 offset
    new_offset = 0
    for ch in text:
        units = 2 if ord(ch) > 0xFFFF else 1
        old_to_new.extend([new_offset] * units)
        code = ord(ch)
        if ch in removed:
            continue
        if code < 32 and ch != "\n" and (ch != "\t" or entities):
            ch = " "
        out.append(ch)
        new_offset += units
    old_to_new.append(new_offset)
    for entity in entities:
        start = old_to_new[min(entity.offset, len(old_to_new) - 1)]
        end = old_to_new[min(entity.end, len(old_to_new) - 1)]
        entity.offset, entity.length = start, end - start
    return "".join(out)


def _remove_invalid_entities(text: str, entities: list[_Entity]) -> tuple[list[_Entity], int, int]:
    """Port of TDLib's remove_invalid_entities(): drops whitespace-only entities and moves entity
    starts past leading whitespace.  Returns (entities, index of the last non-whitespace code
    point, its UTF-16 offset) with -1 offsets for whitespace-only text."""
    entities = [e for e in entities if e.length > 0]
    stack: list[_Entity] = []
    current = 0
    utf16_offset = 0
    last_pos = -1
    last_utf16 = -1
    for pos in range(len(text) + 1):
        while stack:
            entity = stack[-1]
            if utf16_offset < entity.end:
                break
            if not (last_utf16 >= entity.offset or entity.type in _HIDDEN_DATA):
                entity.length = 0
            stack.pop()
        while current < len(entities) and utf16_offset >= entities[current].offset:
            stack.append(entities[current])
            current += 1
        if pos == len(text):
            break
        ch = text[pos]
        if stack and stack[-1].offset == utf16_offset and ch in " \n":
            index = len(stack)
            while index > 0:
                entity = stack[index - 1]
                if entity.offset != utf16_offset or entity.type in _HIDDEN_DATA:
                    break
                entity.offset += 1
                entity.length -= 1
                if entity.length == 0:
                    stack.pop()
                index -= 1
        if ch not in " \n":
            if ord(ch) > 0xFFFF:
                utf16_offset += 1
            last_pos = pos
            last_utf16 = utf16_offset
        utf16_offset += 1
    return [e for e in entities if e.length > 0], last_pos, last_utf16


# --- automatic entity detection (TDLib's find_entities, simplified for URLs) ---

_ALNUM_UNDERSCORE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _is_word_char(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category[0] == "L" or category[0] == "N" or ch == "_"


def _is_hashtag_letter(ch: str) -> tuple[bool, bool]:
    """(is hashtag letter, is a letter)."""
    code = ord(ch)
    category = unicodedata.category(ch)
    is_letter = category[0] == "L"
    if ch == "_" or code in (0x200C, 0xB7) or 0xD80 <= code <= 0xDFF:
        return True, is_letter
    return is_letter or category == "Nd", is_letter


def _find_mentions(text: str) -> list[tuple[str, int, int]]:
    found = []
    for match in re.finditer("@", text):
        start = match.start()
        if start > 0 and _is_word_char(text[start - 1]):
            continue
        end = start + 1
        while end < len(text) and text[end] in _ALNUM_UNDERSCORE:
            end += 1
        size = end - start - 1
        if size < 4 or size > 32:  # TDLib also allows a few short collectible usernames
            continue
        if end < len(text) and _is_word_char(text[end]):
            continue
        found.append(("mention", start, end))
    return found


def _find_bot_commands(text: str) -> list[tuple[str, int, int]]:
    found = []
    for match in re.finditer("/", text):
        start = match.start()
        if start > 0:
            prev = text[start - 1]
            if _is_word_char(prev) or prev in "/<>":
                continue
        end = start + 1
        while end < len(text) and text[end] in _ALNUM_UNDERSCORE:
            end += 1
        if not 1 <= end - start - 1 <= 64:
            continue
        if end < len(text) and text[end] == "@":
            mention_start = end + 1
            end = mention_start
            while end < len(text) and text[end] in _ALNUM_UNDERSCORE:
                end += 1
            if not 3 <= end - mention_start <= 32:
                continue
        if end < len(text) and (_is_word_char(text[end]) or text[end] in "/<>"):
            continue
        found.append(("bot_command", start, end))
    return found


def _find_hashtags(text: str) -> list[tuple[str, int, int]]:
    found = []
    for match in re.finditer("#", text):
        start = match.start()
        if start > 0 and _is_hashtag_letter(text[start - 1])[0]:
            continue
        pos = start + 1
        size = 0
        end = None
        was_letter = False
        while pos < len(text):
            ok, is_letter = _is_hashtag_letter(text[pos])
            if not ok:
                break
            pos += 1
            if size == 255:
                end = pos
            if size != 256:
                was_letter |= is_letter
                size += 1
        if end is None:
            end = pos
        if size < 1 or (pos < len(text) and text[pos] == "#") or not was_letter:
            continue
        found.append(("hashtag", start, end))
    return found


def _find_cashtags(text: str) -> list[tuple[str, int, int]]:
    found = []
    for match in re.finditer(r"\$", text):
        start = match.start()
        if start > 0:
            prev = text[start - 1]
            if _is_hashtag_letter(prev)[0] or prev == "$":
                continue
        pos = start + 1
        if text.startswith("1INCH", pos):
            pos += 5
        else:
            while pos < len(text) and "A" <= text[pos] <= "Z":
                pos += 1
        if not 1 <= pos - start - 1 <= 8:
            continue
        if pos < len(text) and (_is_hashtag_letter(text[pos])[0] or text[pos] == "$"):
            continue
        found.append(("cashtag", start, pos))
    return found


_TLDS = (
    "com|net|org|edu|gov|mil|int|info|biz|name|pro|io|me|co|ai|app|dev|xyz|top|site|online|tech|"
    "store|club|news|live|blog|cloud|link|ly|tv|cc|ws|fm|gg|to|sh|am|ru|su|ua|by|kz|cn|hk|tw|mo|jp|"
    "kr|sg|my|th|vn|id|ph|in|pk|ir|tr|il|ae|sa|eg|za|ng|ke|uk|de|fr|it|es|pt|nl|be|ch|at|se|no|"
    "dk|fi|"
    "pl|cz|sk|hu|ro|bg|gr|ie|is|ee|lv|lt|si|hr|rs|ba|md|ge|az|us|ca|mx|br|ar|cl|pe|au|nz|eu|asia|"
    "mobi|travel|museum|jobs|email|online|website|space|today|world|ton|onion"
)
_DOMAIN = (
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+(?:" + _TLDS + r")(?![A-Za-z0-9\-])"
)
_URL_RE = re.compile(
    r"(?<![A-Za-z0-9_@.\-/])(?:"
    r"(?:(?i:https?|ftp|tonsite)://[^\s<>\"«»]+)"
    r"|(?:(?i:tg|ton)://[^\s<>\"«»]+)"
    r"|(?:(?i:" + _DOMAIN + r")(?::\d{1,5})?(?:[/?#][^\s<>\"«»]*)?)"
    r")"
)
_EMAIL_RE = re.compile(r"(?<![A-Za-z0-9_.+\-])[A-Za-z0-9_.+\-]+@(?i:" + _DOMAIN + r")")


def _trim_url(url: str) -> str:
    while url:
        last = url[-1]
        if last in ".,:;!?'\"»":
            url = url[:-1]
        elif last == ")" and url.count("(") < url.count(")"):
            url = url[:-1]
        elif last == "]" and url.count("[") < url.count("]"):
            url = url[:-1]
        else:
            break
    return url


def _find_urls(text: str) -> list[tuple[str, int, int]]:
    found = []
    for match in _EMAIL_RE.finditer(text):
        found.append(("email", match.start(), match.end()))
    for match in _URL_RE.finditer(text):
        url = _trim_url(match.group(0))
        if "://" in url and not url.split("://", 1)[1]:
            continue
        found.append(("url", match.start(), match.start() + len(url)))
    return found


def _find_entities(text: str) -> list[_Entity]:
    """Automatically detected entities, non-intersecting, with UTF-16 offsets."""
    spans = (
        _find_mentions(text)
        + _find_bot_commands(text)
        + _find_hashtags(text)
        + _find_cashtags(text)
        + _find_urls(text)
    )
    if not spans:
        return []
    offsets = _utf16_map(list(text))
    entities = [
        _Entity(type_, offsets[start], offsets[end] - offsets[start])
        for type_, start, end in spans
        if end > start
    ]
    _sort_entities(entities)
    return _remove_intersecting(entities)


def _format_text(
    text: str, entities: list[_Entity], *, detect_entities: bool = True
) -> tuple[str, list[_Entity]]:
    """Port of TDLib's fix_formatted_text(): returns ("", []) for whitespace-only text."""
    entities = [e for e in entities if e.length > 0]
    if entities:
        entities = _fix_entities(entities)
    text = _clean_text(text, entities)
    entities, last_pos, last_utf16 = _remove_invalid_entities(text, entities)
    if last_utf16 == -1:
        return "", []
    entities = _fix_entities(entities)

    # rtrim
    text = text[: last_pos + 1]
    entities = [e for e in entities if e.offset <= last_utf16]
    for entity in entities:
        if entity.end > last_utf16 + 1:
            entity.length = last_utf16 + 1 - entity.offset
    _sort_entities(entities)
    # ltrim (never past the first entity)
    first_entity_offset = entities[0].offset if entities else len(text)
    skip = 0
    while skip < first_entity_offset and skip < len(text) and text[skip] in " \n":
        skip += 1
    if skip:
        text = text[skip:]
        for entity in entities:
            entity.offset -= skip

    if detect_entities:
        entities = _merge_new_entities(entities, _find_entities(text))
    entities, _, _ = _remove_invalid_entities(text, entities)
    _sort_entities(entities)
    return text, entities


def _entities_from_dicts(raw: Any) -> list[_Entity]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise APIError("Bad Request: can't parse entities JSON object")
    entities = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            raise APIError(
                "Bad Request: can't parse MessageEntity: Field \"type\" must be of type String"
            )
        try:
            offset, length = int(item["offset"]), int(item["length"])
        except (KeyError, TypeError, ValueError):
            raise APIError(
                "Bad Request: can't parse MessageEntity: Field \"offset\" must be of type Number"
            ) from None
        extra = {k: v for k, v in item.items() if k not in ("type", "offset", "length")}
        entities.append(_Entity(item["type"], offset, length, extra))
    _sort_entities(entities)
    return entities


def html_to_entities(html: str, *, detect_entities: bool = True) -> tuple[str, list[dict]]:
    """Parse Telegram-flavoured HTML exactly like the Bot API does for ``parse_mode=HTML``.

    Returns the plain text and the message entities (dicts in Bot API shape, offsets and
    lengths in UTF-16 code units) that a real ``sendMessage`` would return, including
    Telegram's whitespace trimming, entity normalisation and (unless ``detect_entities`` is
    false) automatically detected mentions, commands, hashtags, cashtags, URLs and e-mails.
    Raises :class:`HTMLParseError` with TDLib's message for malformed HTML; the Bot API
    reports it as ``"Bad Request: can't parse entities: " + str(error)``.
    Whitespace-only input gives ``("", [])`` (sendMessage rejects that).
    """
    text, entities = _parse_html(html)
    text, entities = _format_text(text, entities, detect_entities=detect_entities)
    return text, [e.to_dict() for e in entities]


# ---------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------

_API_PATH_RE = re.compile(r"/bot([^/]*)/([^/]+)/?")
_FILE_PATH_RE = re.compile(r"/file/bot([^/]*)/(.+)")

# Parameters whose values are plain strings even when they look like JSON or numbers.
_STRING_PARAMS = frozenset(
    {
        "text", "caption", "query", "parse_mode", "caption_parse_mode", "callback_query_id",
        "inline_query_id", "next_offset", "url", "file_id", "action", "language_code",
        "switch_pm_text", "switch_pm_parameter", "message_effect_id", "business_connection_id",
        "inline_message_id", "title", "description", "first_name", "last_name", "username",
        "emoji", "secret_token", "ip_address", "custom_title", "name", "document", "photo",
        "sticker", "thumbnail", "status",
    }
)  # fmt: skip
_CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
        "upload_document", "choose_sticker", "find_location", "record_video_note",
        "upload_video_note",
    }
)  # fmt: skip
_MEMBER_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")
_INLINE_BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip


class _Upload:
    """A file received in a multipart request."""

    def __init__(self, filename: str, content: bytes, content_type: str | None):
        self.filename = filename
        self.content = content
        self.content_type = content_type

    def describe(self) -> dict:
        return {
            "filename": self.filename,
            "mime_type": self.content_type,
            "size": len(self.content),
        }


def _decode_form_value(key: str, value: str) -> Any:
    if key in _STRING_PARAMS:
        return value
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    if isinstance(decoded, str):
        return value
    return decoded


def _now() -> int:
    return int(time.time())


class BotAPIServer:
    """A fake Telegram Bot API server.  See the module docstring."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_id: int = 123456,
        bot_username: str = "quote_test_bot",
        host: str = "127.0.0.1",
        port: int = 0,
    ):
        self.token = token
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.bot_first_name = "Quote Test Bot"
        self.host = host
        self.port = port
        self.base_url = ""
        #: every API call with a valid token, in order: (method name as sent, decoded params)
        self.calls: list[tuple[str, dict]] = []
        #: names of called methods this server does not implement
        self.unknown_calls: list[str] = []
        #: unexpected exceptions raised while handling a request (answered with HTTP 500)
        self.internal_errors: list[str] = []
        #: when true (default, like a real bot with privacy mode on), group messages are only
        #: delivered if they are commands for this bot or replies to one of its messages
        self.privacy_mode = True
        #: updates not delivered because of privacy mode
        self.suppressed_updates: list[dict] = []
        #: edits of inline messages (editMessageText with inline_message_id)
        self.inline_message_edits: list[dict] = []
        #: the webhook set with setWebhook: url, secret_token, ... ({} while polling)
        self.webhook: dict = {}
        #: faults served by :meth:`fail_next`, in order: (method, fault)
        self.faults_served: list[tuple[str, int | str]] = []
        #: how long a "hang" fault keeps the client waiting before closing the connection
        self.hang_seconds = 10.0
        self._faults: dict[str, list[int | str]] = {}

        self._runner: web.AppRunner | None = None
        self._closing = False
        self._updates: list[dict] = []
        self._update_ids = itertools.count(1)
        self._waiters: set[asyncio.Event] = set()
        self._poller: object | None = None
        self._users: dict[int, dict] = {}
        self._chats: dict[int, dict] = {}
        self._messages: dict[int, dict[int, dict]] = {}
        self._bot_message_ids: dict[int, list[int]] = {}
        self._next_message_id: dict[int, int] = {}
        self._files: dict[str, dict] = {}
        self._file_paths: dict[str, str] = {}
        self._file_counter = itertools.count(1)
        self._query_counter = itertools.count(4_000_000_000_000_000_001)
        self._callback_queries: dict[str, dict] = {}
        self._callback_answers: dict[str, dict] = {}
        self._inline_queries: dict[str, dict] = {}
        self._inline_answers: dict[str, dict] = {}
        self._command_calls: list[dict] = []
        self._my_commands: dict[tuple[str, str], list[dict]] = {}
        self._member_status: dict[tuple[int, int], str] = {}
        self._handlers: dict[str, Callable[[dict], Any]] = {
            "getme": self._get_me,
            "deletewebhook": self._delete_webhook,
            "setwebhook": self._set_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "getupdates": self._get_updates,
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "answercallbackquery": self._answer_callback_query,
            "answerinlinequery": self._answer_inline_query,
            "sendchataction": self._send_chat_action,
            "setmycommands": self._set_my_commands,
            "deletemycommands": self._delete_my_commands,
            "getmycommands": self._get_my_commands,
            "getchatmember": self._get_chat_member,
            "senddocument": self._send_document,
            "sendphoto": self._send_photo,
            "getfile": self._get_file,
        }

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._closing = False
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        sockets = self._runner.addresses
        self.port = sockets[0][1]
        self.base_url = f"http://{self.host}:{self.port}"

    async def stop(self) -> None:
        self._closing = True
        self._wake_pollers()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotAPIServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ HTTP layer

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        file_match = _FILE_PATH_RE.fullmatch(path)
        if file_match:
            return self._download(file_match.group(1), file_match.group(2))
        match = _API_PATH_RE.fullmatch(path)
        if not match:
            return self._error_response(APIError("Not Found", 404))
        token, method = match.groups()
        if token != self.token:
            return self._error_response(APIError("Unauthorized", 401))
        try:
            params = await self._read_params(request)
        except APIError as err:
            self.calls.append((method, {}))
            return self._error_response(err)
        self.calls.append((method, self._describe_params(params)))
        fault = self._take_fault(method)
        if fault is not None and fault != "drop-after":
            return await self._serve_fault(request, method, fault)
        handler = self._handlers.get(method.lower())
        if handler is None:
            self.unknown_calls.append(method)
            return self._error_response(
                APIError(f"Not Found: method {method} is not implemented by the test server", 404)
            )
        try:
            result = handler(params)
            if inspect.isawaitable(result):
                result = await result
        except APIError as err:
            return self._error_response(err)
        except Exception as err:  # a bug in the fake server: make it visible
            _LOGGER.exception("fake Bot API server failed on %s", method)
            self.internal_errors.append(f"{method}: {err!r}")
            return self._error_response(APIError(f"Internal Server Error: {err!r}", 500))
        if fault == "drop-after":  # handled, but the answer is lost on the way back
            return await self._serve_fault(request, method, fault)
        return self._json_response({"ok": True, "result": result})

    # ------------------------------------------------------------------ fault injection

    def fail_next(self, method: str, *faults: int | str) -> None:
        """Make the next calls of `method` fail, one fault per call, in order.

        A fault is an HTTP status (500, 502, 503, ...: answered with Telegram's error body,
        the call not handled), ``"drop"`` (the connection is closed without an answer, the
        call not handled), ``"drop-after"`` (the call is handled, then the connection is
        closed without an answer) or ``"hang"`` (no answer for :attr:`hang_seconds`, then
        the connection is closed, the call not handled).
        """
        for fault in faults:
            if not (isinstance(fault, int) or fault in ("drop", "drop-after", "hang")):
                raise ValueError(f"unknown fault {fault!r}")
        self._faults.setdefault(method.lower(), []).extend(faults)

    def _take_fault(self, method: str) -> int | str | None:
        queue = self._faults.get(method.lower())
        if not queue:
            return None
        fault = queue.pop(0)
        self.faults_served.append((method, fault))
        return fault

    async def _serve_fault(
        self, request: web.Request, method: str, fault: int | str
    ) -> web.StreamResponse:
        if isinstance(fault, int):
            phrases = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
            return self._error_response(APIError(phrases.get(fault, "Server Error"), fault))
        if fault == "hang":
            await asyncio.sleep(self.hang_seconds)
        _LOGGER.debug("fake Bot API server: dropping the connection of %s (%s)", method, fault)
        if request.transport is not None:
            request.transport.abort()
        return web.Response(status=500)  # never written: the connection is gone

    @staticmethod
    def _json_response(payload: dict, status: int = 200) -> web.Response:
        return web.Response(
            body=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            status=status,
            content_type="application/json",
        )

    def _error_response(self, err: APIError) -> web.Response:
        payload: dict[str, Any] = {
            "ok": False,
            "error_code": err.error_code,
            "description": err.description,
        }
        if err.parameters:
            payload["parameters"] = err.parameters
        return self._json_response(payload, status=err.error_code)

    async def _read_params(self, request: web.Request) -> dict:
        params: dict[str, Any] = {k: _decode_form_value(k, v) for k, v in request.query.items()}
        if request.method not in ("POST", "PUT"):
            return params
        content_type = request.content_type
        if content_type == "application/json":
            body = await request.read()
            if body.strip():
                try:
                    data = json.loads(body)
                except ValueError:
                    raise APIError("Bad Request: can't parse JSON encoded request") from None
                if not isinstance(data, dict):
                    raise APIError("Bad Request: JSON object expected as request body")
                for key, value in data.items():
                    params[key] = (
                        _decode_form_value(key, value)
                        if isinstance(value, str) and key not in _STRING_PARAMS
                        else value
                    )
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    params[key] = _Upload(value.filename, value.file.read(), value.content_type)
                elif isinstance(value, (bytes, bytearray)):
                    params[key] = _decode_form_value(key, bytes(value).decode("utf-8"))
                else:
                    params[key] = _decode_form_value(key, str(value))
        return params

    @staticmethod
    def _describe_params(params: dict) -> dict:
        return {
            key: value.describe() if isinstance(value, _Upload) else copy.deepcopy(value)
            for key, value in params.items()
        }

    def _download(self, token: str, file_path: str) -> web.Response:
        if token != self.token:
            return self._error_response(APIError("Unauthorized", 401))
        file_id = self._file_paths.get(file_path)
        if file_id is None:
            return self._error_response(APIError("Not Found", 404))
        stored = self._files[file_id]
        return web.Response(
            body=stored["content"],
            content_type=stored.get("mime_type") or "application/octet-stream",
        )

    # ------------------------------------------------------------------ helpers

    @property
    def bot_user(self) -> dict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def _enqueue(self, kind: str, payload: dict, deliver: bool = True) -> None:
        if not deliver:
            # never reaches the bot, so (like Telegram) it does not get an update_id
            self.suppressed_updates.append({kind: copy.deepcopy(payload)})
            return
        update = {"update_id": next(self._update_ids), kind: copy.deepcopy(payload)}
        self._updates.append(update)
        self._wake_pollers()

    def _wake_pollers(self) -> None:
        for event in list(self._waiters):
            event.set()

    def _chat_for(self, params: dict, key: str = "chat_id") -> dict:
        chat_id = params.get(key)
        if chat_id is None or chat_id == "":
            raise APIError("Bad Request: chat_id is empty")
        if isinstance(chat_id, str):
            if chat_id.startswith("@"):
                for chat in self._chats.values():
                    if (chat.get("username") or "").lower() == chat_id[1:].lower():
                        return chat
                raise APIError("Bad Request: chat not found")
            try:
                chat_id = int(chat_id)
            except ValueError:
                raise APIError("Bad Request: chat not found") from None
        if not isinstance(chat_id, int) or chat_id not in self._chats:
            raise APIError("Bad Request: chat not found")
        return self._chats[chat_id]

    @staticmethod
    def _int_param(params: dict, key: str, error: str) -> int:
        value = params.get(key)
        if isinstance(value, bool):
            raise APIError(error)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value)
            except ValueError:
                pass
        raise APIError(error)

    def _allocate_message(self, chat: dict, sender: dict, fields: dict) -> dict:
        chat_id = chat["id"]
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        message = {
            "message_id": message_id,
            "from": copy.deepcopy(sender),
            "chat": copy.deepcopy(chat),
            "date": _now(),
        }
        message.update(copy.deepcopy(fields))
        self._messages.setdefault(chat_id, {})[message_id] = message
        if sender.get("id") == self.bot_id and sender.get("is_bot"):
            self._bot_message_ids.setdefault(chat_id, []).append(message_id)
        return message

    def _message_snapshot(self, chat_id: int, message_id: int) -> dict | None:
        message = self._messages.get(chat_id, {}).get(message_id)
        if message is None:
            return None
        snapshot = copy.deepcopy(message)
        snapshot.pop("reply_to_message", None)
        return snapshot

    def _formatted(
        self,
        text: Any,
        parse_mode: Any,
        raw_entities: Any,
        *,
        caption: bool = False,
        what: str = "",
    ) -> tuple[str, list[dict]]:
        """Validate and format message text or a caption like the Bot API."""
        if text is None:
            text = ""
        if not isinstance(text, str):
            text = json.dumps(text)
        if not caption and text == "":
            raise APIError("Bad Request: message text is empty")
        if parse_mode:
            mode = str(parse_mode).lower()
            if mode != "html":
                if mode in ("markdown", "markdownv2"):
                    self.unknown_calls.append(f"{what}(parse_mode={parse_mode})")
                    raise APIError(
                        f"Bad Request: parse_mode {parse_mode} is not implemented "
                        "by the test server"
                    )
                raise APIError("Bad Request: unsupported parse_mode")
            try:
                plain, entities = _parse_html(text)
            except HTMLParseError as err:
                raise APIError(f"Bad Request: can't parse entities: {err}") from None
        else:
            plain, entities = text, _entities_from_dicts(raw_entities)
            length = _utf16_len(plain)
            for entity in entities:
                if entity.offset < 0 or entity.length < 0 or entity.end > length:
                    raise APIError(
                        "Bad Request: can't parse entities: Entity beginning at UTF-16 offset "
                        f"{entity.offset} ends after the end of the text at UTF-16 offset "
                        f"{entity.end}"
                    )
        plain, fixed = _format_text(plain, entities)
        if not plain and not caption:
            raise APIError("Bad Request: message must be non-empty")
        limit = MAX_CAPTION_LENGTH if caption else MAX_MESSAGE_LENGTH
        if _utf16_len(plain) > limit:
            raise APIError(
                "Bad Request: message caption is too long"
                if caption
                else "Bad Request: message is too long"
            )
        if len(fixed) > MAX_ENTITIES:
            raise APIError("Bad Request: too many entities")
        result = []
        for entity in fixed:
            data = entity.to_dict()
            if entity.type == "text_mention":
                user_id = data["user"]["id"]
                data["user"] = copy.deepcopy(
                    self._users.get(user_id, {"id": user_id, "is_bot": False, "first_name": ""})
                )
            result.append(data)
        return plain, result

    def _checked_reply_markup(self, markup: Any) -> dict | None:
        """Validate reply_markup; returns the inline keyboard to show in the Message (if any)."""
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise APIError("Bad Request: can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            if not any(k in markup for k in ("keyboard", "remove_keyboard", "force_reply")):
                raise APIError("Bad Request: can't parse reply keyboard markup JSON object")
            return None
        keyboard = markup["inline_keyboard"]
        if not isinstance(keyboard, list) or not all(isinstance(row, list) for row in keyboard):
            raise APIError(
                "Bad Request: can't parse inline keyboard button: Field \"inline_keyboard\" of "
                "the InlineKeyboardMarkup should be an Array of Arrays"
            )
        rows = []
        button_count = 0
        for row in keyboard:
            new_row = []
            for button in row:
                button_count += 1
                if not isinstance(button, dict):
                    raise APIError(
                        "Bad Request: can't parse inline keyboard button: "
                        "InlineKeyboardButton must be an Object"
                    )
                if not isinstance(button.get("text"), str):
                    raise APIError(
                        "Bad Request: can't parse inline keyboard button: "
                        "Field \"text\" must be of type String"
                    )
                if "callback_data" in button:
                    data = button["callback_data"]
                    if not isinstance(data, str):
                        raise APIError(
                            "Bad Request: can't parse inline keyboard button: "
                            "Field \"callback_data\" must be of type String"
                        )
                    if not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
                        raise APIError("Bad Request: BUTTON_DATA_INVALID")
                elif "url" in button:
                    url = button["url"]
                    if not isinstance(url, str) or _check_link(url) is None:
                        raise APIError(
                            f"Bad Request: inline keyboard button URL '{url}' is invalid"
                        )
                elif not any(k in button for k in _INLINE_BUTTON_ACTIONS):
                    raise APIError("Bad Request: text buttons are unallowed in the inline keyboard")
                new_row.append(copy.deepcopy(button))
            rows.append(new_row)
        if button_count > 100:
            raise APIError("Bad Request: reply markup is too long")
        return {"inline_keyboard": rows}

    def _reply_target(self, chat: dict, params: dict) -> dict | None:
        reply = params.get("reply_parameters")
        if reply is None and params.get("reply_to_message_id") not in (None, ""):
            reply = {
                "message_id": params["reply_to_message_id"],
                "allow_sending_without_reply": params.get("allow_sending_without_reply", False),
            }
        if reply is None or reply == "":
            return None
        if not isinstance(reply, dict) or "message_id" not in reply:
            raise APIError("Bad Request: can't parse reply parameters JSON object")
        chat_id = chat["id"]
        if reply.get("chat_id") not in (None, chat_id):
            chat_id = self._chat_for(reply)["id"]
        try:
            message_id = int(reply["message_id"])
        except (TypeError, ValueError):
            raise APIError("Bad Request: message to be replied not found") from None
        target = self._message_snapshot(chat_id, message_id)
        if target is None:
            if reply.get("allow_sending_without_reply") in (True, "true"):
                return None
            raise APIError("Bad Request: message to be replied not found")
        if chat_id != chat["id"]:
            return None  # replies to other chats ("external_reply") are not modelled
        return target

    def _editable_message(self, params: dict) -> dict:
        chat = self._chat_for(params)
        message_id = self._int_param(
            params, "message_id", "Bad Request: message identifier is not specified"
        )
        message = self._messages.get(chat["id"], {}).get(message_id)
        if message is None:
            raise APIError("Bad Request: message to edit not found")
        if message["from"].get("id") != self.bot_id:
            raise APIError("Bad Request: message can't be edited")
        return message

    # ------------------------------------------------------------------ API methods

    def _get_me(self, params: dict) -> dict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _delete_webhook(self, params: dict) -> bool:
        if params.get("drop_pending_updates") in (True, "true", "True"):
            self._updates.clear()
        self.webhook = {}
        return True

    def _set_webhook(self, params: dict) -> bool:
        url = params.get("url") or ""
        if url and not re.match(r"^https?://", url):
            raise APIError("Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise APIError("Bad Request: secret token contains unallowed characters")
        self.webhook = {k: v for k, v in params.items() if k != "certificate"} if url else {}
        return True

    def _get_webhook_info(self, params: dict) -> dict:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _get_updates(self, params: dict) -> list[dict]:
        offset = params.get("offset")
        try:
            offset = int(offset) if offset not in (None, "") else 0
            limit = int(params.get("limit") or 100)
            timeout = float(params.get("timeout") or 0)
        except (TypeError, ValueError):
            raise APIError("Bad Request: wrong parameter in getUpdates request") from None
        limit = min(max(limit, 1), 100)
        timeout = max(timeout, 0.0)
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

        # Like Telegram, a new getUpdates request terminates an older one that is still waiting.
        me = object()
        self._poller = me
        self._wake_pollers()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self._poller is not me:
                raise APIError(
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                    409,
                )
            if self._updates:
                return copy.deepcopy(self._updates[:limit])
            remaining = deadline - loop.time()
            if remaining <= 0 or self._closing:
                return []
            event = asyncio.Event()
            self._waiters.add(event)
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except asyncio.TimeoutError:
                pass
            finally:
                self._waiters.discard(event)

    def _send_message(self, params: dict) -> dict:
        text, entities = self._formatted(
            params.get("text"), params.get("parse_mode"), params.get("entities"), what="sendMessage"
        )
        chat = self._chat_for(params)
        markup = self._checked_reply_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat, params)
        fields: dict[str, Any] = {"text": text}
        if entities:
            fields["entities"] = entities
        if reply_to is not None:
            fields["reply_to_message"] = reply_to
        if markup is not None:
            fields["reply_markup"] = markup
        return copy.deepcopy(self._allocate_message(chat, self.bot_user, fields))

    def _edit_message_text(self, params: dict) -> dict | bool:
        text, entities = self._formatted(
            params.get("text"),
            params.get("parse_mode"),
            params.get("entities"),
            what="editMessageText",
        )
        markup = self._checked_reply_markup(params.get("reply_markup"))
        if params.get("inline_message_id"):
            self.inline_message_edits.append(
                {
                    "inline_message_id": params["inline_message_id"],
                    "text": text,
                    "entities": entities,
                    "reply_markup": markup,
                }
            )
            return True
        message = self._editable_message(params)
        if "text" not in message:
            raise APIError("Bad Request: there is no text in the message to edit")
        if (
            message["text"] == text
            and message.get("entities", []) == entities
            and message.get("reply_markup") == markup
        ):
            raise APIError(NOT_MODIFIED)
        message["text"] = text
        self._set_optional(message, "entities", entities or None)
        self._set_optional(message, "reply_markup", markup)
        message["edit_date"] = _now()
        return copy.deepcopy(message)

    def _edit_message_reply_markup(self, params: dict) -> dict | bool:
        markup = self._checked_reply_markup(params.get("reply_markup"))
        if params.get("inline_message_id"):
            self.inline_message_edits.append(
                {"inline_message_id": params["inline_message_id"], "reply_markup": markup}
            )
            return True
        message = self._editable_message(params)
        if message.get("reply_markup") == markup:
            raise APIError(NOT_MODIFIED)
        self._set_optional(message, "reply_markup", markup)
        message["edit_date"] = _now()
        return copy.deepcopy(message)

    @staticmethod
    def _set_optional(target: dict, key: str, value: Any) -> None:
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value

    def _delete_message(self, params: dict) -> bool:
        chat = self._chat_for(params)
        message_id = self._int_param(
            params, "message_id", "Bad Request: message identifier is not specified"
        )
        if self._messages.get(chat["id"], {}).pop(message_id, None) is None:
            raise APIError("Bad Request: message to delete not found")
        ids = self._bot_message_ids.get(chat["id"], [])
        if message_id in ids:
            ids.remove(message_id)
        return True

    def _answer_callback_query(self, params: dict) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        query = self._callback_queries.get(query_id)
        if query is None or query_id in self._callback_answers:
            raise APIError(QUERY_TOO_OLD)
        text = params.get("text")
        if text is not None and len(str(text)) > MAX_CALLBACK_ANSWER_LENGTH:
            raise APIError("Bad Request: MESSAGE_TOO_LONG")
        self._callback_answers[query_id] = self._describe_params(params)
        return True

    def _answer_inline_query(self, params: dict) -> bool:
        query_id = str(params.get("inline_query_id") or "")
        if query_id not in self._inline_queries or query_id in self._inline_answers:
            raise APIError(QUERY_TOO_OLD)
        results = params.get("results")
        if not isinstance(results, list):
            raise APIError("Bad Request: can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise APIError("Bad Request: RESULTS_TOO_MUCH")
        seen_ids: set[str] = set()
        for result in results:
            self._check_inline_result(result, seen_ids)
        self._inline_answers[query_id] = self._describe_params(params)
        return True

    def _check_inline_result(self, result: Any, seen_ids: set[str]) -> None:
        def bad(message: str) -> APIError:
            return APIError(f"Bad Request: can't parse inline query result: {message}")

        if not isinstance(result, dict):
            raise bad("InlineQueryResult must be an Object")
        if not isinstance(result.get("type"), str):
            raise bad('Can\'t find field "type"')
        result_id = result.get("id")
        if not isinstance(result_id, str):
            raise bad('Can\'t find field "id"')
        if not 1 <= len(result_id.encode("utf-8")) <= 64:
            raise APIError("Bad Request: RESULT_ID_INVALID")
        if result_id in seen_ids:
            raise APIError("Bad Request: RESULT_ID_DUPLICATE")
        seen_ids.add(result_id)
        if result["type"] == "article":
            if not isinstance(result.get("title"), str):
                raise bad('Can\'t find field "title"')
            if not isinstance(result.get("input_message_content"), dict):
                raise bad('Can\'t find field "input_message_content"')
        content = result.get("input_message_content")
        if isinstance(content, dict) and "message_text" in content:
            self._formatted(
                content.get("message_text"),
                content.get("parse_mode"),
                content.get("entities"),
                what="answerInlineQuery",
            )
        self._checked_reply_markup(result.get("reply_markup"))

    def _send_chat_action(self, params: dict) -> bool:
        self._chat_for(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise APIError("Bad Request: wrong parameter action in request")
        return True

    @staticmethod
    def _scope_key(params: dict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _set_my_commands(self, params: dict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise APIError("Bad Request: can't parse commands JSON object")
        if len(commands) > 100:
            raise APIError("Bad Request: too many commands")
        for command in commands:
            if not isinstance(command, dict):
                raise APIError("Bad Request: can't parse BotCommand: BotCommand must be an Object")
            name = command.get("command")
            description = command.get("description")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise APIError("Bad Request: BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise APIError("Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        scope = params.get("scope") or {"type": "default"}
        self._my_commands[self._scope_key(params)] = copy.deepcopy(commands)
        self._command_calls.append(
            {
                "commands": copy.deepcopy(commands),
                "scope": copy.deepcopy(scope),
                "language_code": str(params.get("language_code") or ""),
            }
        )
        return True

    def _delete_my_commands(self, params: dict) -> bool:
        self._my_commands.pop(self._scope_key(params), None)
        return True

    def _get_my_commands(self, params: dict) -> list[dict]:
        return copy.deepcopy(self._my_commands.get(self._scope_key(params), []))

    def _get_chat_member(self, params: dict) -> dict:
        chat = self._chat_for(params)
        user_id = self._int_param(params, "user_id", "Bad Request: invalid user_id specified")
        if user_id == self.bot_id:
            user = self.bot_user
        else:
            user = self._users.get(user_id, {"id": user_id, "is_bot": False, "first_name": "User"})
        status = self._member_status.get((chat["id"], user_id), "member")
        return self._chat_member(status, user)

    @staticmethod
    def _chat_member(status: str, user: dict) -> dict:
        member: dict[str, Any] = {"status": status, "user": copy.deepcopy(user)}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(
                can_be_edited=False, is_anonymous=False, can_manage_chat=True,
                can_delete_messages=True, can_manage_video_chats=True,
                can_restrict_members=True, can_promote_members=False, can_change_info=True,
                can_invite_users=True, can_post_stories=False, can_edit_stories=False,
                can_delete_stories=False, can_pin_messages=True, can_manage_topics=False,
            )  # fmt: skip
        elif status == "restricted":
            member.update(
                is_member=True, can_send_messages=False, can_send_audios=False,
                can_send_documents=False, can_send_photos=False, can_send_videos=False,
                can_send_video_notes=False, can_send_voice_notes=False, can_send_polls=False,
                can_send_other_messages=False, can_add_web_page_previews=False,
                can_change_info=False, can_invite_users=False, can_pin_messages=False,
                can_manage_topics=False, can_edit_tag=False, until_date=0,
            )  # fmt: skip
        elif status == "kicked":
            member["until_date"] = 0
        return member

    def _store_file(
        self, kind: str, filename: str | None, content: bytes, mime_type: str | None
    ) -> dict:
        number = next(self._file_counter)
        file_id = f"BQACAgIAAxkBAAI{number:06d}TestFile{kind[:3].upper()}"
        unique_id = f"AgAD{number:06d}"
        extension = ""
        if filename and "." in filename:
            extension = "." + filename.rsplit(".", 1)[1]
        file_path = f"{kind}s/file_{number}{extension}"
        self._files[file_id] = {
            "file_id": file_id,
            "file_unique_id": unique_id,
            "file_size": len(content),
            "file_path": file_path,
            "file_name": filename,
            "mime_type": mime_type,
            "content": content,
        }
        self._file_paths[file_path] = file_id
        return self._files[file_id]

    def _document_object(self, stored: dict) -> dict:
        document = {
            "file_id": stored["file_id"],
            "file_unique_id": stored["file_unique_id"],
            "file_size": stored["file_size"],
        }
        if stored.get("file_name"):
            document["file_name"] = stored["file_name"]
        if stored.get("mime_type"):
            document["mime_type"] = stored["mime_type"]
        return document

    def _send_document(self, params: dict) -> dict:
        chat = self._chat_for(params)
        document = params.get("document")
        if isinstance(document, _Upload):
            mime_type = document.content_type
            if not mime_type or mime_type == "application/octet-stream":
                mime_type = mimetypes.guess_type(document.filename or "")[0] or mime_type
            stored = self._store_file("document", document.filename, document.content, mime_type)
        elif isinstance(document, str) and document in self._files:
            stored = self._files[document]
        elif document in (None, ""):
            raise APIError("Bad Request: there is no document in the request")
        else:
            raise APIError("Bad Request: wrong file identifier/HTTP URL specified")
        caption, caption_entities = self._formatted(
            params.get("caption"),
            params.get("parse_mode"),
            params.get("caption_entities"),
            caption=True,
            what="sendDocument",
        )
        markup = self._checked_reply_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat, params)
        fields: dict[str, Any] = {"document": self._document_object(stored)}
        if caption:
            fields["caption"] = caption
        if caption_entities:
            fields["caption_entities"] = caption_entities
        if reply_to is not None:
            fields["reply_to_message"] = reply_to
        if markup is not None:
            fields["reply_markup"] = markup
        return copy.deepcopy(self._allocate_message(chat, self.bot_user, fields))

    def _send_photo(self, params: dict) -> dict:
        """sendPhoto with an uploaded PNG (what our bot sends): 10 MB at most, width plus
        height at most 10000, sides at most 20:1, as Telegram documents."""
        chat = self._chat_for(params)
        photo = params.get("photo")
        if not isinstance(photo, _Upload):
            raise APIError("Bad Request: there is no photo in the request")
        content = photo.content
        if len(content) > 10 * 1024 * 1024:
            raise APIError("Bad Request: PHOTO_INVALID_DIMENSIONS")
        if content[:8] != b"\x89PNG\r\n\x1a\n" or len(content) < 24:
            raise APIError("Bad Request: IMAGE_PROCESS_FAILED")
        width, height = struct.unpack(">II", content[16:24])
        if not width or not height or width + height > 10000 or max(width, height) > 20 * min(width, height):
            raise APIError("Bad Request: PHOTO_INVALID_DIMENSIONS")
        stored = self._store_file("photo", photo.filename or "photo.png", content, "image/png")
        caption, caption_entities = self._formatted(
            params.get("caption"),
            params.get("parse_mode"),
            params.get("caption_entities"),
            caption=True,
            what="sendPhoto",
        )
        markup = self._checked_reply_markup(params.get("reply_markup"))
        reply_to = self._reply_target(chat, params)
        size = {
            "file_id": stored["file_id"],
            "file_unique_id": stored["file_unique_id"],
            "file_size": stored["file_size"],
            "width": width,
            "height": height,
        }
        fields: dict[str, Any] = {"photo": [size]}
        if caption:
            fields["caption"] = caption
        if caption_entities:
            fields["caption_entities"] = caption_entities
        if reply_to is not None:
            fields["reply_to_message"] = reply_to
        if markup is not None:
            fields["reply_markup"] = markup
        return copy.deepcopy(self._allocate_message(chat, self.bot_user, fields))

    def file_content(self, file_id: str) -> bytes:
        """The bytes of a file the bot sent or a user uploaded."""
        return self._files[file_id]["content"]

    def _get_file(self, params: dict) -> dict:
        stored = self._files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise APIError("Bad Request: invalid file_id")
        return {
            "file_id": stored["file_id"],
            "file_unique_id": stored["file_unique_id"],
            "file_size": stored["file_size"],
            "file_path": stored["file_path"],
        }

    # ------------------------------------------------------------------ driving the bot

    def user(self, user_id: int, first_name: str = "User", username: str | None = None) -> dict:
        """Create (or update) a user and return it as a Bot API User dict."""
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        self._users[user_id] = user
        return copy.deepcopy(user)

    def private_chat(self, user: dict) -> dict:
        chat: dict[str, Any] = {
            "id": user["id"],
            "type": "private",
            "first_name": user["first_name"],
        }
        if user.get("username"):
            chat["username"] = user["username"]
        self._users.setdefault(user["id"], copy.deepcopy(user))
        self._chats[chat["id"]] = chat
        return copy.deepcopy(chat)

    def group_chat(self, chat_id: int = -100123, title: str = "Group") -> dict:
        chat_type = "supergroup" if str(chat_id).startswith("-100") else "group"
        chat = {"id": chat_id, "type": chat_type, "title": title}
        self._chats[chat_id] = chat
        return copy.deepcopy(chat)

    def _user_message(
        self, chat: dict, user: dict, fields: dict, reply_to: dict | None = None
    ) -> dict:
        chat = self._chats.get(chat["id"]) or chat
        self._chats.setdefault(chat["id"], chat)
        self._users.setdefault(user["id"], copy.deepcopy(user))
        fields = dict(fields)
        if reply_to is not None:
            target = self._message_snapshot(chat["id"], reply_to["message_id"])
            if target is None:
                target = copy.deepcopy(reply_to)
                target.pop("reply_to_message", None)
            fields["reply_to_message"] = target
        message = self._allocate_message(chat, user, fields)
        self._enqueue("message", message, deliver=self._delivered(chat, message))
        return copy.deepcopy(message)

    def _delivered(self, chat: dict, message: dict) -> bool:
        """Privacy mode: which group messages a bot without access to all messages gets."""
        if chat.get("type") == "private" or not self.privacy_mode:
            return True
        reply_to = message.get("reply_to_message")
        if reply_to and reply_to.get("from", {}).get("id") == self.bot_id:
            return True
        text = message.get("text") or message.get("caption") or ""
        for entity in message.get("entities") or message.get("caption_entities") or []:
            if entity["type"] == "bot_command" and entity["offset"] == 0:
                command = text[: entity["length"]]
                _, _, addressee = command.partition("@")
                return not addressee or addressee.lower() == self.bot_username.lower()
        return False

    def send_text(self, chat: dict, user: dict, text: str, reply_to: dict | None = None) -> dict:
        """A user sends a text message; bot_command/mention/... entities are detected."""
        entities = [e.to_dict() for e in _find_entities(text)]
        fields: dict[str, Any] = {"text": text}
        if entities:
            fields["entities"] = entities
        return self._user_message(chat, user, fields, reply_to)

    def send_sticker(self, chat: dict, user: dict) -> dict:
        number = next(self._file_counter)
        sticker = {
            "file_id": f"CAACAgIAAxkBAAI{number:06d}TestSticker",
            "file_unique_id": f"AgAD{number:06d}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "\U0001f44d",
            "file_size": 12345,
        }
        return self._user_message(chat, user, {"sticker": sticker})

    def send_photo(self, chat: dict, user: dict) -> dict:
        number = next(self._file_counter)
        photo = [
            {
                "file_id": f"AgACAgIAAxkBAAI{number:06d}TestPhoto{size}",
                "file_unique_id": f"AQAD{number:06d}{size}",
                "width": size,
                "height": size * 3 // 4,
                "file_size": size * 40,
            }
            for size in (90, 320, 800)
        ]
        return self._user_message(chat, user, {"photo": photo})

    def send_user_document(
        self,
        chat: dict,
        user: dict,
        filename: str,
        content: bytes,
        mime_type: str = "application/octet-stream",
    ) -> dict:
        stored = self._store_file("document", filename, content, mime_type)
        return self._user_message(chat, user, {"document": self._document_object(stored)})

    def press_button(
        self, chat: dict, user: dict, message: dict, data: str, *, strict: bool = True
    ) -> str:
        """A user presses an inline button of a bot message; returns the callback query id.

        With ``strict`` (default) the message's current keyboard must have a button with
        this callback data, otherwise AssertionError is raised."""
        current = self._messages.get(chat["id"], {}).get(message["message_id"])
        if current is None:
            raise AssertionError(f"message {message['message_id']} not found in chat {chat['id']}")
        if strict:
            buttons = [
                button.get("callback_data")
                for row in (current.get("reply_markup") or {}).get("inline_keyboard", [])
                for button in row
            ]
            if data not in buttons:
                raise AssertionError(
                    f"message {current['message_id']} has no button with callback_data {data!r}; "
                    f"buttons: {buttons!r}"
                )
        self._users.setdefault(user["id"], copy.deepcopy(user))
        query_id = str(next(self._query_counter))
        snapshot = copy.deepcopy(current)
        query = {
            "id": query_id,
            "from": copy.deepcopy(user),
            "message": snapshot,
            "chat_instance": str(abs(hash(("chat_instance", chat["id"]))) % 10**18),
            "data": data,
        }
        self._callback_queries[query_id] = query
        self._enqueue("callback_query", query)
        return query_id

    def inline_query(self, user: dict, query: str, chat_type: str = "private") -> str:
        self._users.setdefault(user["id"], copy.deepcopy(user))
        query_id = str(next(self._query_counter))
        inline_query = {
            "id": query_id,
            "from": copy.deepcopy(user),
            "query": query,
            "offset": "",
            "chat_type": chat_type,
        }
        self._inline_queries[query_id] = inline_query
        self._enqueue("inline_query", inline_query)
        return query_id

    def choose_inline_result(self, user: dict, result_id: str, query: str) -> None:
        self._enqueue(
            "chosen_inline_result",
            {"result_id": result_id, "from": copy.deepcopy(user), "query": query},
        )

    # ------------------------------------------------------------------ observing

    def bot_messages(self, chat_id: int) -> list[dict]:
        """Messages the bot sent to the chat, in their current state (edits applied)."""
        messages = self._messages.get(chat_id, {})
        return [
            copy.deepcopy(messages[mid])
            for mid in self._bot_message_ids.get(chat_id, [])
            if mid in messages
        ]

    def file_bytes(self, file_id: str) -> bytes:
        """Content of an uploaded (by the bot) or user-sent file."""
        return self._files[file_id]["content"]

    def callback_answers(self) -> dict[str, dict]:
        return copy.deepcopy(self._callback_answers)

    def inline_answers(self) -> dict[str, dict]:
        return copy.deepcopy(self._inline_answers)

    def commands(self) -> list[dict]:
        return copy.deepcopy(self._command_calls)

    def pending_updates(self) -> list[dict]:
        """Updates not yet confirmed by a getUpdates offset."""
        return copy.deepcopy(self._updates)

    def set_chat_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        if status not in _MEMBER_STATUSES:
            raise ValueError(
                f"unknown chat member status {status!r}; use one of {_MEMBER_STATUSES}"
            )
        self._member_status[(chat_id, user_id)] = status

    def describe(self, last: int = 15) -> str:
        """A summary of recent activity for assertion messages."""
        lines = [f"last {min(last, len(self.calls))} of {len(self.calls)} API calls:"]
        for method, params in self.calls[-last:]:
            shown = json.dumps(params, ensure_ascii=False, default=str)
            if len(shown) > 300:
                shown = shown[:300] + "..."
            lines.append(f"  {method} {shown}")
        if self.unknown_calls:
            lines.append(f"unknown methods called: {self.unknown_calls}")
        if self.internal_errors:
            lines.append(f"fake server errors: {self.internal_errors}")
        lines.append(f"unconfirmed updates: {len(self._updates)}")
        if self.suppressed_updates:
            lines.append(
                f"{len(self.suppressed_updates)} group update(s) not delivered because of "
                "privacy mode (set server.privacy_mode = False to deliver all)"
            )
        return "\n".join(lines)

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Poll ``predicate()`` every 20 ms until it is truthy and return its value."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if inspect.isawaitable(value):
                value = await value
            if value:
                return value
            if loop.time() >= deadline:
                raise AssertionError(
                    f"condition {getattr(predicate, '__name__', predicate)!s} not met within "
                    f"{timeout} s\n{self.describe()}"
                )
            await asyncio.sleep(0.02)

    async def wait_for_bot_messages(
        self, chat_id: int, count: int, timeout: float = 10.0
    ) -> list[dict]:
        """Wait until the bot has sent at least ``count`` messages to the chat; return them."""

        def enough() -> list[dict] | None:
            messages = self.bot_messages(chat_id)
            return messages if len(messages) >= count else None

        try:
            return await self.wait_for(enough, timeout)
        except AssertionError:
            got = len(self.bot_messages(chat_id))
            raise AssertionError(
                f"expected {count} bot message(s) in chat {chat_id}, got {got} within {timeout} s\n"
                f"{self.describe()}"
            ) from None
