"""index.fetch: IPv6 forms that carry an IPv4 address are judged by that address (issue 22)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from index.errors import FetchFailed
from index.fetch import check_url, embedded_ipv4, is_public
from index.settings import Settings


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 of the metadata address 169.254.169.254
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "64:ff9b:1::a00:1",  # local-use NAT64 prefix (RFC 8215)
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
        "::127.0.0.1",  # IPv4-compatible
        "::10.0.0.1",
        "::ffff:0:7f00:1",  # IPv4-translated
        "::ffff:0:a9fe:a9fe",
        "fec0::1",  # site-local
        "fec0:1:2::3",
    ],
)
def test_ipv6_forms_of_private_addresses_are_refused(address: str, tmp_path: Path) -> None:
    assert not is_public(ipaddress.ip_address(address))
    with pytest.raises(FetchFailed, match=r"^refused: "):
        check_url(f"http://[{address}]/feed", Settings(home=tmp_path))


@pytest.mark.parametrize(
    "address", ["64:ff9b::808:808", "2002:808:808::1", "::8.8.8.8", "::ffff:0:808:808"]
)
def test_ipv6_forms_of_public_addresses_count_as_public(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))
    assert embedded_ipv4(ipaddress.ip_address(address)) == ipaddress.ip_address("8.8.8.8")


def test_plain_ipv6_carries_no_ipv4() -> None:
    assert embedded_ipv4(ipaddress.ip_address("2606:4700::1111")) is None
    assert embedded_ipv4(ipaddress.ip_address("::1")) is None
    assert is_public(ipaddress.ip_address("2606:4700::1111"))


def test_a_name_resolving_to_nat64_loopback_is_refused(tmp_path: Path) -> None:
    def resolver(host: str, port: int) -> list[str]:
        return ["64:ff9b::7f00:1"]

    with pytest.raises(FetchFailed, match=r"^refused: "):
        check_url("http://news.example/feed", Settings(home=tmp_path), resolver)
