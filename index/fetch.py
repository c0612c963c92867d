"""Every URL Newsdesk fetches goes through ``fetch``: http(s) only, public addresses only,
bounded in total time and size, conditional, and with errors that say nothing about the network.

- Only ``http`` and ``https`` URLs. The host is resolved here and every address it resolves to
  must be public (not loopback, private, link-local, the cloud metadata address, multicast or
  reserved), unless ``settings.allow_private_urls`` (``NEWSDESK_ALLOW_PRIVATE_URLS``). The
  connection then goes to the checked address (the host name is kept for ``Host`` and TLS), so a
  second DNS answer cannot swap it. Redirects are followed here, each hop checked the same way.
- The whole fetch (all hops, every read) ends by ``settings.fetch_timeout`` seconds, so a server
  trickling a byte every few seconds cannot hang a build; the body is cut at
  ``settings.max_file_bytes`` (after decompression).
- A failure to connect, resolve, or read (refused, reset, timed out, TLS) is one generic line,
  "could not fetch URL", so errors do not tell an open port from a closed one.
- ``etag`` / ``last_modified`` make the request conditional: a 304 gives ``not_modified``.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

from index.errors import FetchFailed
from index.settings import Settings

USER_AGENT = "newsdesk/0.1 (feed reader; +https://pypi.org/project/newsdesk/)"
READ_TIMEOUT_SECONDS = 15.0  # one silent socket; the whole fetch is bounded by fetch_timeout
MAX_REDIRECTS = 5
COULD_NOT_FETCH = "could not fetch URL"

Resolver = Callable[[str, int], list[str]]
"""``resolver(host, port)`` -> the IP addresses ``host`` resolves to (raises OSError if none)."""

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Fetched:
    """A fetched body (empty when ``not_modified``), with the validators for the next fetch."""

    url: str  # after redirects
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to, from the operating system."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public(address: IPAddress) -> bool:
    """True for a globally routable unicast address (never loopback, private, link-local,
    metadata, shared, multicast, reserved, site-local or unspecified). An IPv6 address that
    carries an IPv4 one (mapped, NAT64, 6to4, IPv4-compatible or -translated) is judged by the
    IPv4 address it carries."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.is_site_local or address in _LOCAL_NAT64:
            return False
        embedded = embedded_ipv4(address)
        if embedded is not None:
            address = embedded
    return address.is_global and not address.is_multicast


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries, or None: ``::ffff:a.b.c.d`` (mapped),
    ``64:ff9b::a.b.c.d`` (NAT64), ``2002:AABB:CCDD::`` (6to4), ``::a.b.c.d`` (compatible) and
    ``::ffff:0:a.b.c.d`` (translated); ``::`` and ``::1`` carry none."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    low = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if any(address in network for network in _CARRIERS):
        return low
    if address in _COMPATIBLE and int(address) > 1:
        return low
    return None


# IPv6 prefixes whose last 32 bits are an IPv4 address (RFC 6052 NAT64, RFC 2765 translated).
_CARRIERS = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("::ffff:0:0:0/96"))
_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated IPv4-compatible ``::a.b.c.d``
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")  # RFC 8215: local networks only


