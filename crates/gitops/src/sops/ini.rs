//! SOPS's INI store (`stores/ini/store.go`, on go-ini with `AllowNonUniqueSections`): the top level is the
//! sections, each a mapping of string keys to string values; keys before the first section are in the section
//! `DEFAULT`, written without a header. Values are read as go-ini reads them with its default options: trimmed,
//! `"""…"""` and `` `…` `` quoting (over several lines), a value surrounded by one pair of `"` or `'` unquoted,
//! anything after the first `#` or `;` of an unquoted value a comment. A comment line before a key is kept after
//! that key, a comment line before a section header as the section's first entry (where sops keeps them), and
//! written back before the key or header. Every value is a string, as in sops.
//!
//! A line ending in `\` (go-ini's continuation), a key without `=`, and keys or values go-ini cannot write so
//! that they read back are refused.

use std::collections::HashSet;

use super::tree::{Comment, Entry, Node, Scalar};
use super::yaml::ParseError;

/// The section of the keys before the first header (go-ini's `DefaultSection`).
pub(crate) const DEFAULT_SECTION: &str = "DEFAULT";

type Result<T> = std::result::Result<T, ParseError>;

fn err<T>(line: usize, reason: &'static str) -> Result<T> {
    Err(ParseError {
        line: line + 1,
        reason,
    })
}

fn comment_text(t: &str) -> String {
    t.trim_start_matches([';', '#'])
        .trim_start_matches(' ')
        .to_owned()
}

/// One section: its name and its entries.
type Section = (String, Vec<Entry>);

/// Parses an INI file into its sections (as `Entry::Pair(name, Node::Map(...))`).
pub(crate) fn parse(text: &str) -> Result<Vec<Entry>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut sections: Vec<Section> = vec![(DEFAULT_SECTION.to_owned(), Vec::new())];
    let mut cur = 0;
    let mut seen: HashSet<String> = HashSet::new();
    let mut pending: Vec<Entry> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let t = lines[i].trim();
        if t.is_empty() {
            i += 1;
            continue;
        }
        if t.starts_with([';', '#']) {
            pending.push(Entry::Comment(Comment {
                text: comment_text(t),
                inline: false,
            }));
            i += 1;
            continue;
        }
        if let Some(rest) = t.strip_prefix('[') {
            let Some(close) = rest.find(']') else {
                return err(i, "a section header is not closed with ']'");
            };
            let name = rest[..close].trim();
            let after = rest[close + 1..].trim_start();
            if !(after.is_empty() || after.starts_with([';', '#'])) {
                return err(i, "unexpected text after a section header");
            }
            seen.clear();
            if name == DEFAULT_SECTION {
                // `[DEFAULT]` continues the keys before any header, as go-ini merges them.
                cur = 0;
                sections[0].1.append(&mut pending);
                for e in &sections[0].1 {
                    if let Entry::Pair(k, _) = e {
                        seen.insert(k.clone());
                    }
                }
            } else {
                sections.push((name.to_owned(), std::mem::take(&mut pending)));
                cur = sections.len() - 1;
            }
            i += 1;
            continue;
        }
        let (key, rest) = read_key(t).map_err(|reason| ParseError {
            line: i + 1,
            reason,
        })?;
        let (value, next) = read_value(rest, &lines, i)?;
        if !seen.insert(key.clone()) {
            return err(i, "a key is defined twice in the same section");
        }
        let entries = &mut sections[cur].1;
        entries.push(Entry::Pair(key, Node::Scalar(Scalar::Str(value))));
        entries.append(&mut pending);
        i = next;
    }
    sections[cur].1.append(&mut pending);
    Ok(sections
        .into_iter()
        .enumerate()
        .filter(|(n, (_, entries))| *n > 0 || !entries.is_empty())
        .map(|(_, (name, entries))| Entry::Pair(name, Node::Map(entries)))
        .collect())
}

/// A key at the start of a line and the text after its delimiter (`=` or `:`).
fn read_key(t: &str) -> std::result::Result<(String, &str), &'static str> {
    for q in ["\"\"\"", "`", "\""] {
        if let Some(rest) = t.strip_prefix(q) {
            let end = rest.find(q).ok_or("a quoted key is not closed")?;
            let after = rest[end + q.len()..].trim_start();
            let Some(value) = after.strip_prefix(['=', ':']) else {
                return Err("expected '=' after a key");
            };
            return Ok((rest[..end].to_owned(), value));
        }
    }
    let Some(d) = t.find(['=', ':']) else {
        return Err("expected 'key = value' (a key without a value is not supported)");
    };
    let key = t[..d].trim();
    if key.is_empty() {
        return Err("a key is empty");
    }
    Ok((key.to_owned(), &t[d + 1..]))
}

