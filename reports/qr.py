"""QR code images (PNG) of links, to print on a notice or post in a group."""

from __future__ import annotations

import io


def qr_png(text: str, *, scale: int = 8) -> bytes:
    """A PNG of `text` as a QR code, error correction M (survives a crease or a smudge)."""
    # why: segno is imported only when a QR code is made (onboarding), not by every bot process
    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
