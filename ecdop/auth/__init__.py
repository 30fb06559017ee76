"""Identity and administration: people, roles, organisations and areas; signing in, sessions
and the second factor; the one table of who may do what."""
