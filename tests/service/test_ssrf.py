"""The download guard: only public addresses, checked where the connection is made, on every redirect."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from core.settings import DownloadSettings
from service.download import Downloader
from service.errors import Refused
from service.ssrf import check_url, is_public
from testkit.drawing import blank_png
from testkit.image_host import ImageHost
from testkit.servers import StaticResolver

NOT_PUBLIC = [
    "127.0.0.1", "127.255.0.9", "0.0.0.0", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
    "100.64.0.1", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255", "192.0.2.1",
    "::", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
    "::ffff:169.254.169.254", "64:ff9b::7f00:1", "2002:7f00:1::1", "2001:db8::1", "not-an-address",
]  # fmt: skip
PUBLIC = ["8.8.8.8", "1.1.1.1", "114.114.114.114", "2606:4700:4700::1111", "240e::1"]


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_addresses_that_are_not_public_are_refused(address: str) -> None:
    assert not is_public(address)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    assert is_public(address)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("gopher://example.com/", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("http://a:b@example.com/x.png", "credentials"),
        ("http://a@example.com/x.png", "credentials"),
        ("http:///x.png", "invalid"),
        ("http://example.com:99999/x.png", "invalid"),
        ("http://10.0.0.1/x.png", "private_address"),
        ("http://[::ffff:7f00:1]/x.png", "private_address"),
        ("http://example.com/" + "x" * 100, "too_long"),
    ],
)
def test_check_url_refusals(url: str, reason: str) -> None:
    with pytest.raises(Refused) as refused:
        check_url(url, max_length=80, allowed_hosts=(), address_ok=is_public)
    assert refused.value.details["reason"] == reason


def test_the_allowlist_takes_exact_names_and_subdomains() -> None:
    for url in ("http://example.com/a.png", "https://img.example.com/a.png", "http://a.b.EXAMPLE.com./a.png"):
        check_url(url, max_length=80, allowed_hosts=("example.com", "*.example.com"), address_ok=is_public)
    for url in ("http://badexample.com/a", "http://other.org/x.png", "http://example.com.evil.org/x.png"):
        with pytest.raises(Refused) as refused:
            check_url(url, max_length=80, allowed_hosts=("example.com", "*.example.com"), address_ok=is_public)
        assert refused.value.details["reason"] == "host_not_allowed"


def loopback_is_public(address: str) -> bool:
    """A policy for tests whose only host is 127.0.0.1: it stands in for a public image store."""
    return address == "127.0.0.1" or is_public(address)


@pytest.fixture
async def guarded(image_host: ImageHost) -> AsyncIterator[tuple[Downloader, StaticResolver]]:
    """A downloader with the default policy (private networks refused) and a DNS the test controls."""
    resolver = StaticResolver({"images.example.com": ["127.0.0.1"], "mixed.example.com": ["8.8.8.8", "127.0.0.1"]})
    downloader = Downloader(DownloadSettings(total_timeout=2), resolver=resolver)
    yield downloader, resolver
    await downloader.close()


@pytest.mark.parametrize("name", ["images.example.com", "mixed.example.com"])
async def test_a_name_that_resolves_to_a_private_address_is_refused_before_connecting(
    guarded: tuple[Downloader, StaticResolver], image_host: ImageHost, name: str
) -> None:
    downloader, resolver = guarded
    image_host.put("ssrf-target.png", blank_png())
    before = image_host.hits["/img/ssrf-target.png"]
    with pytest.raises(Refused) as refused:
        await downloader.fetch(f"http://{name}:{image_host.port}/img/ssrf-target.png", "oss")
    assert refused.value.details["reason"] == "private_address"
    assert resolver.asked == [name]
    assert image_host.hits["/img/ssrf-target.png"] == before


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "[::1]", "[::ffff:127.0.0.1]", "0.0.0.0", "2130706433", "0x7f000001", "127.1", "017700000001"],
)
async def test_loopback_in_any_spelling_is_refused(image_host: ImageHost, host: str) -> None:
    downloader = Downloader(DownloadSettings(total_timeout=2))  # the system resolver reads numeric forms itself
    before = sum(image_host.hits.values())
    try:
        with pytest.raises(Refused):
            await downloader.fetch(f"http://{host}:{image_host.port}/img/ssrf-target.png", "oss")
    finally:
        await downloader.close()
    assert sum(image_host.hits.values()) == before


@pytest.mark.parametrize(
    "location",
    ["http://10.0.0.1/x.png", "http://169.254.169.254/latest/meta-data/", "http://internal.example/x.png"],
)
async def test_every_redirect_is_checked_again(image_host: ImageHost, location: str) -> None:
    resolver = StaticResolver({"images.example.com": ["127.0.0.1"], "internal.example": ["192.168.1.10"]})
    downloader = Downloader(DownloadSettings(total_timeout=2), resolver=resolver, address_ok=loopback_is_public)
    try:
        with pytest.raises(Refused) as refused:
            await downloader.fetch(f"http://images.example.com:{image_host.port}/to?location={location}", "oss")
    finally:
        await downloader.close()
    assert refused.value.details["reason"] == "private_address"


async def test_a_redirect_off_the_allowlist_is_refused(image_host: ImageHost) -> None:
    image_host.put("allowed.png", blank_png())
    resolver = StaticResolver({"img.example.com": ["127.0.0.1"], "elsewhere.test": ["127.0.0.1"]})
    config = DownloadSettings(total_timeout=2, allowed_hosts={"oss": ("*.example.com",)})
    downloader = Downloader(config, resolver=resolver, address_ok=loopback_is_public)
    base = f"http://img.example.com:{image_host.port}"
    try:
        assert (await downloader.fetch(f"{base}/img/allowed.png", "oss")).startswith(b"\x89PNG")
        with pytest.raises(Refused) as refused:
            await downloader.fetch(f"{base}/to?location=http://elsewhere.test:1/img/allowed.png", "oss")
        assert refused.value.details["reason"] == "host_not_allowed"
        await downloader.fetch(f"http://elsewhere.test:{image_host.port}/img/allowed.png", "7min_local")
    finally:
        await downloader.close()
