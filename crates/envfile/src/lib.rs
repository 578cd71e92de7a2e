//! Lossless Docker Compose `.env` documents: parse, query, edit, render, atomic save.
//!
//! An [`EnvFile`] keeps the exact text it was parsed from and renders it back byte for byte: a leading BOM, CRLF
//! line ends, comments, blank lines, `export`, spacing around `=`, every quoting style, multi-line values and a
//! missing final newline all survive. Edits touch only the bytes of the key they change.
//!
//! The dialect is Docker Compose's, as compose-go's `dotenv` package implements it (see `docs/formats/envfile.md`):
//! every file Compose accepts parses here with the same keys, and [`EnvFile::resolve`] computes the values Compose
//! computes. Interpolation (`$VAR`, `${VAR:-default}`, ...) is a separate step from parsing: [`EnvFile::get`]
//! returns a value as written (quotes and escapes removed), [`EnvFile::resolve`] the interpolated values.
//!
//! # Where dotenvy differs
//! The `dotenvy` crate reads a similar but different dialect. On these inputs it disagrees with Compose (the
//! differential test `tests/dotenvy_differential.rs` checks both the agreement elsewhere and each of these):
//! - an inline comment: Compose starts one only at `" #"` (a space before `#`), so `A=x\t#c` is `x\t#c`; dotenvy
//!   also takes `#` after a tab;
//! - `A= # c` is the value `# c` for Compose (the spaces after `=` are skipped first) and empty for dotenvy;
//! - `"x$VAR"`, a reference right before the closing quote, is an error for dotenvy;
//! - `KEY: value` (YAML style) is an assignment for Compose and an error for dotenvy;
//! - key names: Compose allows any Unicode letter or digit plus `_ . - [ ]`; dotenvy allows ASCII letters, digits,
//!   `_` and `.` only (and rejects `a[1]`, `VAR-WITH-DASHES`, `árvíztűrő`);
//! - escapes in double quotes: Compose processes `\a \b \f \v` and octal `\0NNN` and keeps unknown escapes such as
//!   `\x` as written; dotenvy rejects unknown escapes;
//! - in single quotes Compose reads `\'` as `'`; dotenvy has no escapes there;
//! - `A="x" B=y` sets both keys for Compose; dotenvy rejects text after a closing quote;
//! - a bare `KEY` line takes KEY from the environment in Compose, and is an error for dotenvy;
//! - interpolation: Compose supports `${VAR:+alt}`, `${VAR+alt}`, `${VAR:?err}`, `${VAR?err}` and `$$`;
//!   dotenvy substitutes only `$VAR`, `${VAR}`, `${VAR:-default}`, and prefers the process environment.
//!
//! # Examples
//! ```
//! use secretctl_envfile::EnvFile;
//!
//! let text = "# database\r\nexport DB_HOST = db # the service\r\nDB_PASSWORD='s3cret'\r\n";
//! let mut env = EnvFile::parse(text)?;
//! assert_eq!(env.render(), text);
//! assert_eq!(env.keys(), ["DB_HOST", "DB_PASSWORD"]);
//! assert_eq!(env.get("DB_HOST"), Some("db"));
//!
//! env.set("DB_PASSWORD", "n3w pass")?;
//! env.set("DB_URL", "postgres://${DB_HOST}/app")?;
//! assert_eq!(
//!     env.render(),
//!     "# database\r\nexport DB_HOST = db # the service\r\nDB_PASSWORD='n3w pass'\r\nDB_URL='postgres://${DB_HOST}/app'\r\n"
//! );
//!
//! let values = env.resolve(&|_| None)?;
//! use secrecy::ExposeSecret;
//! assert_eq!(values[2].1.expose_secret(), "postgres://${DB_HOST}/app");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod bytes;
mod edit;
mod error;
pub mod fs;
mod parse;
mod template;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

pub use secrecy;
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

pub use crate::error::{EditError, Error, InterpolationError, ParseError, ParseErrorKind};
use crate::parse::{Dollar, Entry, Kind, Quote, BOM};

