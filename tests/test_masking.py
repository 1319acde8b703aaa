"""reporter.masking: what does not print is removed first, then secrets are masked.

Every output uses :func:`reporter.masking.redact`; these tests hold it to the
two promises of register-spec.md (SEC001, revision 3): a character that does not
print cannot split a key past the mask, and a labelled secret shows no part of
itself.
"""

from __future__ import annotations

import random
import string
import sys
import unicodedata

import pytest

from reporter.masking import clean, find, has_labelled_secret, redact

SPLIT_KEYS = [
    "AKIAQ3EG\x7fUJ7RZ4XWTY5K",  # DEL
    "AKIAQ3EG\u200eUJ7RZ4XWTY5K",  # left-to-right mark
    "AKIAQ3EG\rUJ7RZ4XWTY5K",  # a carriage return, as _x000D_ arrives
    "AKIAQ3EG_x000D_UJ7RZ4XWTY5K",  # the escape itself, left as text by a reader
    "AKIAQ3EG\u200bUJ7RZ4XWTY5K",  # zero-width space
    "AKIAQ3EG\x1b[0mUJ7RZ4XWTY5K",  # a terminal escape sequence, removed whole
]


def test_the_non_printing_class_is_unicodes_control_and_format_characters() -> None:
    expected = {
        chr(c)
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c)) in ("Cc", "Cf") and chr(c) not in "\t\n"
    }
    removed = {chr(c) for c in range(sys.maxunicode + 1) if clean(f"a{chr(c)}") == "a"}
    assert expected <= removed  # the joiners too, beside an ASCII letter
    # Beyond this Python's tables: the format characters Unicode 15 added (Egyptian).
    assert {ord(c) for c in removed - expected} <= set(range(0x13439, 0x13440))


def test_tabs_and_line_feeds_are_kept() -> None:
    assert clean("一行目\n二行目\tメモ") == "一行目\n二行目\tメモ"


def test_a_joiner_is_kept_inside_an_emoji_and_removed_inside_a_key() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean(f"T-{family}") == f"T-{family}"
    assert redact("AKIAQ3EG\u200dUJ7RZ4XWTY5K") == "****TY5K"


@pytest.mark.parametrize("text", SPLIT_KEYS)
def test_a_key_split_by_a_character_that_does_not_print_is_found_and_masked(text: str) -> None:
    found = find(f"備考 {text} です")
    assert found is not None and "AWS" in found.what["en"]
    masked = redact(f"備考 {text} です")
    assert masked == "備考 ****TY5K です"


@pytest.mark.parametrize("text", SPLIT_KEYS[:3])
def test_every_output_cleans_before_it_masks(text: str) -> None:
    """The outputs that clean text their own way: none joins the key back whole."""
    from reporter.delivery.calendar import _clean as for_calendar
    from reporter.delivery.digest import clean as for_email
    from reporter.output.json_output import _masked as for_json
    from reporter.output.terminal import for_terminal
    from reporter.output.workbook.cells import safe as for_workbook

    for output in (for_terminal, for_calendar, for_email, for_json, for_workbook):
        shown = output(f"担当 {text}") or ""
        assert "UJ7RZ4XW" not in shown and "AKIAQ3EG" not in shown, output.__module__
        assert "****TY5K" in shown, output.__module__


# (text, the secret in it, how SEC001 shows it)
LABELLED = [
    (
        "中村 (外注) ログイン nakamura / パスワード: Hunter2-Nakamura",
        "Hunter2-Nakamura",
        "パスワード: ****",
    ),
    ("password: hunter2", "hunter2", "password: ****"),
    ("pw=hunter2hdr", "hunter2hdr", "pw=****"),
    ("ID: sato / PW：Sakura99", "Sakura99", "PW：****"),
    ("pass: Sakura99", "Sakura99", "pass: ****"),
    ("secret=abc123", "abc123", "secret=****"),
    ("refresh token: abc123xyz", "abc123xyz", "token: ****"),
    ("暗証番号：１２３４", "１２３４", "暗証番号：****"),
    ("パスワード(仮)＝tmp-2026", "tmp-2026", "パスワード(仮)＝****"),
    ("ＰＷ：ａｂｃ１２３", "ａｂｃ１２３", "ＰＷ：****"),
    ('secret key = "two words"', "two words", "secret key = ****"),
    ("https://example.com/login?token=LinkTok-88", "LinkTok-88", "token=****"),
    ("https://bob:LinkPass-99@example.com/", "LinkPass-99", "https://bob:****"),
]


@pytest.mark.parametrize(("text", "secret", "shown"), LABELLED)
def test_a_labelled_secret_is_found_and_masked_whole(text: str, secret: str, shown: str) -> None:
    found = find(text)
    assert found is not None and found.masked == shown
    masked = redact(text)
    assert shown.removesuffix("****") in masked and "****" in masked
    # The value replaced whole, quotes and all: no tail ("****ter2"), no head.
    assert masked == text.replace(f'"{secret}"', "****").replace(secret, "****")
    assert redact(masked) == masked  # masking twice changes nothing


def test_the_old_tail_mask_is_gone() -> None:
    assert redact("password: hunter2") == "password: ****"  # not "****ter2"


NOT_SECRETS = [
    "password manager",
    "パスワードは管理ツールへ",
    "パスワード：管理ツールを参照",  # where it is kept, not what it is
    "pw: ****",  # masked already
    "pw: xxxx",  # a placeholder
    "トークン: 2026/12/01 更新",  # a date
    "パスワード：2026年1月に変更済み",
    "bypass=on",
    "compass: north",
    "開始 10:30",
    "近い値: 利用中 (active)",
    "https://sellercentral.amazon.co.jp/apps/manage",
]


@pytest.mark.parametrize("text", NOT_SECRETS)
def test_a_label_alone_in_prose_is_not_a_secret(text: str) -> None:
    assert find(text) is None
    assert not has_labelled_secret(text)
    assert redact(text) == text


def test_a_token_of_megabytes_is_judged_by_its_ends_and_masked_to_its_own_tail() -> None:
    # A file written by a program other than Excel can hold a cell of megabytes (an
    # image pasted as base64): judged by its ends, it is masked, and the mask shows
    # the token's own last 4 characters, not those of the sample.
    alphabet = string.ascii_letters + string.digits + "+/"
    blob = "".join(random.Random(7).choices(alphabet, k=1_500_000)) + "9Kq2"
    text = f"画像: data {blob} end"
    assert find(text) is not None
    assert redact(text) == "画像: data ****9Kq2 end"
    # Paths and slugs stay what they are, however long.
    slug = "/reports/" + "-".join(["register-report"] * 20_000)
    assert redact(slug) == slug
