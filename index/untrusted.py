"""Untrusted text made safe: the one place that says what article text may not carry.

Article text is hostile: terminal escape sequences (colours, OSC 52 clipboard writes, window
titles), other control characters, bidi overrides that make text read differently from what it
is ("Trojan Source"), odd line breaks. The parsers store only what `clean`/`one_line` leave, and
the display (tui.terminal.printable, for the TUI and the CLI) applies the same `clean` to
whatever it shows, so the two can no longer drift apart.

What is removed, and why (the union of the parser's and the display's former copies):
- ESC sequences, whole: CSI, and OSC/DCS/SOS/PM/APC strings up to their terminator (OSC 52
  clipboard writes), so no "]0;title" debris is left; bounded and on one line, and a string
  needs its terminator: an unterminated one loses only its ESC, never the text after it (the
  display's copy swallowed the rest of the text);
- C0 controls but tab and newline, DEL, C1 controls. A one-character C1 introducer (U+009B CSI,
  U+009D OSC ...) goes alone: what follows it is inert once it is gone, and it is more often a
  mis-encoded "›" before real words than an attack (the display's copy also ate the parameters
  and the next letter: "\x9bNext" lost its "N");
- U+FEFF (a byte-order mark inside text is invisible noise), lone surrogates (Whoosh cannot
  encode them; the display shows a file name's undecodable bytes as "\\xe9" before this runs);
- bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): only the display's
  copy dropped them, so a title could be stored reversed and searched as such. Plain direction
  marks (U+200E, U+200F, U+061C) and zero-width joiners stay: they reorder nothing and some
  scripts need them.
Line breaks (CR LF, CR, VT, FF, NEL, U+2028, U+2029) become "\\n" first, so "a\\rb" is two lines,
not "ab".
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

_BREAKS = "\r\n?|[\x0b\x0c\x85\u2028\u2029]"
_ESCAPES = (
    r"\x1b\[[0-?]{0,64}[ -/]{0,8}[@-~]"
    r"|\x1b[\]PX^_][^\x07\x1b\x9c\n]{0,4096}(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]{0,8}[0-~]"
)
_UNSAFE = "[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ud800-\udfff\u202a-\u202e\u2066-\u2069]"
_ANY = _UNSAFE.removesuffix("]") + "\u2028\u2029]"
"""Any character one of the three steps of `clean` acts on (UNSAFE holds every other line
break and the ESC that starts an escape sequence)."""

if TYPE_CHECKING:
    UNSAFE: re.Pattern[str]
    """A character `clean` removes (after line breaks became "\\n" and escapes were dropped)."""


@cache
def _compiled() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    # Compiled when first used, not on import: a class of characters past U+00FF makes re build
    # a table of all 65,536 (2% of a `search --json` command, which never cleans text).
    return re.compile(_BREAKS), re.compile(_ESCAPES), re.compile(_UNSAFE), re.compile(_ANY)


def __getattr__(name: str) -> re.Pattern[str]:
    if name == "UNSAFE":  # (PEP 562: compiled when a parser imports it)
        return _compiled()[2]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def clean(text: str) -> str:
    """`text` with line breaks made "\\n", escape sequences and unsafe characters dropped."""
    breaks, escapes, unsafe, any_ = _compiled()
    if any_.search(text) is None:
        # Nearly all text: one scan instead of three substitutions that change nothing (they
        # were a third of the time the indexer takes to read a feed entry's file).
        return text
    return unsafe.sub("", escapes.sub("", breaks.sub("\n", text)))


def one_line(value: str) -> str:
    """`clean(value)` on one line, whitespace collapsed: for titles, names and other fields."""
    return " ".join(clean(value).split())
