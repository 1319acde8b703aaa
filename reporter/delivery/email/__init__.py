"""The report by email: compose the message(s), send them, or write them to .eml files.

:mod:`.compose` writes the messages (the team's, or one per owner and a
summary), :mod:`.send` sends them over SMTP (a password or an Entra ID token)
or Microsoft Graph, :mod:`.eml` writes them to files instead.
"""

from __future__ import annotations

from reporter.delivery.email.compose import (
    PerOwner,
    action_count,
    build_message,
    build_per_owner,
    check_settings,
    missing_settings,
    per_owner_messages,
    subject,
    team_message,
)
from reporter.delivery.email.eml import eml_paths, write_eml
from reporter.delivery.email.send import (
    graph_payload,
    recipients_of,
    resolve_client_secret,
    resolve_password,
    send_message,
    send_messages,
)

__all__ = [
    "PerOwner",
    "action_count",
    "build_message",
    "build_per_owner",
    "check_settings",
    "eml_paths",
    "graph_payload",
    "missing_settings",
    "per_owner_messages",
    "recipients_of",
    "resolve_client_secret",
    "resolve_password",
    "send_message",
    "send_messages",
    "subject",
    "team_message",
    "write_eml",
]
