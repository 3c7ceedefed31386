"""Encryption of secrets kept in the database (the Zalo OA's access and refresh tokens).

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) with the key(s) in
DATA_ENCRYPTION_KEY: comma-separated, the first encrypts and every one decrypts, so a key is
rotated by putting the new one first and dropping the old one once everything is rewritten.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from config.settings import ConfigError

GENERATE_HINT = ('tạo khoá bằng: python -c "from cryptography.fernet import Fernet; '
                 'print(Fernet.generate_key().decode())"')


class TokenCipher:
    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ConfigError("DATA_ENCRYPTION_KEY chưa đặt: Zalo OA lưu token đã mã hoá trong "
                              f"cơ sở dữ liệu và cần khoá này; {GENERATE_HINT}")
        try:
            self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])
        except ValueError:
            raise ConfigError("DATA_ENCRYPTION_KEY không hợp lệ: cần khoá Fernet (32 byte, "
                              f"base64 URL-safe); {GENERATE_HINT}") from None

    def __repr__(self) -> str:
        return "TokenCipher(keys=***)"

    @classmethod
    def from_setting(cls, value: str) -> TokenCipher:
        return cls([key.strip() for key in value.split(",") if key.strip()])

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken:
            raise ConfigError("DATA_ENCRYPTION_KEY không mở được token đã lưu (khoá đã đổi?); "
                              "đặt lại khoá cũ, hoặc đặt thêm nó sau khoá mới, cách nhau dấu "
                              "phẩy") from None
