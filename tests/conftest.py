"""Fixtures shared by several test modules."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from feed_server import feed_server, loopback_only

__all__ = ["feed_server", "loopback_only"]


@pytest.fixture(autouse=True)
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every test (and every command it starts) gets a cache folder of its own: the config's
    YAML tree is cached there (index/config_yaml.py), never in the user's home."""
    folder = tmp_path_factory.mktemp("xdg-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(folder))
        yield folder
