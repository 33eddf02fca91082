//! Signed check receipts: a COSE_Sign1 envelope (RFC 9052) signed with Ed25519 that binds the exact
//! image bytes (SHA-256), the verdict and every check's status, the profile, passbild's version and
//! models, the photographer's pseudonym and the time. An office that downloads the photo verifies
//! the receipt with the studio's public key and learns whether this photo, unchanged, was checked
//! with this result. Keys are standard files: PKCS#8 PEM (private) and SPKI PEM (public).
//!
//! The payload is a CBOR map with small integer keys so that the receipt fits a QR code:
//! 1 receipt version, 2 image SHA-256, 3 verdict, 4 check statuses (one byte per `ids::ALL`
//! entry: 0 not run, 1 pass, 2 warn, 3 fail, 4 not assessed), 5 profile, 6 passbild version,
//! 7 SHA-256 over the models' hashes, 8 photographer pseudonym, 9 signing time (Unix seconds),
//! 10 SHA-256 of the profile as applied (its TOML), so that a profile of one's own that takes a
//! built-in's name cannot pass for it (receipts signed before it have no field 10).

use coset::cbor::value::Value;
use coset::{CborSerializable, CoseSign1, CoseSign1Builder, HeaderBuilder, TaggedCborSerializable, iana};
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::report::{Report, Status, ids};

const RECEIPT_VERSION: u64 = 1;
/// COSE's key identifier: the first bytes of the SHA-256 of the public key's SPKI encoding, so a
/// verifier can tell a wrong key from a forged signature.
const KEY_ID_BYTES: usize = 8;

/// Why a receipt or a key was refused. Each tampering shows as its own kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReceiptError {
    /// Not a COSE_Sign1 receipt of this format (cut short, damaged, another format).
    #[error("the receipt is malformed: {0}")]
    Malformed(String),
    /// The receipt was signed with another key than the one given.
    #[error("the receipt was signed with another key (key id {receipt_key_id}, the given key has {given_key_id})")]
    WrongKey {
        /// The key ID the receipt names, hex.
        receipt_key_id: String,
        /// The given key's ID, hex.
        given_key_id: String,
    },
    /// The signature does not match the contents: the receipt was changed after signing.
    #[error("the receipt's signature does not match its contents: it was changed after signing")]
    BadSignature,
    /// The receipt is genuine but for other image bytes: the photo was changed or is another one.
    #[error("the image does not match the receipt (SHA-256 {image_sha256}, the receipt names {receipt_sha256})")]
    ImageMismatch {
        /// The given image's SHA-256, hex.
        image_sha256: String,
        /// The SHA-256 the receipt names, hex.
        receipt_sha256: String,
    },
    /// A key file is not an Ed25519 key in PKCS#8 (private) or SPKI (public) PEM.
    #[error("invalid key: {0}")]
    InvalidKey(String),
}

/// What a valid receipt states.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ReceiptContents {
    /// SHA-256 of the exact image bytes checked.
    pub image_sha256: [u8; 32],
    /// The photo's verdict.
    pub verdict: Status,
    /// Each check the profile ran and its status, in report order.
    pub checks: Vec<(String, Status)>,
    /// The profile's name.
    pub profile: String,
    /// SHA-256 of the profile as applied (`profile_sha256`); None in receipts signed before
    /// receipts stated it. Compare it with `profile_sha256` of the profile the name should mean.
    pub profile_sha256: Option<[u8; 32]>,
    /// The passbild version that checked the photo.
    pub passbild_version: String,
    /// SHA-256 over the hashes of the models that measured it.
    pub models_sha256: [u8; 32],
    /// The photographer's pseudonym.
    pub photographer: String,
    /// When the receipt was signed, in seconds since 1970 (UTC).
    pub signed_at: u64,
}

/// An Ed25519 key pair's private half, which signs receipts.
pub struct ReceiptKey(SigningKey);

impl std::fmt::Debug for ReceiptKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("ReceiptKey").field(&hex(&key_id(&self.0.verifying_key()))).finish()
    }
}

