"""index.fetch: http(s) only, public addresses only (after DNS and on every redirect), bounded
in total time and size, one generic line for network failures, conditional requests."""

from __future__ import annotations

import gzip
import ipaddress
import socket
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from index.errors import FetchFailed
from index.fetch import COULD_NOT_FETCH, check_url, fetch, is_public
from index.settings import Settings
from tests.httpserver import Server, respond, serving

LOOPBACK = ipaddress.ip_address("127.0.0.1")


@pytest.fixture
def server() -> Iterator[Server]:
    with serving() as httpd:
        yield httpd


@pytest.fixture
def open_settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", allow_private_urls=True, fetch_timeout=2.0)


def fake_resolver(table: dict[str, str]):
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(f"unknown host {host}")
        return [table[host]]

    return resolve


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/feed.xml",
        "http://127.9.9.9:8080/",
        "http://10.1.2.3/feed",
        "http://192.168.1.1/",
        "http://172.16.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8000/feed",
        "http://[::ffff:127.0.0.1]/",
        "http://[fd00:ec2::254]/",
        "http://0.0.0.0/",
        "http://100.64.0.1/",
        "http://localhost/",
        "http://news.example/feed",  # a public-looking name resolving to a private address
    ],
)
def test_private_addresses_are_refused_by_default(url: str, tmp_path: Path) -> None:
    resolver = fake_resolver({"news.example": "10.0.0.7", "localhost": "127.0.0.1"})
    with pytest.raises(FetchFailed, match=r"^refused: .*NEWSDESK_ALLOW_PRIVATE_URLS"):
        check_url(url, Settings(home=tmp_path), resolver)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://a/"])
def test_only_http_urls(url: str, tmp_path: Path) -> None:
    with pytest.raises(FetchFailed, match=r"^unsupported URL"):
        fetch(url, Settings(home=tmp_path, allow_private_urls=True))


def test_public_addresses_pass() -> None:
    assert is_public(ipaddress.ip_address("93.184.216.34"))
    assert is_public(ipaddress.ip_address("2606:4700::1111"))
    assert not is_public(LOOPBACK)


def test_the_default_refuses_the_local_test_server(server: Server, tmp_path: Path) -> None:
    server.routes["/feed"] = lambda h: respond(h, 200, b"secret")
    with pytest.raises(FetchFailed, match=r"^refused"):
        fetch(f"{server.base}/feed", Settings(home=tmp_path))
    assert server.requests == []  # refused before connecting


def test_allowed_private_fetch_and_conditional_request(
    server: Server, open_settings: Settings
) -> None:
    def feed(handler: BaseHTTPRequestHandler) -> None:
        if handler.headers.get("If-None-Match") == '"v1"':
            respond(handler, 304, headers={"ETag": '"v1"'})
        else:
            validators = {"ETag": '"v1"', "Last-Modified": "Tue, 01 Dec 2026 10:00:00 GMT"}
            respond(handler, 200, b"<rss/>", validators)

    server.routes["/feed"] = feed
    first = fetch(f"{server.base}/feed", open_settings)
    assert (first.body, first.etag, first.not_modified) == (b"<rss/>", '"v1"', False)
    assert first.last_modified == "Tue, 01 Dec 2026 10:00:00 GMT"
    again = fetch(
        f"{server.base}/feed", open_settings, etag=first.etag, last_modified=first.last_modified
    )
    assert again.not_modified and again.body == b""
    sent = server.requests[-1][1]
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == "Tue, 01 Dec 2026 10:00:00 GMT"


def test_connects_to_the_checked_address_and_keeps_the_host_name(
    server: Server, open_settings: Settings
) -> None:
    server.routes["/feed"] = lambda h: respond(h, 200, b"ok")
    port = server.server_address[1]
    got = fetch(
        f"http://feeds.example:{port}/feed",
        open_settings,
        resolver=fake_resolver({"feeds.example": "127.0.0.1"}),
    )
    assert got.body == b"ok"
    assert server.requests[0][1]["Host"] == f"feeds.example:{port}"


@pytest.mark.parametrize(
    "location",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://internal.example/admin",
        "http://[::1]/",
        "file:///etc/passwd",
    ],
)
def test_each_redirect_is_checked(server: Server, tmp_path: Path, location: str) -> None:
    server.routes["/feed"] = lambda h: respond(h, 302, headers={"Location": location})
    settings = Settings(home=tmp_path)  # private addresses refused ...
    only_the_test_server = LOOPBACK.__eq__  # ... except this one, standing in for a public host
    with pytest.raises(FetchFailed, match=r"^(refused|unsupported URL)"):
        fetch(
            f"{server.base}/feed",
            settings,
            allowed=only_the_test_server,
            resolver=fake_resolver({"internal.example": "10.0.0.1"}),
        )
    assert len(server.requests) == 1


