//! A YAML reader and writer for the subset SOPS files use: block mappings and sequences, plain, quoted and block
//! scalars, comments. Order and comments are kept (as `sops.TreeBranch` keeps them). Flow collections other than
//! `[]`/`{}`, anchors, aliases, tags, complex keys and multiple documents are rejected with a clear error.

use std::borrow::Cow;
use std::collections::HashSet;

use super::style::{double_quote, single_quote, string_style, Style};
use super::tree::{resolve_plain, yaml_format_float, Comment, Entry, Node, Scalar};

/// A parse error: 1-based line number and a reason that never contains document text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ParseError {
    pub(crate) line: usize,
    pub(crate) reason: &'static str,
}

type Result<T> = std::result::Result<T, ParseError>;

/// Deep enough for any real configuration, shallow enough that recursion cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

#[derive(PartialEq, Eq)]
enum Kind {
    Blank,
    Comment,
    Marker,
    Content,
}

struct Parser<'a> {
    lines: Vec<Cow<'a, str>>,
    /// For each line, the first line at or after it that is not blank or a comment (so that looking ahead past
    /// a run of comments is O(1): hostile files with many comments must not make parsing quadratic).
    next_structural: Vec<usize>,
    pos: usize,
    depth: usize,
}

fn err<T>(line: usize, reason: &'static str) -> Result<T> {
    Err(ParseError {
        line: line + 1,
        reason,
    })
}

fn spaces(s: &str) -> usize {
    s.len() - s.trim_start_matches(' ').len()
}

/// Parses a YAML document into its top-level mapping.
pub(crate) fn parse(text: &str) -> Result<Vec<Entry>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text.strip_suffix('\n').unwrap_or(text);
    let lines: Vec<Cow<'_, str>> = text
        .split('\n')
        .map(|l| Cow::Borrowed(l.strip_suffix('\r').unwrap_or(l)))
        .collect();
    let mut next_structural = vec![lines.len(); lines.len() + 1];
    for i in (0..lines.len()).rev() {
        let t = lines[i].trim_start_matches([' ', '\t']);
        next_structural[i] = if t.is_empty() || t.starts_with('#') {
            next_structural[i + 1]
        } else {
            i
        };
    }
    let mut p = Parser {
        lines,
        next_structural,
        pos: 0,
        depth: 0,
    };
    p.document()
}

