"""Entry points: the JSON API, version 1: notifying a death from a force's or a trust's own
system."""

API_PREFIX = "/api/"