impl ReceiptKey {
    /// A new random key (from the operating system's generator).
    pub fn generate() -> Result<Self, ReceiptError> {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|e| ReceiptError::InvalidKey(format!("no randomness: {e}")))?;
        Ok(ReceiptKey(SigningKey::from_bytes(&secret)))
    }

    /// Reads a private key from PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----").
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, ReceiptError> {
        SigningKey::from_pkcs8_pem(pem).map(ReceiptKey).map_err(|e| ReceiptError::InvalidKey(e.to_string()))
    }

    /// The private key as PKCS#8 PEM.
    pub fn to_pkcs8_pem(&self) -> String {
        self.0.to_pkcs8_pem(Default::default()).map(|pem| pem.to_string()).expect("an Ed25519 key encodes")
    }

    /// The public key as SPKI PEM ("-----BEGIN PUBLIC KEY-----"), for verifiers.
    pub fn public_key_pem(&self) -> String {
        self.0.verifying_key().to_public_key_pem(Default::default()).expect("an Ed25519 key encodes")
    }
}

fn key_id(key: &VerifyingKey) -> Vec<u8> {
    let spki = key.to_public_key_der().expect("an Ed25519 key encodes");
    Sha256::digest(spki.as_bytes())[..KEY_ID_BYTES].to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn status_code(status: Status) -> u8 {
    match status {
        Status::Pass => 1,
        Status::Warn => 2,
        Status::Fail => 3,
        Status::NotAssessed => 4,
    }
}

fn status_of_code(code: u64) -> Option<Status> {
    Some(match code {
        1 => Status::Pass,
        2 => Status::Warn,
        3 => Status::Fail,
        4 => Status::NotAssessed,
        _ => return None,
    })
}

/// Signs a receipt for `report`, the result of checking exactly `image_bytes`.
pub(crate) fn sign(
    report: &Report,
    image_bytes: &[u8],
    models_sha256: [u8; 32],
    profile_sha256: [u8; 32],
    photographer: &str,
    signed_at: u64,
    key: &ReceiptKey,
) -> Vec<u8> {
    let statuses: Vec<u8> = ids::ALL.iter().map(|id| report.check(id).map_or(0, |c| status_code(c.status))).collect();
    let int = |key: u64| Value::Integer(key.into());
    let payload = Value::Map(vec![
        (int(1), int(RECEIPT_VERSION)),
        (int(2), Value::Bytes(Sha256::digest(image_bytes).to_vec())),
        (int(3), int(u64::from(status_code(report.verdict)))),
        (int(4), Value::Bytes(statuses)),
        (int(5), Value::Text(report.profile.clone())),
        (int(6), Value::Text(report.passbild_version.clone())),
        (int(7), Value::Bytes(models_sha256.to_vec())),
        (int(8), Value::Text(photographer.to_string())),
        (int(9), int(signed_at)),
        (int(10), Value::Bytes(profile_sha256.to_vec())),
    ]);
    let mut payload_bytes = Vec::new();
    coset::cbor::ser::into_writer(&payload, &mut payload_bytes).expect("CBOR encodes into memory");
    signed_envelope(payload_bytes, key)
}

/// `payload_bytes` in a COSE_Sign1 envelope signed with `key`.
pub(crate) fn signed_envelope(payload_bytes: Vec<u8>, key: &ReceiptKey) -> Vec<u8> {
    let protected =
        HeaderBuilder::new().algorithm(iana::Algorithm::EdDSA).key_id(key_id(&key.0.verifying_key())).build();
    let envelope = CoseSign1Builder::new()
        .protected(protected)
        .payload(payload_bytes)
        .create_signature(b"", |data| key.0.sign(data).to_bytes().to_vec())
        .build();
    envelope.to_tagged_vec().expect("COSE encodes into memory")
}

/// Verifies `receipt` against the public key (SPKI PEM) and the image bytes it should name.
pub fn verify(receipt: &[u8], image_bytes: &[u8], public_key_pem: &str) -> Result<ReceiptContents, ReceiptError> {
    let key = VerifyingKey::from_public_key_pem(public_key_pem).map_err(|e| ReceiptError::InvalidKey(e.to_string()))?;
    let malformed = |what: &str| ReceiptError::Malformed(what.to_string());
    let envelope = CoseSign1::from_tagged_slice(receipt)
        .or_else(|_| CoseSign1::from_slice(receipt))
        .map_err(|e| ReceiptError::Malformed(e.to_string()))?;
    if envelope.protected.header.alg != Some(coset::RegisteredLabelWithPrivate::Assigned(iana::Algorithm::EdDSA)) {
        return Err(malformed("the algorithm is not EdDSA"));
    }
    let given_key_id = key_id(&key);
    if envelope.protected.header.key_id != given_key_id {
        return Err(ReceiptError::WrongKey {
            receipt_key_id: hex(&envelope.protected.header.key_id),
            given_key_id: hex(&given_key_id),
        });
    }
    envelope.verify_signature(b"", |signature, data| {
        let signature = Signature::from_slice(signature).map_err(|_| ReceiptError::BadSignature)?;
        key.verify(data, &signature).map_err(|_| ReceiptError::BadSignature)
    })?;
    let payload = envelope.payload.as_deref().ok_or_else(|| malformed("no payload"))?;
    let contents = read_payload(payload)?;
    let image_sha256: [u8; 32] = Sha256::digest(image_bytes).into();
    if image_sha256 != contents.image_sha256 {
        return Err(ReceiptError::ImageMismatch {
            image_sha256: hex(&image_sha256),
            receipt_sha256: hex(&contents.image_sha256),
        });
    }
    Ok(contents)
}

fn read_payload(payload: &[u8]) -> Result<ReceiptContents, ReceiptError> {
    let malformed = |what: &str| ReceiptError::Malformed(what.to_string());
    let value: Value = coset::cbor::de::from_reader(payload).map_err(|e| ReceiptError::Malformed(e.to_string()))?;
    let Value::Map(entries) = value else { return Err(malformed("the payload is not a map")) };
    let field = |key: u64| {
        entries
            .iter()
            .find(|(k, _)| matches!(k, Value::Integer(i) if u64::try_from(*i).ok() == Some(key)))
            .map(|(_, v)| v)
            .ok_or_else(|| ReceiptError::Malformed(format!("field {key} is missing")))
    };
    let uint = |key: u64| match field(key)? {
        Value::Integer(i) => u64::try_from(*i).map_err(|_| malformed("a negative number")),
        _ => Err(ReceiptError::Malformed(format!("field {key} is not a number"))),
    };
    let bytes = |key: u64| match field(key)? {
        Value::Bytes(b) => Ok(b.clone()),
        _ => Err(ReceiptError::Malformed(format!("field {key} is not bytes"))),
    };
    let text = |key: u64| match field(key)? {
        Value::Text(t) => Ok(t.clone()),
        _ => Err(ReceiptError::Malformed(format!("field {key} is not text"))),
    };
    if uint(1)? != RECEIPT_VERSION {
        return Err(malformed("an unknown receipt version"));
    }
    let hash = |key: u64| -> Result<[u8; 32], ReceiptError> {
        bytes(key)?.try_into().map_err(|_| ReceiptError::Malformed(format!("field {key} is not a SHA-256")))
    };
    let statuses = bytes(4)?;
    let checks = if statuses.len() == ids::ALL.len() {
        ids::ALL
            .iter()
            .zip(&statuses)
            .filter(|&(_, &code)| code != 0)
            .map(|(id, &code)| {
                Ok((id.to_string(), status_of_code(code.into()).ok_or_else(|| malformed("a check status"))?))
            })
            .collect::<Result<_, _>>()?
    } else {
        // Signed by a version with another list of checks: the statuses are kept by position.
        statuses
            .iter()
            .enumerate()
            .filter(|&(_, &code)| code != 0)
            .map(|(i, &code)| {
                Ok((format!("#{i}"), status_of_code(code.into()).ok_or_else(|| malformed("a check status"))?))
            })
            .collect::<Result<_, _>>()?
    };
    Ok(ReceiptContents {
        image_sha256: hash(2)?,
        verdict: status_of_code(uint(3)?).ok_or_else(|| malformed("the verdict"))?,
        checks,
        profile: text(5)?,
        passbild_version: text(6)?,
        models_sha256: hash(7)?,
        photographer: text(8)?,
        signed_at: uint(9)?,
        profile_sha256: if field(10).is_ok() { Some(hash(10)?) } else { None },
    })
}

/// SHA-256 of a profile as applied: of its TOML, every bound and switch included.
pub fn profile_sha256(profile: &crate::Profile) -> [u8; 32] {
    let text = toml::to_string(profile).expect("profiles serialise");
    Sha256::digest(text.as_bytes()).into()
}

/// SHA-256 over the SHA-256 of each model file, in a fixed order.
pub(crate) fn models_sha256(models: &[&[u8]]) -> [u8; 32] {
    let mut all = Sha256::new();
    for model in models {
        all.update(Sha256::digest(model));
    }
    all.finalize().into()
}
