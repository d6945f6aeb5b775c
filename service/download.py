"""Fetches one image into memory over the shared HTTP client, within the limits of `DownloadSettings`."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp.abc import AbstractResolver
from yarl import URL

from core.settings import DownloadSettings
from service.errors import (
    BadResponse,
    NotAnImage,
    Refused,
    Timeout,
    TooLarge,
    Unreachable,
)
from service.ssrf import (
    AddressPolicy,
    AddressRefused,
    GuardedResolver,
    check_url,
    is_public,
)

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"BM")  # JPEG, PNG, BMP; WebP is checked apart


def looks_like_image(data: bytes) -> bool:
    """True if the bytes start like a JPEG, PNG, BMP or WebP file: the formats the OCR engine reads."""
    return data.startswith(_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


class Downloader:
    """Checks each URL (the first and every redirect), then streams the body under a byte limit.

    It owns the worker's one HTTP client session, whose connector resolves names only through the SSRF guard.
    `resolver` replaces DNS and `address_ok` the address policy (tests); by default only public addresses
    pass, or every address with `download.allow_private_networks`.
    """

    def __init__(
        self,
        config: DownloadSettings,
        *,
        resolver: AbstractResolver | None = None,
        address_ok: AddressPolicy | None = None,
    ) -> None:
        self._config = config
        self._address_ok = address_ok or ((lambda _address: True) if config.allow_private_networks else is_public)
        guarded = GuardedResolver(resolver or aiohttp.ThreadedResolver(), self._address_ok)
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(resolver=guarded, limit=64, ttl_dns_cache=10),
            trust_env=False,  # proxies from the environment would bypass the address checks
            cookie_jar=aiohttp.DummyCookieJar(),
            headers={"User-Agent": "fund-ocr", "Accept": "image/*", "Accept-Encoding": "identity"},
        )
        self._timeout = aiohttp.ClientTimeout(total=None, connect=config.connect_timeout)  # total: fetch()

    async def close(self) -> None:
        await self._session.close()

    async def fetch(self, url: str, url_type: str) -> bytes:
        """The image behind `url`; raises a FetchError (service.errors) saying why not."""
        try:
            async with asyncio.timeout(self._config.total_timeout):
                return await self._follow(self.check(url, url_type), url_type)
        except TimeoutError:
            raise Timeout(
                f"the image host did not answer within {self._config.total_timeout:g}s", reason="timeout"
            ) from None
        except aiohttp.ClientConnectorError as error:
            if isinstance(error.os_error, AddressRefused):
                raise Refused(str(error.os_error), reason="private_address") from None
            kind = "dns" if isinstance(error, aiohttp.ClientConnectorDNSError) else "connect"
            raise Unreachable(f"cannot reach the image host: {error.os_error}", reason=kind) from None
        except aiohttp.ClientPayloadError:
            raise BadResponse("the image host ended the body early", reason="truncated") from None
        except aiohttp.InvalidURL:
            raise Refused("image_url is not a valid URL", reason="invalid") from None
        except aiohttp.ClientResponseError as error:
            raise BadResponse(f"the image host broke HTTP: {error.message}", reason="protocol") from None
        except aiohttp.ClientError as error:
            raise Unreachable(f"the connection to the image host failed: {error}", reason="connection") from None

    def check(self, url: str, url_type: str) -> URL:
        """The parsed URL if policy allows fetching it (no network); Refused otherwise."""
        return check_url(
            url,
            max_length=self._config.max_url_length,
            allowed_hosts=self._config.allowed_hosts.get(url_type, ()),
            address_ok=self._address_ok,
        )

    async def _follow(self, target: URL, url_type: str) -> bytes:
        for _hop in range(self._config.max_redirects + 1):
            async with self._session.get(target, allow_redirects=False, timeout=self._timeout) as response:
                if response.status in _REDIRECTS:
                    target = self.check(_redirect_target(target, response), url_type)
                    continue
                if response.status != 200:
                    raise BadResponse(f"the image host answered {response.status}", reason="status")
                data = await self._read(response)
                if not looks_like_image(data):
                    raise NotAnImage("the URL does not point to a JPEG, PNG, BMP or WebP image", reason="not_an_image")
                return data
        raise BadResponse(f"more than {self._config.max_redirects} redirects", reason="redirect")

    async def _read(self, response: aiohttp.ClientResponse) -> bytes:
        limit = self._config.max_bytes
        if response.content_length is not None and response.content_length > limit:
            raise TooLarge(f"the image is larger than {limit} bytes", reason="too_large")
        chunks, size = [], 0
        async for chunk in response.content.iter_chunked(_CHUNK):
            size += len(chunk)
            if size > limit:  # the declared length can lie, or be absent (chunked)
                raise TooLarge(f"the image is larger than {limit} bytes", reason="too_large")
            chunks.append(chunk)
        return b"".join(chunks)


def _redirect_target(current: URL, response: aiohttp.ClientResponse) -> str:
    location = response.headers.get("Location", "")
    try:
        if location:
            return str(current.join(URL(location)))
    except ValueError:
        pass
    raise BadResponse(f"the image host redirected to an unusable Location {location[:200]!r}", reason="redirect")
