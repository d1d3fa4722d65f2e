"""RSA keys for the gateways: loading PEM files, signing and verifying (SHA256 with RSA, PKCS#1 v1.5,
what both WeChat Pay v3 and Alipay RSA2 use)."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509 import load_pem_x509_certificate


def sign(private_key: rsa.RSAPrivateKey, message: bytes) -> str:
    return base64.b64encode(private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()


def verify(public_key: rsa.RSAPublicKey, message: bytes, signature_b64: str) -> bool:
    try:
        signature = base64.b64decode(signature_b64, validate=True)
        public_key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def load_private(pem: bytes) -> rsa.RSAPrivateKey:
    return serialization.load_pem_private_key(pem, password=None)


def load_public(pem: bytes) -> rsa.RSAPublicKey:
    """A PEM public key or an X.509 certificate (WeChat platform certificates come as certificates)."""
    if b"BEGIN CERTIFICATE" in pem:
        return load_pem_x509_certificate(pem).public_key()
    if b"BEGIN" not in pem:  # Alipay shows its public key as bare base64
        pem = b"-----BEGIN PUBLIC KEY-----\n" + pem.strip() + b"\n-----END PUBLIC KEY-----\n"
    return serialization.load_pem_public_key(pem)


def private_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def public_pem(key: rsa.RSAPublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def read(path: str) -> bytes:
    return Path(path).read_bytes()


def write_once(path: Path, data: bytes) -> bytes:
    """Store `data` at `path` unless some process already did; return what is stored (atomic)."""
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.{os.urandom(4).hex()}.tmp")
    tmp.write_bytes(data)
    os.chmod(tmp, 0o600)
    try:
        os.link(tmp, path)  # the first process to get here wins, the others read its file
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_bytes()


def load_or_create(path: Path) -> rsa.RSAPrivateKey:
    """A persistent private key (the simulator's): created once, shared by every process."""
    if path.exists():
        return load_private(path.read_bytes())
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return load_private(write_once(path, private_pem(key)))
