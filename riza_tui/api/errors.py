"""Typed errors that carry what a person needs: what failed, the server's words, and a hint."""

from __future__ import annotations

from typing import Any


class RizaError(Exception):
    """Base of every error the client raises. ``str()`` is one line a person can act on."""

    title = "Error"

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class InvalidIdError(RizaError):
    """The ID cannot name exactly one execution; refused before anything is sent."""

    title = "Invalid execution ID"


class ConnectionFailedError(RizaError):
    """The server could not be reached, reset the connection, or cut the body short."""

    title = "Connection failed"


class TimeoutFailedError(ConnectionFailedError):
    title = "Timed out"


class ResponseTooLargeError(RizaError):
    title = "Response too large"


class ApiStatusError(RizaError):
    """The server answered with an error status; ``code``/``server_message`` come from its Status body."""

    title = "Server error"

    def __init__(
        self,
        status: int,
        *,
        code: int | None = None,
        server_message: str | None = None,
        body: str = "",
        hint: str = "",
    ) -> None:
        detail = server_message or body.strip()[:200] or "no message"
        super().__init__(f"HTTP {status}: {detail}", hint=hint)
        self.status = status
        self.code = code
        self.server_message = server_message
        self.body = body


class AuthenticationError(ApiStatusError):
    title = "Unauthenticated"


class NotFoundError(ApiStatusError):
    title = "Not found"


class RateLimitedError(ApiStatusError):
    title = "Rate limited"


class InvalidResponseError(RizaError):
    """The body was not JSON, or was JSON that breaks the schema. ``raw`` keeps it for display."""

    title = "Invalid response"

    def __init__(self, message: str, *, raw: str, fields: list[str] | None = None, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.raw = raw
        self.fields = fields or []


def status_error(status: int, body: str, parsed: Any) -> ApiStatusError:
    """Map a non-2xx response to the most specific error, with the server's Status when it sent one."""
    code: int | None = None
    server_message: str | None = None
    if isinstance(parsed, dict):
        raw_code = parsed.get("code")
        code = raw_code if isinstance(raw_code, int) and not isinstance(raw_code, bool) else None
        raw_message = parsed.get("message")
        server_message = raw_message if isinstance(raw_message, str) else None
    kind: type[ApiStatusError] = ApiStatusError
    hint = ""
    if status == 401:
        kind, hint = AuthenticationError, "check RIZA_API_KEY or --api-key"
    elif status == 403:
        hint = "the API key lacks access to this project"
    elif status == 404:
        kind, hint = NotFoundError, "check the execution ID and that RIZA_BASE_URL points at its project"
    elif status == 429:
        kind, hint = RateLimitedError, "the server is rate limiting; try again shortly"
    elif status >= 500:
        hint = "the server failed; try again, or check its status"
    return kind(status, code=code, server_message=server_message, body=body, hint=hint)


def server_unreachable(error: RizaError) -> bool:
    """The server could not answer (down, unreachable, overloaded), as opposed to answering no."""
    if isinstance(error, ConnectionFailedError | RateLimitedError):
        return True
    return isinstance(error, ApiStatusError) and error.status >= 500
