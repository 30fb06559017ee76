"""Reporting: the safeguarding partnership board's reports: built from the analytics with disclosure
control, rendered from reports/ to PDF, archived, and generated on a schedule."""
