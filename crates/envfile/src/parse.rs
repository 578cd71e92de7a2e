//! The statement parser: a single pass over the bytes that records spans into the source.
//!
//! It follows compose-go's `dotenv/parser.go` step by step (statement start, key name, value) so that every input
//! Compose accepts is accepted here with the same statements, and every input it rejects is rejected.

use std::ops::Range;

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};
use zeroize::Zeroizing;

use crate::error::{ParseError, ParseErrorKind};

/// The UTF-8 byte order mark Compose skips at the very start of a file.
pub(crate) const BOM: &str = "\u{feff}";

/// How a value is quoted in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Quote {
    None,
    Single,
    Double,
}

/// What a statement does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `KEY=value` (or `KEY: value`).
    Assign,
    /// A bare `KEY` line: Compose takes the value from the environment, if it has one.
    Inherit,
}

/// One statement of the document. Spans are byte offsets into the document's source.
pub(crate) struct Entry {
    pub(crate) kind: Kind,
    /// Where the statement starts (the `export` keyword or the key).
    pub(crate) start: usize,
    /// The key name, trimmed as Compose trims it.
    pub(crate) key: Range<usize>,
    /// The value as written, quotes included (empty for `Inherit`).
    pub(crate) value: Range<usize>,
    pub(crate) quote: Quote,
    /// Where the statement ends: after the closing quote, or at the end of the line (before `\n`) for an unquoted
    /// value or a bare key.
    pub(crate) end: usize,
    /// The value with quoting and escapes removed, when that differs from the text between the quotes.
    pub(crate) decoded: Option<Zeroizing<String>>,
}

impl Entry {
    pub(crate) fn shift(&mut self, delta: isize) {
        let f = |x: usize| x.wrapping_add_signed(delta);
        self.start = f(self.start);
        self.key = f(self.key.start)..f(self.key.end);
        self.value = f(self.value.start)..f(self.value.end);
        self.end = f(self.end);
    }

    /// The literal value: unquoted, unescaped, not interpolated.
    pub(crate) fn literal<'a>(&'a self, src: &'a str) -> &'a str {
        if let Some(d) = &self.decoded {
            return d.as_str();
        }
        match self.quote {
            Quote::None => &src[self.value.clone()],
            Quote::Single | Quote::Double => &src[self.value.start + 1..self.value.end - 1],
        }
    }
}

/// Parse a whole document into its statements.
pub(crate) fn parse(src: &str) -> Result<Vec<Entry>, ParseError> {
    let mut entries = Vec::with_capacity(src.len() / 32 + 1);
    let mut pos = if src.starts_with(BOM) { BOM.len() } else { 0 };
    while let Some(start) = statement_start(src, pos) {
        if entries.len() == crate::MAX_STATEMENTS {
            return Err(error_at(
                src,
                start,
                ParseErrorKind::TooManyStatements,
                None,
            ));
        }
        let (entry, next) = statement(src, start)?;
        entries.push(entry);
        pos = next;
    }
    Ok(entries)
}

/// Compose's `getStatementStart`: skip whitespace and comment lines; `None` at the end of the input.
pub(crate) fn statement_start(src: &str, mut pos: usize) -> Option<usize> {
    let bytes = src.as_bytes();
    loop {
        pos = skip_unicode_space(src, pos);
        match bytes.get(pos) {
            None => return None,
            Some(b'#') => match crate::bytes::find(b'\n', &bytes[pos..]) {
                Some(n) => pos += n,
                None => return None,
            },
            Some(_) => return Some(pos),
        }
    }
}

