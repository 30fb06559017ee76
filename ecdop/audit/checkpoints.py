"""The audit chain's daily checkpoint: its position and hash, taken out of the database.

The keyed chain stops anyone without the key from rewriting events unseen, but cutting off
the newest events and moving the chain's head back needs no key. A checkpoint held somewhere
the database's owner cannot reach (an audit mailbox, the log store) catches that: ``audit
verify --checkpoint FILE`` checks that the chain still passes through every checkpoint.
"""

from __future__ import annotations

import json
import logging
from datetime import date

from flask import current_app
from sqlalchemy import select

from ecdop.audit.chain import HEAD_ID, Checkpoint
from ecdop.audit.models import AuditChainHead
from ecdop.foundation.db import utc_now
from ecdop.foundation.extensions import db
from ecdop.mail import keys as mail_keys
from ecdop.mail.models import MailPriority
from ecdop.mail.services import Addressee, queue_message

log = logging.getLogger(__name__)
# The words before each checkpoint in the log, so it can be found there and read back.
LOG_MARK = "audit checkpoint"


def current_checkpoint() -> Checkpoint:
    head = db.session.execute(
        select(AuditChainHead.position, AuditChainHead.hash).where(AuditChainHead.id == HEAD_ID)
    ).one()
    return Checkpoint(head.position, head.hash, utc_now().isoformat(timespec="seconds"))


def send_checkpoint(today: date | None = None) -> Checkpoint:
    """The daily job: the chain's head goes to the log and to the audit mailbox. Run twice in
    a day with nothing new sealed, it mails once."""
    checkpoint = current_checkpoint()
    log.info("%s %s", LOG_MARK, checkpoint.as_json())
    address = current_app.config["AUDIT_CHECKPOINT_ADDRESS"]
    if not address:
        log.warning("No ECDOP_AUDIT_ADDRESS: the audit checkpoint went to the log only")
        return checkpoint
    queue_message(
        dedupe_key=mail_keys.audit_checkpoint(today or utc_now().date(), checkpoint.position),
        priority=MailPriority.URGENT,
        recipient=Addressee(email=address, full_name="Audit checkpoint keeper"),
        subject=f"ecdop audit checkpoint: position {checkpoint.position:,}",
        template="email/audit_checkpoint.txt",
        action_path="",
        checkpoint=checkpoint,
    )
    return checkpoint


def read_checkpoints(text: str) -> list[Checkpoint]:
    """Checkpoints from a file an auditor kept: each line with one (a saved e-mail, or lines
    of the log) gives one; lines without one are passed over."""
    found = []
    for line in text.splitlines():
        start = line.find("{")
        if start < 0:
            continue
        try:
            fields = json.loads(line[start:])
            found.append(
                Checkpoint(int(fields["position"]), str(fields["hash"]), str(fields["taken_at"]))
            )
        except (ValueError, KeyError, TypeError):
            continue
    return found
