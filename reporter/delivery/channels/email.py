"""The email channel: the digest as a mail (text, HTML, the report and calendar attached).

``--email`` sends it with ``[email]``; ``--eml FILE`` writes it to FILE instead,
as a draft (``X-Unsent: 1``). With ``per_owner`` each owner address gets their
own actions and the team a summary of who was sent what. The Microsoft 365
password-SMTP warning (:mod:`reporter.delivery.email.microsoft365`) is said by
the command before the run starts, so that it shows even when sending fails.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from reporter import i18n
from reporter.config import Config, EmailSettings
from reporter.delivery import email
from reporter.delivery.channels import Delivered
from reporter.delivery.digest import Digest


@dataclass
class EmailChannel:
    name: str
    config: Config
    settings: EmailSettings
    eml: Path | None = None
    per_owner: bool = False

    def messages(self, digest: Digest) -> list[EmailMessage]:
        """The messages for ``digest``: the team's, or the owners' and then the summary."""
        sending, path = self.eml is None, self.config.path
        if not self.per_owner:
            return [email.team_message(digest, self.settings, config_path=path, sending=sending)]
        plan = email.per_owner_messages(digest, self.settings, config_path=path, sending=sending)
        # Sent: the owners first, so that the summary lists what went out. Written: the
        # summary takes the .eml name, the owners' messages -2, -3, ... beside it.
        return plan.messages if sending else [plan.summary, *plan.owner_messages]

    def deliver(self, digest: Digest) -> Delivered:
        messages = self.messages(digest)
        lang = digest.lang
        if self.eml is not None:
            from reporter.files import refuse_overwrite

            paths = email.eml_paths(self.eml, len(messages))
            # FILE-2.eml, FILE-3.eml ... are named only now: checked before the first is written.
            taken = [
                ("register", digest.register_path),
                ("report", digest.report_path),
                ("calendar", digest.calendar_path),
            ]
            for path in paths:
                refuse_overwrite(path, "eml", taken)
            for message, path in zip(messages, paths, strict=True):
                email.write_eml(message, path)
            lines = tuple(i18n.text("email_eml_written", lang, path=str(p)) for p in paths)
            return Delivered(self.name, lines=lines, files=tuple(paths))
        email.send_messages(
            messages, self.settings, report_path=digest.report_path, config_path=self.config.path
        )
        emailed = tuple(tuple(email.recipients_of(message)) for message in messages)
        lines = tuple(i18n.text("email_sent", lang, to=", ".join(to)) for to in emailed)
        return Delivered(self.name, lines=lines, emailed=emailed)


def make(
    config: Config,
    *,
    settings: EmailSettings | None = None,
    eml: Path | None = None,
    per_owner: bool = False,
) -> EmailChannel:
    chosen = settings if settings is not None else config.email
    return EmailChannel(
        "email", dataclasses.replace(config), chosen, Path(eml) if eml else None, per_owner
    )
