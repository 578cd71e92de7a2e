//! sops's regular expressions (`encrypted_regex`, `unencrypted_regex`, `path_regex`) with the meaning Go's
//! `regexp` gives them, or no answer where this implementation could give another.
//!
//! sops compiles them with Go's RE2 syntax and searches each key (or path) unanchored. The engine here is
//! `regex-lite`, which agrees with Go on what decides almost every real pattern: literals, `.` by code point,
//! alternation, repetition, groups, the flags `i m s U`, `^ $ \A \z`, and ASCII-only `\d \w \b \B` and
//! `[[:classes:]]` (the full `regex` crate, used before, made `\w \d \s \b` Unicode-aware: `^\w+$` matched keys Go
//! does not match). Where the two differ, [`GoRegex`] does not guess:
//!
//! - **`(?i)`**: Go folds case by Unicode's simple case folding (`k` also matches U+212A KELVIN SIGN, `s` U+017F
//!   LATIN SMALL LETTER LONG S, `é` matches `É`); regex-lite folds ASCII letters only. For a key of ASCII
//!   characters the answers agree when the pattern itself names only ASCII characters, because those two signs are
//!   the only non-ASCII members of an ASCII letter's case orbit. So a case-insensitive pattern that names a
//!   non-ASCII character (directly or by a `\x` escape) is refused, and a non-ASCII key under a case-insensitive
//!   pattern gets no answer.
//! - **`\s`**: Go's is `[\t\n\f\r ]`, regex-lite's also has `\v` (U+000B). A key holding a `\v` under a pattern
//!   using `\s` or `\S` gets no answer.
//! - What Go accepts and regex-lite does not (`\p{Greek}` and other Unicode classes, `\Q...\E`, octal escapes) is
//!   refused when compiled, as are the flags Go lacks (`x`, `u`, `R`): no pattern is ever read with another
//!   meaning.
//!
//! A caller with no answer refuses the operation (a secret is never left in plaintext by a guess). The converse is
//! not checked: a few patterns Go rejects are accepted here (a nested repetition `a**`, a count over 1,000); sops
//! then refuses the file it reads them from, which leaves nothing in plaintext either.

/// Largest compiled program a pattern may give (the pattern may come from a hostile file). A match costs up to the
/// program's size times the key's length (regex-lite has no DFA and no literal prefilter: a hostile
/// `(.{0,100}){0,10}z` takes ~0.2 s on a 4,000-byte key); 128 KiB holds an alternation of 400 key names, the longest
/// pattern accepted, and refuses `.{0,3000}z`.
const SIZE_LIMIT: usize = 128 << 10;

/// Longest pattern accepted.
const MAX_LEN: usize = 4096;

/// Why a regex rule has no answer for a key or path ([`GoRegex::matches`] gave `None`), and what to do: the one
/// explanation every refusal of that kind gives.
pub(crate) const NO_ANSWER: &str = "a regex rule on a key or path that Go's regexp, which sops uses, could match \
     otherwise than secretctl (a case-insensitive (?i) pattern and non-ASCII characters, or \\s/\\S and a vertical \
     tab); write the pattern without (?i) (spell the cases out) or without \\s";

/// A compiled sops regular expression.
#[derive(Debug, Clone)]
pub(crate) struct GoRegex {
    re: regex_lite::Regex,
    /// Somewhere case-insensitive (`(?i)`): non-ASCII keys get no answer.
    folds: bool,
    /// Uses `\s` or `\S`: keys with a vertical tab get no answer.
    spaces: bool,
}

impl GoRegex {
    /// Compiles `pattern` as sops does (an unanchored search).
    ///
    /// # Errors
    /// Why the pattern is refused, for a message: too long, not valid, too large once compiled, a construct this
    /// engine lacks, or a case-insensitive pattern naming a non-ASCII character.
    pub(crate) fn new(pattern: &str) -> Result<GoRegex, String> {
        if pattern.len() > MAX_LEN {
            return Err(format!("longer than {MAX_LEN} bytes"));
        }
        let scan = Scan::of(pattern);
        if scan.foreign_flag {
            return Err(
                "uses a flag Go's regexp does not have (only i, m, s and U exist there)".to_owned(),
            );
        }
        if scan.folds && (!pattern.is_ascii() || scan.hex_escape) {
            return Err("is case-insensitive ((?i)) and names a non-ASCII character: Go folds those by Unicode \
                        rules secretctl does not implement (write the cases out instead of using (?i))"
                .to_owned());
        }
        let re = regex_lite::RegexBuilder::new(pattern)
            .size_limit(SIZE_LIMIT)
            .nest_limit(64)
            .build()
            .map_err(|_| {
                "is not a valid regular expression, compiles too large, or uses what secretctl does not support \
                 (\\p{...} Unicode classes, \\Q...\\E, octal escapes)"
                    .to_owned()
            })?;
        Ok(GoRegex {
            re,
            folds: scan.folds,
            spaces: scan.spaces,
        })
    }

    /// Whether the pattern matches somewhere in `key`, as Go's `regexp.MatchString` answers; `None` when Go could
    /// answer otherwise than this engine (see the module documentation).
    pub(crate) fn matches(&self, key: &str) -> Option<bool> {
        if (self.folds && !key.is_ascii()) || (self.spaces && key.contains('\u{B}')) {
            return None;
        }
        Some(self.re.is_match(key))
    }

    /// The pattern as written.
    pub(crate) fn as_str(&self) -> &str {
        self.re.as_str()
    }
}

