"""Model fields for personal data encrypted at rest (SM4-GCM, see crypto.py)."""

from django.db import models

from .crypto import decrypt_field, encrypt_field


class EncryptedTextField(models.TextField):
    """Stores an SM4-GCM token; Python code sees the plaintext.

    Encryption is randomised, so the column cannot be searched: pair it with a
    blind-index column (`crypto.index_field`) for exact lookups."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt_field(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_field(value)
