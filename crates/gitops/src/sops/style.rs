//! How a string is written in YAML: go-yaml v3's choice (`encode.go` `stringv`, then libyaml's
//! `yaml_emitter_analyze_scalar` / `select_scalar_style`), so that what we print matches `sops -d` byte for byte.

use super::tree::{resolve_plain, Scalar};

/// A scalar presentation style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// go-yaml's `isOldBool`: YAML 1.1 booleans are quoted so that 1.1 readers keep them strings.
fn is_old_bool(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "on"
            | "On"
            | "ON"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "off"
            | "Off"
            | "OFF"
    )
}

/// go-yaml's `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    if i >= b.len() || !b[i].is_ascii_digit() {
        return false;
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() && i - start < 2 {
            i += 1;
        }
        let group = &b[start..i];
        let ok = match group {
            [d] => d.is_ascii_digit(),
            [a, d] => (b'0'..=b'5').contains(a) && d.is_ascii_digit(),
            _ => false,
        };
        if !ok {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

fn digits(b: &[u8], i: &mut usize, min: usize, max: usize) -> bool {
    let start = *i;
    while *i < b.len() && b[*i].is_ascii_digit() && *i - start < max {
        *i += 1;
    }
    *i - start >= min
}

/// go-yaml's timestamp resolution (`2006-1-2`, `2006-1-2T15:4:5.999999999Z07:00` and the `t` / space forms).
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if !digits(b, &mut i, 4, 4) || i != 4 || b.get(4) != Some(&b'-') {
        return false;
    }
    i += 1;
    if !digits(b, &mut i, 1, 2) || b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    if !digits(b, &mut i, 1, 2) {
        return false;
    }
    if i == b.len() {
        return true;
    }
    let sep = b[i];
    if !matches!(sep, b'T' | b't' | b' ') {
        return false;
    }
    i += 1;
    for n in 0..3 {
        if !digits(b, &mut i, 1, 2) {
            return false;
        }
        if n < 2 {
            if b.get(i) != Some(&b':') {
                return false;
            }
            i += 1;
        }
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if !digits(b, &mut i, 1, 9) {
            return false;
        }
    }
    if sep == b' ' {
        return i == b.len();
    }
    match b.get(i) {
        Some(b'Z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            i += 1;
            digits(b, &mut i, 2, 2) && b.get(i) == Some(&b':') && {
                i += 1;
                digits(b, &mut i, 2, 2) && i == b.len()
            }
        }
        _ => false,
    }
}

/// libyaml's `is_printable`.
pub(crate) fn is_printable(c: char) -> bool {
    let u = c as u32;
    c == '\n'
        || (0x20..=0x7e).contains(&u)
        || (0xa0..=0xd7ff).contains(&u)
        || ((0xe000..=0xfffd).contains(&u) && u != 0xfeff)
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank_or_end(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => c == ' ' || c == '\t' || is_break(c),
    }
}

struct Analysis {
    block_plain: bool,
    single: bool,
    block: bool,
}

/// libyaml's `yaml_emitter_analyze_scalar` (block context).
fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            block_plain: true,
            single: true,
            block: false,
        };
    }
    // Fast path (every encrypted value takes it): printable ASCII without spaces, no leading indicator, no
    // trailing ':' and no document marker is plain in block context.
    let b = s.as_bytes();
    let lone_indicator = b.len() == 1 && matches!(b[0], b'-' | b'?' | b':');
    if b.iter().all(|c| (0x21..=0x7e).contains(c))
        && !b"#,[]{}&*!|>'\"%@`".contains(&b[0])
        && !lone_indicator
        && b[b.len() - 1] != b':'
        && !s.starts_with("---")
        && !s.starts_with("...")
    {
        return Analysis {
            block_plain: true,
            single: true,
            block: true,
        };
    }
    let mut block_indicators = s.starts_with("---") || s.starts_with("...");
    let (mut special, mut line_breaks) = (false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break, mut previous_space, mut previous_break) =
        (false, false, false, false);
    let chars: Vec<char> = s.chars().collect();
    let mut preceded_by_whitespace = true;
    for (i, &c) in chars.iter().enumerate() {
        let first = i == 0;
        let last = i + 1 == chars.len();
        let followed_by_whitespace = is_blank_or_end(chars.get(i + 1).copied());
        if first {
            if "#,[]{}&*!|>'\"%@`".contains(c) {
                block_indicators = true;
            }
            if (c == '?' || c == ':') && followed_by_whitespace {
                block_indicators = true;
            }
            if c == '-' && followed_by_whitespace {
                block_indicators = true;
            }
        } else {
            if c == ':' && followed_by_whitespace {
                block_indicators = true;
            }
            if c == '#' && preceded_by_whitespace {
                block_indicators = true;
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if is_break(c) {
            line_breaks = true;
        }
        if c == ' ' {
            leading_space |= first;
            trailing_space |= last;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            leading_break |= first;
            trailing_break |= last;
            space_break |= previous_space;
            previous_break = true;
            previous_space = false;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blank_or_end(Some(c));
    }
    let mut a = Analysis {
        block_plain: true,
        single: true,
        block: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain = false;
    }
    if trailing_space {
        a.block = false;
    }
    if break_space {
        a.block_plain = false;
        a.single = false;
    }
    if space_break || special {
        a.block_plain = false;
        a.single = false;
        a.block = false;
    }
    if line_breaks || block_indicators {
        a.block_plain = false;
    }
    a
}

/// The style go-yaml writes a string value (or, with `key`, a mapping key) in.
pub(crate) fn string_style(s: &str, key: bool) -> Style {
    if is_ciphertext_shaped(s) {
        // What `general_style` decides for it, without resolving the scalar's type twice per value of a 16 MB file.
        return Style::Plain;
    }
    general_style(s, key)
}

/// `ENC[AES256_GCM,data:` ... `]` of base64 characters, `,` and `:` only: every sops ciphertext. Such a string
/// resolves to a string (it starts with `E`, no tag pattern matches), has no space, break, leading indicator or
/// trailing `:`, so it is plain as a key or a value.
fn is_ciphertext_shaped(s: &str) -> bool {
    s.starts_with("ENC[AES256_GCM,data:")
        && s.ends_with(']')
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(b, b'+' | b'/' | b'=' | b',' | b':' | b'[' | b']' | b'_')
        })
}