/// What [`GoRegex`] needs to know of a pattern's text. It errs on the side of "yes" (a `(?i)` or `(?x)` inside a
/// class counts), which withholds an answer or refuses a pattern, never changes an answer.
#[derive(Default)]
struct Scan {
    folds: bool,
    spaces: bool,
    hex_escape: bool,
    /// A flag Go's `regexp` does not have (`x`, `u`, `R`): sops could not have used the pattern.
    foreign_flag: bool,
}

impl Scan {
    fn of(pattern: &str) -> Scan {
        let mut scan = Scan::default();
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                // An escape: the next character is never a flag group's start.
                '\\' => match chars.next() {
                    Some('s' | 'S') => scan.spaces = true,
                    Some('x') => scan.hex_escape = true,
                    _ => {}
                },
                // `(?flags)` or `(?flags:...)`: the flag letters follow directly; `(?P<n>` and `(?<n>` name a group.
                '(' if chars.peek() == Some(&'?') => {
                    chars.next();
                    if chars.peek() == Some(&'P') {
                        chars.next();
                        if chars.peek() == Some(&'<') {
                            continue;
                        }
                        scan.foreign_flag = true;
                    }
                    while let Some(&f) = chars.peek() {
                        if !(f.is_ascii_alphabetic() || f == '-') {
                            break;
                        }
                        scan.folds |= f == 'i';
                        scan.foreign_flag |= !matches!(f, 'i' | 'm' | 's' | 'U' | '-');
                        chars.next();
                    }
                }
                _ => {}
            }
        }
        scan
    }
}

#[cfg(test)]
mod tests {
    use super::GoRegex;

    fn m(pattern: &str, key: &str) -> Option<bool> {
        GoRegex::new(pattern).expect(pattern).matches(key)
    }

    #[test]
    fn perl_classes_and_word_boundaries_are_ascii_as_in_go() {
        // Go: \w is [0-9A-Za-z_], \d [0-9], \b an ASCII word boundary.
        assert_eq!(m(r"^\w+$", "password"), Some(true));
        assert_eq!(m(r"^\w+$", "пароль"), Some(false));
        assert_eq!(m(r"^\d+$", "١٢٣"), Some(false));
        assert_eq!(m(r"\bpass\b", "é pass é"), Some(true));
        assert_eq!(m(r"pass\b", "passé"), Some(true));
        assert_eq!(m(r"^[[:alpha:]]+$", "passé"), Some(false));
        assert_eq!(m(r"^.$", "é"), Some(true));
    }

    #[test]
    fn unanchored_search_and_flags() {
        assert_eq!(m("pass", "db_password"), Some(true));
        assert_eq!(m("^pass", "db_password"), Some(false));
        assert_eq!(m("^(data|stringData)$", "stringData"), Some(true));
        assert_eq!(m("(?i)^PASS", "password"), Some(true));
        assert_eq!(m("(?i:x)Y", "XY"), Some(true));
        assert_eq!(m("(?i:x)Y", "Xy"), Some(false));
    }

    #[test]
    fn case_insensitive_patterns_give_no_answer_for_non_ascii_keys() {
        // Go: (?i)k matches U+212A KELVIN SIGN, (?i)é matches É; regex-lite would say no to both.
        assert_eq!(m("(?i)k", "\u{212A}"), None);
        assert_eq!(m("(?i)secret", "sécret"), None);
        assert_eq!(m("(?-s:.)(?i)x", "é"), None);
        // Without (?i) the answer stands; a named group is not a flag.
        assert_eq!(m("secret", "sécret"), Some(false));
        assert_eq!(m("(?P<id>secret)", "sécret"), Some(false));
        assert_eq!(m("(?<id>secret)", "sécret"), Some(false));
        assert_eq!(m("(?s)secret", "sécret"), Some(false));
    }

    #[test]
    fn the_longest_pattern_accepted_compiles() {
        let names: Vec<String> = (0..399).map(|i| format!("key_{i:05}")).collect();
        let p = format!("^({})$", names.join("|"));
        assert!(p.len() <= super::MAX_LEN, "{}", p.len());
        assert_eq!(m(&p, "key_00398"), Some(true));
        assert_eq!(m(&p, "key_00399"), Some(false));
    }

    #[test]
    fn case_insensitive_patterns_naming_non_ascii_characters_are_refused() {
        for p in ["(?i)é", "(?i)[\\x{212A}]", "(?i)\\x{17F}", "(?i:a)[à-ÿ]"] {
            let e = GoRegex::new(p).unwrap_err();
            assert!(e.contains("non-ASCII"), "{p}: {e}");
        }
        assert!(GoRegex::new("é").is_ok());
    }

    #[test]
    fn vertical_tab_keys_under_space_classes_give_no_answer() {
        // Go's \s is [\t\n\f\r ]; regex-lite's adds \v.
        assert_eq!(m(r"a\sb", "a\u{B}b"), None);
        assert_eq!(m(r"a\Sb", "a\u{B}b"), None);
        assert_eq!(m(r"a\sb", "a b"), Some(true));
        assert_eq!(m(r"a\\sb", "a\u{B}b"), Some(false));
    }

    #[test]
    fn what_go_has_and_this_engine_lacks_is_refused() {
        for p in [
            r"\p{Greek}",
            r"\pL",
            r"\Q.*\E",
            r"\141",
            "(x",
            &"a".repeat(4097),
            ".{0,3000}z",
            "(?x)a b",
            "(?-u:a)",
            "(?R)a",
        ] {
            assert!(GoRegex::new(p).is_err(), "{p}");
        }
    }
}
