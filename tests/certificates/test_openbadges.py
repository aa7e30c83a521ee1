"""Open Badges 3.0 credentials: the W3C eddsa-jcs-2022 test vector, the published OB 3.0
schemas, tampering, keys, and names in every alphabet the platform's learners use."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import stat
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import base58
import pytest
import rfc8785
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jsonschema import Draft201909Validator, FormatChecker

from elearn.certificates import openbadges as ob

SCHEMA_DIR = Path(__file__).parent / "schema"
# Pinned: the vendored files are the published ones (see schema/README.md), unmodified.
SCHEMA_SHA256 = {
    "ob_v3p0_achievementcredential_schema.json": "b7358e895f492e74055dc6bfc7ffc420d0e497f90c4579fb83d9519b86d393ea",
    "ob_v3p0_profile_schema.json": "6b268f2caa591bf657e2a290e195713c41dc2db4e1c797723cfd00a1a83f8f13",
}

NAMES = ["Jānis Bērziņš", "Łukasz Żółć", "Анна Щукина", "Đurđa Ćosić"]

ISSUER_ID = "https://elearn.example/certificates/issuers/LV"
KEY_ID = f"{ISSUER_ID}#key-1"
ISSUED = datetime(2025, 3, 1, 10, 0, 0, tzinfo=UTC)


# ---------------------------------------------------------------- the W3C test vector
#
# From https://github.com/w3c/vc-di-eddsa (the "Data Integrity EdDSA Cryptosuites v1.0"
# Recommendation's repository), TestVectors/: keyPair.json (commit 562e7da7e8469afbc4fd1853a4b9c0b006b83496),
# eddsa-jcs-2022/signedJCS.json (369f0f00ad3d08fb51abafc7935f3b6fa6e693c8), canonDocJCS.txt
# (78d93c24cce9fa20b2b5af38a213e320a5403a15) and docHashJCS.txt (4ced357352f5a9eccb7452dcf173c9fe7ad3be09).

VECTOR_PUBLIC_KEY = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
VECTOR_PRIVATE_KEY = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"  # multicodec ed25519-priv (0x8026) + seed
VECTOR_SIGNED = json.loads("""{
  "@context": [
    "https://www.w3.org/ns/credentials/v2",
    "https://www.w3.org/ns/credentials/examples/v2"
  ],
  "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
  "type": [
    "VerifiableCredential",
    "AlumniCredential"
  ],
  "name": "Alumni Credential",
  "description": "A minimum viable example of an Alumni Credential.",
  "issuer": "https://vc.example/issuers/5678",
  "validFrom": "2023-01-01T00:00:00Z",
  "credentialSubject": {
    "id": "did:example:abcdefgh",
    "alumniOf": "The School of Examples"
  },
  "proof": {
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-jcs-2022",
    "created": "2023-02-24T23:36:38Z",
    "verificationMethod": "https://vc.example/issuers/5678#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
    "proofPurpose": "assertionMethod",
    "@context": [
      "https://www.w3.org/ns/credentials/v2",
      "https://www.w3.org/ns/credentials/examples/v2"
    ],
    "proofValue": "z63t83Y53KfzJ5ZosfKTnqfMcKB2dmTrfjSaQjeNNjAD5srBowQfmWqeRb8rRjmeEuCBEsddF9LsVogtuTsijJKh4"
  }
}""")
VECTOR_CANONICAL_DOCUMENT = (
    '{"@context":["https://www.w3.org/ns/credentials/v2","https://www.w3.org/ns/credentials/examples/v2"],'
    '"credentialSubject":{"alumniOf":"The School of Examples","id":"did:example:abcdefgh"},'
    '"description":"A minimum viable example of an Alumni Credential.",'
    '"id":"urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33","issuer":"https://vc.example/issuers/5678",'
    '"name":"Alumni Credential","type":["VerifiableCredential","AlumniCredential"],'
    '"validFrom":"2023-01-01T00:00:00Z"}'
)
VECTOR_DOCUMENT_HASH = "59b7cb6251b8991add1ce0bc83107e3db9dbbab5bd2c28f687db1a03abc92f19"


def _vector_key() -> Ed25519PrivateKey:
    decoded = base58.b58decode(VECTOR_PRIVATE_KEY[1:])
    assert decoded[:2] == b"\x80\x26" and len(decoded) == 34
    return Ed25519PrivateKey.from_private_bytes(decoded[2:])


def test_the_w3c_eddsa_jcs_2022_vector_is_reproduced_byte_for_byte():
    key = _vector_key()
    assert ob.public_key_multibase(key) == VECTOR_PUBLIC_KEY
    unsigned = {name: value for name, value in VECTOR_SIGNED.items() if name != "proof"}
    assert rfc8785.dumps(unsigned).decode() == VECTOR_CANONICAL_DOCUMENT
    assert hashlib.sha256(rfc8785.dumps(unsigned)).hexdigest() == VECTOR_DOCUMENT_HASH

    signed = ob.sign(
        unsigned, key, VECTOR_SIGNED["proof"]["verificationMethod"], datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)
    )

    assert signed == VECTOR_SIGNED  # the proof, proofValue included, is the W3C's exactly


def test_the_w3c_vector_verifies_and_its_tampered_copies_do_not():
    assert ob.verify(VECTOR_SIGNED, VECTOR_PUBLIC_KEY)
    changed = copy.deepcopy(VECTOR_SIGNED)
    changed["credentialSubject"]["alumniOf"] = "The School of Forgeries"
    assert not ob.verify(changed, VECTOR_PUBLIC_KEY)
    assert not ob.verify(VECTOR_SIGNED, ob.public_key_multibase(Ed25519PrivateKey.generate()))


# ---------------------------------------------------------------- building blocks


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def credential(learner_name="Jānis Bērziņš", **changes) -> dict:
    arguments = {
        "credential_id": "https://elearn.example/certificates/q2Xo6ZQ0mJtYbqj0k7AbCd",
        "issuer": {"id": ISSUER_ID, "name": "Sociālās inovācijas centrs", "url": "https://sic.example.lv"},
        "valid_from": ISSUED,
        "learner_name": learner_name,
        "achievement_id": "https://elearn.example/courses/social-enterprise",
        "achievement_name": "Sociālā uzņēmējdarbība",
        "achievement_description": "Kā dibināt un vadīt sociālo uzņēmumu.",
        "criteria_narrative": "Pabeigt visus kursa moduļus un nokārtot to testus.",
        "hours": 2.5,
        "language": "lv",
        "status_url": "https://elearn.example/certificates/q2Xo6ZQ0mJtYbqj0k7AbCd/status",
    }
    arguments.update(changes)
    return ob.build_credential(**arguments)


def signed(key, learner_name="Jānis Bērziņš", **changes) -> dict:
    return ob.sign(credential(learner_name, **changes), key, KEY_ID, ISSUED)


def _schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


_FORMATS = FormatChecker()
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@_FORMATS.checks("date-time", raises=ValueError)
def _date_time(value) -> bool:
    """RFC 3339 date-time (jsonschema asserts the format only with an optional package installed)."""
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        raise ValueError(f"not an RFC 3339 date-time: {value!r}")
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


def validator(name: str) -> Draft201909Validator:
    schema = _schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2019-09/schema#"
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema, format_checker=_FORMATS)


def errors(validator_: Draft201909Validator, document: dict) -> list[str]:
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator_.iter_errors(document)]


# ---------------------------------------------------------------- the published OB 3.0 schemas


def test_the_vendored_schemas_are_the_published_files_unmodified():
    for name, digest in SCHEMA_SHA256.items():
        assert hashlib.sha256((SCHEMA_DIR / name).read_bytes()).hexdigest() == digest, name
        schema = _schema(name)
        assert schema["$id"] == f"https://purl.imsglobal.org/spec/ob/v3p0/schema/json/{name}"
        references = re.findall(r'"\$ref"\s*:\s*"([^"]*)"', (SCHEMA_DIR / name).read_text(encoding="utf-8"))
        assert references and all(reference.startswith("#/$defs/") for reference in references)  # offline


def test_a_signed_credential_is_valid_against_the_ob3_credential_schema(key):
    document = signed(key)
    assert errors(validator("ob_v3p0_achievementcredential_schema.json"), document) == []


def test_a_credential_without_hours_or_status_is_valid_too(key):
    document = signed(key, hours=None, status_url=None)
    assert "credentialStatus" not in document
    assert ob.TIME_REQUIRED not in document["credentialSubject"]["achievement"]
    assert errors(validator("ob_v3p0_achievementcredential_schema.json"), document) == []


def test_the_schema_check_has_teeth(key):
    """The validation above would catch what matters (so its passing means something)."""
    check = validator("ob_v3p0_achievementcredential_schema.json")
    document = signed(key)
    for broken in (
        {k: v for k, v in document.items() if k != "validFrom"},
        {**document, "validFrom": "1 March 2025"},
        {**document, "@context": ["https://www.w3.org/2018/credentials/v1", ob.OB_CONTEXT]},
        {**document, "type": ["VerifiableCredential"]},
        {
            **document,
            "credentialSubject": {
                **document["credentialSubject"],
                "identifier": [
                    {"type": "IdentityObject", "identityHash": "Jānis", "identityType": "fullName", "hashed": False}
                ],
            },
        },
        {
            **document,
            "credentialSubject": {
                **document["credentialSubject"],
                "achievement": {
                    k: v for k, v in document["credentialSubject"]["achievement"].items() if k != "criteria"
                },
            },
        },
        {
            **document,
            "credentialSubject": {
                **document["credentialSubject"],
                "achievement": {**document["credentialSubject"]["achievement"], "inLanguage": "Latvian"},
            },
        },
    ):
        assert errors(check, broken), broken


def test_the_credential_says_what_the_certificate_says(key):
    document = signed(key)
    assert document["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["issuer"] == {
        "id": ISSUER_ID,
        "type": ["Profile"],
        "name": "Sociālās inovācijas centrs",
        "url": "https://sic.example.lv",
    }
    assert document["validFrom"] == "2025-03-01T10:00:00Z"
    subject = document["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"] and "id" not in subject
    assert subject["name"] == "Jānis Bērziņš"
    assert subject["identifier"] == [
        {"type": "IdentityObject", "identityHash": "Jānis Bērziņš", "identityType": "name", "hashed": False}
    ]
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"] and achievement["achievementType"] == "CertificateOfCompletion"
    assert achievement["name"] == document["name"] == "Sociālā uzņēmējdarbība"
    assert achievement["criteria"] == {"narrative": "Pabeigt visus kursa moduļus un nokārtot to testus."}
    assert achievement["inLanguage"] == "lv"
    assert achievement["https://schema.org/timeRequired"] == "PT2H30M"
    assert "creditsAvailable" not in achievement  # learning hours are not academic credit hours
    assert document["credentialStatus"] == {
        "id": "https://elearn.example/certificates/q2Xo6ZQ0mJtYbqj0k7AbCd/status",
        "type": "1EdTechRevocationList",
    }
    proof = document["proof"]
    assert {k: v for k, v in proof.items() if k != "proofValue"} == {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": "2025-03-01T10:00:00Z",
        "verificationMethod": KEY_ID,
        "proofPurpose": "assertionMethod",
        "@context": document["@context"],
    }
    assert proof["proofValue"].startswith("z") and len(base58.b58decode(proof["proofValue"][1:])) == 64


@pytest.mark.parametrize(
    ("hours", "duration"),
    [(2.5, "PT2H30M"), (1, "PT1H"), (0.75, "PT45M"), (12.25, "PT12H15M"), (1 / 3, "PT20M"), (0, None), (None, None)],
)
def test_hours_become_an_iso_8601_duration(hours, duration):
    assert credential(hours=hours)["credentialSubject"]["achievement"].get(ob.TIME_REQUIRED) == duration


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), "2", True])
def test_nonsense_hours_are_refused(bad):
    with pytest.raises(ValueError, match="hours must be a non-negative number"):
        credential(hours=bad)


@pytest.mark.parametrize(
    ("given", "tag"), [("lv", "lv"), ("en_GB", "en-GB"), ("en-gb", "en-GB"), ("sr-latn-rs", "sr-Latn-RS"), ("RU", "ru")]
)
def test_the_language_is_a_bcp47_tag(given, tag):
    assert credential(language=given)["credentialSubject"]["achievement"]["inLanguage"] == tag


@pytest.mark.parametrize("bad", ["", "Latvian", "l", "en-", "en GB"])
def test_what_is_not_a_language_tag_is_refused(bad):
    with pytest.raises(ValueError, match="not a language tag"):
        credential(language=bad)


def test_times_are_utc_whole_seconds_and_naive_ones_are_refused(key):
    riga = timezone(timedelta(hours=2))
    document = ob.sign(
        credential(valid_from=datetime(2025, 3, 1, 12, 0, 0, 987654, tzinfo=riga)),
        key,
        KEY_ID,
        datetime(2025, 3, 1, 12, 0, 1, 5, tzinfo=riga),
    )
    assert document["validFrom"] == "2025-03-01T10:00:00Z" and document["proof"]["created"] == "2025-03-01T10:00:01Z"
    with pytest.raises(ValueError, match="must be a timezone-aware datetime"):
        credential(valid_from=datetime(2025, 3, 1, 10, 0))
    with pytest.raises(ValueError, match="must be a timezone-aware datetime"):
        ob.sign(credential(), key, KEY_ID, datetime(2025, 3, 1, 10, 0))


@pytest.mark.parametrize(
    "field",
    [
        "learner_name",
        "achievement_name",
        "achievement_description",
        "criteria_narrative",
        "credential_id",
        "achievement_id",
    ],
)
def test_empty_texts_are_refused(field):
    with pytest.raises(ValueError, match="must be a non-empty string"):
        credential(**{field: "  "})


# ---------------------------------------------------------------- signing and verifying


def test_the_signature_verifies_with_the_key_the_issuer_profile_publishes(key):
    profile = ob.issuer_profile(
        issuer_id=ISSUER_ID,
        name="Sociālās inovācijas centrs",
        url="https://sic.example.lv",
        key_id=KEY_ID,
        public_key=ob.public_key_multibase(key),
    )
    document = signed(key)
    method = next(m for m in profile["verificationMethod"] if m["id"] == document["proof"]["verificationMethod"])
    assert ob.verify(document, method["publicKeyMultibase"])


def test_signing_is_deterministic_and_leaves_its_input_alone(key):
    unsigned = credential()
    before = copy.deepcopy(unsigned)
    assert ob.sign(unsigned, key, KEY_ID, ISSUED) == ob.sign(unsigned, key, KEY_ID, ISSUED)
    assert unsigned == before and "proof" not in unsigned


def test_a_signed_document_is_not_signed_again(key):
    with pytest.raises(ValueError, match="the document already has a proof"):
        ob.sign(signed(key), key, KEY_ID, ISSUED)


def _set(path: tuple, value):
    def change(document):
        target = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


def _drop(path: tuple):
    def change(document):
        target = document
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return change


def _one_character_of_the_proof_value(document):
    value = document["proof"]["proofValue"]
    position = len(value) // 2
    replacement = "2" if value[position] != "2" else "3"
    document["proof"]["proofValue"] = value[:position] + replacement + value[position + 1 :]


TAMPERINGS = {
    "learner name": _set(("credentialSubject", "name"), "Janis Berzins"),
    "learner identifier": _set(("credentialSubject", "identifier", 0, "identityHash"), "Pēteris Kalniņš"),
    "learner id added": _set(("credentialSubject", "id"), "did:example:someone-else"),
    "achievement name": _set(("credentialSubject", "achievement", "name"), "Advanced social enterprise"),
    "achievement id": _set(("credentialSubject", "achievement", "id"), "https://elearn.example/courses/other"),
    "criteria": _set(("credentialSubject", "achievement", "criteria", "narrative"), "Nothing."),
    "hours": _set(("credentialSubject", "achievement", ob.TIME_REQUIRED), "PT20H"),
    "credential name": _set(("name",), "Diploma"),
    "validFrom": _set(("validFrom",), "2020-01-01T00:00:00Z"),
    "validUntil added": _set(("validUntil",), "2030-01-01T00:00:00Z"),
    "issuer id": _set(("issuer", "id"), "https://evil.example/issuers/1"),
    "issuer name": _set(("issuer", "name"), "Evil University"),
    "credential id": _set(("id",), "https://elearn.example/certificates/another"),
    "status dropped": _drop(("credentialStatus",)),
    "type": _set(("type",), ["VerifiableCredential", "OpenBadgeCredential", "Diploma"]),
    "@context replaced": _set(("@context",), ["https://www.w3.org/ns/credentials/v2", "https://evil.example/ctx"]),
    "@context dropped": _drop(("@context",)),
    "proof created": _set(("proof", "created"), "2025-03-01T10:00:01Z"),
    "proof verificationMethod": _set(("proof", "verificationMethod"), f"{ISSUER_ID}#key-2"),
    "proof purpose": _set(("proof", "proofPurpose"), "authentication"),
    "proof cryptosuite": _set(("proof", "cryptosuite"), "eddsa-rdfc-2022"),
    "proof type": _set(("proof", "type"), "Ed25519Signature2020"),
    "proof @context": _set(("proof", "@context"), ["https://www.w3.org/ns/credentials/v2"]),
    "proof nonce added": _set(("proof", "nonce"), "1234"),
    "proofValue one character": _one_character_of_the_proof_value,
}


@pytest.mark.parametrize("tamper", TAMPERINGS.values(), ids=TAMPERINGS.keys())
def test_any_tampering_makes_verification_fail(key, tamper):
    document = signed(key)
    public = ob.public_key_multibase(key)
    assert ob.verify(document, public)
    tampered = copy.deepcopy(document)
    tamper(tampered)
    assert tampered != document
    assert ob.verify(tampered, public) is False


def test_a_different_key_fails(key):
    document = signed(key)
    assert ob.verify(document, ob.public_key_multibase(Ed25519PrivateKey.generate())) is False
    forged = ob.sign(credential(), Ed25519PrivateKey.generate(), KEY_ID, ISSUED)  # right shape, wrong signer
    assert ob.verify(forged, ob.public_key_multibase(key)) is False


GARBLED_PROOFS = {
    "no proof": _drop(("proof",)),
    "proof null": _set(("proof",), None),
    "proof a string": _set(("proof",), "z3FXQx"),
    "proof an empty list": _set(("proof",), []),
    "proofValue missing": _drop(("proof", "proofValue")),
    "proofValue not multibase": _set(("proof", "proofValue"), "3FXQxA"),
    "proofValue not base58": _set(("proof", "proofValue"), "z0OIl+/"),
    "proofValue truncated": lambda d: d["proof"].update(proofValue=d["proof"]["proofValue"][:40]),
    "proofValue empty": _set(("proof", "proofValue"), "z"),
    "proofValue a number": _set(("proof", "proofValue"), 12345),
    "created not a date": _set(("proof", "created"), "yesterday"),
    "verificationMethod missing": _drop(("proof", "verificationMethod")),
}


@pytest.mark.parametrize("garble", GARBLED_PROOFS.values(), ids=GARBLED_PROOFS.keys())
def test_missing_or_garbled_proofs_fail_without_raising(key, garble):
    document = copy.deepcopy(signed(key))
    garble(document)
    assert ob.verify(document, ob.public_key_multibase(key)) is False


@pytest.mark.parametrize(
    "public",
    [
        "",
        "z",
        "zzz",
        "6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "z" + base58.b58encode(b"\xec\x01" + bytes(32)).decode(),
        None,
        42,
    ],
)
def test_a_garbled_public_key_fails_without_raising(key, public):
    assert ob.verify(signed(key), public) is False


@pytest.mark.parametrize("document", [None, [], "{}", 7])
def test_a_document_that_is_not_an_object_fails(key, document):
    assert ob.verify(document, ob.public_key_multibase(key)) is False


def test_a_proof_among_several_verifies(key):
    document = signed(key)
    other = ob.sign(credential(), Ed25519PrivateKey.generate(), f"{ISSUER_ID}#key-9", ISSUED)["proof"]
    document["proof"] = [other, document["proof"]]
    assert ob.verify(document, ob.public_key_multibase(key))


def test_a_context_appended_after_the_signed_ones_is_allowed_as_the_cryptosuite_says(key):
    """eddsa-jcs-2022 verification: the document's @context must *start with* the proof's."""
    document = signed(key)
    document["@context"] = [*document["@context"], "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"]
    assert ob.verify(document, ob.public_key_multibase(key))
    document["@context"] = list(reversed(document["@context"]))
    assert not ob.verify(document, ob.public_key_multibase(key))


def test_a_proof_that_does_not_repeat_the_context_verifies_as_the_cryptosuite_says(key):
    """Proof configuration takes the document's @context whether or not the proof repeats it."""
    document = signed(key)
    del document["proof"]["@context"]
    assert ob.verify(document, ob.public_key_multibase(key))
    document["@context"] = [ob.VC_CONTEXT]
    assert not ob.verify(document, ob.public_key_multibase(key))