impl Parser<'_> {
    fn kind(&self, i: usize) -> Result<Kind> {
        let line = &self.lines[i];
        let t = line.trim_start_matches([' ', '\t']);
        if t.is_empty() {
            return Ok(Kind::Blank);
        }
        if t.starts_with('#') {
            return Ok(Kind::Comment);
        }
        if line.starts_with("---") || line.starts_with("...") {
            let rest = &line[3..];
            if rest.is_empty() || rest.starts_with([' ', '\t']) {
                return Ok(Kind::Marker);
            }
        }
        let ind = spaces(line);
        if line[ind..].starts_with('\t') {
            return err(i, "a tab in indentation (YAML allows only spaces)");
        }
        Ok(Kind::Content)
    }

    /// The next content line at or after `from`: its index and indentation.
    fn next_content(&self, from: usize) -> Result<Option<(usize, usize)>> {
        let i = self
            .next_structural
            .get(from)
            .copied()
            .unwrap_or(self.lines.len());
        if i >= self.lines.len() {
            return Ok(None);
        }
        match self.kind(i)? {
            Kind::Content => Ok(Some((i, spaces(&self.lines[i])))),
            _ => Ok(None),
        }
    }

    fn comment_text(&self, i: usize) -> (usize, String) {
        let line = &self.lines[i];
        let col = line.len() - line.trim_start_matches([' ', '\t']).len();
        (col, line[col + 1..].to_owned())
    }

    /// Whether the comment at line `i` belongs to a block at `indent`: it does when the next content line
    /// continues that block (head comment of the next entry) or when it is indented at least as deep (foot).
    fn comment_belongs(&self, i: usize, indent: usize) -> Result<bool> {
        let (col, _) = self.comment_text(i);
        let next = self.next_content(i + 1)?;
        Ok(col >= indent || next.is_some_and(|(_, n)| n >= indent))
    }

    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return err(self.pos, "nesting is too deep");
        }
        Ok(())
    }

    fn document(&mut self) -> Result<Vec<Entry>> {
        let mut entries = Vec::new();
        let mut started = false;
        // Leading comments, blank lines and at most one `---`.
        loop {
            if self.pos >= self.lines.len() {
                return Ok(entries);
            }
            match self.kind(self.pos)? {
                Kind::Blank => self.pos += 1,
                Kind::Comment => {
                    let (_, text) = self.comment_text(self.pos);
                    entries.push(Entry::Comment(Comment {
                        text,
                        inline: false,
                    }));
                    self.pos += 1;
                }
                Kind::Marker => {
                    let line = &self.lines[self.pos];
                    if started || line.starts_with("...") {
                        return err(self.pos, "multiple YAML documents are not supported");
                    }
                    let rest = line[3..].trim_start_matches([' ', '\t']);
                    if !(rest.is_empty() || rest.starts_with('#')) {
                        return err(self.pos, "content on the '---' line is not supported");
                    }
                    started = true;
                    self.pos += 1;
                }
                Kind::Content => break,
            }
        }
        let line = &self.lines[self.pos];
        if line.starts_with('%') {
            return err(self.pos, "YAML directives are not supported");
        }
        let indent = spaces(line);
        let rest = &line[indent..];
        if rest == "-" || rest.starts_with("- ") {
            return err(
                self.pos,
                "a top-level sequence is not supported (the document must be a mapping)",
            );
        }
        let map = self.map(indent)?;
        entries.extend(map);
        // After the mapping: only comments, blank lines and a final `...`.
        while self.pos < self.lines.len() {
            match self.kind(self.pos)? {
                Kind::Blank => self.pos += 1,
                Kind::Comment => {
                    let (_, text) = self.comment_text(self.pos);
                    entries.push(Entry::Comment(Comment {
                        text,
                        inline: false,
                    }));
                    self.pos += 1;
                }
                Kind::Marker => {
                    if self.lines[self.pos].starts_with("...")
                        && self.next_content(self.pos + 1)?.is_none()
                    {
                        let mut j = self.pos + 1;
                        while j < self.lines.len() {
                            if self.kind(j)? == Kind::Marker {
                                return err(j, "multiple YAML documents are not supported");
                            }
                            j += 1;
                        }
                        return Ok(entries);
                    }
                    return err(self.pos, "multiple YAML documents are not supported");
                }
                Kind::Content => return err(self.pos, "unexpected indentation"),
            }
        }
        Ok(entries)
    }

    fn map(&mut self, indent: usize) -> Result<Vec<Entry>> {
        self.enter()?;
        let mut entries = Vec::new();
        let mut seen = HashSet::new();
        while self.pos < self.lines.len() {
            match self.kind(self.pos)? {
                Kind::Blank => self.pos += 1,
                Kind::Marker => break,
                Kind::Comment => {
                    if !self.comment_belongs(self.pos, indent)? {
                        break;
                    }
                    let (_, text) = self.comment_text(self.pos);
                    entries.push(Entry::Comment(Comment {
                        text,
                        inline: false,
                    }));
                    self.pos += 1;
                }
                Kind::Content => {
                    let line_no = self.pos;
                    let ind = spaces(&self.lines[line_no]);
                    if ind < indent {
                        break;
                    }
                    if ind > indent {
                        return err(line_no, "unexpected indentation");
                    }
                    // Cloning a borrowed line is free; only lines rewritten for compact sequences own text.
                    let line = self.lines[line_no].clone();
                    let rest = &line[ind..];
                    if rest == "-" || rest.starts_with("- ") {
                        // A sequence at the same indentation as its key ends where the mapping continues.
                        break;
                    }
                    let (key, after) = parse_key(rest).map_err(|reason| ParseError {
                        line: line_no + 1,
                        reason,
                    })?;
                    if !seen.insert(key.clone()) {
                        return err(line_no, "a key is defined twice in the same mapping");
                    }
                    self.pos += 1;
                    let mut pre = Vec::new();
                    let value = self.value(&rest[after..], indent, line_no, true, &mut pre)?;
                    entries.extend(pre.into_iter().map(Entry::Comment));
                    entries.push(Entry::Pair(key, value));
                }
            }
        }
        self.depth -= 1;
        Ok(entries)
    }

    fn seq(&mut self, indent: usize) -> Result<Vec<Node>> {
        self.enter()?;
        let mut items = Vec::new();
        while self.pos < self.lines.len() {
            match self.kind(self.pos)? {
                Kind::Blank => self.pos += 1,
                Kind::Marker => break,
                Kind::Comment => {
                    if !self.comment_belongs(self.pos, indent)? {
                        break;
                    }
                    let (_, text) = self.comment_text(self.pos);
                    items.push(Node::Comment(Comment {
                        text,
                        inline: false,
                    }));
                    self.pos += 1;
                }
                Kind::Content => {
                    let line_no = self.pos;
                    let line = self.lines[line_no].clone();
                    let ind = spaces(&line);
                    if ind < indent {
                        break;
                    }
                    if ind > indent {
                        return err(line_no, "unexpected indentation");
                    }
                    let rest = &line[ind..];
                    if !(rest == "-" || rest.starts_with("- ")) {
                        break;
                    }
                    let after = &rest[1..];
                    let v = after.trim_start_matches(' ');
                    let col = ind + 1 + (after.len() - v.len());
                    if v.starts_with('\t') {
                        return err(line_no, "a tab in indentation (YAML allows only spaces)");
                    }
                    let nested_seq = v == "-" || v.starts_with("- ");
                    if nested_seq || is_map_entry(v) {
                        // A compact nested block: read the line as if the "- " were indentation.
                        self.lines[line_no] = Cow::Owned(format!("{}{}", " ".repeat(col), v));
                        let node = if nested_seq {
                            Node::Seq(self.seq(col)?)
                        } else {
                            Node::Map(self.map(col)?)
                        };
                        items.push(node);
                        continue;
                    }
                    self.pos += 1;
                    let mut pre = Vec::new();
                    let value = self.value(v, indent, line_no, false, &mut pre)?;
                    items.extend(pre.into_iter().map(Node::Comment));
                    items.push(value);
                }
            }
        }
        self.depth -= 1;
        Ok(items)
    }

    /// A value that starts with `v` (the text after `key:` or `- `) on line `line_no`; `indent` is the
    /// indentation of the mapping or sequence holding it. Comments found on the value's line go to `pre`.
    fn value(
        &mut self,
        v: &str,
        indent: usize,
        line_no: usize,
        in_map: bool,
        pre: &mut Vec<Comment>,
    ) -> Result<Node> {
        let v = v.trim_start_matches([' ', '\t']);
        if v.is_empty() || v.starts_with('#') {
            if let Some(text) = v.strip_prefix('#') {
                pre.push(Comment {
                    text: text.to_owned(),
                    inline: false,
                });
            }
            return match self.next_content(self.pos)? {
                Some((j, n)) => {
                    let rest = &self.lines[j][n..];
                    let is_seq = rest == "-" || rest.starts_with("- ");
                    if n > indent {
                        if is_seq {
                            Ok(Node::Seq(self.seq(n)?))
                        } else {
                            Ok(Node::Map(self.map(n)?))
                        }
                    } else if n == indent && is_seq && in_map {
                        Ok(Node::Seq(self.seq(n)?))
                    } else {
                        Ok(Node::Scalar(Scalar::Null))
                    }
                }
                None => Ok(Node::Scalar(Scalar::Null)),
            };
        }
        let first = v.as_bytes()[0];
        match first {
            b'|' | b'>' => self.block_scalar(v, indent, line_no, pre),
            b'"' | b'\'' => {
                let (s, trailing) = self.quoted(v, line_no)?;
                push_trailing_comment(&trailing, line_no, pre)?;
                Ok(Node::Scalar(Scalar::Str(s)))
            }
            b'[' | b'{' => {
                let close = if first == b'[' { "[]" } else { "{}" };
                let Some(rest) = v.strip_prefix(close) else {
                    return err(
                        line_no,
                        "flow collections other than [] and {} are not supported",
                    );
                };
                push_trailing_comment(rest, line_no, pre)?;
                Ok(if first == b'[' {
                    Node::Seq(Vec::new())
                } else {
                    Node::Map(Vec::new())
                })
            }
            b'&' | b'*' => err(line_no, "YAML anchors and aliases are not supported"),
            b'!' => err(line_no, "YAML tags are not supported"),
            b'@' | b'`' | b'%' => err(
                line_no,
                "a plain value cannot start with a reserved indicator",
            ),
            _ => {
                let (text, comment) = split_plain(v);
                if text.contains(": ") || text.ends_with(':') && !in_map {
                    return err(line_no, "a mapping value is not allowed here");
                }
                let mut s = text.to_owned();
                if comment.is_none() {
                    self.plain_continuation(&mut s, indent)?;
                }
                if let Some(c) = comment {
                    pre.push(Comment {
                        text: c.to_owned(),
                        inline: false,
                    });
                }
                resolve_plain(&s)
                    .map(Node::Scalar)
                    .map_err(|reason| ParseError {
                        line: line_no + 1,
                        reason,
                    })
            }
        }
    }

    /// Folds the continuation lines of a multi-line plain scalar into `s`.
    fn plain_continuation(&mut self, s: &mut String, indent: usize) -> Result<()> {
        let mut blank_run = 0;
        let mut i = self.pos;
        while i < self.lines.len() {
            match self.kind(i)? {
                Kind::Blank => {
                    blank_run += 1;
                    i += 1;
                }
                Kind::Content if spaces(&self.lines[i]) > indent => {
                    let t = self.lines[i].trim_matches([' ', '\t']);
                    let (text, comment) = split_plain(t);
                    if text.contains(": ") || text.ends_with(':') || comment.is_some() {
                        return err(i, "a mapping value is not allowed here");
                    }
                    if blank_run == 0 {
                        s.push(' ');
                    } else {
                        s.push_str(&"\n".repeat(blank_run));
                    }
                    s.push_str(text);
                    blank_run = 0;
                    i += 1;
                    self.pos = i;
                }
                _ => break,
            }
        }
        Ok(())
    }

    fn block_scalar(
        &mut self,
        v: &str,
        indent: usize,
        line_no: usize,
        pre: &mut Vec<Comment>,
    ) -> Result<Node> {
        let literal = v.starts_with('|');
        let mut chomp = 'c';
        let mut explicit: Option<usize> = None;
        let header = &v[1..];
        let mut rest = header;
        for _ in 0..2 {
            match rest.as_bytes().first() {
                Some(b'+') if chomp == 'c' => chomp = '+',
                Some(b'-') if chomp == 'c' => chomp = '-',
                Some(d @ b'1'..=b'9') if explicit.is_none() => {
                    explicit = Some(usize::from(d - b'0'))
                }
                _ => break,
            }
            rest = &rest[1..];
        }
        if !rest.is_empty() {
            if !rest.starts_with([' ', '\t']) {
                return err(line_no, "invalid block scalar header");
            }
            let t = rest.trim_start_matches([' ', '\t']);
            if let Some(c) = t.strip_prefix('#') {
                pre.push(Comment {
                    text: c.to_owned(),
                    inline: false,
                });
            } else if !t.is_empty() {
                return err(line_no, "invalid block scalar header");
            }
        }
        // Content lines: blank, or indented deeper than the holder.
        let start = self.pos;
        let mut end = start;
        let mut content_indent = explicit.map(|e| indent + e);
        while end < self.lines.len() {
            let line = &self.lines[end];
            let t = line.trim_start_matches(' ');
            if t.is_empty() {
                end += 1;
                continue;
            }
            let ind = spaces(line);
            match content_indent {
                None => {
                    if ind <= indent {
                        break;
                    }
                    content_indent = Some(ind);
                }
                Some(ci) if ind < ci => break,
                Some(_) => {}
            }
            end += 1;
        }
        let ci = content_indent.unwrap_or(indent + 1);
        // Trailing blank lines belong to the scalar only for chomping; positions stay with the document.
        let mut body_lines: Vec<&str> = Vec::new();
        for line in &self.lines[start..end] {
            if line.trim_start_matches(' ').is_empty() {
                if spaces(line) > ci {
                    body_lines.push(&line[ci..]);
                } else {
                    body_lines.push("");
                }
            } else {
                body_lines.push(&line[ci.min(line.len())..]);
            }
        }
        // Leading blank lines with more spaces than the content indentation are an error in YAML.
        let mut trailing = 0;
        while body_lines.len() > trailing && body_lines[body_lines.len() - 1 - trailing].is_empty()
        {
            trailing += 1;
        }
        let content = &body_lines[..body_lines.len() - trailing];
        let mut s = String::new();
        if literal {
            for (i, l) in content.iter().enumerate() {
                if i > 0 {
                    s.push('\n');
                }
                s.push_str(l);
            }
        } else {
            let mut prev_more_indented = false;
            let mut pending_breaks = 0usize;
            let mut first = true;
            for l in content {
                if l.is_empty() {
                    pending_breaks += 1;
                    continue;
                }
                let more = l.starts_with([' ', '\t']);
                if !first {
                    if pending_breaks == 0 && !more && !prev_more_indented {
                        s.push(' ');
                    } else if more || prev_more_indented {
                        s.push_str(&"\n".repeat(pending_breaks + 1));
                    } else {
                        s.push_str(&"\n".repeat(pending_breaks));
                    }
                } else {
                    s.push_str(&"\n".repeat(pending_breaks));
                }
                pending_breaks = 0;
                s.push_str(l);
                prev_more_indented = more;
                first = false;
            }
            if first {
                trailing += pending_breaks;
            }
        }
        let has_content = !content.is_empty();
        match chomp {
            '-' => {}
            '+' => {
                if has_content {
                    s.push('\n');
                }
                s.push_str(&"\n".repeat(trailing));
            }
            _ => {
                if has_content {
                    s.push('\n');
                }
            }
        }
        self.pos = end;
        Ok(Node::Scalar(Scalar::Str(s)))
    }

    /// A single- or double-quoted scalar starting at `v` on `line_no`, possibly continued on later lines.
    /// Returns the value and the text after the closing quote.
    fn quoted(&mut self, v: &str, line_no: usize) -> Result<(String, String)> {
        let double = v.starts_with('"');
        let mut parts: Vec<String> = vec![v[1..].to_owned()];
        let mut line = line_no;
        loop {
            let cur = parts.last().map(String::as_str).unwrap_or_default();
            if let Some(end) = find_close(cur, double) {
                let last = parts.pop().unwrap_or_default();
                let (inner_last, trailing) = (last[..end].to_owned(), last[end + 1..].to_owned());
                parts.push(inner_last);
                let value = if double {
                    unescape_double(&parts).map_err(|reason| ParseError {
                        line: line + 1,
                        reason,
                    })?
                } else {
                    fold_lines(
                        &parts
                            .iter()
                            .map(|p| p.replace("''", "'"))
                            .collect::<Vec<_>>(),
                        &[],
                    )
                };
                return Ok((value, trailing));
            }
            if self.pos >= self.lines.len() || self.kind(self.pos)? == Kind::Marker {
                return err(line_no, "a quoted value is not closed");
            }
            line = self.pos;
            parts.push(self.lines[self.pos].to_string());
            self.pos += 1;
        }
    }
}