/// Parse one statement that starts at `start` (a non-space, non-`#` character). Returns it and the position after.
pub(crate) fn statement(src: &str, start: usize) -> Result<(Entry, usize), ParseError> {
    let bytes = src.as_bytes();
    let mut p = start;
    // Compose's `^export\s+` (Go's \s is [\t\n\f\r ]), then it trims its own "space" set, which has no \n.
    if bytes[p..].starts_with(b"export")
        && matches!(bytes.get(p + 6), Some(b'\t' | b'\n' | 0x0c | b'\r' | b' '))
    {
        p = skip_go_space(src, p + 6);
    }
    let key_start = p;
    if p == bytes.len() {
        // `export ` and nothing after it: compose-go fails ("zero length string").
        return Err(error_at(src, start, ParseErrorKind::ExportWithoutKey, None));
    }
    let mut i = p;
    let mut found = None;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            match b {
                b'\t' | 0x0b | 0x0c | b'\r' | b' ' => {}
                b'=' | b':' | b'\n' => {
                    found = Some((i, b == b'\n'));
                    break;
                }
                b'_' | b'.' | b'-' | b'[' | b']' => {}
                _ if b.is_ascii_alphanumeric() => {}
                _ => return Err(error_at(src, i, ParseErrorKind::InvalidKeyCharacter, None)),
            }
            i += 1;
        } else {
            let c = char_at(src, i);
            if !(c == '\u{85}' || c == '\u{a0}' || is_letter_or_number(c)) {
                return Err(error_at(src, i, ParseErrorKind::InvalidKeyCharacter, None));
            }
            i += c.len_utf8();
        }
    }
    let Some((sep, inherited)) = found else {
        // No `=`, `:` or newline before the end: Compose takes an empty key and reads the rest as its value.
        let (value, quote, end, next, decoded) = value(src, key_start, key_start..key_start)?;
        let entry = Entry {
            kind: Kind::Assign,
            start,
            key: key_start..key_start,
            value,
            quote,
            end,
            decoded,
        };
        return Ok((entry, next));
    };
    let key_end = key_start + src[key_start..sep].trim_end().len();
    let key = key_start..key_end;
    if src[key.clone()].contains(' ') {
        return Err(error_at(
            src,
            key_start,
            ParseErrorKind::KeyContainsSpace,
            None,
        ));
    }
    if inherited {
        let entry = Entry {
            kind: Kind::Inherit,
            start,
            key,
            value: sep..sep,
            quote: Quote::None,
            end: sep,
            decoded: None,
        };
        return Ok((entry, sep + 1));
    }
    let vstart = skip_go_space(src, sep + 1);
    let (value, quote, end, next, decoded) = value(src, vstart, key.clone())?;
    let entry = Entry {
        kind: Kind::Assign,
        start,
        key,
        value,
        quote,
        end,
        decoded,
    };
    Ok((entry, next))
}

type ValueParts = (Range<usize>, Quote, usize, usize, Option<Zeroizing<String>>);

/// Compose's `extractVarValue`: the value starting at `v`.
fn value(src: &str, v: usize, key: Range<usize>) -> Result<ValueParts, ParseError> {
    let bytes = src.as_bytes();
    let quote = match bytes.get(v) {
        Some(b'"') => Quote::Double,
        Some(b'\'') => Quote::Single,
        _ => {
            let line_end = crate::bytes::find(b'\n', &bytes[v..]).map_or(bytes.len(), |n| v + n);
            let line = &src[v..line_end];
            let cut = inline_comment(line.as_bytes()).unwrap_or(line.len());
            let value_end = v + line[..cut].trim_end().len();
            let next = if line_end < bytes.len() {
                line_end + 1
            } else {
                line_end
            };
            return Ok((v..value_end, Quote::None, line_end, next, None));
        }
    };
    let q = bytes[v];
    let mut j = v + 1;
    let mut escaped = false;
    loop {
        match crate::bytes::find2(q, b'\\', &bytes[j..]) {
            None => break,
            Some(n) => {
                let k = j + n;
                if bytes[k] == b'\\' {
                    escaped = true;
                    j = k + 2;
                    if j > bytes.len() {
                        break;
                    }
                } else {
                    let decoded = if escaped {
                        Some(decode_quoted(&src[v + 1..k], quote, Dollar::Literal))
                    } else {
                        None
                    };
                    return Ok((v..k + 1, quote, k + 1, k + 1, decoded));
                }
            }
        }
    }
    let key_name = src[key].to_owned();
    Err(error_at(
        src,
        v,
        ParseErrorKind::UnterminatedQuote,
        Some(key_name),
    ))
}

/// Where Compose cuts an unquoted value: at the first `" #"`.
fn inline_comment(line: &[u8]) -> Option<usize> {
    let mut from = 1;
    while from < line.len() {
        let n = crate::bytes::find(b'#', &line[from..])?;
        let at = from + n;
        if line[at - 1] == b' ' {
            return Some(at - 1);
        }
        from = at + 1;
    }
    None
}

/// What `\$` in a double-quoted value becomes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dollar {
    /// `$`: the literal value a reader sees.
    Literal,
    /// `$$`: the text handed to interpolation, where `$$` is a literal `$` (what Compose does).
    Template,
}

/// The text between the quotes of a quoted value, with Compose's quote handling and (for double quotes) its
/// escape sequences applied.
pub(crate) fn decode_quoted(inner: &str, quote: Quote, dollar: Dollar) -> Zeroizing<String> {
    let q = if quote == Quote::Double { b'"' } else { b'\'' };
    // Compose's quote scan: `\<quote>` is the quote; any other `\x` stays as written.
    let mut scanned = Zeroizing::new(String::with_capacity(inner.len()));
    let bytes = inner.as_bytes();
    let mut from = 0;
    let mut i = 0;
    while let Some(n) = crate::bytes::find(b'\\', &bytes[i..]) {
        let k = i + n;
        if bytes.get(k + 1) == Some(&q) {
            scanned.push_str(&inner[from..k]);
            from = k + 1;
        }
        i = k + 2;
        if i >= bytes.len() {
            break;
        }
    }
    scanned.push_str(&inner[from..]);
    if quote == Quote::Double {
        expand_escapes(&scanned, dollar)
    } else {
        scanned
    }
}

