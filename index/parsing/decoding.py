"""Bytes -> text: the encoding (BOMs, UTF-8 with stray cp1252 bytes, BOM-less UTF-16), binary
files refused, and file paths as text Whoosh can store."""

from __future__ import annotations

import codecs
import html
import re

# path_text lives with the records, so that searching needs no parser module; named here too.
from newsreader.index.model import path_text as path_text
from newsreader.index.parsing.errors import ArticleError
from newsreader.index.untrusted import UNSAFE, clean


def _single_byte_fallback(err: UnicodeError) -> tuple[str, int]:
    # One undecodable byte at a time, so a mostly-UTF-8 file with one stray cp1252 byte keeps
    # its UTF-8 text; latin-1 covers the five bytes cp1252 leaves undefined.
    if not isinstance(err, UnicodeDecodeError):
        raise err
    byte = err.object[err.start : err.start + 1]
    try:
        return byte.decode("cp1252"), err.start + 1
    except UnicodeDecodeError:
        return byte.decode("latin-1"), err.start + 1


codecs.register_error("newsreader.cp1252", _single_byte_fallback)


# Control bytes that mark a binary file. ESC and BEL are left out: text full of terminal escape
# sequences (a captured terminal session, a hostile article) is still text.
_CONTROL_BYTES = bytes([*range(0x00, 0x07), 0x08, *range(0x0E, 0x1B), *range(0x1C, 0x20)])


def _utf16_without_bom(data: bytes) -> str | None:
    """ "utf-16-le"/"utf-16-be" when the bytes look like BOM-less UTF-16 text (every other byte
    NUL), else None."""
    if len(data) < 8 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    half = len(data) // 2
    if odd > 0.3 * half and even < 0.02 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.02 * half:
        return "utf-16-be"
    return None


def decode(data: bytes) -> str:
    """Text of `data`: BOM'd UTF-8/UTF-16/UTF-32 by their BOM, else UTF-8, with undecodable bytes
    read as cp1252 (latin-1 as last resort). Line breaks become "\\n"; terminal escape
    sequences and control characters other than newline and tab are dropped. Raises
    ArticleError("binary file") for binary data."""
    encoding = None
    for bom, name in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            encoding, data = name, data[len(bom) :]
            break
    if encoding is None:
        encoding = _utf16_without_bom(data)
    if encoding is None:
        controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
        if controls > max(8, len(data) // 20):
            raise ArticleError("binary file")
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        if encoding != "utf-8":
            raise ArticleError(f"binary file (not valid {encoding.upper()})") from None
        text = data.decode("utf-8", errors="newsreader.cp1252")
    return clean(text)


_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def decode_entities(text: str) -> str:
    """`text` with its HTML character references decoded ("&#163;1.8m" -> "£1.8m", "&amp;" ->
    "&"), as they appear in text copied out of web pages. Only complete references, ended by
    ";", are read: html.unescape alone also reads "&not" in "this&nothing". A reference to a
    line break or to a character `clean` removes (a control, a bidi override) stays as written:
    decoding must not bring back what the parser keeps out."""

    def one(m: re.Match[str]) -> str:
        char = html.unescape(m[0])
        # (html.unescape gives "" for references HTML forbids, such as "&#27;": kept too.)
        return m[0] if char in ("", "\n") or UNSAFE.search(char) else char

    return _ENTITY.sub(one, text) if "&" in text else text