fn push_trailing_comment(rest: &str, line_no: usize, pre: &mut Vec<Comment>) -> Result<()> {
    let t = rest.trim_start_matches([' ', '\t']);
    if t.is_empty() {
        return Ok(());
    }
    if let Some(c) = t.strip_prefix('#') {
        if t.len() != rest.len() {
            pre.push(Comment {
                text: c.to_owned(),
                inline: false,
            });
            return Ok(());
        }
    }
    err(line_no, "unexpected text after a quoted value")
}

/// Index of the closing quote in `s` (which starts after the opening quote or is a continuation line).
fn find_close(s: &str, double: bool) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if double => i += 2,
            b'"' if double => return Some(i),
            b'\'' if !double => {
                if b.get(i + 1) == Some(&b'\'') {
                    i += 2;
                } else {
                    return Some(i);
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// YAML flow folding of a quoted scalar's lines: a single break becomes a space, n blank lines n newlines;
/// `joined_without_space[i]` marks a line ending in an escaped line break (double-quoted `\`).
fn fold_lines(parts: &[String], joined_without_space: &[bool]) -> String {
    let mut s = String::new();
    let n = parts.len();
    let mut pending_blank = 0;
    for (i, p) in parts.iter().enumerate() {
        let mut t = p.as_str();
        if i > 0 {
            t = t.trim_start_matches([' ', '\t']);
        }
        if i + 1 < n && !joined_without_space.get(i).copied().unwrap_or(false) {
            t = t.trim_end_matches([' ', '\t']);
        }
        if i > 0 && i + 1 < n && t.is_empty() {
            pending_blank += 1;
            continue;
        }
        if i > 0 {
            if joined_without_space.get(i - 1).copied().unwrap_or(false) && pending_blank == 0 {
                // escaped line break: no separator
            } else if pending_blank > 0 {
                s.push_str(&"\n".repeat(pending_blank));
            } else {
                s.push(' ');
            }
        }
        pending_blank = 0;
        s.push_str(t);
    }
    s
}

fn unescape_double(parts: &[String]) -> std::result::Result<String, &'static str> {
    let mut decoded = Vec::with_capacity(parts.len());
    let mut joined = Vec::with_capacity(parts.len());
    for (i, p) in parts.iter().enumerate() {
        let mut out = String::new();
        let mut chars = p.chars().peekable();
        let mut escaped_break = false;
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some(e) = chars.next() else {
                if i + 1 < parts.len() {
                    escaped_break = true;
                    break;
                }
                return Err("invalid escape in a double-quoted value");
            };
            let hex = |n: usize, chars: &mut std::iter::Peekable<std::str::Chars<'_>>| {
                let h: String = chars.by_ref().take(n).collect();
                if h.len() != n {
                    return Err("invalid escape in a double-quoted value");
                }
                u32::from_str_radix(&h, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or("invalid escape in a double-quoted value")
            };
            out.push(match e {
                '0' => '\0',
                'a' => '\u{7}',
                'b' => '\u{8}',
                't' | '\t' => '\t',
                'n' => '\n',
                'v' => '\u{b}',
                'f' => '\u{c}',
                'r' => '\r',
                'e' => '\u{1b}',
                ' ' => ' ',
                '"' => '"',
                '/' => '/',
                '\\' => '\\',
                'N' => '\u{85}',
                '_' => '\u{a0}',
                'L' => '\u{2028}',
                'P' => '\u{2029}',
                'x' => hex(2, &mut chars)?,
                'u' => hex(4, &mut chars)?,
                'U' => hex(8, &mut chars)?,
                _ => return Err("invalid escape in a double-quoted value"),
            });
        }
        decoded.push(out);
        joined.push(escaped_break);
    }
    if decoded.len() == 1 {
        return Ok(decoded.pop().unwrap_or_default());
    }
    Ok(fold_lines(&decoded, &joined))
}

