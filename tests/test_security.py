"""Secrets are recognised, and ordinary register text is not taken for one."""

from __future__ import annotations

import pytest

from reporter.masking import find_secret, mask, redact

SECRETS = [
    "AKIAQ3EGRT7WZX5YB2NM",
    "Atzr|IwEBIA7Qk3mZp9XbT2vLr8sN4cYd6uHf0gJ1eWq",
    "amzn1.oa2-cs.v1.3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzTESTINGKEY",
    "d41d8cd98f00b204e9800998ecf8427e",
    "キーは AKIAQ3EGRT7WZX5YB2NM です",
]
NOT_SECRETS = [
    "/tmp/reports/register-report-2026-11-30.xlsx",
    "C:\\Users\\Tanaka\\Documents\\Reports2026\\register.xlsx",
    "https://sellercentral.amazon.co.jp/apps/manage",
    "ネクストエンジン受注管理API連携2026",
    "B0C1234XYZ",
    "K-001",
    "invoice_2026-11-01_supplier-tokyo.pdf",
]


@pytest.mark.parametrize("text", SECRETS)
def test_secrets_are_found_and_masked(text: str) -> None:
    assert find_secret(text) is not None
    masked = redact(text)
    assert "****" in masked
    secret_part = text.split()[1] if " " in text else text
    assert secret_part not in masked


@pytest.mark.parametrize("text", NOT_SECRETS)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert find_secret(text) is None
    assert redact(text) == text


def test_mask_shows_at_most_the_last_four_characters() -> None:
    assert mask("Atzr|IwEBIA7Qk3mZp9XbT2vLr8sN4cYd6uHf0gJ1eWq") == "****1eWq"
    assert mask("hunter2") == "****"


# Each known form as issued today, and a variant a few characters longer: the
# patterns follow the form (prefix, alphabet, least length), not one exact length.
KEY_FORMS = [
    ("AKIAQ3EGRT7WZX5YB2NM", "AKIAQ3EGRT7WZX5YB2NMQ7K4", "AWS"),
    ("ASIAQ3EGRT7WZX5YB2NM", "ASIAQ3EGRT7WZX5YB2NMZZ", "AWS"),
    ("Atzr|IwEBIA7Qk3mZp9XbT2vLr8sN", "Atzr|IwEBIA7Qk3mZp9XbT2vLr8sN4cYd6uHf0gJ1eWqXk", "LWA"),
    ("Atza|IwEBIA7Qk3mZp9XbT2vLr8sN", "Atza|IwEBIA7Qk3mZp9XbT2vLr8sN4cYd6uHf0gJ1eWqXk", "LWA"),
    ("amzn1.oa2-cs.v1.3b4c5d6e", "amzn1.oa2-cs.v1.3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b", "LWA"),
    ("SP123456_aB3dE5fG7hJ9kL1m", "SP123456_aB3dE5fG7hJ9kL1mN2pQ", "楽天"),
    ("SL1234567_Zx9Yw8Vu7Ts6Rq5P", "SL1234567_Zx9Yw8Vu7Ts6Rq5Po4Nm3", "楽天"),
    ("Bearer abcdefghijklmnop", "Bearer abcdefghijklmnopqrstuvwxyz0123", "Bearer"),
]


@pytest.mark.parametrize(("issued", "longer", "kind"), KEY_FORMS)
def test_a_longer_key_is_still_that_kind_of_key(issued: str, longer: str, kind: str) -> None:
    found = find_secret(f"メモ: {longer} です")
    assert found is not None and kind in found["ja"]
    assert found == find_secret(issued)
    assert longer not in redact(f"メモ: {longer} です")
