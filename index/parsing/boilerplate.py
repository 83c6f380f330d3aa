"""Lines that are never article text: "Advertisement", "Share this", "Image: ...", "Follow us on
...", copyright lines."""

from __future__ import annotations

import re

# Whole lines (case-insensitive, ignoring surrounding punctuation) that are never article text.
BOILERPLATE = frozenset(
    """advertisement|advertisements|advert|ad|ads|sponsored|sponsored content|promoted content
    |paid content|story continues below|story continues below advertisement
    |article continues below|article continues below advertisement|continue reading
    |continue reading below|continue reading the main story|read more|read more below
    |scroll to continue with content|skip advertisement|skip to content|skip to main content
    |share|share this|share this article|share this story|share article|share on facebook
    |share on twitter|share via email|tweet|email|print|comments|related|related articles
    |related stories|related content|related topics|more on this story|top stories|most read
    |most popular|you may also like|recommended|recommended for you|trending|trending now
    |getty images|listen to this article|loading|click here|subscribe|subscribe now|sign up
    |sign in|log in|back to top|copy link|media playback is unsupported on your device
    |image copyright|image caption|facebook|twitter|whatsapp|linkedin|reddit|pinterest
    |telegram|image|photo|video""".replace("\n    ", "").split("|")
)


BOILER_PREFIX = re.compile(
    r"(?:image|images|photo|photos|picture|pictures|photograph|photo credit|image credit"
    r"|image source|image caption|picture caption|caption|credit|credits|video|watch|listen"
    r"|file photo|featured image|main image|top image)\s*\d*\s*(?:[:|]|,\s)"
    r"|photo(?:graph)?s? by\s"
    r"|follow us\b|follow (?:@\w+|[\w.]+(?:\s[\w.]+){0,3}) on (?:twitter|facebook|instagram|x"
    r"|google news|telegram|linkedin|threads)\b|like us on facebook\b"
    r"|subscribe to (?:our|the)\b|sign up (?:for|to) (?:our|the)\b|join (?:us|our \w+) on\b"
    r"|download (?:the|our) (?:\w+ )?app\b"
    r"|(?:read more|also read|read also|see also|related|related (?:articles?|stories|news"
    r"|coverage)|recommended|don't miss|must read)\s*[:|»>]"
    r"|copyright\s*(?:©|\(c\)|\d{4})|©|\(c\)\s*\d{4}|all rights reserved\b",
    re.I,
)
