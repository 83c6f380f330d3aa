"""Making untrusted text safe to show on a terminal.

Article text may carry ANSI/OSC escape sequences, other control characters and bidi overrides.
Everything the CLI prints and every string the TUI turns into a Rich Text goes through
`printable` first, so such text is shown (or dropped), never obeyed. What is dropped is decided
in one place, `newsreader.index.untrusted`, which the parsers use too: this module adds only what
a terminal needs on top (file names' undecodable bytes shown as "\\xe9", JSON made safe).
"""

from __future__ import annotations

import re
from functools import cache

from newsreader.index.untrusted import clean

# Lone surrogates: bytes of a file name or an argument that are not UTF-8. A terminal cannot
# show them and writing them to a UTF-8 stream raises. Compiled when first used (a class past
# U+00FF makes re build a table of 65,536 characters; `search --json` never prints this way).
_surrogates = cache(lambda: re.compile(r"[\ud800-\udfff]"))


def _escape_surrogate(m: re.Match[str]) -> str:
    code = ord(m[0])
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else "\ufffd"


def printable(text: str, *, newlines: bool = True) -> str:
    """`text` with escape sequences and control characters removed, and bytes that are not
    UTF-8 (lone surrogates) shown as "\\xe9" escapes, as in article ids.

    With `newlines=False`, line breaks and tabs become spaces (for one-line fields like titles).
    """
    text = clean(_surrogates().sub(_escape_surrogate, text))
    if not newlines:
        text = " ".join(text.split())
    return text


def printable_line(text: str | None) -> str:
    """`printable(text, newlines=False)`, "" for None: a title, name or URL on one line."""
    return printable(text or "", newlines=False)


def counted(n: int, noun: str) -> str:
    """ "1 passage", "3 passages": `n` and `noun`, plural with an "s" when n is not 1."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def inline(text: str) -> str:
    """`printable(text)` on one line, its spaces kept: for a snippet's segments, whose leading
    and trailing spaces separate one segment from the next (`newlines=False` would fold them)."""
    return printable(text).replace("\n", " ").replace("\t", " ")


# What json.dumps(ensure_ascii=False) leaves raw but a terminal must not get: DEL, C1 controls
# (U+009B is a one-character CSI) and lone surrogates (which a UTF-8 stream cannot write).
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\ud800-\udfff]")


def json_safe(dumped: str) -> str:
    """JSON text from `json.dumps(..., ensure_ascii=False)` with DEL, C1 controls and lone
    surrogates written as \\u escapes: still the same JSON value, and nothing in it a terminal
    would obey or a UTF-8 stream would refuse."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04x}", dumped)
