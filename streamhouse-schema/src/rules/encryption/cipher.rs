//! The data ciphers of DEKs, with Tink's RAW ciphertext layouts (no Tink output prefix).
//!
//! - AES-GCM (tink `AesGcmBoringSsl`): a random 12-byte IV, the ciphertext, the 16-byte tag.
//! - AES-SIV (tink `AesSivBoringSsl`, RFC 5297, deterministic): the 16-byte synthetic IV,
//!   then the ciphertext; S2V runs over exactly one header, the associated data (empty for
//!   Confluent's `Cryptor.EMPTY_AAD`), then the plaintext.

use std::sync::Mutex;

use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::{Aes128Gcm, Aes256Gcm, Nonce};
use aes_siv::siv::Aes256Siv;
use rand::RngCore;

use super::error::EncryptionError;
use super::tink_keys;
use crate::registry::DekAlgorithm;

/// Length of Tink's AES-GCM IV.
const GCM_IV_LEN: usize = 12;
/// Length of the AES-GCM tag.
const GCM_TAG_LEN: usize = 16;
/// Length of AES-SIV's synthetic IV, in front of the ciphertext.
const SIV_TAG_LEN: usize = 16;

/// An unwrapped DEK, ready to encrypt and decrypt field values.
pub struct DataCipher {
    algorithm: DekAlgorithm,
    cipher: Cipher,
}

enum Cipher {
    Gcm128(Box<Aes128Gcm>),
    Gcm256(Box<Aes256Gcm>),
    // `Siv::encrypt` takes `&mut self` (its CMAC state, reset after each use): one
    // instance behind a lock, so the two AES-256 key schedules are made once per DEK.
    Siv(Box<Mutex<Aes256Siv>>),
}

impl std::fmt::Debug for DataCipher {
    /// The algorithm only: never the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataCipher")
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

impl DataCipher {
    /// The cipher of a DEK given as serialized Tink key material of `algorithm` (the
    /// unwrapped `encryptedKeyMaterial`, or a registry's `keyMaterial`).
    pub fn from_tink_key(
        algorithm: DekAlgorithm,
        material: &[u8],
    ) -> Result<Self, EncryptionError> {
        let key = tink_keys::parse(algorithm, material)?;
        let invalid = || EncryptionError::InvalidKeyMaterial("bad key length".into());
        let cipher = match (algorithm, key.len()) {
            (DekAlgorithm::Aes256Siv, _) => Cipher::Siv(Box::new(Mutex::new(
                <Aes256Siv as aes_siv::KeyInit>::new_from_slice(&key).map_err(|_| invalid())?,
            ))),

            (_, 16) => Cipher::Gcm128(Box::new(
                Aes128Gcm::new_from_slice(&key).map_err(|_| invalid())?,
            )),
            (_, _) => Cipher::Gcm256(Box::new(
                Aes256Gcm::new_from_slice(&key).map_err(|_| invalid())?,
            )),
        };
        Ok(DataCipher { algorithm, cipher })
    }

    /// A fresh random DEK of `algorithm` as serialized Tink key material: what
    /// Confluent's `Cryptor.generate_key` returns, to be wrapped by a KEK.
    pub fn generate_key(algorithm: DekAlgorithm) -> Vec<u8> {
        tink_keys::generate(algorithm)
    }

    /// The algorithm the DEK is for.
    pub fn algorithm(&self) -> DekAlgorithm {
        self.algorithm
    }

    /// Encrypts `plaintext` with `associated_data` (Confluent's executor passes none).
    /// AES-GCM output differs on every call (random IV); AES-SIV output is the same for the
    /// same key, plaintext and associated data.
    pub fn encrypt(
        &self,
        plaintext: &[u8],
        associated_data: &[u8],
    ) -> Result<Vec<u8>, EncryptionError> {
        let mut out = Vec::with_capacity(self.sealed_len(plaintext.len()));
        self.encrypt_append(plaintext, associated_data, &mut out)?;
        Ok(out)
    }

    /// The length of [`DataCipher::encrypt`]'s output for a plaintext of `plaintext_len`
    /// bytes.
    pub fn sealed_len(&self, plaintext_len: usize) -> usize {
        let overhead = match self.cipher {
            Cipher::Gcm128(_) | Cipher::Gcm256(_) => GCM_IV_LEN + GCM_TAG_LEN,
            Cipher::Siv(_) => SIV_TAG_LEN,
        };
        plaintext_len + overhead
    }

