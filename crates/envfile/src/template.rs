//! Compose's interpolation (compose-go `template.Substitute` with its default pattern), written out by hand.
//!
//! The pattern is `\$(?i:(\$)|([_a-z][_a-z0-9]*)|{(?:([_a-z][_a-z0-9]*(?::?[-+?](.*))?)}|()))`, matched
//! leftmost-first: `$$` is a `$`; `$NAME` and `${NAME}` are looked up; `${NAME<op>arg}` applies `:-`, `-`, `:+`,
//! `+`, `:?` or `?`, where the greedy `.*` runs to the last `}` on the line and compose-go then cuts the match at
//! the first balanced `}`; anything else after `${` is an invalid template. A `$` followed by anything else is
//! kept as is.

use zeroize::Zeroizing;

/// How deep `${A:-${B:-...}}` defaults may nest. Compose has no limit; hostile input must not exhaust the stack.
pub(crate) const MAX_DEPTH: usize = 32;
/// The largest value interpolation may produce (`$A$A$A...` would otherwise grow without bound).
pub(crate) const MAX_VALUE: usize = 16 << 20;

/// Why a substitution failed (positions are added by the caller).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    Invalid,
    Required(String),
    TooDeep,
    TooLarge,
}

/// Resolves variable names; records the ones that are not set.
pub(crate) trait Mapping {
    /// The value of `name`, if it is set.
    fn get(&mut self, name: &str) -> Option<Zeroizing<String>>;
    /// `name` was referenced as `$name` / `${name}` and is not set (Compose warns and uses "").
    fn unset(&mut self, name: &str);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    DefaultIfEmptyOrUnset,
    DefaultIfUnset,
    AltIfNotEmpty,
    AltIfSet,
    RequiredNotEmpty,
    RequiredSet,
}

enum Token {
    Escaped,
    Name(usize, usize),
    Braced {
        name: (usize, usize),
        op: Option<(Op, usize)>,
    },
    Invalid,
}

/// The last `}` of the current line, remembered so that a long line is scanned once, not once per reference.
struct LineCache {
    from: usize,
    line_end: usize,
    last_brace: Option<usize>,
}

fn is_name_start(c: char) -> bool {
    // (?i)[_a-z] under Unicode simple case folding also takes U+017F (long s) and U+212A (Kelvin sign).
    c == '_' || c.is_ascii_alphabetic() || c == '\u{17f}' || c == '\u{212a}'
}

fn is_name_char(c: char) -> bool {
    is_name_start(c) || c.is_ascii_digit()
}

/// The end of a name starting at `i` (`i` itself when there is none).
fn name_end(s: &str, i: usize) -> usize {
    let mut chars = s[i..].char_indices();
    match chars.next() {
        Some((_, c)) if is_name_start(c) => {}
        _ => return i,
    }
    for (n, c) in s[i..].char_indices().skip(1) {
        if !is_name_char(c) {
            return i + n;
        }
    }
    s.len()
}

/// The last `}` in `s[from..]` before the next newline.
fn last_brace(s: &str, from: usize, cache: &mut Option<LineCache>) -> Option<usize> {
    if let Some(c) = cache {
        if from >= c.from && from <= c.line_end {
            return c.last_brace.filter(|&b| b >= from);
        }
    }
    let bytes = s.as_bytes();
    let line_end = crate::bytes::find(b'\n', &bytes[from..]).map_or(bytes.len(), |n| from + n);
    let last = crate::bytes::rfind(b'}', &bytes[from..line_end]).map(|n| from + n);
    *cache = Some(LineCache {
        from,
        line_end,
        last_brace: last,
    });
    last
}