# ---------------------------------------------------------------- names in every alphabet


@pytest.mark.parametrize("name", NAMES)
def test_non_ascii_names_round_trip_through_sign_json_and_verify(key, name):
    document = signed(key, learner_name=name)
    public = ob.public_key_multibase(key)
    assert document["credentialSubject"]["name"] == name
    assert document["credentialSubject"]["identifier"][0]["identityHash"] == name
    assert name.encode("utf-8") in rfc8785.dumps(document)  # JCS writes UTF-8, not \\u escapes
    for ensure_ascii in (True, False):
        received = json.loads(json.dumps(document, ensure_ascii=ensure_ascii))
        assert received["credentialSubject"]["name"] == name
        assert ob.verify(received, public)
    assert errors(validator("ob_v3p0_achievementcredential_schema.json"), document) == []
    without_diacritics = "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))
    if without_diacritics != name:
        tampered = copy.deepcopy(document)
        tampered["credentialSubject"]["name"] = without_diacritics
        assert not ob.verify(tampered, public)


def test_names_are_signed_in_their_composed_unicode_form(key):
    decomposed = unicodedata.normalize("NFD", "Jānis Bērziņš")
    assert decomposed != "Jānis Bērziņš"
    document = signed(key, learner_name=decomposed)
    assert document["credentialSubject"]["name"] == "Jānis Bērziņš"
    assert document["credentialSubject"]["identifier"][0]["identityHash"] == "Jānis Bērziņš"


