"""Entry points: backups that restore: a consistent copy of the database with a manifest to check
it by."""