/// Match the pattern at `d` (where `s[d] == '$'`): the token and the end of the match, or `None` for a plain `$`.
fn match_at(s: &str, d: usize, cache: &mut Option<LineCache>) -> Option<(Token, usize)> {
    let bytes = s.as_bytes();
    match bytes.get(d + 1) {
        Some(b'$') => return Some((Token::Escaped, d + 2)),
        Some(b'{') => {}
        Some(_) => {
            let end = name_end(s, d + 1);
            return (end > d + 1).then_some((Token::Name(d + 1, end), end));
        }
        None => return None,
    }
    let n0 = d + 2;
    let n1 = name_end(s, n0);
    if n1 == n0 {
        return Some((Token::Invalid, d + 2));
    }
    let (op, arg) = match (bytes.get(n1), bytes.get(n1 + 1)) {
        (Some(b'}'), _) => {
            let t = Token::Braced {
                name: (n0, n1),
                op: None,
            };
            return Some((t, n1 + 1));
        }
        (Some(b':'), Some(b'-')) => (Op::DefaultIfEmptyOrUnset, n1 + 2),
        (Some(b':'), Some(b'+')) => (Op::AltIfNotEmpty, n1 + 2),
        (Some(b':'), Some(b'?')) => (Op::RequiredNotEmpty, n1 + 2),
        (Some(b'-'), _) => (Op::DefaultIfUnset, n1 + 1),
        (Some(b'+'), _) => (Op::AltIfSet, n1 + 1),
        (Some(b'?'), _) => (Op::RequiredSet, n1 + 1),
        _ => return Some((Token::Invalid, d + 2)),
    };
    match last_brace(s, arg, cache) {
        Some(close) => {
            let t = Token::Braced {
                name: (n0, n1),
                op: Some((op, arg)),
            };
            Some((t, close + 1))
        }
        None => Some((Token::Invalid, d + 2)),
    }
}

/// compose-go's `getFirstBraceClosingIndex`: counts braces, and skips the character after every `{`.
fn first_brace_closing(m: &[u8]) -> Option<usize> {
    let mut open = 0i64;
    let mut i = 0;
    while i < m.len() {
        if m[i] == b'}' {
            open -= 1;
            if open == 0 {
                return Some(i);
            }
        }
        if m[i] == b'{' {
            open += 1;
            i += 1;
        }
        i += 1;
    }
    None
}

fn push(out: &mut Zeroizing<String>, s: &str) -> Result<(), Failure> {
    if out.len() + s.len() > MAX_VALUE {
        return Err(Failure::TooLarge);
    }
    out.push_str(s);
    Ok(())
}

/// Substitute every reference in `s`.
pub(crate) fn substitute(
    s: &str,
    mapping: &mut dyn Mapping,
    depth: usize,
) -> Result<Zeroizing<String>, Failure> {
    if depth > MAX_DEPTH {
        return Err(Failure::TooDeep);
    }
    let bytes = s.as_bytes();
    let mut out = Zeroizing::new(String::new());
    let mut cache = None;
    let mut literal_from = 0;
    let mut i = 0;
    while let Some(n) = crate::bytes::find(b'$', &bytes[i..]) {
        let d = i + n;
        let Some((token, end)) = match_at(s, d, &mut cache) else {
            i = d + 1;
            continue;
        };
        push(&mut out, &s[literal_from..d])?;
        let mut next = end;
        match token {
            Token::Escaped => push(&mut out, "$")?,
            Token::Invalid => return Err(Failure::Invalid),
            Token::Name(a, b)
            | Token::Braced {
                name: (a, b),
                op: None,
            } => {
                let name = &s[a..b];
                match mapping.get(name) {
                    Some(v) => push(&mut out, &v)?,
                    None => mapping.unset(name),
                }
            }
            Token::Braced {
                name: (a, b),
                op: Some((op, arg)),
            } => {
                // compose-go cuts the greedy match at its first balanced `}` and substitutes what follows the cut
                // on its own, which is what continuing the scan after the cut does.
                let close = first_brace_closing(&bytes[d..end]).map_or(end - 1, |c| d + c);
                let value = apply(op, &s[a..b], &s[arg..close], mapping, depth)?;
                push(&mut out, &value)?;
                next = close + 1;
            }
        }
        literal_from = next;
        i = next;
    }
    push(&mut out, &s[literal_from..])?;
    Ok(out)
}

