"""Reporting: the figures behind the board's reports and early warning: reference data, SQL
aggregates, disclosure control, statistics, and emerging patterns of deaths."""
