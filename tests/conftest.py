"""Fixtures shared by several test modules."""

from feed_server import feed_server, loopback_only

__all__ = ["feed_server", "loopback_only"]
