//! DEK key material in Tink's serialized key format, as Confluent's clients store it in
//! the DEK registry: the `value` of a Tink `KeyData`, i.e. an `AesGcmKey` or `AesSivKey`
//! protobuf (tink `proto/aes_gcm.proto`, `proto/aes_siv.proto`), never a bare AES key.
//!
//! Reference: `encrypt_executor.py`, `Cryptor.generate_key` (`registry.new_key_data(
//! template).value`) with the templates `AES128_GCM_RAW`, `AES256_GCM_RAW` and a RAW
//! `AesSivKeyFormat(key_size=64)`.

use prost::Message;
use rand::RngCore;

use super::error::EncryptionError;
use crate::registry::DekAlgorithm;

/// tink `proto/aes_gcm.proto` `AesGcmKey`: `uint32 version = 1; bytes key_value = 3;`.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct AesGcmKey {
    /// The key manager version (0).
    #[prost(uint32, tag = "1")]
    pub(crate) version: u32,
    /// The AES key: 16 or 32 bytes.
    #[prost(bytes = "vec", tag = "3")]
    pub(crate) key_value: Vec<u8>,
}

/// tink `proto/aes_siv.proto` `AesSivKey`: `uint32 version = 1; bytes key_value = 2;`.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct AesSivKey {
    /// The key manager version (0).
    #[prost(uint32, tag = "1")]
    pub(crate) version: u32,
    /// Two AES-256 keys (RFC 5297: the first half for S2V/CMAC, the second for CTR).
    #[prost(bytes = "vec", tag = "2")]
    pub(crate) key_value: Vec<u8>,
}

/// The version Tink's AES key managers write and accept (`AesGcmKeyManager`,
/// `AesSivKeyManager`: `ValidateVersion(key.version(), 0)`).
const KEY_VERSION: u32 = 0;

/// The AES key length of a new DEK of `algorithm`, in bytes.
fn key_len(algorithm: DekAlgorithm) -> usize {
    match algorithm {
        DekAlgorithm::Aes128Gcm => 16,
        DekAlgorithm::Aes256Gcm => 32,
        DekAlgorithm::Aes256Siv => 64,
    }
}

/// A fresh random DEK of `algorithm`, serialized as Tink does (what is wrapped by the KEK
/// and stored as `encryptedKeyMaterial`).
pub(crate) fn generate(algorithm: DekAlgorithm) -> Vec<u8> {
    let mut key_value = vec![0u8; key_len(algorithm)];
    // ThreadRng: ChaCha12 seeded from the OS, a CSPRNG.
    rand::rng().fill_bytes(&mut key_value);
    match algorithm {
        DekAlgorithm::Aes128Gcm | DekAlgorithm::Aes256Gcm => AesGcmKey {
            version: KEY_VERSION,
            key_value,
        }
        .encode_to_vec(),
        DekAlgorithm::Aes256Siv => AesSivKey {
            version: KEY_VERSION,
            key_value,
        }
        .encode_to_vec(),
    }
}

/// The AES key inside serialized Tink key material of `algorithm`, checked as Tink's key
/// managers check it: version 0; AES-GCM keys of 16 or 32 bytes (Tink's `AesGcmKeyManager`
/// takes either, whatever the template), AES-SIV keys of 64 bytes.
pub(crate) fn parse(algorithm: DekAlgorithm, material: &[u8]) -> Result<Vec<u8>, EncryptionError> {
    let invalid = |reason: String| EncryptionError::InvalidKeyMaterial(reason);
    let (version, key_value) = match algorithm {
        DekAlgorithm::Aes128Gcm | DekAlgorithm::Aes256Gcm => {
            let key = AesGcmKey::decode(material)
                .map_err(|e| invalid(format!("not a Tink AesGcmKey: {e}")))?;
            if !matches!(key.key_value.len(), 16 | 32) {
                return Err(invalid(format!(
                    "AES-GCM key of {} bytes (16 or 32 expected)",
                    key.key_value.len()
                )));
            }
            (key.version, key.key_value)
        }
        DekAlgorithm::Aes256Siv => {
            let key = AesSivKey::decode(material)
                .map_err(|e| invalid(format!("not a Tink AesSivKey: {e}")))?;
            if key.key_value.len() != 64 {
                return Err(invalid(format!(
                    "AES-SIV key of {} bytes (64 expected)",
                    key.key_value.len()
                )));
            }
            (key.version, key.key_value)
        }
    };
    if version != KEY_VERSION {
        return Err(invalid(format!("key version {version} (0 expected)")));
    }
    Ok(key_value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_have_tinks_layout() {
        // Field 3 (key_value), wire type 2: tag 0x1a; version 0 is not written (proto3).
        let gcm = generate(DekAlgorithm::Aes256Gcm);
        assert_eq!((gcm.len(), gcm[0], gcm[1]), (34, 0x1a, 32));
        let gcm128 = generate(DekAlgorithm::Aes128Gcm);
        assert_eq!((gcm128.len(), gcm128[0], gcm128[1]), (18, 0x1a, 16));
        // Field 2 (key_value): tag 0x12.
        let siv = generate(DekAlgorithm::Aes256Siv);
        assert_eq!((siv.len(), siv[0], siv[1]), (66, 0x12, 64));
        assert_eq!(parse(DekAlgorithm::Aes256Siv, &siv).unwrap(), siv[2..]);
        assert_ne!(generate(DekAlgorithm::Aes256Gcm), gcm);
    }

    #[test]
    fn rejects_keys_tink_rejects() {
        let short = AesGcmKey {
            version: 0,
            key_value: vec![1; 24],
        }
        .encode_to_vec();
        assert!(matches!(
            parse(DekAlgorithm::Aes256Gcm, &short),
            Err(EncryptionError::InvalidKeyMaterial(m)) if m.contains("24 bytes")
        ));
        let v1 = AesSivKey {
            version: 1,
            key_value: vec![1; 64],
        }
        .encode_to_vec();
        assert!(matches!(
            parse(DekAlgorithm::Aes256Siv, &v1),
            Err(EncryptionError::InvalidKeyMaterial(m)) if m.contains("version 1")
        ));
        assert!(parse(DekAlgorithm::Aes256Gcm, &[0xff, 0xff]).is_err());
        // An AES-GCM key is no AES-SIV key: its field 3 is skipped, leaving an empty key.
        let gcm = generate(DekAlgorithm::Aes256Gcm);
        assert!(parse(DekAlgorithm::Aes256Siv, &gcm).is_err());
    }
}