/// The largest secret file secretctl reads or writes: a `.env` ([`EnvFile::load`], [`EnvFile::save`]), and the
/// gitops repository's vars files, templates and state files (`secretctl_gitops::repo::MAX_FILE_BYTES` is this
/// constant). One limit for every reader and every writer, and writers check it **before** writing anything, so
/// nothing secretctl writes is a file it would then refuse to read. 16 MiB holds a 100,000-key `.env` and its
/// encrypted vars file (about 4 and 15 MB); real files are kilobytes.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// The most statements a document may have: parsing keeps about 80 bytes per statement, so this bounds the memory a
/// hostile file of one-character statements can take (real files have hundreds; a 100,000-key `.env` parses).
pub const MAX_STATEMENTS: usize = 1 << 20;

/// The most bytes all interpolated values of one file may add up to.
const MAX_RESOLVED_BYTES: usize = 64 << 20;

/// A lossless Docker Compose `.env` document.
///
/// Its `Debug` shows how many keys it has, never a value; its buffers are zeroized when dropped or replaced.
pub struct EnvFile {
    src: Zeroizing<String>,
    entries: Vec<Entry>,
}

impl std::fmt::Debug for EnvFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnvFile")
            .field("keys", &self.keys().len())
            .field("bytes", &self.src.len())
            .finish_non_exhaustive()
    }
}

impl Default for EnvFile {
    fn default() -> Self {
        Self::new()
    }
}

/// A variable that a value references (`$VAR`, `${VAR}`) and that is not set; Compose substitutes `""` and warns.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnsetVariable {
    /// The key whose value references the variable.
    pub key: String,
    /// 1-based line of that key.
    pub line: usize,
    /// The variable's name.
    pub variable: String,
}

/// The outcome of interpolating a document: Compose's values in key order, and the variables that were unset.
#[derive(Debug)]
#[non_exhaustive]
pub struct Resolution {
    /// Every key Compose would define, in the order of first appearance, with the value Compose computes.
    pub values: Vec<(String, SecretString)>,
    /// References to variables that are not set, in file order.
    pub unset: Vec<UnsetVariable>,
}

struct ResolveMapping<'a, 'k> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    index: &'a HashMap<&'k str, usize>,
    values: &'a [(String, SecretString)],
    unset: Vec<String>,
}

impl template::Mapping for ResolveMapping<'_, '_> {
    fn get(&mut self, name: &str) -> Option<Zeroizing<String>> {
        // compose-go asks the caller's environment first, then the keys defined so far.
        if let Some(v) = (self.lookup)(name) {
            return Some(Zeroizing::new(v));
        }
        self.index
            .get(name)
            .map(|&i| Zeroizing::new(self.values[i].1.expose_secret().to_owned()))
    }
    fn unset(&mut self, name: &str) {
        self.unset.push(name.to_owned());
    }
}

impl EnvFile {
    /// An empty document.
    #[must_use]
    pub fn new() -> Self {
        Self {
            src: Zeroizing::new(String::new()),
            entries: Vec::new(),
        }
    }

    /// Parse a document. Parsing checks syntax only; interpolation is [`EnvFile::resolve`].
    ///
    /// # Errors
    /// A [`ParseError`] (line, column, key name; never the text) where Docker Compose would reject the input:
    /// a key name with a character outside letters, digits and `_ . - [ ]`, a key with a space, a quoted value
    /// without its closing quote, a final `export ` with no key.
    pub fn parse(input: &str) -> Result<EnvFile, ParseError> {
        let entries = parse::parse(input)?;
        Ok(Self {
            src: Zeroizing::new(input.to_owned()),
            entries,
        })
    }

    /// The document's text: byte-identical to the parsed input, plus any edits.
    #[must_use]
    pub fn render(&self) -> String {
        self.src.as_str().to_owned()
    }