fn general_style(s: &str, key: bool) -> Style {
    // `<<` resolves to go-yaml's merge tag, so go-yaml quotes it (a plain `<<` key would be a merge).
    let can_use_plain = matches!(resolve_plain(s), Ok(Scalar::Str(_)))
        && s != "<<"
        && !is_timestamp(s)
        && !is_base60_float(s)
        && !is_old_bool(s);
    let mut style = if s.contains('\n') {
        Style::Literal
    } else if can_use_plain {
        Style::Plain
    } else {
        Style::Double
    };
    let a = analyze(s);
    if style == Style::Plain && (!a.block_plain || (s.is_empty() && key)) {
        style = Style::Single;
    }
    if style == Style::Single && !a.single {
        style = Style::Double;
    }
    if style == Style::Literal && (!a.block || key) {
        style = Style::Double;
    }
    style
}

/// libyaml's double-quoted writer (without line folding: go-yaml v3 writes with an unlimited width).
pub(crate) fn double_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if !is_printable(c) || c == '\u{feff}' || is_break(c) || c == '"' || c == '\\' {
            out.push('\\');
            match c {
                '\0' => out.push('0'),
                '\u{7}' => out.push('a'),
                '\u{8}' => out.push('b'),
                '\t' => out.push('t'),
                '\n' => out.push('n'),
                '\u{b}' => out.push('v'),
                '\u{c}' => out.push('f'),
                '\r' => out.push('r'),
                '\u{1b}' => out.push('e'),
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                '\u{85}' => out.push('N'),
                '\u{a0}' => out.push('_'),
                '\u{2028}' => out.push('L'),
                '\u{2029}' => out.push('P'),
                c => {
                    let u = c as u32;
                    if u <= 0xff {
                        out.push_str(&format!("x{u:02X}"));
                    } else if u <= 0xffff {
                        out.push_str(&format!("u{u:04X}"));
                    } else {
                        out.push_str(&format!("U{u:08X}"));
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// A single-quoted scalar (only chosen for strings without breaks or special characters).
pub(crate) fn single_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Calibrated against `sops -d` 3.11 output.
    #[test]
    fn styles_match_go_yaml() {
        let cases: &[(&str, Style)] = &[
            ("y", Style::Double),
            ("yes", Style::Double),
            ("~", Style::Double),
            ("null", Style::Double),
            ("1", Style::Double),
            ("1.0", Style::Double),
            ("0x10", Style::Double),
            ("2024-01-01", Style::Double),
            ("a: b", Style::Single),
            ("#x", Style::Single),
            ("-x", Style::Plain),
            ("- x", Style::Single),
            ("=", Style::Plain),
            (".inf", Style::Double),
            ("1e3", Style::Double),
            ("1_000", Style::Double),
            ("0o17", Style::Double),
            ("+1", Style::Double),
            (".5", Style::Double),
            ("x:", Style::Single),
            ("a #b", Style::Single),
            ("@x", Style::Single),
            ("%x", Style::Single),
            ("?x", Style::Plain),
            (",x", Style::Single),
            ("x]", Style::Plain),
            ("12:30", Style::Double),
            ("1.2.3", Style::Plain),
            ("False", Style::Double),
            (" x", Style::Single),
            ("a\tb", Style::Double),
            ("0777", Style::Double),
            ("1:20:30", Style::Double),
            ("2024-01-01T10:00:00Z", Style::Double),
            ("-", Style::Single),
            (".", Style::Plain),
            ("x#y", Style::Plain),
            ("a\nb", Style::Literal),
            ("a\n", Style::Literal),
            ("2001-12-14 21:59:43.10 -5", Style::Plain),
            ("", Style::Double),
            ("hello world", Style::Plain),
            ("p@ss: word", Style::Single),
            ("trailing \n", Style::Double),
        ];
        for (s, style) in cases {
            assert_eq!(string_style(s, false), *style, "{s:?}");
        }
        assert_eq!(string_style("a\nb", true), Style::Double);
        for s in [
            "ENC[AES256_GCM,data:YWJj,iv:AAAA+/==,tag:QUJD,type:str]",
            "ENC[AES256_GCM,data:x,iv:y,tag:z,type:comment]",
            "ENC[AES256_GCM,data:]",
        ] {
            assert!(is_ciphertext_shaped(s));
            assert_eq!(general_style(s, false), Style::Plain, "{s}");
            assert_eq!(general_style(s, true), Style::Plain, "{s}");
        }
        for s in [
            "ENC[AES256_GCM,data: x]",
            "ENC[AES256_GCM,data:x]:",
            "ENC[AES256_GCM,data:#x]",
        ] {
            assert!(!is_ciphertext_shaped(s));
        }
    }

    #[test]
    fn escapes_like_libyaml() {
        assert_eq!(
            double_quote("a\tb\"c\\\u{1}\u{85}😀"),
            "\"a\\tb\\\"c\\\\\\x01\\N\\U0001F600\""
        );
        assert_eq!(single_quote("it's"), "'it''s'");
    }
}