/// Splits a plain value from a trailing ` # comment`.
fn split_plain(v: &str) -> (&str, Option<&str>) {
    let b = v.as_bytes();
    for i in 1..b.len() {
        if b[i] == b'#' && (b[i - 1] == b' ' || b[i - 1] == b'\t') {
            return (v[..i].trim_end_matches([' ', '\t']), Some(&v[i + 1..]));
        }
    }
    (v.trim_end_matches([' ', '\t']), None)
}

/// Whether `v` (the text after "- ") starts a mapping entry (`key: ...`).
fn is_map_entry(v: &str) -> bool {
    if v.starts_with(['"', '\'']) {
        let double = v.starts_with('"');
        if let Some(end) = find_close(&v[1..], double) {
            let rest = v[end + 2..].trim_start_matches(' ');
            return rest == ":" || rest.starts_with(": ");
        }
        return false;
    }
    parse_key(v).is_ok()
}

/// Parses `key:` at the start of `rest`; returns the key and the offset just past the `:`.
fn parse_key(rest: &str) -> std::result::Result<(String, usize), &'static str> {
    if rest.starts_with("? ") || rest == "?" {
        return Err("complex mapping keys are not supported");
    }
    if rest.starts_with(['"', '\'']) {
        let double = rest.starts_with('"');
        let end = find_close(&rest[1..], double).ok_or("a quoted key is not closed")? + 1;
        let inner = &rest[1..end];
        let key = if double {
            unescape_double(&[inner.to_owned()])?
        } else {
            inner.replace("''", "'")
        };
        let after = &rest[end + 1..];
        let t = after.trim_start_matches(' ');
        let colon = end + 1 + (after.len() - t.len());
        if t == ":" || t.starts_with(": ") || t.starts_with(":\t") {
            return Ok((key, colon + 1));
        }
        return Err("expected ':' after a quoted key");
    }
    if rest.starts_with(['[', '{', '&', '*', '!', '|', '>', '%', '@', '`', '#']) {
        return Err("expected a 'key: value' line");
    }
    let b = rest.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'#' && i > 0 && (b[i - 1] == b' ' || b[i - 1] == b'\t') {
            break;
        }
        if b[i] == b':' && (i + 1 == b.len() || b[i + 1] == b' ' || b[i + 1] == b'\t') {
            let key = rest[..i].trim_end_matches([' ', '\t']);
            if key.is_empty() {
                return Err("a mapping key is empty");
            }
            if key == "<<" {
                return Err("YAML merge keys are not supported");
            }
            return match resolve_plain(key) {
                Ok(Scalar::Str(k)) => Ok((k, i + 1)),
                _ => Err("mapping keys must be strings (quote numbers, booleans and null)"),
            };
        }
        i += 1;
    }
    Err("expected a 'key: value' line")
}

