//! The document tree SOPS works on (`sops.TreeBranch`): ordered entries, comments as entries, typed scalars.

use zeroize::Zeroize;

/// A comment line (the text after `#`). `inline` comments stood after a value on its line.
#[derive(Clone, PartialEq)]
pub(crate) struct Comment {
    pub(crate) text: String,
    pub(crate) inline: bool,
}

/// A scalar as go-yaml v3 resolves it when decoding into `interface{}`.
#[derive(Clone, PartialEq)]
pub(crate) enum Scalar {
    Null,
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// A node of the tree.
#[derive(Clone, PartialEq)]
pub(crate) enum Node {
    Scalar(Scalar),
    Map(Vec<Entry>),
    /// A sequence; comments are items of their own (`Node::Comment`).
    Seq(Vec<Node>),
    Comment(Comment),
}

/// An entry of a mapping: a comment or a key with its value.
#[derive(Clone, PartialEq)]
pub(crate) enum Entry {
    Comment(Comment),
    Pair(String, Node),
}

// Debug shows structure and keys, never a value: trees hold plaintext after decryption.
impl std::fmt::Debug for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Scalar::Null => "Null",
            Scalar::Str(_) => "Str(..)",
            Scalar::Int(_) => "Int(..)",
            Scalar::Float(_) => "Float(..)",
            Scalar::Bool(_) => "Bool(..)",
        })
    }
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Node::Scalar(s) => s.fmt(f),
            Node::Map(e) => f.debug_tuple("Map").field(e).finish(),
            Node::Seq(i) => f.debug_tuple("Seq").field(i).finish(),
            Node::Comment(_) => f.write_str("Comment(..)"),
        }
    }
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Entry::Comment(_) => f.write_str("Comment(..)"),
            Entry::Pair(k, v) => f.debug_tuple("Pair").field(k).field(v).finish(),
        }
    }
}

impl Zeroize for Scalar {
    fn zeroize(&mut self) {
        if let Scalar::Str(s) = self {
            s.zeroize();
        }
        *self = Scalar::Null;
    }
}

impl Zeroize for Node {
    fn zeroize(&mut self) {
        match self {
            Node::Scalar(s) => s.zeroize(),
            Node::Map(entries) => entries.iter_mut().for_each(Zeroize::zeroize),
            Node::Seq(items) => items.iter_mut().for_each(Zeroize::zeroize),
            Node::Comment(c) => c.text.zeroize(),
        }
    }
}

impl Zeroize for Entry {
    fn zeroize(&mut self) {
        match self {
            Entry::Comment(c) => c.text.zeroize(),
            Entry::Pair(k, v) => {
                k.zeroize();
                v.zeroize();
            }
        }
    }
}

/// A file's documents (sops's `TreeBranches`: one per YAML document, one for every other store), each a top-level
/// mapping; wiped when dropped because after decryption it holds plaintext.
#[derive(Default)]
pub(crate) struct Doc(pub(crate) Vec<Vec<Entry>>);

impl Doc {
    /// A file of one document.
    pub(crate) fn single(entries: Vec<Entry>) -> Doc {
        Doc(vec![entries])
    }
}

impl Drop for Doc {
    fn drop(&mut self) {
        self.0
            .iter_mut()
            .flat_map(|b| b.iter_mut())
            .for_each(Zeroize::zeroize);
    }
}

/// Go's `strconv.FormatFloat(f, 'f', -1, 64)`: the shortest decimal that round-trips, never an exponent.
pub(crate) fn go_format_float_f(f: f64) -> String {
    if f.is_nan() {
        "NaN".to_owned()
    } else if f.is_infinite() {
        if f > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
    } else {
        // Rust's Display for f64 is also shortest-round-trip without an exponent.
        format!("{f}")
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)` as go-yaml v3 emits floats (with `.inf`/`.nan` spelled as YAML).
pub(crate) fn yaml_format_float(f: f64) -> String {
    if f.is_nan() {
        return ".nan".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.to_owned();
    }
    if f == 0.0 {
        // go-yaml writes "-0", which reads back as the integer 0; "-0.0" keeps the value what it was.
        return if f.is_sign_negative() { "-0.0" } else { "0" }.to_owned();
    }
    // Shortest digits and decimal exponent from Rust's `{:e}` ("1.2345e-7").
    let sci = format!("{:e}", f.abs());
    let (mant, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let sign = if f < 0.0 { "-" } else { "" };
    // Go: %e when exp < -4 || exp >= eprec, and eprec is 6 for the shortest representation.
    let eprec = 6;
    if exp < -4 || exp >= eprec {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        let eabs = exp.unsigned_abs();
        return format!("{sign}{first}{frac}e{esign}{eabs:02}");
    }
    format!("{sign}{}", go_format_float_f(f.abs()))
}

/// Go's `strconv.ParseBool`.
pub(crate) fn go_parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)`: sign, `0x`/`0o`/`0b` or leading-`0` octal, underscores between digits.
fn go_parse_int_base0(s: &str) -> Option<i128> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() {
        return None;
    }
    let lower = body.to_ascii_lowercase();
    let (radix, digits, prefixed) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d, true)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d, true)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d, true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..], true)
    } else {
        (10, lower.as_str(), false)
    };
    // Underscores: only between digits (or right after a base prefix), never doubled or trailing.
    if digits.contains('_') {
        let mut prev_underscore = !prefixed;
        for c in digits.chars() {
            if c == '_' {
                if prev_underscore {
                    return None;
                }
                prev_underscore = true;
            } else {
                prev_underscore = false;
            }
        }
        if prev_underscore {
            return None;
        }
    }
    let cleaned: String = digits.chars().filter(|c| *c != '_').collect();
    if cleaned.is_empty() || cleaned.len() > 70 {
        return None;
    }
    let v = i128::from_str_radix(&cleaned, radix).ok()?;
    Some(if neg { -v } else { v })
}