/// Compose's `expandEscapes`: `\a \b \f \n \r \t \v \\ \" \$` and octal `\0NNN`; anything else stays as written.
fn expand_escapes(s: &str, dollar: Dollar) -> Zeroizing<String> {
    let bytes = s.as_bytes();
    let mut out = Zeroizing::new(String::with_capacity(s.len()));
    let mut from = 0;
    let mut i = 0;
    while let Some(n) = crate::bytes::find(b'\\', &bytes[i..]) {
        let k = i + n;
        let Some(&c) = bytes.get(k + 1) else { break };
        let replacement: Option<char> = match c {
            b'a' => Some('\u{7}'),
            b'b' => Some('\u{8}'),
            b'f' => Some('\u{c}'),
            b'n' => Some('\n'),
            b'r' => Some('\r'),
            b't' => Some('\t'),
            b'v' => Some('\u{b}'),
            b'\\' => Some('\\'),
            b'"' => Some('"'),
            b'$' => Some('$'),
            b'c' => None,
            b'0' => {
                let digits = bytes[k + 2..]
                    .iter()
                    .take(3)
                    .take_while(|d| d.is_ascii_digit())
                    .count();
                let end = k + 2 + digits;
                if let Some(ch) = octal(&bytes[k + 2..end]) {
                    out.push_str(&s[from..k]);
                    out.push(ch);
                    from = end;
                }
                i = end;
                continue;
            }
            _ => {
                // Not an escape Compose knows: the backslash stays and scanning resumes at the next character.
                i = k + 1;
                continue;
            }
        };
        out.push_str(&s[from..k]);
        match replacement {
            Some('$') if dollar == Dollar::Template => out.push_str("$$"),
            Some(ch) => out.push(ch),
            None => out.push_str(&s[k..k + 2]),
        }
        from = k + 2;
        i = k + 2;
    }
    out.push_str(&s[from..]);
    out
}

/// `\0NNN` is Go's `\NNN`: exactly three octal digits, at most 255, taken as that code point.
fn octal(digits: &[u8]) -> Option<char> {
    if digits.len() != 3 || !digits.iter().all(|d| (b'0'..=b'7').contains(d)) {
        return None;
    }
    let v = digits
        .iter()
        .fold(0u32, |acc, d| (acc << 3) | u32::from(d - b'0'));
    if v > 255 {
        return None;
    }
    char::from_u32(v)
}

/// Go's `unicode.IsLetter(c) || unicode.IsNumber(c)`: general category L or N.
pub(crate) fn is_letter_or_number(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Letter | GeneralCategoryGroup::Number
    )
}

/// Skip Go's `unicode.IsSpace` (the Unicode White_Space property, as Rust's `char::is_whitespace`).
pub(crate) fn skip_unicode_space(src: &str, mut pos: usize) -> usize {
    let bytes = src.as_bytes();
    while let Some(&b) = bytes.get(pos) {
        if b < 0x80 {
            if matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
                pos += 1;
                continue;
            }
            return pos;
        }
        let c = char_at(src, pos);
        if !c.is_whitespace() {
            return pos;
        }
        pos += c.len_utf8();
    }
    pos
}

/// Skip compose-go's own `isSpace` set: `\t \v \f \r`, space, U+0085 and U+00A0 (no newline).
fn skip_go_space(src: &str, mut pos: usize) -> usize {
    let bytes = src.as_bytes();
    while let Some(&b) = bytes.get(pos) {
        match b {
            b'\t' | 0x0b | 0x0c | b'\r' | b' ' => pos += 1,
            0xc2 if matches!(bytes.get(pos + 1), Some(0x85 | 0xa0)) => pos += 2,
            _ => return pos,
        }
    }
    pos
}

/// The character starting at byte `i` (a char boundary).
fn char_at(src: &str, i: usize) -> char {
    src[i..].chars().next().unwrap_or('\0')
}

/// 1-based line and column (in characters) of byte offset `at`.
pub(crate) fn line_col(src: &str, at: usize) -> (usize, usize) {
    let before = &src[..at];
    let line = crate::bytes::count(b'\n', before.as_bytes()) + 1;
    let line_start = crate::bytes::rfind(b'\n', before.as_bytes()).map_or(0, |n| n + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn error_at(src: &str, at: usize, kind: ParseErrorKind, key: Option<String>) -> ParseError {
    let (line, column) = line_col(src, at);
    ParseError {
        kind,
        line,
        column,
        key,
    }
}
