"""The server's defences: headers on every response, a body-size cap, and the write token.

Pure ASGI middleware (not BaseHTTPMiddleware), so it wraps streaming responses too. A declared
Content-Length over the cap is refused before the body is read; bodies without one (chunked)
are counted as they stream by the upload route itself (`api.ingest_upload`).
"""

from __future__ import annotations

import hmac
import json

HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]

# FastAPI's stock /docs pulls Swagger UI from a CDN with an inline script; the app serves a
# vendored copy started by an external script instead, so this policy holds on every page.


class Guard:
    """Adds security headers and refuses bodies over `max_body` bytes with 413."""

    def __init__(self, app, max_body: int):
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [(k, v) for k, v in HEADERS if k not in names]
            await send(message)

        length = _content_length(scope)
        if length is not None and length > self.max_body:
            return await _reply(send_with_headers, 413, f"request body over {self.max_body} bytes")

        await self.app(scope, receive, send_with_headers)


def _content_length(scope) -> int | None:
    for k, v in scope.get("headers", []):
        if k == b"content-length":
            try:
                return int(v)
            except ValueError:
                return None
    return None


async def _reply(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": body})


def token_ok(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison; no configured token means writing is switched off."""
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())
