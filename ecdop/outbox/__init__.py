"""Foundation: the outbox: every e-mail ecdop sends, queued with its cause and delivered after
commit."""
