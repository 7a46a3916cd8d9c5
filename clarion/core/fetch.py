"""The one way Clarion fetches anything from the web: feeds, article pages, and whatever
comes next (a related-article URL someone types).

Every fetch is guarded against reaching inside the network it runs in (SSRF):

* only http and https;
* the host is resolved once and every address it resolves to must be global: no
  loopback, private, link-local (169.254.169.254, the cloud metadata service),
  shared (CGNAT), multicast, reserved or unspecified address, an IPv4 address written
  inside IPv6 (::ffff:127.0.0.1) unwrapped first, and a host written as a number in
  another form than a dotted quad (2130706433, 0177.0.0.1, 0x7f.1) refused outright;
* the connection goes to the address that was checked, never to a second lookup of
  the name (which a hostile DNS server could answer differently);
* every redirect is checked the same way, hop by hop.

``CLARION_FETCH_ALLOW_PRIVATE=1`` lets private and loopback addresses through, for
demos, tests and intranet feeds. A fetch is also conditional (ETag, Last-Modified),
size-capped (CLARION_FEED_MAX_BYTES) and time-limited as a whole: the deadline
(CLARION_FEED_TIMEOUT) covers connecting, the status line, the headers and the body,
so a server that trickles a byte a second is cut off in time.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

USER_AGENT = "Clarion/0.1 (+https://github.com/clarion; news watcher)"
FEED_TYPES = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9"
PAGE_TYPES = "text/html, application/xhtml+xml;q=0.9"
MAX_REDIRECTS = 5
_REDIRECTS = {301, 302, 303, 307, 308}
# A host of digits, dots and hex that is not a plain dotted quad: resolvers read such
# names as IPv4 addresses in decimal, octal or hex ("0177.1" is 127.0.0.1).
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}\.?$", re.I)
_DOTTED_QUAD = re.compile(
    r"^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$"
)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """The address could not be fetched; the message says why, for the operator."""


class Refused(FetchError):
    """The guard refused the address before anything was sent."""


@dataclass(frozen=True)
class FetchResult:
    status: int  # 200, or 304 when nothing changed since the last fetch
    body: bytes
    url: str  # after redirects
    etag: str
    last_modified: str
    content_type: str


def _unwrapped(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def refusal(address: IPAddress) -> str | None:
    """Why the guard refuses to connect to ``address``, or None when it may."""
    address = _unwrapped(address)
    if address.is_global and not (address.is_multicast or address.is_reserved):
        return None
    private = address.is_private or address.is_loopback
    # Link-local stays out even then: it is where cloud metadata services answer.
    if settings.CLARION_FETCH_ALLOW_PRIVATE and private and not address.is_link_local:
        return None
    return f"{address} is not a public internet address"


def _host_and_port(url: str) -> tuple[str, str, int]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Refused(f"not a web address: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise Refused(f"only http and https addresses are fetched, not {parts.scheme or 'this'}")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise Refused("the address has no host")
    if _NUMERIC_HOST.match(host) and not _DOTTED_QUAD.match(host):
        raise Refused(f"{host} is an IP address written in a disguised form")
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80)


def _lookup(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to, asked once."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"could not find {host}: {exc}") from None
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def resolve(url: str) -> tuple[str, str, int, IPAddress]:
    """(scheme, host, port, the address to connect to) once every address of the host
    has passed the guard; Refused otherwise."""
    scheme, host, port = _host_and_port(url)
    addresses = _lookup(host, port)
    if not addresses:
        raise FetchError(f"could not find {host}")
    for address in addresses:
        reason = refusal(address)
        if reason:
            hint = "" if settings.CLARION_FETCH_ALLOW_PRIVATE else " (CLARION_FETCH_ALLOW_PRIVATE)"
            raise Refused(f"refused {host}: {reason}{hint}")
    return scheme, host, port, _unwrapped(addresses[0])


class _Pinned(http.client.HTTPConnection):
    """An HTTP connection to the checked address, whatever the name resolves to now."""

    def __init__(self, host: str, port: int, address: IPAddress, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        # A socket to the address itself: nothing on the way looks the name up again.
        family = socket.AF_INET6 if self.address.version == 6 else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect((str(self.address), self.port))
        except BaseException:
            sock.close()
            raise
        self.sock = sock


class _PinnedTLS(_Pinned):
    def connect(self) -> None:
        super().connect()
        context = ssl.create_default_context()
        # The certificate is checked against the host name, not the address.
        self.sock = context.wrap_socket(self.sock, server_hostname=self.host)


class _Deadline:
    """Cuts the connection when the whole fetch runs out of time, wherever it waits."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds
        self.expired = False
        self._timer: threading.Timer | None = None

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            self.expired = True
            raise TimeoutError
        return left

    def watch(self, connection: http.client.HTTPConnection) -> None:
        def cut() -> None:
            self.expired = True
            sock = connection.sock
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

        self.cancel()
        self._timer = threading.Timer(max(0.0, self.end - time.monotonic()), cut)
        self._timer.daemon = True
        self._timer.start()

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


