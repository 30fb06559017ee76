"""The administrator's outbox page: the mail a restore held, sent or withdrawn a kind at a
time, and the history of messages, fifty at a time."""

from __future__ import annotations

import re
from collections import Counter

from sqlalchemy import select

from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.backups.services import hold_unsent_mail
from ecdop.foundation.extensions import db
from ecdop.mail.models import MailPriority, OutboxStatus
from ecdop.mail.sender import deliver_outbox
from tests.deadline_helpers import all_messages, queue_backlog
from tests.factories import notify
from tests.helpers import page_text


def test_an_administrator_decides_what_becomes_of_mail_held_after_a_restore(
    app, demo, make_browser, smtp_sink
):
    queue_backlog(30)  # reminders
    notify()  # an alert for each coordinator
    hold_unsent_mail()
    db.session.commit()
    assert deliver_outbox().sent == 0

    admin = make_browser("admin@demo.test")
    page = page_text(admin.get("/admin/outbox"))
    assert "Held after a restore" in page
    assert "Reminders, escalations and daily summaries: 30 held, the oldest 20 shown" in page

    nothing_chosen = admin.submit("/admin/outbox/held", {}, form_page="/admin/outbox")
    assert nothing_chosen.status_code == 400
    errors = page_text(nothing_chosen)
    assert "Select which held messages to send or withdraw" in errors
    assert "Choose whether to send the messages or withdraw them" in errors

    withdrawn = admin.submit(
        "/admin/outbox/held",
        {"priorities": [str(int(MailPriority.REMINDER))], "decision": "withdraw"},
        form_page="/admin/outbox",
    )
    assert withdrawn.status_code == 302
    sent_again = admin.submit(
        "/admin/outbox/held",
        {"priorities": [str(int(MailPriority.URGENT))], "decision": "send"},
        form_page="/admin/outbox",
    )
    assert sent_again.status_code == 302
    assert "held message" in page_text(admin.get("/admin/outbox"))

    delivery = deliver_outbox()
    assert delivery.sent == 1 and smtp_sink.messages[0]["Subject"].startswith("New child death")
    db.session.expire_all()
    statuses = Counter(message.status for message in all_messages())
    assert statuses == Counter({OutboxStatus.WITHDRAWN: 30, OutboxStatus.SENT: 1})
    actions = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.action.in_((AuditAction.HELD_MAIL_WITHDRAWN, AuditAction.HELD_MAIL_RELEASED))
        )
    ).all()
    assert sorted(actions) == [AuditAction.HELD_MAIL_RELEASED, AuditAction.HELD_MAIL_WITHDRAWN]


def test_the_outbox_page_shows_fifty_messages_at_a_time_back_through_its_history(
    app, demo, make_browser, smtp_sink
):
    queue_backlog(120, MailPriority.ROUTINE)
    deliver_outbox()
    admin = make_browser("admin@demo.test")
    latest = admin.get("/admin/outbox").get_data(as_text=True)
    assert "Messages not yet sent" in latest
    assert latest.count("Message 119") == 1 and "Message 69<" not in latest
    earlier = re.search(r'href="(/admin/outbox\?before=\d+)"', latest).group(1)
    older = page_text(admin.get(earlier))
    assert "Earlier messages" in older and "Message 69" in older and "Message 119" not in older