    /// Appends what [`DataCipher::encrypt`] returns to `out`, encrypting in place there:
    /// a caller building a larger value (a version prefix before the ciphertext) needs no
    /// second buffer. On error `out` is left as it was.
    pub fn encrypt_append(
        &self,
        plaintext: &[u8],
        associated_data: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), EncryptionError> {
        let start = out.len();
        out.resize(start + self.sealed_len(plaintext.len()), 0);
        let result = self.encrypt_into(plaintext, associated_data, &mut out[start..]);
        if result.is_err() {
            out.truncate(start);
        }
        result
    }

    /// Writes what [`DataCipher::encrypt`] returns into `out`, which must be exactly
    /// [`DataCipher::sealed_len`] bytes long (else [`EncryptionError::Encryption`]): the
    /// plaintext is copied in and encrypted where it lies, so a small value can be sealed
    /// in a buffer on the stack.
    pub fn encrypt_into(
        &self,
        plaintext: &[u8],
        associated_data: &[u8],
        out: &mut [u8],
    ) -> Result<(), EncryptionError> {
        if out.len() != self.sealed_len(plaintext.len()) {
            return Err(EncryptionError::Encryption);
        }
        match &self.cipher {
            Cipher::Gcm128(cipher) => {
                gcm_encrypt_into(cipher.as_ref(), plaintext, associated_data, out)
            }
            Cipher::Gcm256(cipher) => {
                gcm_encrypt_into(cipher.as_ref(), plaintext, associated_data, out)
            }
            Cipher::Siv(siv) => {
                // The synthetic IV comes first, the ciphertext after it.
                let (iv, body) = out.split_at_mut(SIV_TAG_LEN);
                body.copy_from_slice(plaintext);
                let tag = siv
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .encrypt_in_place_detached([associated_data], body)
                    .map_err(|_| EncryptionError::Encryption)?;
                iv.copy_from_slice(&tag);
                Ok(())
            }
        }
    }

    /// Decrypts what [`DataCipher::encrypt`] (or Tink with the same key) wrote;
    /// [`EncryptionError::Decryption`] for anything that does not authenticate.
    pub fn decrypt(
        &self,
        ciphertext: &[u8],
        associated_data: &[u8],
    ) -> Result<Vec<u8>, EncryptionError> {
        let mut buffer = ciphertext.to_vec();
        self.decrypt_in_place(&mut buffer, 0, associated_data)?;
        Ok(buffer)
    }

