"""Secrets and characters that do not print: what every output does to register text.

A register is shared and emailed around; a secret pasted in it has leaked
already, and it must not leak again through the report. Every output (the
terminal, the JSON, the workbook and its hidden history, the email, the .ics
calendar, the run log, the bug log, error lines) passes register text through
:func:`redact`, which does two things in this order:

1. :func:`clean` removes what does not print: control characters (U+007F,
   a carriage return that arrived as ``_x000D_``), format characters (U+200E,
   U+200B, U+FEFF) and terminal escape sequences, whole. Line feeds and tabs
   stay; each output decides how to show them.
2. Every secret-looking part is masked: a recognised key or token keeps at most
   its last 4 characters (``****Zx9q``); a value written after a label
   (``パスワード: Hunter2``, ``pw=hunter2``) is replaced whole
   (``パスワード: ****``).

The order matters: masked first and cleaned second, ``AKIAQ3EG\\x7fUJ7RZ4XWTY5K``
would pass the mask split in two and then be printed joined and whole.
SEC001 (:mod:`reporter.rules.security`) finds secrets with the same patterns.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# --- characters that do not print -----------------------------------------------------------

# Escape sequences a terminal acts on: CSI (colours, cursor moves, "erase line"),
# OSC (window titles, OSC-8 hyperlinks) and the other two-character ESC codes, in
# their 7-bit (ESC …) and 8-bit (C1) forms. Removed whole, so that no half of one
# is left to be read.
ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -~]?"
)
# Unicode's control (Cc) characters but tab and line feed, and its format (Cf)
# characters (Unicode 15: Python 3.11's tables are 14, and U+13439-1343F became
# format characters in 15; tests/test_masking.py compares with the running Python's).
NON_PRINTING_CLASS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f"
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
# The zero-width joiner and non-joiner (U+200D, U+200C) are format characters
# too, but they shape emoji (👨‍👩‍👧) and Indic and Persian text: they are removed only
# beside an ASCII character, where a key could be split by one.
_JOINERS = "\u200c\u200d"
_NON_PRINTING = re.compile(
    f"[{NON_PRINTING_CLASS}]|(?<=[\x00-\x7f])[{_JOINERS}]+|[{_JOINERS}]+(?=[\x00-\x7f])"
)
# An OOXML escape (_x000D_) that a reader left as text, of a character that does not print.
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescaped(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return "" if _NON_PRINTING.match(char) else match.group(0)


def clean(text: str) -> str:
    """``text`` without the characters that do not print; tabs and line feeds are kept.

    >>> clean("AKIAQ3EG\\x7fUJ7RZ4XWTY5K\\u200e")
    'AKIAQ3EGUJ7RZ4XWTY5K'
    """
    escaped = "_x" in text
    if not escaped and text.isprintable():
        return text  # nearly all text: two C-level passes
    if escaped:
        text = _OOXML_ESCAPE.sub(_unescaped, text)
    return _NON_PRINTING.sub("", ESCAPE_SEQUENCE.sub("", text))


# --- secrets: recognised keys -----------------------------------------------------------------

# Each pattern: (name shown to the user, regex). A key is matched by its structure
# (prefix, alphabet, a least length), never one exact length: vendors lengthen
# their keys, and a longer key is still a key. Bounded by "not an ASCII letter or
# digit" rather than \b: in Japanese text a key follows a kana or kanji directly
# ("鍵はAKIA…"), and \b sees no boundary between two word characters.
SECRET_PATTERNS: tuple[tuple[dict[str, str], re.Pattern[str]], ...] = (
    (
        {"ja": "AWSアクセスキーID", "en": "an AWS access key id"},
        re.compile(
            r"(?<![A-Za-z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16,}(?![A-Za-z0-9])"
        ),
    ),
    (
        {"ja": "LWAリフレッシュトークン", "en": "an LWA refresh token"},
        re.compile(r"Atzr\|[A-Za-z0-9\-_.|=+/]{16,}"),
    ),
    (
        {"ja": "LWAアクセストークン", "en": "an LWA access token"},
        re.compile(r"Atza\|[A-Za-z0-9\-_.|=+/]{16,}"),
    ),
    (
        {"ja": "LWAクライアントシークレット", "en": "an LWA client secret"},
        re.compile(r"amzn1\.oa2-cs\.[A-Za-z0-9.\-_]{8,}"),
    ),
    (
        # RMS serviceSecret (SP…) and licenseKey (SL…): the shop number, "_" and 16
        # random letters and digits (today; a longer key is still one). Too short
        # for the long-token check below; the mixed case tells them from an SKU
        # such as SP123456_BLACKLARGE2024.
        {
            "ja": "楽天のサービスシークレット・ライセンスキー",
            "en": "a Rakuten service secret or license key",
        },
        re.compile(
            r"(?<![A-Za-z0-9])S[PL]\d{4,10}_(?=[A-Za-z0-9]*[a-z])(?=[A-Za-z0-9]*[A-Z])"
            r"[A-Za-z0-9]{16,}(?![A-Za-z0-9])"
        ),
    ),
    (
        # An Authorization header pasted whole: the token may be short and not random-looking.
        {"ja": "Bearerトークン", "en": "a bearer token"},
        re.compile(r"(?<![A-Za-z0-9])[Bb]earer\s+[A-Za-z0-9\-._~+/]{16,}=*"),
    ),
)
_TOKEN = re.compile(r"[A-Za-z0-9+/=_\-]{32,}")
HIGH_ENTROPY = {"ja": "長いランダムな文字列(キーやトークン)", "en": "a long random token"}
LABELLED = {"ja": "パスワードなどの秘密の値", "en": "a password or other secret"}
LINK_PASSWORD = {"ja": "リンクに書かれたパスワード", "en": "a password inside a link"}

# No key pattern above matches fewer characters than this.
SHORTEST_KEY = 20


def mask(value: str) -> str:
    """A recognised key with at most its last 4 characters: 'Atzr|IwEB…Zx9q' -> '****Zx9q'."""
    value = str(value)
    visible = value[-4:] if len(value) >= 12 else ""
    return "****" + visible


def _entropy(text: str) -> float:
    counts: dict[str, int] = {}
    for char in text:
        counts[char] = counts.get(char, 0) + 1
    length = len(text)
    return -sum(n / length * math.log2(n / length) for n in counts.values())


_SEGMENTS = re.compile(r"[\\\-_.]+")
_PATH_SEGMENTS = re.compile(r"[/\\\-_.=+]+")
_HEX = re.compile(r"[0-9a-f]{32,}|[0-9A-F]{32,}")


_SAMPLE_CHARS = 4096  # of each end of a very long token, for _looks_random


def _looks_random(token: str) -> bool:
    """A long random token, not a path, a file name or a slug.

    Paths and slugs ("/reports/register-report-2026-11-30") break into short
    pieces; keys and tokens have one long piece mixing upper case, lower case
    and digits (or a long run of hex digits).
    """
    # Base64 keys contain "/" too; split on it only where the token looks like a path.
    path_like = token.startswith("/") or "." in token
    piece = max((_PATH_SEGMENTS if path_like else _SEGMENTS).split(token), key=len)
    if len(piece) < 20:
        return False
    if len(piece) > 2 * _SAMPLE_CHARS:
        # A key is a few hundred characters at most. A string of megabytes (a file
        # written by a program other than Excel can hold one) is judged by its two
        # ends: the checks below walk characters in Python, seconds per 10 MB.
        piece = piece[:_SAMPLE_CHARS] + piece[-_SAMPLE_CHARS:]
    if _HEX.fullmatch(piece):
        return any(c.isdigit() for c in piece) and any(c.isalpha() for c in piece)
    has_all_classes = (
        any(c.islower() for c in piece)
        and any(c.isupper() for c in piece)
        and any(c.isdigit() for c in piece)
    )
    return has_all_classes and _entropy(piece) >= 3.5


# One search that every key above would match: most text is let through at once.
_CANDIDATE = re.compile(
    r"(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}|Atz[ra]\||amzn1\.oa2-cs"
    r"|S[PL]\d{4,10}_|[Bb]earer\s|[A-Za-z0-9+/=_\-]{32,}"
)
# Every key above holds 16 characters in a row from this set (the bearer token's
# 16; the others more), and a search for one class is twice as fast as the one above:
# it goes first, and most messages and actions stop there.
_RUN_OF_16 = re.compile(r"[A-Za-z0-9+/=_\-.|~]{16}")


def _might_hold_key(text: str) -> bool:
    return (
        len(text) >= SHORTEST_KEY
        and _RUN_OF_16.search(text) is not None
        and _CANDIDATE.search(text) is not None
    )


def _key_in(text: str) -> tuple[dict[str, str], re.Match[str] | None] | None:
    if not _might_hold_key(text):
        return None
    for name, pattern in SECRET_PATTERNS:
        found = pattern.search(text)
        if found:
            return name, found
    for found in _TOKEN.finditer(text):
        if _looks_random(found.group(0)):
            return HIGH_ENTROPY, found
    return None


# --- secrets: a value written after a label ----------------------------------------------------

# The labels a team writes before a secret. An ASCII label is matched in any case,
# half- or full-width (ＰＷ).
SECRET_LABELS = (
    "パスワード",
    "パスコード",
    "暗証番号",
    "シークレット",
    "トークン",
    "キー値",
    "秘密鍵",
    "secret key",
    "api key",
    "apikey",
    "api_key",
    "password",
    "passcode",
    "passwd",
    "pass",
    "pwd",
    "pw",
    "secret",
    "token",
)
# Between a label and its value: a colon or an equals sign, half- or full-width.
SEPARATOR = re.compile("[:：=＝]")


def _any_width(word: str) -> str:
    """A regex for ``word`` written backwards, in any case, its ASCII letters half- or full-width."""
    parts = []
    for char in reversed(word):
        if char.isascii() and char.isalpha():
            lower, upper = char.lower(), char.upper()
            wide = chr(ord(lower) + 0xFEE0) + chr(ord(upper) + 0xFEE0)
            parts.append(f"[{lower}{upper}{wide}]")
        elif char in " _":
            parts.append(r"[\s_\-　]?")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


# A label is looked for backwards from each separator, in the text before it
# reversed: one anchored match per separator instead of a search of the whole
# text for every label (messages with a colon are common; labels are not).
# Reversed, the text before "パスワード(仮)：" reads "：)仮(ドーワスパ": spaces,
# an optional note in brackets, then the label. A short label (pw, pass) must
# not be the end of a longer word (bypass=, mpw:); a long one may
# (LoginPassword=, refreshToken:).
_LABEL_BEFORE = re.compile(
    r"[ \t　]*(?:[)）][^()（）\n]{0,12}[(（]\s*)?(?:"
    + "|".join(
        _any_width(word) + ("" if len(word) > 4 else "(?![A-Za-zＡ-Ｚａ-ｚ0-9０-９])")
        for word in SECRET_LABELS
    )
    + ")"
)
_LONGEST_LABEL_BEFORE = 40
# The value after the separator: quoted whole, or up to a space or a Japanese stop
# or bracket (an ASCII comma may be part of a password: it is masked with the value).
_VALUE_AFTER = re.compile(r"[ \t　]*(\"[^\"\n]+\"|'[^'\n]+'|「[^」\n]+」|[^\s、。，；）」』】]+)")
# user:password@host in a link: the password part.
_LINK_CREDENTIALS = re.compile(
    r"(?P<label>[A-Za-z][A-Za-z0-9+.\-]*://[^\s/:@]*:)(?P<value>[^\s/@]+)(?=@)"
)
_LATIN_OR_DIGIT = re.compile(r"[A-Za-z0-9]")


# What follows a label and is not the secret: a date ("token: 2026/12/01 更新"), a
# placeholder ("pw: xxxx", "pw: ****").
_NOT_A_VALUE = re.compile(r"\d{4}[/\-.年]\d{1,2}(?:[/\-.月]\d{1,2})?|[xX*●・?_\-]+$")


def _is_a_value(value: str) -> bool:
    """A value holds a Latin letter or digit (「パスワード：管理ツールを参照」 says where it
    is) and is not a date or a placeholder."""
    value = unicodedata.normalize("NFKC", value)
    return _LATIN_OR_DIGIT.search(value) is not None and _NOT_A_VALUE.match(value) is None


def _labelled_spans(text: str) -> Iterator[tuple[int, int, int, dict[str, str]]]:
    """(label start, value start, value end, what) of each labelled secret in ``text``."""
    end = 0
    for separator in SEPARATOR.finditer(text):
        position = separator.start()
        if position < end:
            continue  # inside the value found last: "pw=a=b"
        before = text[max(0, position - _LONGEST_LABEL_BEFORE) : position][::-1]
        label = _LABEL_BEFORE.match(before)
        if label is None:
            continue
        value = _VALUE_AFTER.match(text, position + 1)
        if value is None or not _is_a_value(value.group(1)):
            continue
        end = value.end(1)
        yield position - label.end(), value.start(1), end, LABELLED
    if "://" in text and "@" in text:
        for found in _LINK_CREDENTIALS.finditer(text):
            yield found.start(), found.start("value"), found.end("value"), LINK_PASSWORD


def _labelled_in(text: str) -> tuple[dict[str, str], str] | None:
    """The first labelled secret of ``text``: what it is and its label, separator and ``****``."""
    if SEPARATOR.search(text) is None:
        return None  # most text: one search
    for start, value_start, _, what in _labelled_spans(text):
        return what, text[start:value_start] + "****"
    return None


def _mask_labelled(text: str) -> str:
    spans = sorted({(start, end) for _, start, end, _ in _labelled_spans(text)})
    if not spans:
        return text
    pieces, last = [], 0
    for start, end in spans:
        if start < last:
            continue
        pieces += [text[last:start], "****"]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


# --- what SEC001 and every output use ---------------------------------------------------------


@dataclass(frozen=True)
class Secret:
    """A secret found in a text: what it looks like, and how it is shown (masked)."""

    what: dict[str, str]
    masked: str


def find(text: str) -> Secret | None:
    """The first secret in ``text`` (cleaned first), or None.

    A recognised key is shown with its last 4 characters at most; a labelled
    value as its label and ``****``.
    """
    text = clean(text)
    key = _key_in(text)
    if key is not None:
        what, found = key
        return Secret(what, mask(found.group(0)) if found else "****")
    labelled = _labelled_in(text)
    if labelled is not None:
        return Secret(*labelled)
    return None


def find_secret(text: str) -> dict[str, str] | None:
    """What kind of secret ``text`` holds, or None."""
    found = find(text)
    return found.what if found else None


def has_labelled_secret(text: str) -> bool:
    """Whether ``text`` holds a label and its value: "パスワード: hunter2"."""
    return _labelled_in(clean(text)) is not None


# Findings repeat the same texts (a label, a store, a rule's wording): each
# distinct text is searched once, not once per finding.
@functools.lru_cache(maxsize=1 << 16)
def redact(text: str) -> str:
    """``text`` cleaned (:func:`clean`), then with every secret-looking part masked."""
    text = clean(text)
    if SEPARATOR.search(text) is not None:
        text = _mask_labelled(text)
    if not _might_hold_key(text):
        return text
    for _, pattern in SECRET_PATTERNS:
        text = pattern.sub(lambda m: mask(m.group(0)), text)
    return _TOKEN.sub(lambda m: mask(m.group(0)) if _looks_random(m.group(0)) else m.group(0), text)


def redact_value(value: Any) -> Any:
    """Redact strings, and strings inside dicts, lists and tuples; leave the rest."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: redact_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(redact_value(v) for v in value)
    return value
