"""Security (SEC): secrets typed into the register.

A register is shared and emailed around; a key's secret value in it has leaked
already. The value is never shown: :func:`mask` keeps the last 4 characters at
most, and :func:`redact` masks any secret-looking part of a text, so that no
output (terminal, JSON, report, email) repeats a secret.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator
from typing import Any

from reporter.model import Finding, Record, Severity, column_letter
from reporter.register.loose_text import has_labelled_secret
from reporter.register.schema import ID, SECRET_HEADER_WORDS, TEXT, normalize_token
from reporter.rules.base import RuleContext, rule

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
_HIGH_ENTROPY = {"ja": "長いランダムな文字列(キーやトークン)", "en": "a long random token"}
_UNDER_HEADER = {"ja": "パスワードなどの秘密の値", "en": "a password or other secret"}
_SECRET_WORDS = tuple(normalize_token(word) for word in SECRET_HEADER_WORDS)


def mask(value: str) -> str:
    """Show at most the last 4 characters: 'Atzr|IwEB…Zx9q' -> '****Zx9q'."""
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
    if _HEX.fullmatch(piece):
        return any(c.isdigit() for c in piece) and any(c.isalpha() for c in piece)
    has_all_classes = (
        any(c.islower() for c in piece)
        and any(c.isupper() for c in piece)
        and any(c.isdigit() for c in piece)
    )
    return has_all_classes and _entropy(piece) >= 3.5


# No pattern above matches fewer characters than this; shorter text is no secret.
_SHORTEST_SECRET = 20


def find_secret(text: str) -> dict[str, str] | None:
    """What kind of secret ``text`` holds, or None."""
    if len(text) < _SHORTEST_SECRET or not _might_hold_secret(text):
        return None  # most text: one or two searches instead of one per pattern
    for name, pattern in SECRET_PATTERNS:
        if pattern.search(text):
            return name
    for token in _TOKEN.findall(text):
        if _looks_random(token):
            return _HIGH_ENTROPY
    return None


# One search that every secret above would match: most text is let through at once.
_CANDIDATE = re.compile(
    r"(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}|Atz[ra]\||amzn1\.oa2-cs"
    r"|S[PL]\d{4,10}_|[Bb]earer\s|[A-Za-z0-9+/=_\-]{32,}"
)
# Every secret above holds 16 characters in a row from this set (the bearer token's
# 16; the others more), and a search for one class is twice as fast as the one above:
# it goes first, and most messages and actions stop there.
_RUN_OF_16 = re.compile(r"[A-Za-z0-9+/=_\-.|~]{16}")


def _might_hold_secret(text: str) -> bool:
    return _RUN_OF_16.search(text) is not None and _CANDIDATE.search(text) is not None


# Findings repeat the same texts (a label, a store, a rule's wording): each
# distinct text is searched once, not once per finding.
@functools.lru_cache(maxsize=1 << 16)
def redact(text: str) -> str:
    """``text`` with every secret-looking part masked."""
    if len(text) < _SHORTEST_SECRET or not _might_hold_secret(text):
        return text
    for _, pattern in SECRET_PATTERNS:
        text = pattern.sub(lambda m: mask(m.group(0)), text)
    return _TOKEN.sub(lambda m: mask(m.group(0)) if _looks_random(m.group(0)) else m.group(0), text)


def redact_value(value: Any) -> Any:
    """Redact strings, and strings inside {"ja", "en"} dicts and lists; leave the rest."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: redact_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(redact_value(v) for v in value)
    return value


def is_secret_header(header: str) -> bool:
    token = normalize_token(header)
    return any(word in token for word in _SECRET_WORDS)


