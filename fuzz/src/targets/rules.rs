//! Target `rule_inputs`: what data-contract rules read from a registry or the wire —
//! JSONata migration expressions with a JSON input, DEK key material, and encrypted field
//! values — must give typed errors on any input, never a panic or an unbounded run.

use streamhouse_schema::registry::DekAlgorithm;
use streamhouse_schema::rules::encryption::{field, DataCipher};
use streamhouse_schema::rules::jsonata::JsonataExpr;

use super::split::parts;

/// A fixed AES256-SIV DEK (serialized Tink key material), made once from the same bytes.
fn siv_cipher() -> DataCipher {
    // Tink `AesSivKey { version: 0, key_value: 64 bytes }`.
    let mut material = vec![0x12, 0x40];
    material.extend((0u8..64).map(|i| i.wrapping_mul(37)));
    DataCipher::from_tink_key(DekAlgorithm::Aes256Siv, &material)
        .expect("the fixed SIV key material is valid")
}

/// The first byte picks the input kind; the rest is cut into its parts.
pub fn inputs(data: &[u8]) {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    match kind % 3 {
        0 => jsonata(rest),
        1 => key_material(rest),
        _ => ciphertext(rest),
    }
}

/// A JSONata expression, then a JSON input: compiled and evaluated, errors expected.
///
/// `JsonataExpr` runs jsonata-rs behind a panic guard (`JsonataError::Panicked`): its
/// evaluator still has `panic!`s on shapes it does not expect. libFuzzer's panic hook
/// aborts even on a caught panic, so this branch installs a hook that only prints; a panic
/// the guard does not catch still reaches libFuzzer's own `catch_unwind`, which aborts.
fn jsonata(data: &[u8]) {
    static QUIET_HOOK: std::sync::Once = std::sync::Once::new();
    QUIET_HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| eprintln!("caught or not: {info}")));
    });
    let [expr, input] = parts(data, 2)[..] else {
        return;
    };
    let Ok(expr) = std::str::from_utf8(expr) else {
        return;
    };
    let Ok(expr) = JsonataExpr::compile(expr) else {
        return;
    };
    let input = serde_json::from_slice(input).unwrap_or(serde_json::Value::Null);
    let _ = expr.evaluate(&input);
}

/// DEK key material of each algorithm: parsed; a key that parses encrypts and decrypts.
fn key_material(data: &[u8]) {
    for algorithm in [
        DekAlgorithm::Aes128Gcm,
        DekAlgorithm::Aes256Gcm,
        DekAlgorithm::Aes256Siv,
    ] {
        let Ok(cipher) = DataCipher::from_tink_key(algorithm, data) else {
            continue;
        };
        let sealed = field::seal(&cipher, Some(1), b"fuzz").expect("a parsed key encrypts");
        let (version, ciphertext) = field::split_version(&sealed).expect("sealed with a version");
        assert_eq!(version, 1);
        assert_eq!(
            field::open(&cipher, ciphertext).ok().as_deref(),
            Some(&b"fuzz"[..])
        );
    }
}

/// An encrypted string field (base64, version-prefixed): opening it with a key it was not
/// sealed with fails; what does open re-seals to the same bytes (SIV is deterministic).
fn ciphertext(data: &[u8]) {
    let cipher = siv_cipher();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(bytes) = field::from_base64(text) else {
        return;
    };
    let Ok((version, ciphertext)) = field::split_version(&bytes) else {
        return;
    };
    if let Ok(plaintext) = field::open(&cipher, ciphertext) {
        let again = field::seal(&cipher, Some(version), &plaintext).expect("re-seal");
        assert_eq!(
            again.get(1..),
            bytes.get(1..),
            "SIV re-seals to the same bytes"
        );
    }
}
