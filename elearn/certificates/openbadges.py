"""Open Badges 3.0 credentials, signed with Ed25519 (W3C Data Integrity, ``eddsa-jcs-2022``).

A certificate is also published as an ``OpenBadgeCredential`` (1EdTech Open Badges 3.0,
which is a W3C Verifiable Credential 2.0), so a learner can put it in a wallet or a
backpack and anyone can check it without asking us. Pure functions: no Flask, no
database; ``elearn.certificates.services`` feeds them what a certificate states.

Choices, and why:

* **Proof format: Data Integrity with the ``eddsa-jcs-2022`` cryptosuite** (W3C "Data
  Integrity EdDSA Cryptosuites v1.0"). The document is canonicalised with JCS (RFC 8785,
  the ``rfc8785`` package) instead of RDF Dataset Canonicalization, so signing and
  verifying need no JSON-LD processor and never fetch a remote ``@context``: what is
  signed is exactly the JSON that is served. The algorithm is followed step by step
  (proof configuration carries the document's ``@context``; hashData is
  SHA-256(JCS(proofConfig)) || SHA-256(JCS(document)); Ed25519 signature; ``proofValue``
  is base58btc multibase), and the tests reproduce the W3C test vector byte for byte.
* **Ed25519 keys**, published as a ``Multikey`` (``publicKeyMultibase`` = ``z`` +
  base58btc(0xed 0x01 + 32-byte key)) in the issuer's Profile, which is served at the
  issuer id and lists the key under ``verificationMethod`` and ``assertionMethod`` (the
  proof's purpose), so a verifier that dereferences the proof's ``verificationMethod``
  finds it. One key signs for every issuer of a deployment.
* **The key** comes from configuration (``ELEARN_SIGNING_KEY``: a PEM, or the path of a
  PEM file) in production; otherwise it is kept in the instance folder
  (``signing-key.pem``, mode 0600), created on first use. Creation is atomic (written to a
  temporary file, then hard-linked into place), so two processes starting together end
  up using the same key.
* **Timestamps** (``validFrom``, ``created``) are UTC, whole seconds, with a ``Z``: an
  XML Schema ``dateTimeStamp`` as VC 2.0 requires, and deterministic, so signing the same
  certificate twice gives the same bytes (Ed25519 signatures are deterministic too).
  Naive datetimes are refused rather than guessed at.
* **The learner** has no DID or URL, so the ``AchievementSubject`` carries no ``id``;
  OB 3.0 then requires at least one ``identifier``: an ``IdentityObject`` with
  ``identityType`` ``name``, ``hashed`` false and the name as ``identityHash`` (how OB 3.0
  carries a plain name). The schema lets an AchievementSubject have further properties,
  so the name is also given as ``name`` (schema.org name in the VC 2.0 context) for people
  and wallets reading it. Names and texts are NFC-normalised: JCS does not normalise
  Unicode, and one canonical form keeps "Jānis" from having two spellings.
* **The achievement** is typed ``CertificateOfCompletion`` (OB 3.0 achievementType
  vocabulary: what a completed course is), with the course's language as ``inLanguage``
  (a BCP 47 tag as the schema requires: ``lv``, ``en-GB``).
* **Learning hours** have no property in OB 3.0: ``creditsAvailable`` means *academic
  credit* hours, and stating 2.5 credits for a 2.5-hour course would overstate the
  certificate. They go in schema.org ``timeRequired``, an ISO 8601 duration (``PT2H30M``),
  written with its full IRI as the key, so it needs no extra ``@context``.
* **Revocation**: ``credentialStatus`` is ``{"id": status_url, "type":
  "1EdTechRevocationList"}``, the 1EdTech revocation-list status method that the OB 3.0
  specification's examples use; the schema accepts any status type.
* **Verification** follows the cryptosuite's verify algorithm, including its rule that
  the document's ``@context`` must *start with* the proof's ``@context``; it also insists
  on ``proofPurpose`` ``assertionMethod``. It answers True or False, never raises, and is
  False for a missing, garbled or foreign proof, a wrong key, or any change to the signed
  content.
"""

from __future__ import annotations

import copy
import hashlib
import math
import os
import re
import tempfile
import unicodedata
from datetime import UTC, datetime
from typing import Any

import base58
import rfc8785
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from elearn.core.signing_key import KEY_FILE

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CID_CONTEXT = "https://www.w3.org/ns/cid/v1"  # verificationMethod, assertionMethod, Multikey
CREDENTIAL_CONTEXT = (VC_CONTEXT, OB_CONTEXT)

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
PROOF_PURPOSE = "assertionMethod"
STATUS_TYPE = "1EdTechRevocationList"
ACHIEVEMENT_TYPE = "CertificateOfCompletion"
TIME_REQUIRED = "https://schema.org/timeRequired"

