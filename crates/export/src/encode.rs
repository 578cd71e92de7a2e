//! The encodings of the manifests: base64 into a caller's buffer, YAML scalars and JSON strings for names.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Standard base64 with padding (RFC 4648 §4), the encoding of a Secret's `data` values. Written into a
/// caller-provided buffer so that the encoded secret lives only in memory the caller zeroizes.
pub(crate) fn base64_into(input: &[u8], out: &mut String) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let sextet = |v: u32, shift: u32| char::from(ALPHABET[((v >> shift) & 0x3f) as usize]);
    for chunk in input.chunks(3) {
        let b0 = u32::from(chunk[0]);
        let b1 = chunk.get(1).copied().map_or(0, u32::from);
        let b2 = chunk.get(2).copied().map_or(0, u32::from);
        let v = (b0 << 16) | (b1 << 8) | b2;
        out.push(sextet(v, 18));
        out.push(sextet(v, 12));
        out.push(if chunk.len() > 1 { sextet(v, 6) } else { '=' });
        out.push(if chunk.len() > 2 { sextet(v, 0) } else { '=' });
    }
}

/// The length of the base64 encoding of `n` bytes.
pub(crate) fn base64_len(n: usize) -> usize {
    n.div_ceil(3) * 4
}

/// A YAML scalar for a name, key, label or base64 value: plain when no YAML 1.1 or 1.2 reader could take it
/// for anything but a string, double-quoted otherwise (a key `1`, `true`, `-x`, `.x`, a base64 value starting
/// with a digit or `+`).
pub(crate) fn yaml_scalar(s: &str) -> Cow<'_, str> {
    const RESERVED: [&str; 9] = ["y", "n", "yes", "no", "true", "false", "on", "off", "null"];
    let plain = s.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        && s.bytes().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'/' | b'+' | b'=' | b'-')
        })
        && !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(s));
    if plain {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(json_string(s))
    }
}

/// A JSON string literal, which is also a valid YAML double-quoted scalar.
pub(crate) fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            let mut out = String::new();
            base64_into(input.as_bytes(), &mut out);
            assert_eq!(out, want, "{input:?}");
            assert_eq!(base64_len(input.len()), want.len());
        }
        let mut out = String::new();
        base64_into(&[0xfb, 0xff, 0xbf], &mut out);
        assert_eq!(out, "+/+/");
    }

    #[test]
    fn yaml_scalars_quote_what_yaml_would_misread() {
        for plain in [
            "MYSQL_PASSWORD",
            "app.kubernetes.io/managed-by",
            "c2VjcmV0",
            "Zm8=",
            "a+b/c",
        ] {
            assert_eq!(yaml_scalar(plain), plain);
        }
        for quoted in [
            "1", "true", "Yes", "NULL", "off", "-x", ".x", "_x", "0x1f", "+1", "/x", "a b", "a:b",
            "",
        ] {
            assert_eq!(yaml_scalar(quoted), format!("\"{quoted}\""), "{quoted:?}");
        }
        assert_eq!(json_string("a\"b\\c\n"), r#""a\"b\\c\u000a""#);
    }
}
