//! A small CBOR encoder (RFC 8949) for hand-written AWS Health answers, which the SDK
//! reads in the Smithy RPC v2 CBOR protocol. A JSON value maps to CBOR one to one,
//! except `{"$epoch": SECONDS}`, a timestamp (tag 1, as Smithy writes them).

use serde_json::Value;

/// The CBOR encoding of `value`.
pub fn encode(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write(&mut out, value);
    out
}

/// A major type and its argument, in the shortest form.
fn head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    match n {
        0..=23 => out.push(m | n as u8),
        24..=0xff => out.extend([m | 24, n as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend((n as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend((n as u32).to_be_bytes());
        }
        _ => {
            out.push(m | 27);
            out.extend(n.to_be_bytes());
        }
    }
}

fn number(out: &mut Vec<u8>, n: &serde_json::Number) {
    if let Some(u) = n.as_u64() {
        head(out, 0, u);
    } else if let Some(i) = n.as_i64() {
        head(out, 1, (-1 - i) as u64);
    } else {
        out.push(0xfb);
        out.extend(n.as_f64().unwrap_or(0.0).to_be_bytes());
    }
}

fn write(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null => out.push(0xf6),
        Value::Bool(false) => out.push(0xf4),
        Value::Bool(true) => out.push(0xf5),
        Value::Number(n) => number(out, n),
        Value::String(s) => {
            head(out, 3, s.len() as u64);
            out.extend(s.as_bytes());
        }
        Value::Array(items) => {
            head(out, 4, items.len() as u64);
            for i in items {
                write(out, i);
            }
        }
        Value::Object(map) => {
            if let (1, Some(Value::Number(secs))) = (map.len(), map.get("$epoch")) {
                head(out, 6, 1);
                number(out, secs);
                return;
            }
            head(out, 5, map.len() as u64);
            for (k, v) in map {
                head(out, 3, k.len() as u64);
                out.extend(k.as_bytes());
                write(out, v);
            }
        }
    }
}

#[test]
fn cbor_encodes_as_rfc_8949_says() {
    use serde_json::json;
    // RFC 8949 appendix A examples.
    assert_eq!(encode(&json!(0)), [0x00]);
    assert_eq!(encode(&json!(24)), [0x18, 0x18]);
    assert_eq!(encode(&json!(1000)), [0x19, 0x03, 0xe8]);
    assert_eq!(encode(&json!(-1)), [0x20]);
    assert_eq!(encode(&json!(-1000)), [0x39, 0x03, 0xe7]);
    assert_eq!(encode(&json!("IETF")), [0x64, 0x49, 0x45, 0x54, 0x46]);
    assert_eq!(encode(&json!([1, [2, 3]])), [0x82, 0x01, 0x82, 0x02, 0x03]);
    assert_eq!(encode(&json!({"a": 1})), [0xa1, 0x61, 0x61, 0x01]);
    assert_eq!(encode(&json!(true)), [0xf5]);
    assert_eq!(
        encode(&json!({"$epoch": 1363896240})),
        [0xc1, 0x1a, 0x51, 0x4b, 0x67, 0xb0]
    );
}
