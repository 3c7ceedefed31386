"""The platform adapters, the composition root and the command line.

python-telegram-bot imports `cryptography` at its own import, only for Telegram Passport
(decrypting passport data), which this bot never asks for: ≈8 MiB resident in every process.
It is imported here, first of all, with `cryptography` hidden, so that it takes its documented
"cryptography is not installed" path; `cryptography` itself stays importable afterwards for
what does use it (the Zalo OA's token cipher, config.crypto), only when that is switched on.
tests/test_lean_start.py checks both halves.
"""

from __future__ import annotations

import sys


def _import_telegram_without_passport_crypto() -> None:
    if "telegram" in sys.modules or "cryptography" in sys.modules:
        return  # too late (or already done): nothing to save
    # None in sys.modules makes `import cryptography…` raise ImportError, which
    # telegram._passport.credentials catches (CRYPTO_INSTALLED = False).
    sys.modules["cryptography"] = None  # type: ignore[assignment]
    try:
        # why: telegram must be imported while cryptography is hidden, before anything else
        import telegram  # noqa: F401
    finally:
        del sys.modules["cryptography"]


_import_telegram_without_passport_crypto()