def check_url(
    url: str,
    settings: Settings,
    resolver: Resolver = system_resolver,
    allowed: Callable[[IPAddress], bool] | None = None,
) -> tuple[str, str, int, str]:
    """``(scheme, host, port, address)`` to connect to for ``url``; raises ``FetchFailed`` for
    a URL that is not http(s) or whose host resolves to a refused address. ``allowed`` decides
    which addresses may be reached (default: public ones, or all with ``allow_private_urls``)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}:" if scheme else "this"
        raise FetchFailed(f"unsupported URL: only http(s) URLs can be fetched, not {shown}")
    try:
        host, port = parts.hostname, parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise FetchFailed("not a valid URL") from None
    if not host:
        raise FetchFailed("not a valid URL: no host")
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in resolver(host, port)]
        except (OSError, UnicodeError, ValueError):
            raise FetchFailed(COULD_NOT_FETCH) from None
    if not addresses:
        raise FetchFailed(COULD_NOT_FETCH)
    if allowed is None:
        allowed = (lambda address: True) if settings.allow_private_urls else is_public
    if not all(allowed(address) for address in addresses):
        raise FetchFailed(
            "refused: the URL's host is a loopback, private, link-local or metadata address "
            "(set NEWSDESK_ALLOW_PRIVATE_URLS=1 to allow)"
        )
    return scheme, host, port, str(addresses[0])


def refusal(url: str, settings: Settings, resolver: Resolver = system_resolver) -> str | None:
    """Why ``url`` will never be fetched (not http(s), a refused address), else None; a host
    that does not resolve now is not a refusal (it may later)."""
    try:
        check_url(url, settings, resolver)
    except FetchFailed as error:
        return None if str(error) == COULD_NOT_FETCH else str(error)
    return None


def fetch(
    url: str,
    settings: Settings,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    resolver: Resolver = system_resolver,
    allowed: Callable[[IPAddress], bool] | None = None,
    tls: ssl.SSLContext | None = None,
) -> Fetched:
    """GET ``url`` under the rules of the module docstring; failures raise ``FetchFailed``.
    ``resolver`` and ``allowed`` are as for ``check_url``; ``tls`` replaces the default
    certificate verification (the system's trusted CAs), e.g. for a private CA."""
    import httpx

    deadline = time.monotonic() + settings.fetch_timeout
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url
    with httpx.Client(trust_env=False, follow_redirects=False, verify=tls or True) as client:
        for _ in range(MAX_REDIRECTS + 1):
            _, host, port, address = check_url(current, settings, resolver, allowed)
            try:
                result = _get(client, current, host, port, address, headers, deadline, settings)
            except httpx.HTTPError:
                raise FetchFailed(COULD_NOT_FETCH) from None
            if isinstance(result, str):
                current = result
                continue
            return result
    raise FetchFailed(f"could not fetch URL: more than {MAX_REDIRECTS} redirects")


def _get(
    client: object,
    url: str,
    host: str,
    port: int,
    address: str,
    headers: dict[str, str],
    deadline: float,
    settings: Settings,
) -> Fetched | str:
    """One hop: a ``Fetched``, or the next URL of a redirect."""
    import httpx

    assert isinstance(client, httpx.Client)
    parts = urlsplit(url)
    pinned = f"[{address}]" if ":" in address else address
    target = urlunsplit((parts.scheme, f"{pinned}:{port}", parts.path or "/", parts.query, ""))
    default_port = 443 if parts.scheme.lower() == "https" else 80
    host_header = host if port == default_port else f"{host}:{port}"
    remaining = _remaining(deadline)
    timeout = httpx.Timeout(min(READ_TIMEOUT_SECONDS, remaining))
    request = client.build_request(
        "GET",
        target,
        headers={**headers, "Host": host_header},
        timeout=timeout,
        extensions={"sni_hostname": host},
    )
    response = client.send(request, stream=True)
    try:
        if response.is_redirect and "location" in response.headers:
            return urljoin(url, response.headers["location"])
        validators = {
            "etag": response.headers.get("etag"),
            "last_modified": response.headers.get("last-modified"),
        }
        if response.status_code == 304:
            return Fetched(url, b"", not_modified=True, **validators)
        if response.status_code >= 400:
            reason = f"HTTP {response.status_code} {response.reason_phrase}".strip()
            raise FetchFailed(f"could not fetch URL: {reason}")
        limit = settings.max_file_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchFailed(_too_big(int(declared), limit))
        body = bytearray()
        for chunk in response.iter_bytes():
            body.extend(chunk)
            if len(body) > limit:
                raise FetchFailed(_too_big(len(body), limit, at_least=True))
            _remaining(deadline)
        return Fetched(url, bytes(body), **validators)
    finally:
        response.close()


def _remaining(deadline: float) -> float:
    """Seconds left before ``deadline``; raises ``FetchFailed`` when none are."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchFailed(COULD_NOT_FETCH)
    return left


def _too_big(size: int, limit: int, *, at_least: bool = False) -> str:
    from index.loaders.decoding import human_size  # not at import: the loaders import this

    limit_text = f"the {human_size(limit)} limit (NEWSDESK_MAX_FILE_BYTES)"
    if at_least:
        return f"response is larger than {limit_text}"
    return f"response is {human_size(size)}, over {limit_text}"