@rule(
    "SEC001",
    Severity.WARNING,
    sheets=(),
    why={
        "ja": "台帳は共有され、メールでも送られます。台帳に書かれた秘密の値は、すでに漏れたものとして扱う必要があります。",
        "en": "The register is shared and emailed; a secret written in it has to be treated as leaked already.",
    },
    title={"ja": "秘密の値が台帳にある", "en": "Secret in the register"},
    message={
        "ja": "「{column}」に{what}らしき値({masked})が書かれています。",
        "en": "'{column}' holds what looks like {what} ({masked}).",
    },
    action={
        "ja": "値をパスワード管理ツールに移して{cell}から消してください。漏れた可能性があるため、"
        "発行元でその値を使えない状態にし(パスワードは変更、楽天のライセンスキーは再発行しても古いキーが"
        "期限まで使えるので利用停止に)、新しい値に替えてください。",
        "en": "Move the value to a password manager and delete it from {cell}. As it may have "
        "leaked, make it unusable where it was issued (change a password; stop a Rakuten "
        "license key, as a newly issued key leaves the old one working until its expiry) and "
        "replace it.",
    },
)
def secret_in_register(ctx: RuleContext) -> Iterator[Finding]:
    """A cell holds what looks like a secret, anywhere in the workbook.

    Read: every cell of the register sheets, in the table or not (a title row,
    a note far to the right); every other sheet,
    hidden or not (a メモ sheet); cell comments and notes; defined names (the
    last two in .xlsx/.xlsm and, for comments, .ods; see reporter.register.loose_text).
    Caught: AWS access key ids (AKIA…), LWA refresh and access tokens (Atzr|…,
    Atza|…), LWA client secrets (amzn1.oa2-cs…), Rakuten service secrets and
    license keys (SP…_…, SL…_…), bearer tokens, long random tokens, and any
    value under a header such as パスワード / password / secret / シークレット / キー値
    (on other sheets: under such a label, or in the cell beside it).
    """
    for sheet in ctx.register.sheets.values():
        known = set(sheet.columns.values())
        secret_columns = {
            i for i, header in sheet.headers.items() if i not in known and is_secret_header(header)
        }
        text_keys = [
            (key, sheet.value_index[key], index)
            for key, index in sheet.columns.items()
            if sheet.spec.column(key).kind in (TEXT, ID)
        ]
        for record, index, text in _texts(sheet.records, text_keys, secret_columns):
            what = find_secret(text)
            if what is None and index in secret_columns:
                what = _UNDER_HEADER
            if what is None:
                continue
            yield ctx.finding(
                record,
                column_letter=column_letter(index),
                column=sheet.headers.get(index, column_letter(index)),
                what=what,
                masked=mask(text.strip()),
            )
    yield from _loose_findings(ctx)


def _loose_findings(ctx: RuleContext) -> Iterator[Finding]:
    """Secrets outside the register sheets' tables: other sheets, comments, defined names.

    A finding on a sheet that is not a register sheet has the sheet key '' and
    the workbook's sheet name; a comment on a register sheet stays with that sheet.
    """
    register_sheets = {sheet.name: sheet.key for sheet in ctx.register.sheets.values()}
    for loose in ctx.register.loose_texts:
        what = find_secret(loose.text)
        if what is None and (loose.under_secret_label or has_labelled_secret(loose.text)):
            what = _UNDER_HEADER
        if what is None:
            continue
        letters, digits = _split_reference(loose.cell)
        place: dict[str, str] | str
        if loose.kind == "comment":
            place = {"ja": f"{loose.cell}のコメント", "en": f"the comment on {loose.cell}"}
            column = place
        elif loose.kind == "name":
            place = {"ja": f"名前の定義『{loose.label}』", "en": f"the defined name {loose.label}"}
            column = place
        else:
            place = loose.cell
            column = loose.label or loose.cell
        yield ctx.finding(
            None,
            sheet=register_sheets.get(loose.sheet_name, ""),
            sheet_name=loose.sheet_name,
            row=digits,
            column_letter=letters,
            column=column,
            what=what,
            masked=mask(loose.text.strip()),
            cell=place,
        )


def _split_reference(reference: str) -> tuple[str, int | None]:
    """ "B12" -> ("B", 12); '' -> ('', None)."""
    letters = reference.rstrip("0123456789")
    digits = reference[len(letters) :]
    return letters, int(digits) if digits else None


def _texts(
    records: list[Record], text_keys: list[tuple[str, int, int]], secret_columns: set[int]
) -> Iterator[tuple[Record, int, str]]:
    """The texts of the sheet that could hold a secret, with their record and 0-based column.

    Register columns first, then what could not be read (an unknown status, a
    date that is not one: as typed, in the row's problems), then the columns
    the register does not define. Texts too short to be a secret are left out,
    except under a secret's header. Column by column: a 100k-row sheet has few
    texts long enough, and one pass per column finds them.
    """
    shortest = _SHORTEST_SECRET
    for _, position, index in text_keys:
        for record in records:
            value = record.values[position]
            if value.__class__ is str and len(value) >= shortest:
                yield record, index, value
    for record in records:
        if record.problems is not None:
            for key, problem in record.problems.items():
                index = record.sheet.columns.get(key)
                if index is not None and len(problem.raw) >= shortest:
                    yield record, index, problem.raw
    for record in records:
        if record.extra is not None:
            for index, text in record.extra:
                if len(text) >= shortest or index in secret_columns:
                    yield record, index, text
