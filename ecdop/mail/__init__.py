"""Foundation: mail: every e-mail ecdop sends, written to the outbox with its cause in the
transaction of the change, and delivered by SMTP after the commit. The administrator's outbox
page is in ``ecdop/outbox``."""