// ---------------------------------------------------------------------------------------------------------------
// Writer

/// Indentation step, as sops writes YAML.
const STEP: usize = 4;

/// Writes a top-level mapping as YAML.
pub(crate) fn emit(entries: &[Entry]) -> String {
    let mut out = String::new();
    emit_map(&mut out, entries, 0, None);
    out
}

fn start_line(out: &mut String, indent: usize, prefix: &mut Option<String>) {
    match prefix.take() {
        Some(p) => out.push_str(&p),
        None => out.extend(std::iter::repeat_n(' ', indent)),
    }
}

fn emit_comment_lines(out: &mut String, indent: usize, text: &str) {
    for l in text.split('\n') {
        out.extend(std::iter::repeat_n(' ', indent));
        out.push('#');
        // A carriage return would end the comment line for other YAML readers (and a trailing one is read
        // as part of a CRLF line end): comments are written without them.
        out.extend(l.chars().filter(|c| *c != '\r'));
        out.push('\n');
    }
}

fn is_scalar(node: &Node) -> bool {
    matches!(node, Node::Scalar(_))
}

fn emit_map(out: &mut String, entries: &[Entry], indent: usize, mut prefix: Option<String>) {
    let mut inline: Vec<&str> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        match e {
            Entry::Comment(c) => {
                let next_is_scalar_pair = entries[i + 1..]
                    .iter()
                    .find(|e| !matches!(e, Entry::Comment(c) if c.inline))
                    .is_some_and(|e| matches!(e, Entry::Pair(_, v) if is_scalar(v)));
                if c.inline && next_is_scalar_pair && !c.text.contains('\n') {
                    inline.push(&c.text);
                } else {
                    // Before the first key of a mapping inside a list, a comment goes at the column of the
                    // pending "- " (the outermost one for "- - "): that is where it reads back (to that list,
                    // which has the same key path).
                    let at = prefix.as_deref().map_or(indent, spaces);
                    emit_comment_lines(out, at, &c.text);
                }
            }
            Entry::Pair(k, v) => {
                start_line(out, indent, &mut prefix);
                out.push_str(&scalar_key(k));
                out.push(':');
                emit_value(out, v, indent, &mut inline);
            }
        }
    }
    // A comment-only mapping inside a sequence still needs its "- ".
    if prefix.is_some() && entries.iter().all(|e| matches!(e, Entry::Comment(_))) {
        start_line(out, indent, &mut prefix);
        out.push_str("{}\n");
    }
}