# ---------------------------------------------------------------- keys


def test_the_key_file_is_created_once_private_and_then_reused(tmp_path):
    instance = tmp_path / "instance"  # not there yet
    first = ob.load_or_create_key(str(instance))
    path = instance / "signing-key.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert [p.name for p in instance.iterdir()] == ["signing-key.pem"]  # no temporary file left behind
    created = path.stat().st_mtime_ns
    second = ob.load_or_create_key(str(instance))
    assert ob.public_key_multibase(second) == ob.public_key_multibase(first)
    assert path.stat().st_mtime_ns == created
    document = ob.sign(credential(), first, KEY_ID, ISSUED)
    assert ob.verify(document, ob.public_key_multibase(second))


def test_two_processes_creating_the_key_at_once_end_up_with_the_same_key(tmp_path, monkeypatch):
    """The loser of the race (its link finds the file there) uses the winner's key."""
    winner = Ed25519PrivateKey.generate()
    link = os.link

    def other_process_first(source, destination):
        Path(destination).write_text(_pem(winner))
        link(source, destination)

    monkeypatch.setattr(ob.os, "link", other_process_first)
    key = ob.load_or_create_key(str(tmp_path))
    assert ob.public_key_multibase(key) == ob.public_key_multibase(winner)
    assert [p.name for p in tmp_path.iterdir()] == ["signing-key.pem"]


