"""Where a run's digest goes: one module per channel, all behind one small interface.

A channel is a module ``reporter.delivery.channels.<name>`` that defines
``make(config, **options) -> Channel``. A :class:`Channel` has a ``name``, the
``config`` it was made from, and ``deliver(digest) -> Delivered``; when the
service refuses, ``deliver`` raises an :class:`~reporter.errors.OutputError`
whose line names the channel and the status (:func:`refused`). Adding a
channel is one new module here plus its table in the config (docs/channels.md).

:func:`deliver_all` gives the digest to every channel in turn: a channel that
refuses does not stop the others, and the refusals come back together.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from reporter.config import Config
from reporter.delivery.digest import Digest
from reporter.errors import InputError, OutputError, ReporterError

# The chat channels `[chat] channels` may name; email is a channel too, chosen by --email / --eml.
CHAT_CHANNELS = ("teams", "slack", "chatwork")


@dataclass(frozen=True)
class Delivered:
    """What a channel did with the digest: the lines to tell the user, and what it sent."""

    channel: str
    lines: tuple[str, ...] = ()
    # The recipients of each message sent (email), in the order sent.
    emailed: tuple[tuple[str, ...], ...] = ()
    # The files written instead of sending (the .eml files).
    files: tuple[Path, ...] = ()


class Channel(Protocol):
    """One way out: email, a Teams webhook, a Slack webhook, a Chatwork room."""

    name: str
    config: Config

    def deliver(self, digest: Digest) -> Delivered:
        """Post or send ``digest``; raise an OutputError naming the channel when refused."""
        ...


def make(name: str, config: Config, **options: Any) -> Channel:
    """The channel ``name`` with the run's config (``options`` are the channel's own)."""
    try:
        module = importlib.import_module(f"{__name__}.{name}")
    except ImportError:
        raise InputError(
            "chat_unknown_channel", name=name, allowed=", ".join(CHAT_CHANNELS)
        ) from None
    return module.make(config, **options)


@dataclass
class Deliveries:
    """Every channel's outcome of one run: what went out, and each refusal."""

    delivered: list[Delivered] = field(default_factory=list)
    refused: list[ReporterError] = field(default_factory=list)

    def raise_first(self) -> None:
        if self.refused:
            raise self.refused[0]


def deliver_all(digest: Digest, channels: Sequence[Channel]) -> Deliveries:
    """Give ``digest`` to each channel in turn; one refusing does not stop the next."""
    outcome = Deliveries()
    for channel in channels:
        try:
            outcome.delivered.append(channel.deliver(digest))
        except ReporterError as error:
            outcome.refused.append(error)
    return outcome


def refused(channel: str, status: str | int, host: str, kept: Any = "") -> OutputError:
    """The one line for a channel that refused: the channel, its host and the status."""
    return OutputError("channel_refused", channel=channel, host=host, status=status, kept=kept)


__all__ = [
    "CHAT_CHANNELS",
    "Channel",
    "Delivered",
    "Deliveries",
    "deliver_all",
    "make",
    "refused",
]
