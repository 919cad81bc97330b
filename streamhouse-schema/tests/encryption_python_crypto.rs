//! Byte-level interop of field encryption with Confluent's Python client:
//! `tests/python/encryption_peer_crypto.py` drives its `Cryptor` and `LocalKmsClient`
//! (tink underneath). For AES128_GCM, AES256_GCM and AES256_SIV: Python unwraps the DEKs
//! our local KMS wrapped and decrypts our ciphertexts; we unwrap Python's DEKs and decrypt
//! its ciphertexts; deterministic AES-SIV gives the same bytes on both sides for the same
//! key and plaintext. A wrong secret, a changed ciphertext or wrapped key fail with typed
//! errors on our side (and the wrong secret on Python's). Needs `scripts/setup-python.sh`.
#![cfg(feature = "encryption")]

mod python_peer;

use std::collections::BTreeMap;

use base64::Engine as _;
use python_peer::answer;
use serde_json::{json, Value};
use streamhouse_schema::registry::DekAlgorithm;
use streamhouse_schema::rules::encryption::{
    DataCipher, EncryptionError, KmsAead, KmsError, LocalKmsAead,
};

const SECRET: &str = "interop-secret";
const ALGORITHMS: [DekAlgorithm; 3] = [
    DekAlgorithm::Aes128Gcm,
    DekAlgorithm::Aes256Gcm,
    DekAlgorithm::Aes256Siv,
];

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn unb64(value: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(value.as_str().expect("a base64 string"))
        .expect("base64")
}

fn plaintexts() -> Vec<Vec<u8>> {
    vec![
        b"4111-1111-1111-1111".to_vec(),
        Vec::new(),
        "Zoë 🌍".as_bytes().to_vec(),
        (0..1000u32).map(|i| (i % 251) as u8).collect(),
    ]
}

fn run_peer(request: &Value) -> Value {
    answer("encryption_peer_crypto.py", &[], request)
}

/// Our DEKs (raw Tink key material), wrapped keys and ciphertexts per algorithm.
struct Ours {
    keys: BTreeMap<&'static str, Vec<u8>>,
    ciphertexts: BTreeMap<&'static str, Vec<Vec<u8>>>,
}

