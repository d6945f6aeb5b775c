"""API keys: who may call, and the name recorded as the author of a correction."""

from __future__ import annotations

import hmac

from sanic import Request

from api.errors import Forbidden, Unauthorized
from core.settings import AuthSettings


def presented_key(request: Request) -> str | None:
    """The key from `X-API-Key`, or from `Authorization: Bearer <key>`."""
    key = request.headers.get("X-API-Key")
    if key:
        return key
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return credentials.strip() or None


def authenticate(request: Request, config: AuthSettings) -> str | None:
    """The name of the caller's key; None when no keys are configured. 401 without a key, 403 with a wrong one."""
    if not config.api_keys:
        return None
    offered = presented_key(request)
    if offered is None:
        raise Unauthorized("an API key is required: send X-API-Key: <key> or Authorization: Bearer <key>")
    offered_bytes = offered.encode("utf-8", "surrogateescape")
    caller = None
    for name, key in config.api_keys.items():  # every key is compared, so timing says nothing about which matched
        if hmac.compare_digest(offered_bytes, key.encode("utf-8")):
            caller = name
    if caller is None:
        raise Forbidden("the API key is not valid")
    return caller