def _read(response: http.client.HTTPResponse, limit: int) -> bytes:
    length = response.getheader("Content-Length", "")
    if length.isdigit() and int(length) > limit:
        raise FetchError(f"larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(64 * 1024):
        size += len(chunk)
        if size > limit:
            raise FetchError(f"larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _get(url: str, headers: dict[str, str], deadline: _Deadline) -> http.client.HTTPResponse:
    scheme, host, port, address = resolve(url)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    kind = _PinnedTLS if scheme == "https" else _Pinned
    connection = kind(host, port, address, timeout=deadline.left())
    deadline.watch(connection)
    connection.request("GET", target, headers=headers)
    return connection.getresponse()


def fetch(
    url: str, *, etag: str = "", last_modified: str = "", accept: str = FEED_TYPES
) -> FetchResult:
    """GET ``url`` through the guard; FetchError (Refused, for the guard) says why not."""
    headers = {"User-Agent": USER_AGENT, "Accept": f"{accept}, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    timeout = settings.CLARION_FEED_TIMEOUT
    deadline = _Deadline(timeout)
    seen = {url}
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            response = _get(url, headers, deadline)
            if response.status not in _REDIRECTS:
                return _result(response, url, etag, last_modified, deadline)
            location = response.getheader("Location", "")
            response.close()
            if not location:
                raise FetchError(f"HTTP {response.status} without a Location")
            url = urljoin(url, location)
            if url in seen:
                raise FetchError(f"a redirect loop ({response.status})")
            seen.add(url)
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")
    except FetchError:
        raise
    except (TimeoutError, OSError, http.client.HTTPException) as exc:
        if deadline.expired or isinstance(exc, TimeoutError):
            raise FetchError(f"timed out after {timeout} s") from None
        raise FetchError(_network_error(exc)) from None
    except ValueError as exc:  # a header or a target the HTTP client can't send
        raise FetchError(f"not a usable address: {exc}") from None
    finally:
        deadline.cancel()


def _result(
    response: http.client.HTTPResponse,
    url: str,
    etag: str,
    last_modified: str,
    deadline: _Deadline,
) -> FetchResult:
    if response.status == 304:
        return FetchResult(304, b"", url, etag, last_modified, "")
    if response.status >= 400:
        raise FetchError(f"HTTP {response.status} {response.reason}")
    body = _read(response, settings.CLARION_FEED_MAX_BYTES)
    if deadline.expired:  # the cut connection ended the body early: not a whole answer
        raise TimeoutError
    return FetchResult(
        status=response.status,
        body=body,
        url=url,
        etag=response.getheader("ETag", ""),
        last_modified=response.getheader("Last-Modified", ""),
        content_type=response.getheader("Content-Type", ""),
    )


def _network_error(exc: Exception) -> str:
    if isinstance(exc, http.client.InvalidURL):
        return f"not a valid address: {exc}"
    if isinstance(exc, http.client.HTTPException):
        return f"the server's answer is not HTTP ({type(exc).__name__})"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed: {exc}"
    if isinstance(exc, ConnectionRefusedError):
        return "could not connect: connection refused"
    return f"network error: {exc}"
