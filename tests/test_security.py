"""Secrets are recognised, and ordinary register text is not taken for one."""

from __future__ import annotations

import pytest

from reporter.rules.security import find_secret, mask, redact

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