fn is_yaml_style_float(s: &str) -> bool {
    // ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Why a plain scalar could not be represented.
pub(crate) const INT_RANGE: &str = "integer out of the 64-bit range";

/// Resolves a plain (unquoted) scalar as go-yaml v3 does when decoding into `interface{}`.
pub(crate) fn resolve_plain(s: &str) -> Result<Scalar, &'static str> {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Scalar::Null),
        "true" | "True" | "TRUE" => return Ok(Scalar::Bool(true)),
        "false" | "False" | "FALSE" => return Ok(Scalar::Bool(false)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Ok(Scalar::Float(f64::INFINITY))
        }
        "-.inf" | "-.Inf" | "-.INF" => return Ok(Scalar::Float(f64::NEG_INFINITY)),
        ".nan" | ".NaN" | ".NAN" => return Ok(Scalar::Float(f64::NAN)),
        _ => {}
    }
    let first = s.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Ok(Scalar::Str(s.to_owned()));
    }
    if let Some(v) = go_parse_int_base0(s) {
        return i64::try_from(v).map(Scalar::Int).map_err(|_| INT_RANGE);
    }
    if is_yaml_style_float(s) {
        if let Ok(f) = s.parse::<f64>() {
            return Ok(Scalar::Float(f));
        }
    }
    Ok(Scalar::Str(s.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_go_yaml_v3() {
        assert!(matches!(resolve_plain("42"), Ok(Scalar::Int(42))));
        assert!(matches!(resolve_plain("-0x10"), Ok(Scalar::Int(-16))));
        assert!(matches!(resolve_plain("0777"), Ok(Scalar::Int(511))));
        assert!(matches!(resolve_plain("1_000"), Ok(Scalar::Int(1000))));
        assert!(matches!(resolve_plain("1.5"), Ok(Scalar::Float(f)) if f == 1.5));
        assert!(matches!(resolve_plain("1e3"), Ok(Scalar::Float(f)) if f == 1000.0));
        assert!(matches!(resolve_plain("yes"), Ok(Scalar::Str(_))));
        assert!(matches!(resolve_plain("True"), Ok(Scalar::Bool(true))));
        assert!(matches!(resolve_plain("~"), Ok(Scalar::Null)));
        assert!(matches!(resolve_plain("1.2.3"), Ok(Scalar::Str(_))));
        assert!(matches!(resolve_plain("2024-01-01"), Ok(Scalar::Str(_))));
        assert!(resolve_plain("99999999999999999999").is_err());
    }

    #[test]
    fn floats_format_like_go() {
        assert_eq!(go_format_float_f(1.5), "1.5");
        assert_eq!(go_format_float_f(1.0), "1");
        assert_eq!(go_format_float_f(1e21), "1000000000000000000000");
        assert_eq!(yaml_format_float(1234.56789), "1234.56789");
        assert_eq!(yaml_format_float(1e21), "1e+21");
        assert_eq!(yaml_format_float(123_456_789.0), "1.23456789e+08");
        assert_eq!(yaml_format_float(100_000.0), "100000");
        assert_eq!(yaml_format_float(1_000_000.0), "1e+06");
        assert_eq!(yaml_format_float(0.0001), "0.0001");
        assert_eq!(yaml_format_float(0.00001), "1e-05");
        assert_eq!(yaml_format_float(-2.5), "-2.5");
    }
}
