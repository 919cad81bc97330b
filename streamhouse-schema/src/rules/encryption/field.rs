//! Field values in and out of ciphertext, as Confluent's `EncryptionExecutorTransform`
//! writes them: string fields hold the base64 (standard alphabet, padded) of the
//! ciphertext, bytes fields the ciphertext itself; with DEK rotation on, the ciphertext is
//! prefixed with a zero byte and the DEK version as a 4-byte big-endian integer
//! (`_prefix_version` / `_extract_version`).

use base64::Engine as _;

use super::cipher::DataCipher;
use super::error::EncryptionError;

/// Length of the version prefix: the magic byte 0 and a big-endian `u32` version.
pub const VERSION_PREFIX_LEN: usize = 5;

/// The longest ciphertext [`seal_to_base64`] builds on the stack.
const STACK_SEAL_LEN: usize = 256;

/// Confluent's executor encrypts with no associated data (`Cryptor.EMPTY_AAD`).
const EMPTY_AAD: &[u8] = b"";

/// `plaintext` encrypted with `cipher`, prefixed with `version` when DEKs rotate.
pub fn seal(
    cipher: &DataCipher,
    version: Option<i32>,
    plaintext: &[u8],
) -> Result<Vec<u8>, EncryptionError> {
    let prefix = if version.is_some() {
        VERSION_PREFIX_LEN
    } else {
        0
    };
    let mut out = Vec::with_capacity(prefix + cipher.sealed_len(plaintext.len()));
    if let Some(version) = version {
        out.push(0);
        out.extend_from_slice(&version.to_be_bytes());
    }
    cipher.encrypt_append(plaintext, EMPTY_AAD, &mut out)?;
    Ok(out)
}

/// A string field's encrypted form, `to_base64(seal(..))`, without the intermediate
/// copies: the ciphertext is built in one buffer of the right size and encoded once.
pub fn seal_to_base64(
    cipher: &DataCipher,
    version: Option<i32>,
    plaintext: &[u8],
) -> Result<String, EncryptionError> {
    let prefix = if version.is_some() {
        VERSION_PREFIX_LEN
    } else {
        0
    };
    let len = prefix + cipher.sealed_len(plaintext.len());
    if len > STACK_SEAL_LEN {
        return Ok(to_base64(&seal(cipher, version, plaintext)?));
    }
    // Most string fields are short: their ciphertext is built on the stack.
    let mut buffer = [0u8; STACK_SEAL_LEN];
    if let Some(version) = version {
        buffer[1..VERSION_PREFIX_LEN].copy_from_slice(&version.to_be_bytes());
    }
    cipher.encrypt_into(plaintext, EMPTY_AAD, &mut buffer[prefix..len])?;
    Ok(to_base64(&buffer[..len]))
}

/// The DEK version and the ciphertext after it, from a prefixed ciphertext. Like
/// Confluent's `_extract_version`, the first byte is not checked.
pub fn split_version(prefixed: &[u8]) -> Result<(i32, &[u8]), EncryptionError> {
    match prefixed {
        [_, a, b, c, d, rest @ ..] => {
            let version = i32::try_from(u32::from_be_bytes([*a, *b, *c, *d]))
                .map_err(|_| EncryptionError::MissingVersion)?;
            Ok((version, rest))
        }
        _ => Err(EncryptionError::MissingVersion),
    }
}

/// The plaintext of `ciphertext` (without its version prefix).
pub fn open(cipher: &DataCipher, ciphertext: &[u8]) -> Result<Vec<u8>, EncryptionError> {
    cipher.decrypt(ciphertext, EMPTY_AAD)
}

/// The plaintext of `sealed[skip..]` (what follows a version prefix of `skip` bytes),
/// decrypted where it lies: `sealed` becomes the plaintext, no other buffer is made.
pub fn open_owned(
    cipher: &DataCipher,
    mut sealed: Vec<u8>,
    skip: usize,
) -> Result<Vec<u8>, EncryptionError> {
    cipher.decrypt_in_place(&mut sealed, skip, EMPTY_AAD)?;
    Ok(sealed)
}

/// A string field's encrypted form: base64 of the ciphertext.
pub fn to_base64(ciphertext: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(ciphertext)
}

/// The ciphertext of a string field's encrypted form.
pub fn from_base64(text: &str) -> Result<Vec<u8>, EncryptionError> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|_| EncryptionError::InvalidBase64)
}

/// A decrypted string field.
pub fn to_string(plaintext: Vec<u8>) -> Result<String, EncryptionError> {
    String::from_utf8(plaintext).map_err(|_| EncryptionError::InvalidUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::DekAlgorithm;
    use crate::rules::encryption::tink_keys;

    #[test]
    fn prefixes_and_splits_the_version() {
        let cipher = DataCipher::from_tink_key(
            DekAlgorithm::Aes256Siv,
            &tink_keys::generate(DekAlgorithm::Aes256Siv),
        )
        .unwrap();
        let plain = seal(&cipher, None, b"x").unwrap();
        let prefixed = seal(&cipher, Some(258), b"x").unwrap();
        assert_eq!(prefixed[..5], [0, 0, 0, 1, 2]);
        assert_eq!(prefixed[5..], plain[..]);
        let (version, rest) = split_version(&prefixed).unwrap();
        assert_eq!(
            (version, open(&cipher, rest).unwrap()),
            (258, b"x".to_vec())
        );
        assert!(matches!(
            split_version(&[0, 0, 0, 1]),
            Err(EncryptionError::MissingVersion)
        ));
        assert!(matches!(
            split_version(&[0, 0x80, 0, 0, 0, 1]),
            Err(EncryptionError::MissingVersion)
        ));
    }

    #[test]
    fn seal_to_base64_is_the_base64_of_seal() {
        // AES-SIV is deterministic: both paths (stack and heap buffers, with and without a
        // version prefix) give the same bytes as `seal`.
        let cipher = DataCipher::from_tink_key(
            DekAlgorithm::Aes256Siv,
            &tink_keys::generate(DekAlgorithm::Aes256Siv),
        )
        .unwrap();
        let long = vec![b'x'; 300];
        for plaintext in [&b""[..], b"123-45-6789", &long[..235], &long[..236], &long] {
            for version in [None, Some(258)] {
                let sealed = seal(&cipher, version, plaintext).unwrap();
                assert_eq!(
                    seal_to_base64(&cipher, version, plaintext).unwrap(),
                    to_base64(&sealed)
                );
            }
        }
        let gcm = DataCipher::from_tink_key(
            DekAlgorithm::Aes256Gcm,
            &tink_keys::generate(DekAlgorithm::Aes256Gcm),
        )
        .unwrap();
        let sealed = from_base64(&seal_to_base64(&gcm, Some(7), b"123-45-6789").unwrap()).unwrap();
        assert_eq!(sealed[..5], [0, 0, 0, 0, 7]);
        assert_eq!(open(&gcm, &sealed[5..]).unwrap(), b"123-45-6789");
    }

    #[test]
    fn strings_are_padded_standard_base64() {
        assert_eq!(to_base64(&[0xfb, 0xff]), "+/8=");
        assert_eq!(from_base64("+/8=").unwrap(), [0xfb, 0xff]);
        assert!(matches!(
            from_base64("+/8"),
            Err(EncryptionError::InvalidBase64)
        ));
        assert!(matches!(
            to_string(vec![0xff]),
            Err(EncryptionError::InvalidUtf8)
        ));
    }
}