def test_an_existing_key_file_is_used(tmp_path):
    key = Ed25519PrivateKey.generate()
    (tmp_path / "signing-key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    assert ob.public_key_multibase(ob.load_or_create_key(str(tmp_path))) == ob.public_key_multibase(key)


def _pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def test_a_configured_pem_is_used_instead_of_the_instance_file(tmp_path):
    configured = Ed25519PrivateKey.generate()
    expected = ob.public_key_multibase(configured)
    assert ob.public_key_multibase(ob.load_or_create_key(str(tmp_path), _pem(configured))) == expected
    escaped = _pem(configured).replace("\n", "\\n")  # as a one-line environment variable
    assert ob.public_key_multibase(ob.load_or_create_key(str(tmp_path), escaped)) == expected
    assert not (tmp_path / "signing-key.pem").exists()


def test_a_configured_pem_file_path_is_used(tmp_path):
    configured = Ed25519PrivateKey.generate()
    path = tmp_path / "secrets" / "elearn.pem"
    path.parent.mkdir()
    path.write_text(_pem(configured))
    instance = tmp_path / "instance"
    key = ob.load_or_create_key(str(instance), str(path))
    assert ob.public_key_multibase(key) == ob.public_key_multibase(configured)
    assert not instance.exists()


def test_a_configured_key_that_is_not_usable_is_an_error_not_a_fresh_key(tmp_path):
    for bad in (
        "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n",
        str(tmp_path / "missing.pem"),
        _pem(ec.generate_private_key(ec.SECP256R1())),
    ):
        with pytest.raises(ValueError, match=r"PEM|Ed25519"):
            ob.load_or_create_key(str(tmp_path), bad)
    assert not (tmp_path / "signing-key.pem").exists()


def test_an_empty_configuration_means_the_instance_key(tmp_path):
    key = ob.load_or_create_key(str(tmp_path), "")
    assert ob.public_key_multibase(ob.load_or_create_key(str(tmp_path), None)) == ob.public_key_multibase(key)


def test_the_public_key_is_a_multikey():
    key = _vector_key()
    value = ob.public_key_multibase(key)
    assert value == ob.public_key_multibase(key.public_key()) == VECTOR_PUBLIC_KEY
    decoded = base58.b58decode(value[1:])
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert value.startswith("z6Mk") and decoded == b"\xed\x01" + raw


# ---------------------------------------------------------------- the issuer profile


def test_the_issuer_profile_publishes_the_key():
    key = Ed25519PrivateKey.generate()
    public = ob.public_key_multibase(key)
    profile = ob.issuer_profile(
        issuer_id=ISSUER_ID,
        name="Sociālās inovācijas centrs",
        url="https://sic.example.lv",
        key_id=KEY_ID,
        public_key=public,
        email="info@sic.example.lv",
    )
    assert profile["id"] == ISSUER_ID and profile["type"] == ["Profile"]
    assert (profile["name"], profile["url"], profile["email"]) == (
        "Sociālās inovācijas centrs",
        "https://sic.example.lv",
        "info@sic.example.lv",
    )
    assert profile["verificationMethod"] == [
        {"id": KEY_ID, "type": "Multikey", "controller": ISSUER_ID, "publicKeyMultibase": public}
    ]
    assert profile["assertionMethod"] == [KEY_ID]
    assert profile["@context"][:2] == list(ob.CREDENTIAL_CONTEXT)
    assert errors(validator("ob_v3p0_profile_schema.json"), profile) == []


def test_the_issuer_profile_leaves_out_what_is_not_known():
    profile = ob.issuer_profile(
        issuer_id=ISSUER_ID,
        name="eLearn",
        url=None,
        key_id=KEY_ID,
        public_key=ob.public_key_multibase(Ed25519PrivateKey.generate()),
    )
    assert "url" not in profile and "email" not in profile
    assert errors(validator("ob_v3p0_profile_schema.json"), profile) == []


def test_the_issuer_profile_refuses_something_that_is_not_a_key():
    with pytest.raises(ValueError, match=r"base58btc|Multikey"):
        ob.issuer_profile(issuer_id=ISSUER_ID, name="eLearn", url=None, key_id=KEY_ID, public_key="not-a-key")
