//! Doubles are written as Confluent's Python `JSONSerializer` writes them (`json.dumps`,
//! i.e. `float.__repr__`): the same shortest digits as before, in Python's notation
//! (`1e+16`, `1e-05`), and each reads back to the same bits.

use streamhouse_schema::{JsonDecode, JsonEncode};

/// `f64` values and Python's text for them, literally.
const TABLE: &[(f64, &str)] = &[
    (0.1, "0.1"),
    (1e16, "1e+16"),
    (1e-5, "1e-05"),
    (1.5e300, "1.5e+300"),
    (-0.0, "-0.0"),
    (0.0, "0.0"),
    (5e-324, "5e-324"),
    (123456789012345680.0, "1.2345678901234568e+17"),
    (1e15, "1000000000000000.0"),
    (1234567890123456.0, "1234567890123456.0"),
    (0.0001, "0.0001"),
    (0.00001234, "1.234e-05"),
    (9.999999999999999e-5, "9.999999999999999e-05"),
    (1e22, "1e+22"),
    (-1.7976931348623157e308, "-1.7976931348623157e+308"),
    (2.2250738585072014e-308, "2.2250738585072014e-308"),
    (100.0, "100.0"),
    (1.0 / 3.0, "0.3333333333333333"),
    (1e7, "10000000.0"),
    (1.5e-7, "1.5e-07"),
    (0.30000000000000004, "0.30000000000000004"),
];

fn encode(v: f64) -> String {
    String::from_utf8(v.to_json_vec().unwrap()).unwrap()
}

#[test]
fn the_table_is_written_as_python_writes_it_and_reads_back_exactly() {
    for &(v, python) in TABLE {
        assert_eq!(encode(v), python, "{v:e}");
        assert_eq!(
            f64::decode_json(python.as_bytes()).map(f64::to_bits),
            Ok(v.to_bits()),
            "{python}"
        );
    }
}

/// 500 doubles (edge cases, random bit patterns, rounded decimals) with the text
/// Python 3 wrote for each (`fixtures/json/python_float_repr.txt`, made with `json.dumps`).
#[test]
fn five_hundred_doubles_match_python_byte_for_byte() {
    let text = include_str!("fixtures/json/python_float_repr.txt");
    let mut n = 0;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (bits, python) = line.split_once(' ').unwrap();
        let v = f64::from_bits(u64::from_str_radix(bits, 16).unwrap());
        assert_eq!(encode(v), python, "bits {bits}");
        assert_eq!(
            f64::decode_json(python.as_bytes()).map(f64::to_bits),
            Ok(v.to_bits()),
            "{python}"
        );
        n += 1;
    }
    assert_eq!(n, 500);
}

/// `f32` keeps its own shortest digits (they read back as the same `f32`), in the same
/// notation.
#[test]
fn f32_uses_its_own_digits_in_python_notation() {
    for (v, text) in [
        (0.1f32, "0.1"),
        (1e16f32, "1e+16"),
        (1e-5f32, "1e-05"),
        (3.4028235e38f32, "3.4028235e+38"),
        (-0.0f32, "-0.0"),
        (1e-45f32, "1e-45"),
    ] {
        assert_eq!(String::from_utf8(v.to_json_vec().unwrap()).unwrap(), text);
        assert_eq!(
            f32::decode_json(text.as_bytes()).map(f32::to_bits),
            Ok(v.to_bits())
        );
    }
}
