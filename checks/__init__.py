"""Checks run against a running Tribune server (see ``checks.standards``)."""