/// A value as go-ini's `readValue` reads it; returns the value and the index of the next line.
fn read_value(rest: &str, lines: &[&str], i: usize) -> Result<(String, usize)> {
    let line = rest.trim_start();
    if line.is_empty() {
        return Ok((String::new(), i + 1));
    }
    let quote = if line.len() > 3 && line.starts_with("\"\"\"") {
        Some("\"\"\"")
    } else if line.starts_with('`') {
        Some("`")
    } else {
        None
    };
    if let Some(q) = quote {
        let body = &line[q.len()..];
        if let Some(pos) = body.rfind(q) {
            return Ok((body[..pos].to_owned(), i + 1));
        }
        let mut value = body.to_owned();
        let mut j = i + 1;
        while j < lines.len() {
            value.push('\n');
            if let Some(pos) = lines[j].rfind(q) {
                value.push_str(&lines[j][..pos]);
                return Ok((value, j + 1));
            }
            value.push_str(lines[j]);
            j += 1;
        }
        return err(i, "a quoted value is not closed");
    }
    let mut line = line.trim();
    if line.ends_with('\\') {
        return err(
            i,
            "continuation lines (a value ending in '\\') are not supported",
        );
    }
    if let Some(c) = line.find(['#', ';']) {
        line = line[..c].trim();
    }
    for q in ['"', '\''] {
        if line.len() >= 2
            && line.starts_with(q)
            && line.ends_with(q)
            && line.matches(q).count() == 2
        {
            line = &line[1..line.len() - 1];
            break;
        }
    }
    Ok((line.to_owned(), i + 1))
}

// ---------------------------------------------------------------------------------------------------------------
// Writer

/// Writes sections as INI that go-ini (and so `sops -d`) reads back as the same strings. Fails with the path of
/// the first key or section that cannot be written (a nested value, a name go-ini cannot hold).
pub(crate) fn emit(sections: &[Entry], extra: &[Entry]) -> std::result::Result<String, String> {
    let mut out = String::new();
    let mut first = true;
    for e in sections.iter().chain(extra) {
        let (name, node) = match e {
            Entry::Comment(c) => {
                write_comment(&mut out, &c.text);
                continue;
            }
            Entry::Pair(name, node) => (name, node),
        };
        let Node::Map(entries) = node else {
            return Err(name.clone());
        };
        if !first {
            out.push('\n');
        }
        let mut rest: &[Entry] = entries;
        while let Some((Entry::Comment(c), tail)) = rest.split_first() {
            write_comment(&mut out, &c.text);
            rest = tail;
        }
        // The keys of `DEFAULT` are written first and without a header, unless comments lead the section: read
        // back, those would belong to the section's first key or to the next header, so `[DEFAULT]` keeps them.
        let leading_comments = rest.len() < entries.len();
        if !(first && name == DEFAULT_SECTION && !leading_comments) {
            if name.is_empty() || name.contains([']', '\n', '\r']) || name.trim() != name {
                return Err(name.clone());
            }
            out.push('[');
            out.push_str(name);
            out.push_str("]\n");
        }
        first = false;
        // A comment after a key is written before it (where it reads back to the same place).
        let mut pairs: Vec<(&String, &Node, Vec<&str>)> = Vec::new();
        for e in rest {
            match e {
                Entry::Pair(k, v) => pairs.push((k, v, Vec::new())),
                Entry::Comment(c) => match pairs.last_mut() {
                    Some(p) => p.2.push(&c.text),
                    None => write_comment(&mut out, &c.text),
                },
            }
        }
        let mut keys = Vec::with_capacity(pairs.len());
        for (k, _, _) in &pairs {
            keys.push(quote_key(k).ok_or_else(|| format!("{name}:{k}"))?);
        }
        // go-ini's PrettyFormat: every `=` of a section in one column.
        let align = keys.iter().map(String::len).max().unwrap_or(0);
        for ((k, v, comments), quoted) in pairs.into_iter().zip(keys) {
            let path = || format!("{name}:{k}");
            for c in comments {
                write_comment(&mut out, c);
            }
            let value = match v {
                Node::Scalar(s) => value_string(s),
                _ => return Err(path()),
            };
            out.push_str(&quoted);
            out.extend(std::iter::repeat_n(' ', align - quoted.len()));
            out.push_str(" = ");
            out.push_str(&quote_value(&value).ok_or_else(path)?);
            out.push('\n');
        }
    }
    Ok(out)
}

/// sops's `ValToString` of a scalar.
fn value_string(s: &Scalar) -> String {
    match s {
        Scalar::Null => String::new(),
        Scalar::Str(t) => t.clone(),
        Scalar::Int(i) => i.to_string(),
        Scalar::Float(f) => super::tree::go_format_float_f(*f),
        Scalar::Bool(b) => b.to_string(),
    }
}

fn write_comment(out: &mut String, text: &str) {
    for l in text.split('\n') {
        out.push_str("; ");
        out.push_str(l.trim_end_matches('\r'));
        out.push('\n');
    }
}

fn quote_key(k: &str) -> Option<String> {
    if k.is_empty() || k.contains(['\n', '\r']) || k.trim() != k {
        return None;
    }
    // A byte order mark would be taken for the file's own at its start.
    if k.starts_with(['[', ';', '#', '\u{feff}']) || k.contains(['=', ':', '"']) {
        if k.contains('`') {
            return None;
        }
        return Some(format!("`{k}`"));
    }
    if k.starts_with('`') {
        return None;
    }
    Some(k.to_owned())
}

