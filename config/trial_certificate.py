"""A throwaway TLS certificate for a trial (compose.yaml) and the tests'
servers: never for a real service, whose certificate comes from the
organisation. Writes maturity.example.nhs.uk.pem and .key (the names the
nginx site expects) for localhost and 127.0.0.1, valid for 30 days.

    python config/trial_certificate.py DIRECTORY
"""

from __future__ import annotations

import datetime
import ipaddress
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

NAME = "maturity.example.nhs.uk"


def write(directory: Path, days: int = 30) -> tuple[Path, Path]:
    """The certificate and its key in `directory`; returns their paths."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / f"{NAME}.pem", directory / f"{NAME}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


if __name__ == "__main__":
    directory = Path(sys.argv[1])
    if (directory / f"{NAME}.pem").exists():
        print(f"A trial certificate is in {directory} already.")
    else:
        write(directory)
        print(f"Wrote a trial certificate for localhost to {directory}.")