    /// Decrypts `buffer[from..]` (what [`DataCipher::encrypt`] wrote) where it lies:
    /// afterwards `buffer` holds the plaintext alone (the bytes before `from`, the IV and
    /// the tag are removed), so a caller that already owns the ciphertext allocates
    /// nothing more. [`EncryptionError::Decryption`] for anything that does not
    /// authenticate, and `buffer` is then unspecified.
    pub fn decrypt_in_place(
        &self,
        buffer: &mut Vec<u8>,
        from: usize,
        associated_data: &[u8],
    ) -> Result<(), EncryptionError> {
        match &self.cipher {
            Cipher::Gcm128(cipher) => {
                gcm_open_in_place(cipher.as_ref(), buffer, from, associated_data)
            }
            Cipher::Gcm256(cipher) => {
                gcm_open_in_place(cipher.as_ref(), buffer, from, associated_data)
            }
            Cipher::Siv(siv) => {
                let sealed = buffer.get_mut(from..).unwrap_or_default();
                if sealed.len() < SIV_TAG_LEN {
                    return Err(EncryptionError::Decryption);
                }
                let (tag, body) = sealed.split_at_mut(SIV_TAG_LEN);
                let tag = aes_siv::Tag::clone_from_slice(tag);
                siv.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .decrypt_in_place_detached([associated_data], body, &tag)
                    .map_err(|_| EncryptionError::Decryption)?;
                buffer.drain(..from + SIV_TAG_LEN);
                Ok(())
            }
        }
    }
}

/// IV ‖ ciphertext ‖ tag, with a fresh random IV (tink `AesGcmBoringSsl::Encrypt`).
pub(crate) fn gcm_encrypt<C>(
    cipher: &C,
    plaintext: &[u8],
    aad: &[u8],
) -> Result<Vec<u8>, EncryptionError>
where
    C: AeadInPlace + aes_gcm::aead::AeadCore<NonceSize = aes_gcm::aead::consts::U12>,
{
    let mut out = vec![0; GCM_IV_LEN + plaintext.len() + GCM_TAG_LEN];
    gcm_encrypt_into(cipher, plaintext, aad, &mut out)?;
    Ok(out)
}

/// The inverse of [`gcm_encrypt`]; shorter than IV + tag is an error, as in Tink.
pub(crate) fn gcm_decrypt<C>(
    cipher: &C,
    ciphertext: &[u8],
    aad: &[u8],
) -> Result<Vec<u8>, EncryptionError>
where
    C: AeadInPlace + aes_gcm::aead::AeadCore<NonceSize = aes_gcm::aead::consts::U12>,
{
    let mut buffer = ciphertext.to_vec();
    gcm_open_in_place(cipher, &mut buffer, 0, aad)?;
    Ok(buffer)
}

/// Writes IV ‖ ciphertext ‖ tag into `out` (exactly that long), with a fresh random IV
/// from the thread's CSPRNG, seeded from the OS (tink `AesGcmBoringSsl::Encrypt`),
/// encrypting in place there.
fn gcm_encrypt_into<C>(
    cipher: &C,
    plaintext: &[u8],
    aad: &[u8],
    out: &mut [u8],
) -> Result<(), EncryptionError>
where
    C: AeadInPlace + aes_gcm::aead::AeadCore<NonceSize = aes_gcm::aead::consts::U12>,
{
    let (iv, rest) = out.split_at_mut(GCM_IV_LEN);
    let (body, tag) = rest.split_at_mut(plaintext.len());
    rand::rng().fill_bytes(iv);
    body.copy_from_slice(plaintext);
    let computed = cipher
        .encrypt_in_place_detached(Nonce::from_slice(iv), aad, body)
        .map_err(|_| EncryptionError::Encryption)?;
    tag.copy_from_slice(&computed);
    Ok(())
}

/// Decrypts the IV ‖ ciphertext ‖ tag in `buffer[from..]` where it lies, then leaves
/// only the plaintext in `buffer`; shorter than IV + tag is an error, as in Tink.
fn gcm_open_in_place<C>(
    cipher: &C,
    buffer: &mut Vec<u8>,
    from: usize,
    aad: &[u8],
) -> Result<(), EncryptionError>
where
    C: AeadInPlace + aes_gcm::aead::AeadCore<NonceSize = aes_gcm::aead::consts::U12>,
{
    let sealed = buffer.get_mut(from..).unwrap_or_default();
    if sealed.len() < GCM_IV_LEN + GCM_TAG_LEN {
        return Err(EncryptionError::Decryption);
    }
    let (iv, rest) = sealed.split_at_mut(GCM_IV_LEN);
    let (body, tag) = rest.split_at_mut(rest.len() - GCM_TAG_LEN);
    cipher
        .decrypt_in_place_detached(
            Nonce::from_slice(iv),
            aad,
            body,
            aes_gcm::Tag::from_slice(tag),
        )
        .map_err(|_| EncryptionError::Decryption)?;
    buffer.truncate(buffer.len() - GCM_TAG_LEN);
    buffer.drain(..from + GCM_IV_LEN);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cipher(algorithm: DekAlgorithm) -> DataCipher {
        DataCipher::from_tink_key(algorithm, &tink_keys::generate(algorithm)).unwrap()
    }

    #[test]
    fn gcm_round_trips_with_tinks_layout() {
        for algorithm in [DekAlgorithm::Aes128Gcm, DekAlgorithm::Aes256Gcm] {
            let c = cipher(algorithm);
            let ct = c.encrypt(b"hello", b"").unwrap();
            assert_eq!(ct.len(), 12 + 5 + 16);
            assert_ne!(c.encrypt(b"hello", b"").unwrap(), ct, "random IV");
            assert_eq!(c.decrypt(&ct, b"").unwrap(), b"hello");
            assert!(matches!(
                c.decrypt(&ct, b"x"),
                Err(EncryptionError::Decryption)
            ));
            assert!(matches!(
                c.decrypt(&ct[..27], b""),
                Err(EncryptionError::Decryption)
            ));
        }
    }

    #[test]
    fn gcm_agrees_with_the_portable_aes_gcm_crate() {
        // The DEK cipher's in-place encryption and aes-gcm's one-shot API read each other's
        // IV ‖ ciphertext ‖ tag, with and without associated data, for both key sizes.
        use aes_gcm::aead::{Aead, KeyInit, Payload};
        for algorithm in [DekAlgorithm::Aes128Gcm, DekAlgorithm::Aes256Gcm] {
            let material = tink_keys::generate(algorithm);
            let key = tink_keys::parse(algorithm, &material).unwrap();
            let ours = DataCipher::from_tink_key(algorithm, &material).unwrap();
            let plaintext = b"4111-1111-1111-1111, a longer value than one AES block";
            for aad in [&b""[..], b"ctx"] {
                let sealed = ours.encrypt(plaintext, aad).unwrap();
                let (iv, body) = sealed.split_at(12);
                let theirs_open = |body: &[u8]| match key.len() {
                    16 => aes_gcm::Aes128Gcm::new_from_slice(&key)
                        .unwrap()
                        .decrypt(Nonce::from_slice(iv), Payload { msg: body, aad }),
                    _ => aes_gcm::Aes256Gcm::new_from_slice(&key)
                        .unwrap()
                        .decrypt(Nonce::from_slice(iv), Payload { msg: body, aad }),
                };
                assert_eq!(theirs_open(body).unwrap(), plaintext);
                let theirs = match key.len() {
                    16 => aes_gcm::Aes128Gcm::new_from_slice(&key).unwrap().encrypt(
                        Nonce::from_slice(iv),
                        Payload {
                            msg: plaintext,
                            aad,
                        },
                    ),
                    _ => aes_gcm::Aes256Gcm::new_from_slice(&key).unwrap().encrypt(
                        Nonce::from_slice(iv),
                        Payload {
                            msg: plaintext,
                            aad,
                        },
                    ),
                }
                .unwrap();
                assert_eq!(theirs, body, "same IV, same bytes");
                let mut theirs_sealed = iv.to_vec();
                theirs_sealed.extend_from_slice(&theirs);
                assert_eq!(ours.decrypt(&theirs_sealed, aad).unwrap(), plaintext);
            }
        }
    }

    #[test]
    fn decrypts_in_place_after_a_prefix() {
        for algorithm in [
            DekAlgorithm::Aes128Gcm,
            DekAlgorithm::Aes256Gcm,
            DekAlgorithm::Aes256Siv,
        ] {
            let c = cipher(algorithm);
            let mut buffer = vec![0, 0, 0, 0, 7];
            c.encrypt_append(b"hello", b"", &mut buffer).unwrap();
            assert_eq!(buffer.len(), 5 + c.sealed_len(5));
            assert_eq!(buffer[..5], [0, 0, 0, 0, 7]);
            let sealed = buffer.clone();
            c.decrypt_in_place(&mut buffer, 5, b"").unwrap();
            assert_eq!(buffer, b"hello");
            let mut tampered = sealed.clone();
            *tampered.last_mut().unwrap() ^= 1;
            assert!(matches!(
                c.decrypt_in_place(&mut tampered, 5, b""),
                Err(EncryptionError::Decryption)
            ));
            let mut short = sealed[..5 + 15].to_vec();
            assert!(matches!(
                c.decrypt_in_place(&mut short, 5, b""),
                Err(EncryptionError::Decryption)
            ));
            let mut past_the_end = sealed.clone();
            assert!(matches!(
                c.decrypt_in_place(&mut past_the_end, sealed.len() + 1, b""),
                Err(EncryptionError::Decryption)
            ));
        }
    }

    #[test]
    fn siv_is_deterministic_and_authenticated() {
        let c = cipher(DekAlgorithm::Aes256Siv);
        let ct = c.encrypt(b"hello", b"").unwrap();
        assert_eq!(ct.len(), 16 + 5);
        assert_eq!(c.encrypt(b"hello", b"").unwrap(), ct);
        assert_eq!(c.decrypt(&ct, b"").unwrap(), b"hello");
        assert_eq!(c.decrypt(&c.encrypt(b"", b"").unwrap(), b"").unwrap(), b"");
        let mut tampered = ct.clone();
        tampered[18] ^= 1;
        assert!(matches!(
            c.decrypt(&tampered, b""),
            Err(EncryptionError::Decryption)
        ));
        assert!(matches!(
            c.decrypt(&ct[..10], b""),
            Err(EncryptionError::Decryption)
        ));
    }

    #[test]
    fn siv_matches_rfc5297_a1() {
        // RFC 5297 appendix A.1 (AES-SIV-CMAC-256, one header): tink's S2V with one
        // associated data block is this construction. The 256-bit variant is checked
        // against Tink itself in the Python interop test.
        use aes_siv::siv::Aes128Siv;
        let key = hex::decode("fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")
            .unwrap();
        let ad = hex::decode("101112131415161718191a1b1c1d1e1f2021222324252627").unwrap();
        let pt = hex::decode("112233445566778899aabbccddee").unwrap();
        let mut siv = <Aes128Siv as aes_siv::KeyInit>::new_from_slice(&key).unwrap();
        assert_eq!(
            hex::encode(siv.encrypt([&ad], &pt).unwrap()),
            "85632d07c6e8f37f950acd320a2ecc9340c02b9690c4dc04daef7f6afe5c"
        );
    }
}