_ED25519_PUB = b"\xed\x01"  # multicodec ed25519-pub, as an unsigned varint
_LANGUAGE_RE = re.compile(r"^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$")  # as the OB 3.0 schema
_DATETIME_STAMP_RE = re.compile(r"^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


# ---------------------------------------------------------------- keys


def load_or_create_key(instance_path: str, configured: str | None = None) -> Ed25519PrivateKey:
    """The signing key: the configured one, else the instance folder's (created on first use).

    ``configured`` is a PEM (PKCS #8, unencrypted; ``\\n`` escapes as environment variables
    often carry them are accepted) or the path of a PEM file. A configured key that cannot
    be read, or is not Ed25519, is an error, never silently replaced by a new one.
    """
    if configured and configured.strip():
        return _configured_key(configured.strip())
    path = os.path.join(instance_path, KEY_FILE)
    try:
        with open(path, "rb") as file:
            return _private_key(file.read(), path)
    except FileNotFoundError:
        pass
    os.makedirs(instance_path, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    descriptor, temporary = tempfile.mkstemp(prefix=".signing-key-", suffix=".tmp", dir=instance_path)
    try:
        with os.fdopen(descriptor, "wb") as file:
            os.fchmod(file.fileno(), 0o600)  # mkstemp's mode already; said explicitly
            file.write(pem)
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(temporary, path)  # atomic, and fails rather than replace a key another process made
        except FileExistsError:
            with open(path, "rb") as file:
                return _private_key(file.read(), path)
        return key
    finally:
        os.unlink(temporary)


def _configured_key(value: str) -> Ed25519PrivateKey:
    if "-----BEGIN" in value:
        if "\n" not in value:
            value = value.replace("\\n", "\n")
        return _private_key(value.encode(), "ELEARN_SIGNING_KEY")
    path = os.path.expanduser(value)
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        raise ValueError(f"ELEARN_SIGNING_KEY is neither a PEM key nor a readable PEM file: {error}") from error
    return _private_key(data, path)


def _private_key(data: bytes, source: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise ValueError(f"{source}: not a readable, unencrypted PEM private key ({error})") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{source}: the signing key must be an Ed25519 key")
    return key


def public_key_multibase(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The public key as a Multikey ``publicKeyMultibase``: ``z`` + base58btc(0xed 0x01 + raw key)."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    if not isinstance(public, Ed25519PublicKey):
        raise TypeError("an Ed25519 key is needed")
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58.b58encode(_ED25519_PUB + raw).decode("ascii")


def _public_key(multibase: str) -> Ed25519PublicKey:
    if not isinstance(multibase, str) or not multibase.startswith("z"):
        raise ValueError("not a base58btc multibase value")
    decoded = base58.b58decode(multibase[1:])
    if len(decoded) != 34 or not decoded.startswith(_ED25519_PUB):
        raise ValueError("not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(decoded[2:])


# ---------------------------------------------------------------- documents


def issuer_profile(
    *, issuer_id: str, name: str, url: str | None, key_id: str, public_key: str, email: str | None = None
) -> dict:
    """The issuer's OB 3.0 Profile, served at ``issuer_id``, publishing the signing key.

    The key is a ``Multikey`` under ``verificationMethod``, listed in ``assertionMethod``
    too: verifiers check that the proof's key is one its controller uses for assertions.
    """
    _public_key(public_key)  # refuse to publish something that is not a key
    profile: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT, CID_CONTEXT],
        "id": issuer_id,
        "type": ["Profile"],
        "name": _text(name, "name"),
    }
    if url:
        profile["url"] = url
    if email:
        profile["email"] = email
    profile["verificationMethod"] = [
        {"id": key_id, "type": "Multikey", "controller": issuer_id, "publicKeyMultibase": public_key},
    ]
    profile["assertionMethod"] = [key_id]
    return profile


def build_credential(
    *,
    credential_id: str,
    issuer: dict,
    valid_from: datetime,
    learner_name: str,
    achievement_id: str,
    achievement_name: str,
    achievement_description: str,
    criteria_narrative: str,
    hours: float | None,
    language: str,
    status_url: str | None = None,
    image: str | None = None,
) -> dict:
    """An unsigned ``OpenBadgeCredential`` for a completed course (see the module's notes).

    ``issuer`` has ``id`` (the URL its Profile is served at), ``name`` and optionally ``url``.
    ``image``: the badge's URL or ``data:`` URI, the ``Image`` of the achievement and of the credential.
    """
    learner = _text(learner_name, "learner_name")
    issuer_object = {
        "id": _text(issuer["id"], "issuer id"),
        "type": ["Profile"],
        "name": _text(issuer["name"], "issuer name"),
    }
    if issuer.get("url"):
        issuer_object["url"] = issuer["url"]
    achievement = {
        "id": _text(achievement_id, "achievement_id"),
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPE,
        "name": _text(achievement_name, "achievement_name"),
        "description": _text(achievement_description, "achievement_description"),
        "criteria": {"narrative": _text(criteria_narrative, "criteria_narrative")},
        "inLanguage": _language(language),
    }
    if image:
        achievement["image"] = {"id": image, "type": "Image", "caption": achievement["name"]}
    duration = _duration(hours)
    if duration:
        achievement[TIME_REQUIRED] = duration
    credential = {
        "@context": list(CREDENTIAL_CONTEXT),
        "id": _text(credential_id, "credential_id"),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_object,
        "validFrom": _timestamp(valid_from, "valid_from"),
        "name": achievement["name"],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": learner,
            "identifier": [
                {"type": "IdentityObject", "identityHash": learner, "identityType": "name", "hashed": False},
            ],
            "achievement": achievement,
        },
    }
    if image:
        credential["image"] = achievement["image"]
    if status_url:
        credential["credentialStatus"] = {"id": status_url, "type": STATUS_TYPE}
    return credential


def _text(value: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be a non-empty string")
    return unicodedata.normalize("NFC", value)


def _language(tag: str) -> str:
    parts = (tag or "").replace("_", "-").split("-")
    parts = [parts[0].lower()] + [part.title() if len(part) == 4 else part.upper() for part in parts[1:]]
    normalised = "-".join(parts)
    if not _LANGUAGE_RE.match(normalised):
        raise ValueError(f"not a language tag: {tag!r}")
    return normalised


def _duration(hours: float | None) -> str | None:
    """Hours as an ISO 8601 duration to the minute (2.5 -> PT2H30M); None for none or zero."""
    if hours is None:
        return None
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not math.isfinite(hours) or hours < 0:
        raise ValueError(f"hours must be a non-negative number, not {hours!r}")
    whole, minutes = divmod(round(hours * 60), 60)
    if not whole and not minutes:
        return None
    return "PT" + (f"{whole}H" if whole else "") + (f"{minutes}M" if minutes else "")


def _timestamp(moment: datetime, what: str) -> str:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime")
    return moment.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


# ---------------------------------------------------------------- signing and verifying


def sign(credential: dict, key: Ed25519PrivateKey, verification_method: str, created: datetime) -> dict:
    """A copy of ``credential`` with an embedded ``eddsa-jcs-2022`` DataIntegrityProof.

    The proof options get the document's ``@context`` (as the cryptosuite's proof
    configuration does), and keep it in the embedded proof, like the W3C test vectors.
    """
    if not isinstance(key, Ed25519PrivateKey):
        raise TypeError("an Ed25519 private key is needed")
    if "proof" in credential:
        raise ValueError("the document already has a proof")
    document = copy.deepcopy(credential)
    proof = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": _timestamp(created, "created"),
        "verificationMethod": _text(verification_method, "verification_method"),
        "proofPurpose": PROOF_PURPOSE,
    }
    if "@context" in document:
        proof["@context"] = copy.deepcopy(document["@context"])
    signature = key.sign(_hash_data(document, _proof_configuration(proof, document)))
    proof["proofValue"] = "z" + base58.b58encode(signature).decode("ascii")
    document["proof"] = proof
    return document


def verify(document: dict, public_key_multibase: str) -> bool:
    """True only if the document carries an ``eddsa-jcs-2022`` proof that checks with this key."""
    try:
        public = _public_key(public_key_multibase)
    except ValueError:
        return False
    if not isinstance(document, dict):
        return False
    proofs = document.get("proof")
    if isinstance(proofs, dict):
        proofs = [proofs]
    if not isinstance(proofs, list):
        return False
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    return any(_verify_proof(unsecured, proof, public) for proof in proofs)


def _verify_proof(unsecured: dict, proof: object, public: Ed25519PublicKey) -> bool:
    if not isinstance(proof, dict):
        return False
    if (proof.get("type"), proof.get("cryptosuite"), proof.get("proofPurpose")) != (
        PROOF_TYPE,
        CRYPTOSUITE,
        PROOF_PURPOSE,
    ):
        return False
    if not isinstance(proof.get("verificationMethod"), str) or not proof["verificationMethod"]:
        return False
    created = proof.get("created")
    if created is not None and not (isinstance(created, str) and _DATETIME_STAMP_RE.match(created)):
        return False
    proof_value = proof.get("proofValue")
    if not isinstance(proof_value, str) or not proof_value.startswith("z"):
        return False
    try:
        signature = base58.b58decode(proof_value[1:])
    except ValueError:
        return False
    if len(signature) != 64:
        return False
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    document = dict(unsecured)
    if "@context" in options:
        # The cryptosuite's rule: the document's @context must start with the proof's, in order.
        expected = _as_list(options["@context"])
        if _as_list(document.get("@context"))[: len(expected)] != expected:
            return False
        document["@context"] = options["@context"]
    try:
        public.verify(signature, _hash_data(document, _proof_configuration(options, document)))
    except (InvalidSignature, rfc8785.CanonicalizationError, TypeError, ValueError):
        return False
    return True


def _as_list(value: object) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _proof_configuration(options: dict, document: dict) -> dict:
    """The cryptosuite's proof configuration: the proof options, with the document's ``@context``."""
    config = {name: value for name, value in options.items() if name != "@context"}
    if "@context" in document:
        config["@context"] = document["@context"]
    return config


def _hash_data(document: dict, proof_config: dict) -> bytes:
    """hashData = SHA-256(JCS(proof configuration)) || SHA-256(JCS(document))."""
    return hashlib.sha256(rfc8785.dumps(proof_config)).digest() + hashlib.sha256(rfc8785.dumps(document)).digest()
