"""Encryption at rest for the quarantine: AES-256-GCM, one data key per entry.

Each entry's content is encrypted with its own random data key (streamed: memory does not grow
with the file); the data key is stored in the index wrapped (AES-GCM) by the installation's
master key. Deleting an entry destroys its wrapped key, so the content is gone even from
backups and SSD blocks the overwrite could not reach ("crypto-shredding").

Object format: MAGIC, 12-byte nonce, ciphertext, 16-byte tag. The entry id is the associated
data, so an object cannot be passed off as another entry's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"DLPQ1\x00"
NONCE = 12
TAG = 16
CHUNK = 1024 * 1024


class IntegrityError(Exception):
    """Content or key failed authentication (tampered, truncated, or the wrong master key)."""


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def wrap_key(master: bytes, data_key: bytes, entry_id: str) -> bytes:
    nonce = os.urandom(NONCE)
    return nonce + AESGCM(master).encrypt(nonce, data_key, entry_id.encode())


def unwrap_key(master: bytes, wrapped: bytes, entry_id: str) -> bytes:
    try:
        return AESGCM(master).decrypt(wrapped[:NONCE], wrapped[NONCE:], entry_id.encode())
    except InvalidTag as exc:
        raise IntegrityError(f"{entry_id}: the data key does not open with this master key") from exc


def seal(master: bytes, data: bytes, label: str) -> bytes:
    """Small values (an index row's private fields) under the master key."""
    nonce = os.urandom(NONCE)
    return nonce + AESGCM(master).encrypt(nonce, data, label.encode())


def unseal(master: bytes, sealed: bytes, label: str) -> bytes:
    try:
        return AESGCM(master).decrypt(sealed[:NONCE], sealed[NONCE:], label.encode())
    except InvalidTag as exc:
        raise IntegrityError(f"{label}: sealed data does not open with this master key") from exc


def encrypt_stream(data_key: bytes, entry_id: str, source: BinaryIO, target: BinaryIO) -> tuple[int, bytes]:
    """Encrypt ``source`` into ``target``; returns (plaintext size, SHA-256 of the plaintext)."""
    import hashlib

    nonce = os.urandom(NONCE)
    encryptor = Cipher(algorithms.AES(data_key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(entry_id.encode())
    digest = hashlib.sha256()
    size = 0
    target.write(MAGIC + nonce)
    while chunk := source.read(CHUNK):
        size += len(chunk)
        digest.update(chunk)
        target.write(encryptor.update(chunk))
    target.write(encryptor.finalize())
    target.write(encryptor.tag)
    return size, digest.digest()


def decrypt_stream(data_key: bytes, entry_id: str, source: BinaryIO) -> Iterator[bytes]:
    """Plaintext chunks of an object. The tag is checked at the end: callers write to a temp
    file and only keep it once the generator finished without IntegrityError."""
    header = source.read(len(MAGIC) + NONCE)
    if not header.startswith(MAGIC) or len(header) != len(MAGIC) + NONCE:
        raise IntegrityError(f"{entry_id}: not a quarantine object")
    source.seek(-TAG, os.SEEK_END)
    end = source.tell()
    tag = source.read(TAG)
    source.seek(len(header))
    decryptor = Cipher(algorithms.AES(data_key), modes.GCM(header[len(MAGIC) :], tag)).decryptor()
    decryptor.authenticate_additional_data(entry_id.encode())
    remaining = end - len(header)
    while remaining > 0:
        chunk = source.read(min(CHUNK, remaining))
        if not chunk:
            raise IntegrityError(f"{entry_id}: object truncated")
        remaining -= len(chunk)
        yield decryptor.update(chunk)
    try:
        yield decryptor.finalize()
    except InvalidTag as exc:
        raise IntegrityError(f"{entry_id}: content failed authentication (tampered or truncated)") from exc
