"""Reporting: how long what identifies a child and their family is kept, per area, and the
record of processing built from the personal data the models declare."""