    /// The document's text, borrowed (no copy that would escape zeroization).
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.src
    }

    fn key_of(&self, e: &Entry) -> &str {
        &self.src[e.key.clone()]
    }

    fn assignments(&self) -> impl DoubleEndedIterator<Item = (usize, &Entry)> {
        self.entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == Kind::Assign)
    }

    /// The index of the assignment Compose reads for `key`: the last one.
    fn position(&self, key: &str) -> Option<usize> {
        self.assignments()
            .rev()
            .find(|(_, e)| self.key_of(e) == key)
            .map(|(i, _)| i)
    }

    /// The distinct keys the document assigns, in order of first appearance. Bare `KEY` lines, which only pass
    /// a variable through from the environment, are not listed.
    #[must_use]
    pub fn keys(&self) -> Vec<&str> {
        let mut seen = HashSet::with_capacity(self.entries.len());
        self.assignments()
            .map(|(_, e)| self.key_of(e))
            .filter(|k| seen.insert(*k))
            .collect()
    }

    /// The value of `key` as written, with quotes and escapes removed but not interpolated, from the assignment
    /// Compose reads (the last one).
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&str> {
        self.position(key)
            .map(|i| self.entries[i].literal(&self.src))
    }

    /// Whether the document assigns `key`.
    #[must_use]
    pub fn contains(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Replace `range` of the source by `with`, in a new buffer so that the old one is zeroized, not reallocated.
    fn splice(&mut self, edits: &[(Range<usize>, &str)]) {
        let removed: usize = edits.iter().map(|(r, _)| r.len()).sum();
        let added: usize = edits.iter().map(|(_, w)| w.len()).sum();
        let mut out = Zeroizing::new(String::with_capacity(self.src.len() - removed + added));
        let mut from = 0;
        for (r, with) in edits {
            out.push_str(&self.src[from..r.start]);
            out.push_str(with);
            from = r.end;
        }
        out.push_str(&self.src[from..]);
        self.src = out;
    }

    /// Check that `key` is a name [`EnvFile::set`] can write and Compose reads back (letters, digits and
    /// `_ . - [ ]`, not empty).
    ///
    /// # Errors
    /// [`EditError::InvalidKey`] naming the key otherwise.
    pub fn check_key(key: &str) -> Result<(), EditError> {
        if edit::valid_key(key) {
            Ok(())
        } else {
            Err(EditError::InvalidKey {
                key: key.to_owned(),
            })
        }
    }

    /// Set `key` to `value`. An existing key has only its value rewritten (the assignment Compose reads, when
    /// the key is repeated); a new key is appended on a line of its own. The value is written with the least
    /// quoting that Compose reads back as exactly `value`, with no interpolation. Setting a key to the value it
    /// already has changes nothing.
    ///
    /// # Errors
    /// [`EditError::InvalidKey`] for a name Compose would not read back (empty, or a character outside letters,
    /// digits and `_ . - [ ]`); [`EditError::UnsafeAppend`] when the file's unterminated last line would read
    /// differently once a line follows it.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), EditError> {
        Self::check_key(key)?;
        match self.position(key) {
            Some(i) => {
                self.replace_value(i, value);
                Ok(())
            }
            None => self.append(key, value),
        }
    }

    /// The distinct keys the document assigns, in order of first appearance, each with its value as written
    /// ([`EnvFile::get`]: the assignment Compose reads). One pass over the document, however many keys it has.
    #[must_use]
    pub fn values(&self) -> Vec<(&str, &str)> {
        let mut index: HashMap<&str, usize> = HashMap::with_capacity(self.entries.len());
        let mut out: Vec<(&str, &str)> = Vec::new();
        for (_, e) in self.assignments() {
            let key = self.key_of(e);
            let value = e.literal(&self.src);
            match index.get(key) {
                Some(&at) => out[at].1 = value,
                None => {
                    index.insert(key, out.len());
                    out.push((key, value));
                }
            }
        }
        out
    }

    /// [`EnvFile::set`] for every key of `pairs`, in order of first appearance, to its last value in `pairs`, in
    /// time linear in the size of the document: every value is rewritten into one new buffer, and keys the
    /// document does not assign are appended together, instead of copying the whole document once per key.
    ///
    /// # Errors
    /// As [`EnvFile::set`], checked for every key before anything changes.
    pub fn set_all(&mut self, pairs: &[(&str, &str)]) -> Result<(), EditError> {
        for (key, _) in pairs {
            Self::check_key(key)?;
        }
        // Each key's first and last place in `pairs`: one hash per pair and one per assignment (a 100,000-key
        // template is made with this call).
        let mut places: HashMap<&str, (usize, usize)> = HashMap::with_capacity(pairs.len());
        for (p, (key, _)) in pairs.iter().enumerate() {
            places
                .entry(key)
                .and_modify(|(_, last)| *last = p)
                .or_insert((p, p));
        }
        // By a key's last place: the last assignment of the key.
        let mut target: Vec<Option<usize>> = vec![None; pairs.len()];
        for (i, e) in self.assignments() {
            if let Some(&(_, p)) = places.get(self.key_of(e)) {
                target[p] = Some(i);
            }
        }
        // By a key's first place: its last place.
        let mut last_at_first: Vec<Option<usize>> = vec![None; pairs.len()];
        for &(first, last) in places.values() {
            last_at_first[first] = Some(last);
        }
        let mut edits: Vec<(Range<usize>, Zeroizing<String>)> = Vec::with_capacity(places.len());
        let mut appends: Vec<usize> = Vec::new();
        // A key is set once, at its first place in `pairs`, to its last value.
        for p in last_at_first.into_iter().flatten() {
            match target[p] {
                Some(i) => edits.extend(self.value_edit(i, pairs[p].1)),
                None => appends.push(p),
            }
        }
        edits.sort_by_key(|(r, _)| r.start);
        if !edits.is_empty() {
            let before = self.src.clone();
            let spliced: Vec<(Range<usize>, &str)> =
                edits.iter().map(|(r, w)| (r.clone(), w.as_str())).collect();
            self.splice(&spliced);
            match parse::parse(&self.src) {
                Ok(entries) if entries.len() == self.entries.len() => self.entries = entries,
                _ => {
                    // `encode` makes every value read back as written, so this does not happen; if it did, the
                    // one-key-at-a-time path gives the same result.
                    self.src = before;
                    for (p, (key, value)) in pairs.iter().enumerate() {
                        if target[p].is_some() {
                            self.set(key, value)?;
                        }
                    }
                }
            }
        }
        let Some((&first, rest)) = appends.split_first() else {
            return Ok(());
        };
        // The first append handles a last line without a newline; after it the document ends with one.
        self.append(pairs[first].0, pairs[first].1)?;
        if rest.is_empty() {
            return Ok(());
        }
        let newline = self.newline();
        // Keep the file's "no final newline" style, as `append` does: then each line starts with the newline.
        let terminated = self.src.ends_with('\n');
        let mut text = Zeroizing::new(String::new());
        for &p in rest {
            let (key, value) = pairs[p];
            if !terminated {
                text.push_str(newline);
            }
            text.push_str(key);
            text.push('=');
            text.push_str(&edit::encode(value, ""));
            if terminated {
                text.push_str(newline);
            }
        }
        let at = self.src.len();
        let old_len = self.entries.len();
        self.splice(&[(at..at, &text)]);
        // The statement before may end differently once a line follows it (an empty value at the end of the
        // text, a `\r`): it is read again too.
        let mut pos = self.entries.pop().map_or(at, |e| e.start);
        let mut ok = true;
        while let Some(start) = parse::statement_start(&self.src, pos) {
            match parse::statement(&self.src, start) {
                Ok((e, next)) => {
                    self.entries.push(e);
                    pos = next;
                }
                Err(_) => {
                    ok = false;
                    break;
                }
            }
        }
        if !ok || self.entries.len() != old_len + rest.len() {
            self.splice(&[(at..self.src.len(), "")]);
            if let Ok(entries) = parse::parse(&self.src) {
                self.entries = entries;
            }
            return Err(EditError::UnsafeAppend {
                key: pairs[rest[0]].0.to_owned(),
            });
        }
        Ok(())
    }

    /// The span of statement `i`'s value and the text that sets it to `value` (`None`: it already has it).
    fn value_edit(&self, i: usize, value: &str) -> Option<(Range<usize>, Zeroizing<String>)> {
        let e = &self.entries[i];
        if edit::fixed_value(e, &self.src).is_some_and(|v| v.as_str() == value) {
            return None;
        }
        let mut range = e.value.clone();
        if e.quote == Quote::None && range.is_empty() {
            // An empty value's span starts after the spaces Compose skips, which include the `\r` of a CRLF line
            // end: write the new value before that `\r`, not between it and the `\n`.
            while range.start > e.key.end && self.src.as_bytes()[range.start - 1] == b'\r' {
                range.start -= 1;
            }
            range.end = range.start;
        }
        let line_end = crate::bytes::find(b'\n', &self.src.as_bytes()[range.end..])
            .map_or(self.src.len(), |n| range.end + n);
        let encoded = edit::encode(value, &self.src[range.end..line_end]);
        Some((range, encoded))
    }

    fn replace_value(&mut self, i: usize, value: &str) {
        let Some((range, encoded)) = self.value_edit(i, value) else {
            return;
        };
        let start = self.entries[i].start;
        let delta = encoded.len().cast_signed() - range.len().cast_signed();
        self.splice(&[(range, &encoded)]);
        // `encode` checked that the statement reads back with exactly this value span, so it parses.
        let reparsed = parse::statement(&self.src, start);
        debug_assert!(reparsed.is_ok(), "an encoded value failed to parse");
        if let Ok((entry, _)) = reparsed {
            self.entries[i] = entry;
        }
        for e in &mut self.entries[i + 1..] {
            e.shift(delta);
        }
    }

    fn newline(&self) -> &'static str {
        let b = self.src.as_bytes();
        match crate::bytes::find(b'\n', b) {
            Some(n) if n > 0 && b[n - 1] == b'\r' => "\r\n",
            _ => "\n",
        }
    }

    fn append(&mut self, key: &str, value: &str) -> Result<(), EditError> {
        let encoded = edit::encode(value, "");
        let content_start = if self.src.starts_with(BOM) {
            BOM.len()
        } else {
            0
        };
        let terminated = self.src.len() == content_start || self.src.ends_with('\n');
        let mut text = Zeroizing::new(String::with_capacity(key.len() + encoded.len() + 3));
        if terminated {
            text.push_str(key);
            text.push('=');
            text.push_str(&encoded);
            text.push_str(self.newline());
        } else {
            // Keep the file's "no final newline" style, so that unsetting the key restores it exactly.
            let sep = if self.newline() == "\r\n"
                || (!self.src.contains('\n') && self.src.ends_with('\r'))
            {
                "\r\n"
            } else {
                "\n"
            };
            text.push_str(sep);
            text.push_str(key);
            text.push('=');
            text.push_str(&encoded);
        }
        let at = self.src.len();
        let old_len = self.entries.len();
        let before = if terminated {
            Zeroizing::new(String::new())
        } else {
            self.src.clone()
        };
        self.splice(&[(at..at, &text)]);
        let reparsed = if terminated {
            parse::statement(&self.src, at).map(|(e, _)| {
                self.entries.push(e);
            })
        } else {
            // The last line was unterminated: make sure giving it a newline changed nothing about it.
            let old_src = &before;
            parse::parse(&self.src).map(|entries| {
                let same = entries.len() == old_len + 1
                    && entries.iter().zip(&self.entries).all(|(a, b)| {
                        a.kind == b.kind
                            && a.quote == b.quote
                            && self.src[a.key.clone()] == old_src[b.key.clone()]
                            && a.literal(&self.src) == b.literal(old_src)
                    });
                if same {
                    self.entries = entries;
                }
            })
        };
        if reparsed.is_err() || self.entries.len() != old_len + 1 {
            self.entries.truncate(old_len);
            self.splice(&[(at..self.src.len(), "")]);
            return Err(EditError::UnsafeAppend {
                key: key.to_owned(),
            });
        }
        Ok(())
    }

    /// The bytes to delete to remove statement `e`: its whole line(s) when it is alone on them (comment included),
    /// else just the statement.
    fn removal(&self, e: &Entry) -> Range<usize> {
        let b = self.src.as_bytes();
        let content_start = if self.src.starts_with(BOM) {
            BOM.len()
        } else {
            0
        };
        let line_start = crate::bytes::rfind(b'\n', &b[..e.start]).map_or(content_start, |n| n + 1);
        let line_end = crate::bytes::find(b'\n', &b[e.end..]).map_or(b.len(), |n| e.end + n);
        let before_blank = self.src[line_start..e.start].trim().is_empty();
        let after = self.src[e.end..line_end].trim_start();
        let after_blank = after.is_empty() || after.starts_with('#');
        if !(before_blank && after_blank) {
            return e.start..e.end;
        }
        if line_end < b.len() {
            return line_start..line_end + 1;
        }
        // A bare `KEY` line needs its newline: without one, Compose reads it as a value.
        let after_bare_key = self
            .entries
            .iter()
            .any(|p| p.kind == Kind::Inherit && p.end + 1 == line_start);
        if line_start > content_start && !after_bare_key {
            // The last line has no newline: remove the newline before it instead, so that adding a key and
            // removing it again restores the file exactly.
            let crlf = self.newline() == "\r\n" && line_start >= 2 && b[line_start - 2] == b'\r';
            let from = if crlf { line_start - 2 } else { line_start - 1 };
            return from..b.len();
        }
        line_start..b.len()
    }

    /// Remove every assignment of `key` (with its line, when it is alone on it). Bare `KEY` lines, which pass a
    /// variable through from the environment, stay. Returns whether anything was removed.
    pub fn unset(&mut self, key: &str) -> bool {
        let doomed: Vec<usize> = self
            .assignments()
            .filter(|(_, e)| self.key_of(e) == key)
            .map(|(i, _)| i)
            .collect();
        if doomed.is_empty() {
            return false;
        }
        let mut ranges: Vec<Range<usize>> = Vec::with_capacity(doomed.len());
        for &i in &doomed {
            let r = self.removal(&self.entries[i]);
            // Removing the last line takes the newline before it, which may end a line removed already.
            match ranges.last_mut() {
                Some(last) if r.start < last.end => last.end = last.end.max(r.end),
                _ => ranges.push(r),
            }
        }
        let edits: Vec<(Range<usize>, &str)> = ranges.iter().map(|r| (r.clone(), "")).collect();
        self.splice(&edits);
        let mut kept = Vec::with_capacity(self.entries.len() - doomed.len());
        let mut removed_before = 0usize;
        let mut next_range = 0;
        for (i, mut e) in std::mem::take(&mut self.entries).into_iter().enumerate() {
            while next_range < ranges.len() && ranges[next_range].end <= e.start {
                removed_before += ranges[next_range].len();
                next_range += 1;
            }
            if doomed.binary_search(&i).is_ok() {
                continue;
            }
            // An unquoted value's statement ends at its newline; when that newline goes, it ends where the text does.
            // An empty one may even start after a `\r` that goes with the newline.
            if let Some(r) = ranges.get(next_range) {
                e.end = e.end.min(r.start);
                e.value = e.value.start.min(r.start)..e.value.end.min(r.start);
            }
            e.shift(-(removed_before.cast_signed()));
            kept.push(e);
        }
        self.entries = kept;
        true
    }

    /// Rename every assignment of `from` to `to`, keeping values and layout.
    ///
    /// # Errors
    /// [`EditError::InvalidKey`] for an invalid `to`, [`EditError::NotFound`] when `from` is not set,
    /// [`EditError::KeyExists`] when `to` is already set.
    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), EditError> {
        if !edit::valid_key(to) {
            return Err(EditError::InvalidKey { key: to.to_owned() });
        }
        if !self.contains(from) {
            return Err(EditError::NotFound {
                key: from.to_owned(),
            });
        }
        if from == to {
            return Ok(());
        }
        if self.contains(to) {
            return Err(EditError::KeyExists { key: to.to_owned() });
        }
        let targets: Vec<usize> = self
            .assignments()
            .filter(|(_, e)| self.key_of(e) == from)
            .map(|(i, _)| i)
            .collect();
        let edits: Vec<(Range<usize>, &str)> = targets
            .iter()
            .map(|&i| (self.entries[i].key.clone(), to))
            .collect();
        self.splice(&edits);
        let delta = to.len().cast_signed() - from.len().cast_signed();
        let mut shift = 0isize;
        let mut t = 0;
        for (i, e) in self.entries.iter_mut().enumerate() {
            e.shift(shift);
            if t < targets.len() && targets[t] == i {
                // The key grows or shrinks; everything after it on the statement moves with it.
                let after = |x: usize| x.wrapping_add_signed(delta);
                e.key = e.key.start..after(e.key.end);
                e.value = after(e.value.start)..after(e.value.end);
                e.end = after(e.end);
                shift += delta;
                t += 1;
            }
        }
        Ok(())
    }

    /// The values Docker Compose computes for this file, in key order (first appearance), interpolating against
    /// `lookup` first and then the keys defined earlier in the file, as compose-go does. Bare `KEY` lines take
    /// KEY from the same lookup. Unset variables become `""`, as in Compose; [`EnvFile::resolve_report`] lists
    /// them.
    ///
    /// # Errors
    /// [`InterpolationError`] naming the key and variable: `${X:?msg}` / `${X?msg}` with X unset, a malformed
    /// `${...}`, or expansion beyond the size or nesting limits.
    pub fn resolve(
        &self,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Vec<(String, SecretString)>, InterpolationError> {
        self.resolve_report(lookup).map(|r| r.values)
    }

    /// As [`EnvFile::resolve`], and also report every reference to an unset variable.
    ///
    /// # Errors
    /// As [`EnvFile::resolve`].
    pub fn resolve_report(
        &self,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Resolution, InterpolationError> {
        let mut values: Vec<(String, SecretString)> = Vec::with_capacity(self.entries.len());
        let mut index: HashMap<&str, usize> = HashMap::with_capacity(self.entries.len());
        let mut unset = Vec::new();
        let mut total = 0usize;
        let (mut line, mut counted_to) = (1usize, 0usize);
        for e in &self.entries {
            line += crate::bytes::count(b'\n', &self.src.as_bytes()[counted_to..e.start]);
            counted_to = e.start;
            let key = self.key_of(e);
            let value = match (e.kind, e.quote) {
                (Kind::Inherit, _) => {
                    let found = lookup(key).map(Zeroizing::new).or_else(|| {
                        index
                            .get(key)
                            .map(|&i| Zeroizing::new(values[i].1.expose_secret().to_owned()))
                    });
                    match found {
                        Some(v) => v,
                        None => continue,
                    }
                }
                (Kind::Assign, Quote::Single) => Zeroizing::new(e.literal(&self.src).to_owned()),
                (Kind::Assign, q) => {
                    let literal = e.literal(&self.src);
                    if !literal.contains('$') {
                        // Nothing to interpolate: the text handed to interpolation differs from the literal
                        // only in how an escaped `\$` is spelled, and there is no `$` at all.
                        Zeroizing::new(literal.to_owned())
                    } else {
                        let input = if q == Quote::Double {
                            parse::decode_quoted(
                                &self.src[e.value.start + 1..e.value.end - 1],
                                Quote::Double,
                                Dollar::Template,
                            )
                        } else {
                            Zeroizing::new(e.literal(&self.src).to_owned())
                        };
                        let mut mapping = ResolveMapping {
                            lookup,
                            index: &index,
                            values: &values,
                            unset: Vec::new(),
                        };
                        let out = template::substitute(&input, &mut mapping, 0).map_err(|f| {
                            let key = key.to_owned();
                            match f {
                                template::Failure::Invalid => {
                                    InterpolationError::InvalidReference { key, line }
                                }
                                template::Failure::Required(variable) => {
                                    InterpolationError::Required {
                                        key,
                                        line,
                                        variable,
                                    }
                                }
                                template::Failure::TooDeep => InterpolationError::TooDeep {
                                    key,
                                    line,
                                    limit: template::MAX_DEPTH,
                                },
                                template::Failure::TooLarge => InterpolationError::TooLarge {
                                    key,
                                    line,
                                    limit: template::MAX_VALUE,
                                },
                            }
                        })?;
                        unset.extend(mapping.unset.into_iter().map(|variable| UnsetVariable {
                            key: key.to_owned(),
                            line,
                            variable,
                        }));
                        out
                    }
                }
            };
            total += value.len();
            if total > MAX_RESOLVED_BYTES {
                return Err(InterpolationError::TooLarge {
                    key: key.to_owned(),
                    line,
                    limit: MAX_RESOLVED_BYTES,
                });
            }
            let value = SecretString::from(value.as_str());
            match index.get(key) {
                Some(&i) => values[i].1 = value,
                None => {
                    index.insert(key, values.len());
                    values.push((key.to_owned(), value));
                }
            }
        }
        Ok(Resolution { values, unset })
    }

    /// Read and parse the envfile at `path`, opened and checked as `secretctl_fs::read` does (no symlink unless
    /// the process follows same-owner links, a regular file, at most [`MAX_FILE_BYTES`]).
    ///
    /// # Errors
    /// [`Error::NotFound`], [`Error::TooLarge`] (over [`MAX_FILE_BYTES`]), [`Error::NotUtf8`], [`Error::Parse`], or
    /// [`Error::Io`] (a refused symlink, not a regular file, a failed read: the cause says which), each naming
    /// `path`.
    pub fn load(path: &Path) -> Result<EnvFile, Error> {
        let bytes = secretctl_fs::read(path, &secretctl_fs::ReadOptions::new(MAX_FILE_BYTES))
            .map_err(|e| match e {
                secretctl_fs::Error::NotFound { .. } => Error::NotFound {
                    path: path.to_path_buf(),
                },
                secretctl_fs::Error::TooLarge { limit, .. } => Error::TooLarge {
                    path: path.to_path_buf(),
                    limit,
                },
                e => Error::Io {
                    path: path.to_path_buf(),
                    action: "read",
                    source: e.into(),
                },
            })?;
        let text = match std::str::from_utf8(&bytes) {
            Ok(t) => t,
            Err(e) => {
                let line = crate::bytes::count(b'\n', &bytes[..e.valid_up_to()]) + 1;
                return Err(Error::NotUtf8 {
                    path: path.to_path_buf(),
                    line,
                });
            }
        };
        EnvFile::parse(text).map_err(|error| Error::Parse {
            path: path.to_path_buf(),
            error,
        })
    }

    /// Check that the document, written to `path`, is a file [`EnvFile::load`] reads: at most
    /// [`MAX_FILE_BYTES`] and [`MAX_STATEMENTS`]. A caller that writes other files with it checks this first, so a refusal leaves
    /// every file as it was.
    ///
    /// # Errors
    /// [`Error::WouldBeTooLarge`] naming `path`.
    pub fn check_size(&self, path: &Path) -> Result<(), Error> {
        let size = self.src.len() as u64;
        if size > MAX_FILE_BYTES || self.entries.len() > MAX_STATEMENTS {
            return Err(Error::WouldBeTooLarge {
                path: path.to_path_buf(),
                size,
                limit: MAX_FILE_BYTES,
            });
        }
        Ok(())
    }

    /// Write the document to `path` atomically with `secretctl_fs::replace`: mode 0600, or the existing file's
    /// mode when that is stricter; owner and group kept. Concurrent writers must hold the lock; [`update`] does
    /// both. A document larger than [`MAX_FILE_BYTES`] is refused before anything is written.
    ///
    /// # Errors
    /// [`Error::WouldBeTooLarge`], [`Error::Io`] naming `path`.
    pub fn save(&self, path: &Path) -> Result<(), Error> {
        self.check_size(path)?;
        secretctl_fs::replace(
            path,
            self.src.as_bytes(),
            &secretctl_fs::WriteOptions::new(0o600),
        )
        .map_err(|e| Error::Io {
            path: path.to_path_buf(),
            action: "write",
            source: e.into(),
        })
    }
}

/// Take the lock of `path` (`secretctl_fs::lock`: every path to the file takes the same one), load it (or start
/// empty if it is missing and `create` is true), run `f`, save if the rendered bytes changed, unlock. Serializes
/// concurrent writers that all take that lock. Calling `update` on the same file from inside `f` shares the lock
/// (it is reentrant on one thread).
///
/// # Errors
/// Whatever [`EnvFile::load`], [`EnvFile::save`] or `f` return; [`Error::Io`] when the lock cannot be taken.
/// When `f` fails nothing is written.
pub fn update<T>(
    path: &Path,
    create: bool,
    f: impl FnOnce(&mut EnvFile) -> Result<T, Error>,
) -> Result<T, Error> {
    let _lock = secretctl_fs::lock(path).map_err(|e| Error::Io {
        path: path.to_path_buf(),
        action: "lock",
        source: e.into(),
    })?;
    let mut doc = match EnvFile::load(path) {
        Ok(doc) => doc,
        Err(Error::NotFound { .. }) if create => EnvFile::new(),
        Err(e) => return Err(e),
    };
    let before = doc.src.clone();
    let out = f(&mut doc)?;
    if doc.src != before {
        doc.save(path)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
