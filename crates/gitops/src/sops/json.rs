//! SOPS's JSON store (`stores/json/store.go`): a top-level object, key order kept, numbers typed (an integer
//! literal within 64 bits is an int, every other number a float, as sops 3.12+ types them; sops 3.11 types every
//! number a float, which hashes to the same MAC bytes), written as Go's `json.Indent` with a tab writes it (what
//! `sops -d` prints). JSON has no comments: a comment in the tree is not written, as sops drops it.
//!
//! Input is hostile: nesting is limited, duplicate keys are refused (Go keeps both, which no reader agrees on),
//! and every error names the line.

use std::collections::HashSet;

use super::tree::{go_format_float_f, Entry, Node, Scalar};
use super::yaml::ParseError;

/// Deep enough for any real configuration, shallow enough that recursion cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

type Result<T> = std::result::Result<T, ParseError>;

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
    depth: usize,
}

/// Parses a JSON document whose top level is an object into its entries.
pub(crate) fn parse(text: &str) -> Result<Vec<Entry>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut r = Reader {
        b: text.as_bytes(),
        i: 0,
        depth: 0,
    };
    r.ws();
    if r.peek() != Some(b'{') {
        return r.err("the top level of a JSON file must be an object ({...})");
    }
    let entries = r.object()?;
    r.ws();
    if r.i != r.b.len() {
        return r.err("unexpected text after the top-level JSON object");
    }
    Ok(entries)
}

impl Reader<'_> {
    fn line(&self) -> usize {
        1 + self.b[..self.i.min(self.b.len())]
            .iter()
            .filter(|c| **c == b'\n')
            .count()
    }

    fn err<T>(&self, reason: &'static str) -> Result<T> {
        Err(ParseError {
            line: self.line(),
            reason,
        })
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn expect(&mut self, c: u8, reason: &'static str) -> Result<()> {
        self.ws();
        if self.peek() != Some(c) {
            return self.err(reason);
        }
        self.i += 1;
        Ok(())
    }

    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.err("nesting is too deep");
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Vec<Entry>> {
        self.enter()?;
        self.i += 1;
        let mut entries = Vec::new();
        let mut seen = HashSet::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            self.depth -= 1;
            return Ok(entries);
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return self.err("expected a string key in a JSON object");
            }
            let key = self.string()?;
            if !seen.insert(key.clone()) {
                return self.err("a key is defined twice in the same object");
            }
            self.expect(b':', "expected ':' after a JSON object key")?;
            let value = self.value()?;
            entries.push(Entry::Pair(key, value));
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    break;
                }
                _ => return self.err("expected ',' or '}' in a JSON object"),
            }
        }
        self.depth -= 1;
        Ok(entries)
    }

    fn array(&mut self) -> Result<Vec<Node>> {
        self.enter()?;
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            self.depth -= 1;
            return Ok(items);
        }
        loop {
            items.push(self.value()?);
            self.ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    break;
                }
                _ => return self.err("expected ',' or ']' in a JSON array"),
            }
        }
        self.depth -= 1;
        Ok(items)
    }

    fn value(&mut self) -> Result<Node> {
        self.ws();
        match self.peek() {
            Some(b'{') => self.object().map(Node::Map),
            Some(b'[') => self.array().map(Node::Seq),
            Some(b'"') => self.string().map(|s| Node::Scalar(Scalar::Str(s))),
            Some(b't') => self.word("true", Scalar::Bool(true)),
            Some(b'f') => self.word("false", Scalar::Bool(false)),
            Some(b'n') => self.word("null", Scalar::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            None => self.err("unexpected end of the JSON text"),
            _ => self.err("expected a JSON value"),
        }
    }

    fn word(&mut self, w: &'static str, s: Scalar) -> Result<Node> {
        if self.b[self.i..].starts_with(w.as_bytes()) {
            self.i += w.len();
            Ok(Node::Scalar(s))
        } else {
            self.err("expected a JSON value")
        }
    }

    fn number(&mut self) -> Result<Node> {
        let start = self.i;
        let digits = |r: &mut Self| {
            let s = r.i;
            while matches!(r.peek(), Some(b'0'..=b'9')) {
                r.i += 1;
            }
            r.i - s
        };
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let int_start = self.i;
        let n = digits(self);
        if n == 0 || (n > 1 && self.b[int_start] == b'0') {
            return self.err("invalid JSON number");
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.i += 1;
            integer = false;
            if digits(self) == 0 {
                return self.err("invalid JSON number");
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            integer = false;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                return self.err("invalid JSON number");
            }
        }
        // The bytes are ASCII digits and signs, checked above.
        let text = std::str::from_utf8(&self.b[start..self.i]).unwrap_or("0");
        if integer {
            if let Ok(i) = text.parse::<i64>() {
                return Ok(Node::Scalar(Scalar::Int(i)));
            }
        }
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Node::Scalar(Scalar::Float(f))),
            _ => self.err("a JSON number is out of range"),
        }
    }

    fn hex4(&mut self) -> Result<u32> {
        let Some(h) = self.b.get(self.i..self.i + 4) else {
            return self.err("invalid \\u escape in a JSON string");
        };
        let v = std::str::from_utf8(h)
            .ok()
            .and_then(|h| u32::from_str_radix(h, 16).ok());
        let Some(v) = v else {
            return self.err("invalid \\u escape in a JSON string");
        };
        self.i += 4;
        Ok(v)
    }

    fn string(&mut self) -> Result<String> {
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return self.err("a JSON string is not closed");
            };
            self.i += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return self.err("a JSON string is not closed");
                    };
                    self.i += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xd800..0xdc00).contains(&hi)
                                && self.b[self.i..].starts_with(b"\\u")
                            {
                                let save = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xdc00..0xe000).contains(&lo) {
                                    0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                                } else {
                                    self.i = save;
                                    0xfffd
                                }
                            } else {
                                hi
                            };
                            // A lone surrogate decodes to U+FFFD, as Go's decoder does.
                            char::from_u32(code).unwrap_or('\u{fffd}')
                        }
                        _ => return self.err("invalid escape in a JSON string"),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                0..=0x1f => return self.err("a control character in a JSON string"),
                _ => out.push(c),
            }
        }
        // The input is a &str and escapes add whole characters, so this holds UTF-8.
        String::from_utf8(out).or_else(|_| self.err("a JSON string is not UTF-8"))
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Writer