def test_relative_redirects_are_followed_and_loops_end(
    server: Server, open_settings: Settings
) -> None:
    server.routes["/old"] = lambda h: respond(h, 301, headers={"Location": "/new"})
    server.routes["/new"] = lambda h: respond(h, 200, b"moved here")
    server.routes["/loop"] = lambda h: respond(h, 302, headers={"Location": "/loop"})
    got = fetch(f"{server.base}/old", open_settings)
    assert (got.body, got.url) == (b"moved here", f"{server.base}/new")
    with pytest.raises(FetchFailed, match="redirects"):
        fetch(f"{server.base}/loop", open_settings)


def trickle(handler: BaseHTTPRequestHandler) -> None:
    """One byte every 0.3 s for 30 s: each read is quick, the whole body is not."""
    handler.send_response(200)
    handler.send_header("Content-Length", "100")
    handler.end_headers()
    for _ in range(100):
        handler.wfile.write(b"x")
        handler.wfile.flush()
        time.sleep(0.3)


def hang(handler: BaseHTTPRequestHandler) -> None:
    time.sleep(20)  # accepted, never answered


@pytest.mark.parametrize("route", [trickle, hang])
def test_a_slow_server_cannot_hang_a_fetch(server: Server, tmp_path: Path, route) -> None:
    server.routes["/slow"] = route
    settings = Settings(home=tmp_path, allow_private_urls=True, fetch_timeout=1.0)
    with pytest.raises(FetchFailed) as failed:
        fetch(f"{server.base}/slow", settings)
    assert str(failed.value) == COULD_NOT_FETCH


def test_size_is_bounded_after_decompression(server: Server, tmp_path: Path) -> None:
    bomb = gzip.compress(b"\0" * 5_000_000)
    server.routes["/bomb"] = lambda h: respond(h, 200, bomb, {"Content-Encoding": "gzip"})
    server.routes["/big"] = lambda h: respond(h, 200, b"x" * 200_000)
    settings = Settings(home=tmp_path, allow_private_urls=True, max_file_bytes=100_000)
    for path in ("/bomb", "/big"):
        with pytest.raises(FetchFailed, match="100 KB limit"):
            fetch(f"{server.base}{path}", settings)


def test_network_failures_look_the_same(server: Server, open_settings: Settings) -> None:
    """A closed port, a connection dropped and an unknown host give one line: no port scan."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]

    def drop(handler: BaseHTTPRequestHandler) -> None:
        handler.connection.shutdown(socket.SHUT_RDWR)

    server.routes["/drop"] = drop
    messages = set()
    for url, resolver in [
        (f"http://127.0.0.1:{closed}/", None),
        (f"{server.base}/drop", None),
        ("http://nowhere.example/", fake_resolver({})),
    ]:
        with pytest.raises(FetchFailed) as failed:
            fetch(url, open_settings, **({"resolver": resolver} if resolver else {}))
        messages.add(str(failed.value))
    assert messages == {COULD_NOT_FETCH}


def test_refused_locations_are_not_recorded_for_update(tmp_path: Path) -> None:
    import index
    from index.fakes import FakeEmbedder
    from index.stores.catalog import Catalog

    settings = Settings(home=tmp_path / "home")
    refused = ["file:///etc/passwd", "http://127.0.0.1:9/feed.xml", "http://169.254.169.254/"]
    report = index.build(refused, settings, embedder=FakeEmbedder())
    assert sorted(r.input for r in report.rejected) == sorted(refused)
    catalog = Catalog.open(settings)
    try:
        assert catalog.recorded_sources() == []
    finally:
        catalog.close()


def test_https_to_the_checked_address_verifies_the_host_name(
    tmp_path: Path, open_settings: Settings
) -> None:
    """The connection goes to the resolved address, yet TLS (SNI and the certificate check)
    uses the URL's host name: a certificate for another name is refused."""
    import ssl
    import subprocess
    import threading
    from http.server import ThreadingHTTPServer

    from tests.httpserver import _Handler

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=feeds.example",
            "-addext",
            "subjectAltName=DNS:feeds.example",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.routes = {"/feed": lambda h: respond(h, 200, b"over tls")}  # type: ignore[attr-defined]
    httpd.requests = []  # type: ignore[attr-defined]
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert, key)
    httpd.socket = server_side.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        port = httpd.server_address[1]
        trust = ssl.create_default_context(cafile=str(cert))
        names = {"feeds.example": "127.0.0.1", "other.example": "127.0.0.1"}
        got = fetch(
            f"https://feeds.example:{port}/feed",
            open_settings,
            resolver=fake_resolver(names),
            tls=trust,
        )
        assert got.body == b"over tls"
        with pytest.raises(FetchFailed, match=f"^{COULD_NOT_FETCH}$"):
            fetch(
                f"https://other.example:{port}/feed",
                open_settings,
                resolver=fake_resolver(names),
                tls=trust,
            )
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
