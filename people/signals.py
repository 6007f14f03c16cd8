"""Signals of the people app, for apps that build on it (this app knows none of them)."""

from django.dispatch import Signal

# Sent by merging.merge() with `kept` and `duplicate`, before the duplicate is deleted.
merged = Signal()