fn emit_seq(out: &mut String, items: &[Node], indent: usize, mut prefix: Option<String>) {
    let mut inline: Vec<&str> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if let Node::Comment(c) = item {
            let next_is_scalar = items[i + 1..]
                .iter()
                .find(|n| !matches!(n, Node::Comment(c) if c.inline))
                .is_some_and(is_scalar);
            if c.inline && next_is_scalar && !c.text.contains('\n') {
                inline.push(&c.text);
            } else {
                let at = prefix.as_deref().map_or(indent, spaces);
                emit_comment_lines(out, at, &c.text);
            }
            continue;
        }
        let item_prefix = match prefix.take() {
            Some(p) => format!("{p}- "),
            None => format!("{}- ", " ".repeat(indent)),
        };
        match item {
            Node::Map(entries) if !entries.is_empty() => {
                emit_map(out, entries, indent + 2, Some(item_prefix))
            }
            Node::Seq(inner) if !inner.is_empty() => {
                emit_seq(out, inner, indent + 2, Some(item_prefix))
            }
            other => {
                out.push_str(item_prefix.trim_end_matches(' '));
                emit_value(out, other, indent, &mut inline);
            }
        }
    }
    if prefix.is_some() {
        start_line(out, indent, &mut prefix);
        out.push_str("[]\n");
    }
}

