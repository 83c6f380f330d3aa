"""The one error the parsers raise: a file that cannot be read as articles."""

from __future__ import annotations

from pathlib import Path


class ArticleError(Exception):
    """A file that cannot be read as articles. `str(e)` is one line: "<path>: <reason>"."""

    def __init__(self, reason: str, path: Path | str | None = None) -> None:
        self.reason = " ".join(reason.split())
        self.path = str(path) if path is not None else None
        super().__init__(f"{self.path}: {self.reason}" if self.path else self.reason)
