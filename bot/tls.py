"""One TLS client context for every HTTPS client of the process.

Each httpx client makes its own SSL context by default, and each loads certifi's bundle of
root certificates into OpenSSL: ≈1 MiB resident per client, and the bot has at least three
(python-telegram-bot's two, the outbox sender's own). They all verify the same way, so they
share one context, made by httpx itself (`httpx.create_ssl_context`: certifi, or
SSL_CERT_FILE/SSL_CERT_DIR when set), so that verification is exactly httpx's default.
"""

from __future__ import annotations

import functools
import ssl

import httpx


@functools.cache
def shared_tls_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()