/// Writes a top-level object as `sops -d` prints it (Go's `json.Marshal`, then `json.Indent` with a tab), with a
/// final line break. Fails on a float JSON cannot hold (NaN, infinity), naming nothing secret.
pub(crate) fn emit(
    entries: &[Entry],
    extra: &[Entry],
) -> std::result::Result<String, &'static str> {
    let mut out = String::new();
    write_object(&mut out, entries, extra, 0)?;
    out.push('\n');
    Ok(out)
}

fn newline(out: &mut String, depth: usize) {
    out.push('\n');
    out.extend(std::iter::repeat_n('\t', depth));
}

fn write_object(
    out: &mut String,
    entries: &[Entry],
    extra: &[Entry],
    depth: usize,
) -> std::result::Result<(), &'static str> {
    let pairs: Vec<(&String, &Node)> = entries
        .iter()
        .chain(extra)
        .filter_map(|e| match e {
            Entry::Pair(k, v) => Some((k, v)),
            Entry::Comment(_) => None,
        })
        .collect();
    if pairs.is_empty() {
        out.push_str("{}");
        return Ok(());
    }
    out.push('{');
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        newline(out, depth + 1);
        write_string(out, k);
        out.push_str(": ");
        write_value(out, v, depth + 1)?;
    }
    newline(out, depth);
    out.push('}');
    Ok(())
}

fn write_value(out: &mut String, v: &Node, depth: usize) -> std::result::Result<(), &'static str> {
    match v {
        Node::Map(entries) => write_object(out, entries, &[], depth)?,
        Node::Seq(items) => {
            let items: Vec<&Node> = items
                .iter()
                .filter(|n| !matches!(n, Node::Comment(_)))
                .collect();
            if items.is_empty() {
                out.push_str("[]");
                return Ok(());
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_value(out, item, depth + 1)?;
            }
            newline(out, depth);
            out.push(']');
        }
        // Only reached for a comment that is a map value, which no store produces.
        Node::Comment(_) | Node::Scalar(Scalar::Null) => out.push_str("null"),
        Node::Scalar(Scalar::Bool(b)) => out.push_str(if *b { "true" } else { "false" }),
        Node::Scalar(Scalar::Int(i)) => out.push_str(&i.to_string()),
        Node::Scalar(Scalar::Float(f)) => out.push_str(&go_json_float(*f)?),
        Node::Scalar(Scalar::Str(s)) => write_string(out, s),
    }
    Ok(())
}

/// Go's `encoding/json` float64 encoding: `'f'` format, or `'e'` below 1e-6 and from 1e21, with a two-digit
/// exponent trimmed (`1e-07` → `1e-7`).
fn go_json_float(f: f64) -> std::result::Result<String, &'static str> {
    if !f.is_finite() {
        return Err("JSON cannot hold NaN or infinity");
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = format!("{f:e}");
        let (mant, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
        let (sign, digits) = match exp.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exp),
        };
        return Ok(format!("{mant}e{sign}{digits}"));
    }
    Ok(go_format_float_f(f))
}

/// A JSON string as Go's `json.Marshal` writes it: HTML-significant `<`, `>`, `&` and U+2028/U+2029 escaped.
fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' | '\0'..='\u{1f}' => {
                let u = c as u32;
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(char::from(HEX[((u >> shift) & 15) as usize]));
                }
            }
            _ => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_as_go_writes_it() {
        let text = "{\n\t\"a\": 1,\n\t\"b\": 1.5,\n\t\"c\": \"x\\u003c\\b\\u2028\",\n\t\"d\": [\n\t\t1,\n\t\t{\n\t\t\t\"e\": null\n\t\t}\n\t],\n\t\"f\": true,\n\t\"g\": {},\n\t\"h\": [],\n\t\"i\": 1e-7,\n\t\"j\": 1e+21\n}\n";
        let e = parse(text).unwrap();
        assert!(matches!(&e[0], Entry::Pair(k, Node::Scalar(Scalar::Int(1))) if k == "a"));
        assert!(
            matches!(&e[2], Entry::Pair(_, Node::Scalar(Scalar::Str(s))) if s == "x<\u{8}\u{2028}")
        );
        assert_eq!(emit(&e, &[]).unwrap(), text);
    }

    #[test]
    fn refuses_what_is_not_a_json_object() {
        for (text, line) in [
            ("[1]", 1),
            ("{\"a\": 1,\n\"a\": 2}", 2),
            ("{\"a\": 01}", 1),
            ("{\"a\": \"\\x\"}", 1),
            ("{\"a\": 1} x", 1),
            ("{\"a\":\n", 2),
            ("{\"a\": 1e999}", 1),
        ] {
            assert_eq!(parse(text).unwrap_err().line, line, "{text:?}");
        }
        let deep = "{\"a\":".repeat(100) + &"}".repeat(100);
        assert!(parse(&deep).is_err());
    }
}