/// Writes the value after `key:` or `-` (the line is already started).
fn emit_value(out: &mut String, v: &Node, indent: usize, inline: &mut Vec<&str>) {
    match v {
        Node::Map(entries) if !entries.is_empty() => {
            out.push('\n');
            emit_map(out, entries, indent + STEP, None);
        }
        Node::Seq(items) if !items.is_empty() => {
            out.push('\n');
            emit_seq(out, items, indent + STEP, None);
        }
        Node::Map(_) => out.push_str(" {}\n"),
        Node::Seq(_) => out.push_str(" []\n"),
        Node::Comment(_) => out.push_str(" null\n"),
        Node::Scalar(s) => {
            out.push(' ');
            let comment = if inline.is_empty() {
                String::new()
            } else {
                let c = format!(" #{}", inline.join(" #"));
                inline.clear();
                c
            };
            match s {
                Scalar::Str(text) if string_style(text, false) == Style::Literal => {
                    let trailing = text.len() - text.trim_end_matches('\n').len();
                    out.push('|');
                    if text.starts_with([' ', '\n']) {
                        out.push_str(&STEP.to_string());
                    }
                    // libyaml: strip without a final break, keep with two or when the text is only breaks.
                    out.push_str(match trailing {
                        0 => "-",
                        1 if trailing < text.len() => "",
                        _ => "+",
                    });
                    out.push_str(&comment);
                    out.push('\n');
                    let body = &text[..text.len() - trailing];
                    for l in body.split('\n') {
                        if !l.is_empty() {
                            out.extend(std::iter::repeat_n(' ', indent + STEP));
                            out.push_str(l);
                        }
                        out.push('\n');
                    }
                    for _ in 1..trailing {
                        out.push('\n');
                    }
                }
                _ => {
                    out.push_str(&scalar_text(s));
                    out.push_str(&comment);
                    out.push('\n');
                }
            }
        }
    }
}

fn scalar_key(k: &str) -> String {
    quote_as(k, string_style(k, true))
}

fn quote_as(s: &str, style: Style) -> String {
    match style {
        Style::Plain => s.to_owned(),
        Style::Single => single_quote(s),
        Style::Double | Style::Literal => double_quote(s),
    }
}

