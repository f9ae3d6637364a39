"""ASGI middleware that guards the API before any route runs.

The body is read here, counted as it streams in, and refused with 413 once it passes the
limit (a Content-Length that already says too much is refused before a byte is read), so a
huge upload never reaches the JSON parser.  A body or query string that is not UTF-8 is
refused with 400 and the offending byte: the JSON parser would otherwise guess another
encoding or fail with a message that does not say what is wrong.  Every response gets
headers that keep the page's own scripts the only ones that can run.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import unquote_to_bytes

__all__ = ["SECURITY_HEADERS", "GuardMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Scripts, styles and requests only from this origin; no inline script, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)


class _TooLarge(Exception):
    pass


class GuardMiddleware:
    """Size limit, UTF-8 check and security headers for every HTTP request."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_headers(send)
        problem = self._declared_too_large(scope) or _query_not_utf8(scope)
        if problem is not None:
            await _error(send, *problem)
            return
        try:
            body = await self._read_body(receive)
        except _TooLarge:
            await _error(send, 413, self._too_large_message())
            return
        reason = _not_utf8(body)
        if reason is not None:
            await _error(send, 400, f"the request body is not UTF-8 text: {reason}")
            return
        await self.app(scope, _replay(body, receive), send)

    def _too_large_message(self) -> str:
        return f"the request body is larger than the limit of {self.max_body_bytes} bytes"

    def _declared_too_large(self, scope: Scope) -> tuple[int, str] | None:
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                if not value.isdigit():
                    return 400, "the Content-Length header is not a number"
                if int(value) > self.max_body_bytes:
                    return 413, self._too_large_message()
        return None

    async def _read_body(self, receive: Receive) -> bytes:
        """The whole body, counted as it arrives (a chunked upload has no Content-Length)."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return b"".join(chunks)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise _TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _not_utf8(data: bytes) -> str | None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return f"byte 0x{data[error.start]:02x} at offset {error.start} ({error.reason})"
    return None


def _query_not_utf8(scope: Scope) -> tuple[int, str] | None:
    query = scope.get("query_string", b"")
    reason = _not_utf8(unquote_to_bytes(query.replace(b"+", b" "))) if query else None
    return None if reason is None else (400, f"the query string is not UTF-8 text: {reason}")


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the body already read, then waits for the client to leave."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _with_headers(send: Send) -> Send:
    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", ()))
            present = {name.lower() for name, _ in headers}
            headers.extend(item for item in SECURITY_HEADERS if item[0] not in present)
            message["headers"] = headers
        await send(message)

    return send_with_headers


async def _error(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
