"""HTTP for feeds and pages: bounded, conditional, redirect-aware GETs that never raise.

Every request runs under a total deadline as well as httpx's connect/read timeouts (a server
that drips one byte a second never trips a read timeout), reads at most a size limit of
*decoded* bytes (gzip and deflate are decoded here, in bounded steps, so a gzip bomb costs no
more memory than an honest response of the limit's size), and follows redirects itself, so
that a chain of permanent redirects can be remembered and only http(s) targets are followed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import zlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

USER_AGENT = "newsreader/0.1 (terminal news reader)"
PERMANENT = frozenset({301, 308})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """How much one fetch may cost. The defaults suit real feeds; tests shrink them."""

    max_connections: int = 16
    """Connections open at once, all hosts together."""
    per_host: int = 4
    """Requests in flight to one host at once: a reader must not hammer one server."""
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    """Seconds without a byte from the server."""
    total_timeout: float = 60.0
    """Seconds for one request from connect to the last byte, redirects included."""
    max_feed_bytes: int = 20 * 2**20
    """Decoded bytes of one feed; a longer response is cut and reported."""
    max_page_bytes: int = 5 * 2**20
    """Decoded bytes of one linked page (full text)."""
    max_redirects: int = 5
    max_retry_wait: float = 10.0
    """Longest Retry-After (seconds) waited for within one fetch; a longer one is remembered
    and the feed is skipped until then."""
    max_pages: int = 500
    """Linked pages fetched for full text in one run, all feeds together."""


@dataclass(slots=True)
class Reply:
    """What came back for one GET: a status (None when no answer came), the body as decoded
    bytes, and what the caller needs to remember."""

    url: str
    """The URL that answered (after redirects)."""
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None
    """One line on what went wrong; None when the answer can be used."""
    permanent_url: str | None = None
    """Where an unbroken chain of permanent redirects (301/308) from the start led, if any."""
    retry_after: float | None = None
    """Seconds the server asked us to wait (429/503), if it said."""


class Http:
    """One httpx client shared by every request of a fetch, with the per-host bound."""

    def __init__(self, limits: Limits, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.limits = limits
        timeout = httpx.Timeout(
            connect=limits.connect_timeout,
            read=limits.read_timeout,
            write=limits.read_timeout,
            pool=limits.total_timeout,
        )
        self._client = httpx.AsyncClient(
            http2=True,
            timeout=timeout,
            limits=httpx.Limits(
                max_connections=limits.max_connections,
                max_keepalive_connections=limits.max_connections,
            ),
            headers={"User-Agent": USER_AGENT},
            follow_redirects=False,
            transport=transport,
            # The environment's proxy settings are the user's business; netrc files are not.
            trust_env=True,
        )
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Http:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    def _host_slot(self, url: str) -> asyncio.Semaphore:
        host = (urlsplit(url).hostname or "").lower()
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(self.limits.per_host)
        return self._hosts[host]

    async def get(
        self,
        url: str,
        *,
        max_bytes: int,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = "*/*",
    ) -> Reply:
        """GET `url` with conditional headers, following up to `max_redirects` redirects.

        Never raises for network trouble: the Reply's `error` says what happened. A 304 is a
        success with an empty body. A body longer than `max_bytes` once decoded is cut there and
        reported as an error.
        """
        reply = Reply(url=url)
        try:
            async with asyncio.timeout(self.limits.total_timeout):
                await self._follow(reply, url, max_bytes, etag, last_modified, accept)
        except TimeoutError:
            reply.error = f"timed out after {self.limits.total_timeout:g} s"
        except httpx.TimeoutException as exc:
            reply.error = f"timed out ({_timeout_kind(exc)})"
        except httpx.HTTPError as exc:
            reply.error = _network_error(exc)
        except (OSError, ValueError) as exc:
            reply.error = f"network error: {exc}"
        return reply

    async def _follow(
        self,
        reply: Reply,
        url: str,
        max_bytes: int,
        etag: str | None,
        last_modified: str | None,
        accept: str,
    ) -> None:
        permanent_chain = True
        for _ in range(self.limits.max_redirects + 1):
            scheme = urlsplit(url).scheme.lower()
            if scheme not in ("http", "https"):
                reply.error = f"not an http(s) URL: {url[:200]}"
                return
            headers = {"Accept": accept, "Accept-Encoding": "gzip, deflate"}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            async with self._host_slot(url):
                request = self._client.build_request("GET", url, headers=headers)
                response = await self._client.send(request, stream=True)
                try:
                    reply.url = url
                    reply.status = response.status_code
                    reply.headers = {k.lower(): v for k, v in response.headers.items()}
                    if response.status_code in REDIRECTS and "location" in response.headers:
                        target = urljoin(url, response.headers["location"])
                        if response.status_code in PERMANENT and permanent_chain:
                            reply.permanent_url = target
                        else:
                            permanent_chain = False
                        url = target
                        continue
                    if response.status_code in (429, 503):
                        reply.retry_after = parse_retry_after(response.headers.get("retry-after"))
                    if response.status_code == 304:
                        return
                    body, cut = await _read_bounded(response, max_bytes)
                    reply.body = body
                    if response.status_code >= 400:
                        reply.error = f"HTTP {response.status_code} {response.reason_phrase}"
                    elif cut:
                        reply.error = f"response cut at the {_size(max_bytes)} limit"
                    return
                finally:
                    await response.aclose()
        reply.error = f"more than {self.limits.max_redirects} redirects"


async def _read_bounded(response: httpx.Response, max_bytes: int) -> tuple[bytes, bool]:
    """The decoded body, at most `max_bytes` of it, and whether it was cut."""
    encoding = response.headers.get("content-encoding", "").strip().lower()
    raw = response.aiter_raw(_CHUNK)
    if encoding in ("", "identity"):
        return await _collect(raw, max_bytes)
    if encoding in ("gzip", "x-gzip", "deflate"):
        return await _collect(_inflate(raw, max_bytes, encoding), max_bytes)
    raise ValueError(f"unsupported Content-Encoding {encoding[:40]!r}")


async def _collect(chunks: AsyncIterator[bytes], max_bytes: int) -> tuple[bytes, bool]:
    parts: list[bytes] = []
    size = 0
    async for chunk in chunks:
        room = max_bytes - size
        if len(chunk) > room:
            parts.append(chunk[:room])
            return b"".join(parts), True
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts), False


async def _inflate(
    raw: AsyncIterator[bytes], max_bytes: int, encoding: str
) -> AsyncIterator[bytes]:
    """Decode gzip/deflate a bounded step at a time: never more than one chunk past the limit
    is held, however well the data compresses."""
    # 32 + 15: zlib or gzip header, detected. Some servers send raw deflate for "deflate".
    inflater = zlib.decompressobj(32 + 15)
    produced = 0
    first = True
    async for chunk in raw:
        if first and encoding == "deflate" and chunk[:1] and (chunk[0] & 0x0F) != 8:
            inflater = zlib.decompressobj(-15)
        first = False
        data = chunk
        while data:
            try:
                out = inflater.decompress(data, _CHUNK)
            except zlib.error as exc:
                raise ValueError(f"broken {encoding} data: {exc}") from None
            produced += len(out)
            if out:
                yield out
            if produced > max_bytes:
                return
            data = inflater.unconsumed_tail
        if inflater.eof:
            return
    if tail := inflater.flush(_CHUNK):
        yield tail


def parse_retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date; None if unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), 366 * 86400))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())


def _timeout_kind(exc: httpx.TimeoutException) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return "connect"
    if isinstance(exc, httpx.PoolTimeout):
        return "waiting for a connection"
    return "no data from the server"


def _network_error(exc: httpx.HTTPError) -> str:
    cause: BaseException | None = exc
    # The root cause ("Connection refused", "Name or service not known") is the useful part.
    while cause is not None and cause.__cause__ is not None:
        cause = cause.__cause__
    text = str(cause or exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {text}"
    return f"network error: {text}"


def _size(n: int) -> str:
    return f"{n / 2**20:g} MiB" if n >= 2**20 else f"{n:,} bytes"