fn quote_value(v: &str) -> Option<String> {
    if v.contains(['\n', '`']) {
        if v.contains('\r') {
            return None;
        }
        // go-ini reads `"""` only with text after it on the line: a value starting with a line break goes in
        // backticks.
        if v.starts_with('\n') {
            return (!v.contains('`')).then(|| format!("`{v}`"));
        }
        if v.contains("\"\"\"") || v.ends_with('"') {
            return None;
        }
        return Some(format!("\"\"\"{v}\"\"\""));
    }
    if v.contains(['#', ';']) {
        return Some(format!("`{v}`"));
    }
    if v.trim() != v && !v.contains('"') {
        return Some(format!("\"{v}\""));
    }
    let surrounded = |q: char| v.len() >= 2 && v.starts_with(q) && v.ends_with(q);
    let needs = v.trim() != v
        || v.ends_with('\\')
        || v.starts_with("\"\"\"")
        || surrounded('"')
        || surrounded('\'');
    if needs {
        return Some(format!("`{v}`"));
    }
    Some(v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(e: &[Entry]) -> Vec<(String, Vec<(String, String)>)> {
        e.iter()
            .filter_map(|e| match e {
                Entry::Pair(n, Node::Map(m)) => Some((
                    n.clone(),
                    m.iter()
                        .filter_map(|e| match e {
                            Entry::Pair(k, Node::Scalar(Scalar::Str(v))) => {
                                Some((k.clone(), v.clone()))
                            }
                            _ => None,
                        })
                        .collect(),
                )),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn reads_as_go_ini_and_writes_back() {
        let text = "top = 1\n; c1\n[sec]\n; kc\nk = v # x\nq = \"a b\"\nr = 'x'\nm = \"\"\"l1\nl2\"\"\"\n[sec2]\nz = `a;b`\nk2: v2\n";
        let e = parse(text).unwrap();
        let p = pairs(&e);
        assert_eq!(p[0].0, "DEFAULT");
        assert_eq!(p[0].1, vec![("top".into(), "1".into())]);
        assert_eq!(
            p[1].1,
            vec![
                ("k".into(), "v".into()),
                ("q".into(), "a b".into()),
                ("r".into(), "x".into()),
                ("m".into(), "l1\nl2".into())
            ]
        );
        assert_eq!(p[2].1[0], ("z".into(), "a;b".into()));
        let out = emit(&e, &[]).unwrap();
        assert_eq!(pairs(&parse(&out).unwrap()), p, "{out}");
    }

    #[test]
    fn awkward_values_round_trip() {
        for v in [
            "",
            " lead",
            "trail ",
            "a#b",
            "x;y",
            "\"q\"",
            "'s'",
            "back\\",
            "multi\nline",
            "tick`s",
            "=",
            "a = b",
        ] {
            let e = vec![Entry::Pair(
                "s".into(),
                Node::Map(vec![Entry::Pair(
                    "k".into(),
                    Node::Scalar(Scalar::Str(v.into())),
                )]),
            )];
            let out = emit(&e, &[]).unwrap();
            assert_eq!(pairs(&parse(&out).unwrap())[0].1[0].1, v, "{out}");
        }
    }

    /// Found by the `sops_formats_parse` fuzz target: a comment above `[DEFAULT]` moved to the next section (or
    /// after DEFAULT's first key) on a second render.
    #[test]
    fn comments_leading_the_default_section_stay_there() {
        for text in [
            "[a]\nk = v\n; c\n[DEFAULT]\n[b]\nx = y\n",
            "; c\n[DEFAULT]\nk = v\n[b]\nx = y\n",
            "[a]\n; c\n[DEFAULT]\n",
            "; only a comment\n",
        ] {
            let once = emit(&parse(text).unwrap(), &[]).unwrap();
            let twice = emit(&parse(&once).unwrap(), &[]).unwrap();
            assert_eq!(once, twice, "{text:?}");
            assert!(parse(&once).unwrap() == parse(text).unwrap(), "{text:?}");
        }
        // The fuzzer's own input.
        let found = "[\x01\x00]\n[\x01\x08];`\x00t\x00]\n;`;\n\x08 =____[!\x00]\n[\x05\x00];`\nc\x00\"6\x00\x00=\n;\n\x08|=____[\x01\x00]\n[\x01\x003\x00]\n[!\x05]\n;\x05\x00];`\nc\x00\"6\x00\x00=\n;\n\x08\x00:2__`_[!\"-_[\x01\x00]\n[\x01\x00]\n[!{M+\x00]\n;`___#\x00\x00W\n[DEFAULT]";
        let once = emit(&parse(found).unwrap(), &[]).unwrap();
        assert_eq!(emit(&parse(&once).unwrap(), &[]).unwrap(), once);
    }

    #[test]
    fn refuses_what_go_ini_reads_otherwise() {
        assert_eq!(parse("[s]\nk = a\\\n b\n").unwrap_err().line, 2);
        assert_eq!(parse("[s]\nflag\n").unwrap_err().line, 2);
        assert_eq!(parse("[s\n").unwrap_err().line, 1);
        assert_eq!(parse("[s]\na=1\na=2\n").unwrap_err().line, 3);
    }
}