/// The YAML text of a scalar on one line.
pub(crate) fn scalar_text(s: &Scalar) -> String {
    match s {
        Scalar::Null => "null".to_owned(),
        Scalar::Bool(b) => b.to_string(),
        Scalar::Int(i) => i.to_string(),
        Scalar::Float(f) => yaml_format_float(*f),
        Scalar::Str(t) => quote_as(t, string_style(t, false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Node {
        Node::Scalar(Scalar::Str(v.to_owned()))
    }

    #[test]
    fn parses_the_sops_subset() {
        let text = "# top\na: 1\nb:\n    # inner\n    c: \"x\\ty\" # trailing\n    d:\n        - one\n        - k: v\n          j: 'it''s'\n    e: |\n        l1\n        l2\nf: []\ng: {}\nh:\n- same-indent\n";
        let doc = parse(text).unwrap();
        assert_eq!(doc.len(), 6);
        let Entry::Pair(k, Node::Map(b)) = &doc[2] else {
            panic!("b")
        };
        assert_eq!(k, "b");
        assert!(matches!(&b[0], Entry::Comment(c) if c.text == " inner" && !c.inline));
        assert!(matches!(&b[1], Entry::Comment(c) if c.text == " trailing" && !c.inline));
        assert!(matches!(&b[2], Entry::Pair(k, v) if k == "c" && *v == s("x\ty")));
        let Entry::Pair(_, Node::Seq(d)) = &b[3] else {
            panic!("d")
        };
        assert_eq!(d[0], s("one"));
        let Node::Map(m) = &d[1] else {
            panic!("map in seq")
        };
        assert!(matches!(&m[1], Entry::Pair(k, v) if k == "j" && *v == s("it's")));
        assert!(matches!(&b[4], Entry::Pair(k, v) if k == "e" && *v == s("l1\nl2\n")));
        assert!(matches!(&doc[5], Entry::Pair(k, Node::Seq(v)) if k == "h" && v.len() == 1));
    }

    #[test]
    fn round_trips_through_the_writer() {
        let text = "# top\na: 1\nb:\n    # inner\n    c: \"x\\ty\" # trailing\n    d:\n        - one\n        - k: v\n          j: 'it''s'\n        -\n            - nested\n    e: |\n        l1\n        l2\nf: []\ng: {}\nn: null\nfl: 1.5\nbo: false\nempty: \"\"\nstrip: |-\n    a\n    b\nkeep: |+\n    a\n\n";
        let doc = parse(text).unwrap();
        let out = emit(&doc);
        let again = parse(&out).unwrap();
        assert!(doc == again, "{out}");
        assert_eq!(emit(&again), out);
    }

    #[test]
    fn folds_and_block_scalars() {
        let doc =
            parse("a: >\n  one\n  two\n\n  three\nb: \"x\n  y\"\nc: plain\n  continued\n").unwrap();
        assert!(matches!(&doc[0], Entry::Pair(_, v) if *v == s("one two\nthree\n")));
        assert!(matches!(&doc[1], Entry::Pair(_, v) if *v == s("x y")));
        assert!(matches!(&doc[2], Entry::Pair(_, v) if *v == s("plain continued")));
    }

    #[test]
    fn rejects_what_it_does_not_support() {
        for (text, line) in [
            ("a: &x 1\n", 1),
            ("a: *x\n", 1),
            ("a: !!str 1\n", 1),
            ("a: [1, 2]\n", 1),
            ("- a\n", 1),
            ("a: 1\n---\nb: 2\n", 2),
            ("a: 1\na: 2\n", 2),
            ("a: 1\n  b: 2\n", 2),
            ("a: \"open\n", 1),
            ("? a\n: b\n", 1),
            ("1: x\n", 1),
            ("a:\n\t- b\n", 2),
        ] {
            let e = parse(text).unwrap_err();
            assert_eq!(e.line, line, "{text:?}: {}", e.reason);
        }
    }

    #[test]
    fn many_comments_parse_in_linear_time() {
        let mut text = String::from("a:\n");
        for _ in 0..100_000 {
            text.push_str("# c\n\n");
        }
        text.push_str("b: 1\n");
        let t = std::time::Instant::now();
        assert_eq!(parse(&text).unwrap().len(), 100_002);
        assert!(t.elapsed() < std::time::Duration::from_secs(10));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let mut text = String::new();
        for i in 0..200 {
            text.push_str(&" ".repeat(i));
            text.push_str("k:\n");
        }
        assert!(parse(&text).is_err());
        let mut seq = String::from("a:\n");
        for i in 0..200 {
            seq.push_str(&" ".repeat(i * 2 + 2));
            seq.push_str("-\n");
        }
        assert!(parse(&seq).is_err());
    }
}
