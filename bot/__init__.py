"""The platform adapters, the composition root and the command line.

python-telegram-bot and its HTTP client import, at their own import, optional packages this
bot never uses, when they are installed (issue 17: idle RSS):
- `cryptography`, only for Telegram Passport (decrypting passport data): ≈8 MiB resident;
- `httpx._main`, httpx's own command line, which pulls in `click`, `rich` and `pygments`
  (installed with the test extras, by import-linter): ≈5.6 MiB;
- `trio`, which httpcore imports to detect a trio event loop (installed with the test
  extras, by selenium); this bot runs on asyncio: ≈3.5 MiB.
They are imported here, first of all, with those modules hidden, so that each takes its
documented "not installed" path. The modules stay importable afterwards for what does use
them (`cryptography` for the Zalo OA's token cipher, config.crypto, only when that is
switched on). tests/test_lean_start.py checks both halves.
"""

from __future__ import annotations

import sys

_HIDDEN_WHILE_IMPORTING = ("cryptography", "httpx._main", "trio")


def _import_telegram_without_optional_extras() -> None:
    if "telegram" in sys.modules or "cryptography" in sys.modules:
        return  # too late (or already done): nothing to save
    # None in sys.modules makes `import …` of that module raise ImportError, which each
    # importer catches (telegram._passport.credentials: CRYPTO_INSTALLED = False; httpx: no
    # command line; httpcore._synchronization: trio = None).
    hidden = [name for name in _HIDDEN_WHILE_IMPORTING if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        # why: telegram and httpcore must be imported while those modules are hidden, before
        # anything else (httpx imports httpcore only when its first client is made)
        import httpcore  # noqa: F401
        import telegram  # noqa: F401
    finally:
        for name in hidden:
            del sys.modules[name]


_import_telegram_without_optional_extras()
