"""Identity and administration: the outbox page, where an administrator sees what mail is
unsent or failing, whether the scheduler that sends it is running, and decides what becomes
of the mail a restore held. The mail itself is queued and sent by ``ecdop/mail``."""
