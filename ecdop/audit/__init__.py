"""Identity and administration: the append-only audit trail of who did and read what, and
its keyed hash chain."""
