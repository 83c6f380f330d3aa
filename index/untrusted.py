"""What untrusted text may carry, and how it is made safe to store.

Article text is hostile: terminal escape sequences, control characters, odd line breaks. Every
string the parsers store goes through `clean` (several lines) or `one_line` (one field).
"""

from __future__ import annotations

import re

_BREAKS = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")


# Lone surrogates (from JSON "\ud800" escapes) are dropped too: Whoosh cannot encode them.
CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff\ud800-\udfff]")


# Whole terminal escape sequences (CSI, and OSC/DCS/SOS/PM/APC strings up to their terminator,
# e.g. OSC 52 clipboard writes), so that no "]0;title" debris is left once the ESC is dropped.
# Bounded, on one line, and a string needs its terminator: an unterminated one loses only its
# ESC, never the text after it. C1 forms (U+009B ...) are single characters dropped as controls.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]{0,64}[ -/]{0,8}[@-~]"
    r"|\x1b[\]PX^_][^\x07\x1b\x9c\n]{0,4096}(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]{0,8}[0-~]"
)


def clean(text: str) -> str:
    """`text` with line breaks made "\\n", escape sequences and control characters dropped."""
    return CONTROLS.sub("", _ESCAPES.sub("", _BREAKS.sub("\n", text)))


def one_line(value: str) -> str:
    """One line of text: escape sequences and control characters dropped, whitespace collapsed."""
    return " ".join(CONTROLS.sub("", _ESCAPES.sub("", value)).split())