#[tokio::test]
async fn rust_and_confluent_python_decrypt_each_others_fields() {
    let kms = LocalKmsAead::new(SECRET);
    let plaintexts = plaintexts();
    let mut ours = Ours {
        keys: BTreeMap::new(),
        ciphertexts: BTreeMap::new(),
    };
    let mut rust = serde_json::Map::new();
    for algorithm in ALGORITHMS {
        let key = DataCipher::generate_key(algorithm);
        let cipher = DataCipher::from_tink_key(algorithm, &key).unwrap();
        let wrapped = kms.encrypt(&key, b"").await.unwrap();
        let sealed: Vec<Vec<u8>> = plaintexts
            .iter()
            .map(|p| cipher.encrypt(p, b"").unwrap())
            .collect();
        rust.insert(
            algorithm.as_str().into(),
            json!({
                "wrapped": b64(&wrapped),
                "ciphertexts": sealed.iter().map(|c| b64(c)).collect::<Vec<_>>(),
            }),
        );
        ours.keys.insert(algorithm.as_str(), key);
        ours.ciphertexts.insert(algorithm.as_str(), sealed);
    }
    let answer = run_peer(&json!({
        "secret": SECRET,
        "plaintexts": plaintexts.iter().map(|p| b64(p)).collect::<Vec<_>>(),
        "rust": Value::Object(rust),
    }));

    let wrong_kms = LocalKmsAead::new("not-the-secret");
    for algorithm in ALGORITHMS {
        let name = algorithm.as_str();
        let theirs = &answer[name];
        // Python unwrapped our DEK to the same Tink key bytes and decrypted our fields.
        assert_eq!(unb64(&theirs["our_key"]), ours.keys[name], "{name}");
        let their_plain: Vec<Vec<u8>> = theirs["our_plaintexts"]
            .as_array()
            .unwrap()
            .iter()
            .map(unb64)
            .collect();
        assert_eq!(their_plain, plaintexts, "{name}: Python decrypting ours");
        assert_eq!(theirs["wrong_secret"], "TinkError", "{name}");

        // We unwrap Python's DEK and decrypt its fields.
        let their_key = unb64(&theirs["key"]);
        let wrapped = unb64(&theirs["wrapped"]);
        assert_eq!(
            kms.decrypt(&wrapped, b"").await.unwrap(),
            their_key,
            "{name}"
        );
        assert_eq!(
            wrong_kms.decrypt(&wrapped, b"").await,
            Err(KmsError::Authentication),
            "{name}: wrong secret"
        );
        let mut changed = wrapped.clone();
        changed[20] ^= 0x01;
        assert_eq!(
            kms.decrypt(&changed, b"").await,
            Err(KmsError::Authentication)
        );
        let cipher = DataCipher::from_tink_key(algorithm, &their_key).unwrap();
        let their_sealed: Vec<Vec<u8>> = theirs["ciphertexts"]
            .as_array()
            .unwrap()
            .iter()
            .map(unb64)
            .collect();
        for (sealed, plain) in their_sealed.iter().zip(&plaintexts) {
            assert_eq!(&cipher.decrypt(sealed, b"").unwrap(), plain, "{name}");
            for at in [0, sealed.len() / 2, sealed.len() - 1] {
                let mut tampered = sealed.clone();
                tampered[at] ^= 0x80;
                assert!(
                    matches!(
                        cipher.decrypt(&tampered, b""),
                        Err(EncryptionError::Decryption)
                    ),
                    "{name}: byte {at} changed"
                );
            }
            assert!(matches!(
                cipher.decrypt(&sealed[..sealed.len() - 1], b""),
                Err(EncryptionError::Decryption)
            ));
        }
        let reencrypted: Vec<Vec<u8>> = theirs["reencrypted"]
            .as_array()
            .unwrap()
            .iter()
            .map(unb64)
            .collect();
        let our_cipher = DataCipher::from_tink_key(algorithm, &ours.keys[name]).unwrap();
        match algorithm {
            DekAlgorithm::Aes256Siv => {
                // Deterministic: the same key and plaintext give the same bytes everywhere.
                assert_eq!(
                    reencrypted, ours.ciphertexts[name],
                    "SIV: Python vs Rust, our key"
                );
                let ours_with_theirs: Vec<Vec<u8>> = plaintexts
                    .iter()
                    .map(|p| cipher.encrypt(p, b"").unwrap())
                    .collect();
                assert_eq!(
                    ours_with_theirs, their_sealed,
                    "SIV: Rust vs Python, their key"
                );
                assert_eq!(their_sealed[0].len(), 16 + plaintexts[0].len());
            }
            _ => {
                // Random IVs: Python's layout is IV(12) ‖ ciphertext ‖ tag(16), which we open.
                for (sealed, plain) in reencrypted.iter().zip(&plaintexts) {
                    assert_eq!(sealed.len(), 12 + plain.len() + 16);
                    assert_eq!(&our_cipher.decrypt(sealed, b"").unwrap(), plain);
                }
                assert_ne!(reencrypted[0], ours.ciphertexts[name][0]);
            }
        }
        // A key of one algorithm is refused for another's Tink format.
        if algorithm == DekAlgorithm::Aes256Siv {
            assert!(matches!(
                DataCipher::from_tink_key(DekAlgorithm::Aes256Gcm, &their_key),
                Err(EncryptionError::InvalidKeyMaterial(_))
            ));
        }
    }
    // Python's AES-GCM DEKs are Tink AesGcmKey protos: tag 0x1a, then the key's length.
    let gcm = unb64(&answer["AES256_GCM"]["key"]);
    assert_eq!((gcm.len(), gcm[0], gcm[1]), (34, 0x1a, 32));
    let gcm128 = unb64(&answer["AES128_GCM"]["key"]);
    assert_eq!((gcm128.len(), gcm128[0], gcm128[1]), (18, 0x1a, 16));
    let siv = unb64(&answer["AES256_SIV"]["key"]);
    assert_eq!((siv.len(), siv[0], siv[1]), (66, 0x12, 64));
}
