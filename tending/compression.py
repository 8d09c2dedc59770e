"""Pages gzipped quickly: level 1 instead of Django's 6, with the same random padding.

Django's `GZipMiddleware` compresses every page at zlib level 6. On a page of Tending's
size (20 to 80 KB of HTML) that cost 2 to 3 ms of a busy 2-core machine's CPU on every
request, as much as the whole framework floor's page; level 1 takes about a third of that
and the page comes out about a quarter larger (still a fraction of the 60 KB cold-load
budget). Streamed responses go through Django's own middleware unchanged.

Like Django's, every compressed page carries up to 100 random bytes in the gzip header
(a file name, which browsers ignore) against BREACH: docs/decisions.md says why that and
`SameSite` cookies are enough here.
"""

from __future__ import annotations

import gzip
import re
import secrets

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers

LEVEL = 1
PADDING_UP_TO = 100
SMALLEST = 200  # bytes: below this, compressing isn't worth it
_FLAGS = 3  # the flag byte of a gzip header
_HEADER = 10  # bytes of a gzip header before its optional fields
_PADDING_LETTERS = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def padded_gzip(content: bytes) -> bytes:
    """`content` gzipped at LEVEL, with a random file name of 1 to PADDING_UP_TO letters."""
    packed = gzip.compress(content, compresslevel=LEVEL, mtime=0)
    header = bytearray(packed[:_HEADER])
    header[_FLAGS] |= gzip.FNAME
    length = 1 + secrets.randbelow(PADDING_UP_TO)
    name = bytes(secrets.choice(_PADDING_LETTERS) for _ in range(length))
    return bytes(header) + name + b"\0" + packed[_HEADER:]


class QuickGZipMiddleware(GZipMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if response.streaming or not isinstance(response, HttpResponse):
            return super().process_response(request, response)
        content = response.content
        if len(content) < SMALLEST or response.has_header("Content-Encoding"):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not _ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
            return response
        packed = padded_gzip(content)
        if len(packed) >= len(content):
            return response
        response.content = packed
        response.headers["Content-Length"] = str(len(packed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):  # a changed body: its tag can only be weak now
            response.headers["ETag"] = f"W/{etag}"
        response.headers["Content-Encoding"] = "gzip"
        return response
