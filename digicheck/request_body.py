"""Hold request bodies without a Content-Length (Transfer-Encoding: chunked) to MAX_CONTENT_LENGTH.

Werkzeug reads such a body only up to the limit and hands on what it read, so
an oversized form would be cut off and processed. This middleware reads at
most limit + 1 bytes first and passes the body on with its length, so the
request is judged like one that declared its size: over the limit it is
refused with 413 (the German error page) as soon as anything reads the body.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import IO, Any

from flask import Flask

#: Largest piece read from the server's stream at once.
_PIECE = 64 * 1024


class ChunkedBodyLimit:
    """WSGI middleware: buffer a chunked body of at most MAX_CONTENT_LENGTH + 1 bytes and declare its length."""

    def __init__(self, wsgi_app: Any, app: Flask):
        self.wsgi_app, self.app = wsgi_app, app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        limit = self.app.config.get("MAX_CONTENT_LENGTH")
        if limit is not None and _chunked_and_terminated(environ):
            body = _read_at_most(environ["wsgi.input"], limit + 1)
            # now framed by its length, as a proxy would pass it on (Werkzeug ignores the length of a chunked body)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            del environ["HTTP_TRANSFER_ENCODING"]
        return self.wsgi_app(environ, start_response)


def _chunked_and_terminated(environ: dict[str, Any]) -> bool:
    """A body without length that the server ends for us (gunicorn, Werkzeug's server); others are not read."""
    return (
        not environ.get("CONTENT_LENGTH")
        and bool(environ.get("wsgi.input_terminated"))
        and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    )


def _read_at_most(stream: IO[bytes], size: int) -> bytes:
    data = bytearray()
    while len(data) < size:
        piece = stream.read(min(_PIECE, size - len(data)))
        if not piece:
            break
        data += piece
    return bytes(data)


def install(app: Flask) -> None:
    app.wsgi_app = ChunkedBodyLimit(app.wsgi_app, app)  # type: ignore[method-assign]  # Flask's middleware idiom replaces the method