fn apply(
    op: Op,
    name: &str,
    arg: &str,
    mapping: &mut dyn Mapping,
    depth: usize,
) -> Result<Zeroizing<String>, Failure> {
    let value = mapping.get(name);
    let set = value.is_some();
    let not_empty = value.as_ref().is_some_and(|v| !v.is_empty());
    let or_empty = || value.clone().unwrap_or_default();
    match op {
        Op::DefaultIfEmptyOrUnset if !not_empty => substitute(arg, mapping, depth + 1),
        Op::DefaultIfUnset if !set => substitute(arg, mapping, depth + 1),
        Op::AltIfNotEmpty if not_empty => substitute(arg, mapping, depth + 1),
        Op::AltIfSet if set => substitute(arg, mapping, depth + 1),
        Op::RequiredNotEmpty if !not_empty => {
            substitute(arg, mapping, depth + 1)?;
            Err(Failure::Required(name.to_owned()))
        }
        Op::RequiredSet if !set => {
            substitute(arg, mapping, depth + 1)?;
            Err(Failure::Required(name.to_owned()))
        }
        _ => Ok(or_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Map(HashMap<&'static str, &'static str>, Vec<String>);
    impl Mapping for Map {
        fn get(&mut self, name: &str) -> Option<Zeroizing<String>> {
            self.0.get(name).map(|v| Zeroizing::new((*v).to_owned()))
        }
        fn unset(&mut self, name: &str) {
            self.1.push(name.to_owned());
        }
    }

    fn sub(s: &str, vars: &[(&'static str, &'static str)]) -> Result<String, Failure> {
        let mut m = Map(vars.iter().copied().collect(), Vec::new());
        substitute(s, &mut m, 0).map(|v| v.as_str().to_owned())
    }

    #[test]
    fn compose_template_cases() {
        let v = [("FOO", "first"), ("BAR", ""), ("lower", "l")];
        assert_eq!(
            sub("$FOO ${FOO} $$FOO $", &v).unwrap(),
            "first first $FOO $"
        );
        assert_eq!(sub("${BAR:-x} ${BAR-x} ${NO-x}", &v).unwrap(), "x  x");
        assert_eq!(
            sub("${FOO:+alt} ${BAR:+alt} ${BAR+alt}|", &v).unwrap(),
            "alt  alt|"
        );
        assert_eq!(sub("${NO:-${FOO}}", &v).unwrap(), "first");
        assert_eq!(sub("${NO:-${NO2:-deep}}x", &v).unwrap(), "deepx");
        assert_eq!(sub("${NO-a}${FOO}", &v).unwrap(), "afirst");
        assert_eq!(sub("${NO-a}}", &v).unwrap(), "a}");
        assert_eq!(sub("$1 $- $", &v).unwrap(), "$1 $- $");
        assert_eq!(sub("${lower}$LOWER", &v).unwrap(), "l");
        assert_eq!(sub("${BAR?}", &v).unwrap(), "");
        assert_eq!(sub("${NO:?oops}", &v), Err(Failure::Required("NO".into())));
        assert_eq!(
            sub("${BAR:?oops}", &v),
            Err(Failure::Required("BAR".into()))
        );
        assert_eq!(sub("${NO?}", &v), Err(Failure::Required("NO".into())));
        for bad in [
            "${}", "${A.B}", "${A:x}", "${A", "${A-x", "${A-x\n}", "${1}", "${ A}",
        ] {
            assert_eq!(sub(bad, &v), Err(Failure::Invalid), "{bad}");
        }
    }

    /// compose-go's own `template/template_test.go` cases (with its `defaults` mapping).
    #[test]
    fn compose_go_template_test_cases() {
        let d = [("FOO", "first"), ("BAR", ""), ("JSON", "{\"json\":2}")];
        let ok = [
            ("$${foo}", "${foo}"),
            ("foo", "foo"),
            ("a $ string", "a $ string"),
            ("^REGEX$", "^REGEX$"),
            ("$}", "$}"),
            ("$", "$"),
            ("$FOO-bar", "first-bar"),
            ("This ${missing} var", "This  var"),
            ("This ${BAR} var", "This  var"),
            ("This $FOO var", "This first var"),
            ("This ${FOO} var", "This first var"),
            ("ok ${missing:-def}", "ok def"),
            ("ok ${missing-def}", "ok def"),
            ("${A:+${A},}B", "B"),
            ("${A:-${B}}", ""),
            ("ok ${BAR:-def}", "ok def"),
            ("ok ${FOO:-def}", "ok first"),
            ("ok ${BAR-def}", "ok "),
            ("ok ${UNSET_VAR:+presence_value}", "ok "),
            ("ok ${UNSET_VAR+presence_value}", "ok "),
            ("ok ${FOO:+presence_value}", "ok presence_value"),
            ("ok ${FOO+presence_value}", "ok presence_value"),
            ("ok ${BAR+presence_value}", "ok presence_value"),
            ("ok ${BAR:+presence_value}", "ok "),
            ("ok ${BAR:-/non:-alphanumeric}", "ok /non:-alphanumeric"),
            ("-ok ${BAR:-defaultValue}", "-ok defaultValue"),
            ("+ok ${UNSET:-${BAR-defaultValue}}", "+ok "),
            ("-ok ${FOO:-defaultValue}", "-ok first"),
            (":-ok ${UNSET-defaultValue}", ":-ok defaultValue"),
            (":-ok ${BAR-defaultValue}", ":-ok "),
            (":?ok ${BAR-defaultValue}", ":?ok "),
            (":?ok ${BAR:-defaultValue}", ":?ok defaultValue"),
            (":+ok ${BAR:-defaultValue}", ":+ok defaultValue"),
            ("+ok ${BAR-defaultValue}", "+ok "),
            ("?ok ${BAR:-defaultValue}", "?ok defaultValue"),
            ("ok ${UNSET_VAR-$FOO}", "ok first"),
            ("ok ${UNSET_VAR-${FOO}}", "ok first"),
            ("ok ${UNSET_VAR-${FOO} ${FOO}}", "ok first first"),
            ("ok ${BAR:-$FOO}", "ok first"),
            ("ok ${BAR:-${FOO}}", "ok first"),
            ("ok ${BAR:-${FOO} ${FOO}}", "ok first first"),
            ("ok ${BAR+$FOO}", "ok first"),
            ("ok ${BAR+$FOO ${FOO:+second}}", "ok first second"),
            ("ok ${FOO:?err}", "ok first"),
            ("ok ${FOO?err}", "ok first"),
            ("ok ${BAR?err}", "ok "),
            ("ok ${SUBDOMAIN:-redis}.${FOO:?}", "ok redis.first"),
            ("${UNSET_VAR-myerror?msg}", "myerror?msg"),
            ("${FOO?bar-baz}", "first"),
            (
                "${BAR:-default_value_for_empty_var}",
                "default_value_for_empty_var",
            ),
            (
                "${UNSET_VAR-default_value_for_unset_var}",
                "default_value_for_unset_var",
            ),
            ("${JSON}", "{\"json\":2}"),
        ];
        for (template, want) in ok {
            assert_eq!(sub(template, &d).as_deref(), Ok(want), "{template}");
        }
        for template in ["${", "${}", "${ }", "${ foo}", "${foo }", "${foo!}"] {
            assert_eq!(sub(template, &d), Err(Failure::Invalid), "{template}");
        }
        for (template, var) in [
            ("not ok ${UNSET_VAR:?Mandatory Variable Unset}", "UNSET_VAR"),
            ("not ok ${BAR:?Mandatory Variable Empty}", "BAR"),
            ("not ok ${UNSET_VAR:?}", "UNSET_VAR"),
            ("not ok ${UNSET_VAR?Mandatory Variable Unset}", "UNSET_VAR"),
            ("not ok ${UNSET_VAR?}", "UNSET_VAR"),
            (
                "not ok ${UNSET_VAR:?Mandatory Variable ${FOO}}",
                "UNSET_VAR",
            ),
            ("not ok ${UNSET_VAR?Mandatory Variable ${FOO}}", "UNSET_VAR"),
            ("${UNSET_VAR?bar-baz}", "UNSET_VAR"),
        ] {
            assert_eq!(
                sub(template, &d),
                Err(Failure::Required(var.to_owned())),
                "{template}"
            );
        }
    }

    #[test]
    fn depth_and_size_are_bounded() {
        let deep = "${A:-".repeat(100) + &"}".repeat(100);
        assert_eq!(sub(&deep, &[]), Err(Failure::TooDeep));
        let mut m = Map(HashMap::new(), Vec::new());
        let big = "x".repeat(1 << 20);
        let leaked: &'static str = Box::leak(big.into_boxed_str());
        m.0.insert("A", leaked);
        let s = "$A".repeat(40);
        assert_eq!(substitute(&s, &mut m, 0).err(), Some(Failure::TooLarge));
    }

    #[test]
    fn long_lines_are_linear() {
        let line = "${A-x}".repeat(200_000);
        let t = std::time::Instant::now();
        assert_eq!(sub(&line, &[]).unwrap().len(), 200_000);
        assert!(t.elapsed() < std::time::Duration::from_secs(5));
    }
}
