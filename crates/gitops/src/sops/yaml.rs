//! The one YAML reader and writer of the crate: what sops (go-yaml v3) reads and writes for vars files,
//! `.sops.yaml` and Kubernetes manifests. Block mappings and sequences, flow collections (`[a, {b: c}]`, over
//! several lines), plain, quoted and block scalars (`|`, `>`, chomping, indentation indicators), comments, and
//! multi-document streams (`---`). Order and comments are kept (as `sops.TreeBranch` keeps them). Anchors and
//! aliases are expanded as sops expands them (the written file has neither), within a budget so that a
//! "billion laughs" input is an error, not an allocation; the merge key `<<` is an ordinary key, as in sops
//! (which writes it `!!merge <<`, read back here). Tags other than `!!merge`, complex keys (`? `) and directives
//! are rejected with a clear error. Input is hostile: nesting is limited, nothing allocates more than a
//! multiple of the input, and every error is a [`ParseError`] with a line number and never the text.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

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
    /// Anchored nodes (`&name`), expanded where an alias (`*name`) refers to them.
    anchors: HashMap<String, Node>,
    /// How much more data (nodes plus bytes) anchors and aliases may copy.
    alias_budget: usize,
}

/// Anchors and aliases may copy at most this many times the input's size (and at least [`ALIAS_BUDGET_MIN`]).
const ALIAS_BUDGET_FACTOR: usize = 4;
const ALIAS_BUDGET_MIN: usize = 1 << 20;

/// What a node costs to copy: one per node plus the bytes of its strings.
fn weight(n: &Node) -> usize {
    match n {
        Node::Scalar(Scalar::Str(s)) => 1 + s.len(),
        Node::Scalar(_) => 1,
        Node::Comment(c) => 1 + c.text.len(),
        Node::Seq(items) => items.iter().map(weight).fold(1, usize::saturating_add),
        Node::Map(entries) => entries
            .iter()
            .map(|e| match e {
                Entry::Comment(c) => 1 + c.text.len(),
                Entry::Pair(k, v) => (1 + k.len()).saturating_add(weight(v)),
            })
            .fold(1, usize::saturating_add),
    }
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

/// Parses a YAML document into its top-level mapping (an empty stream is an empty mapping).
///
/// # Errors
/// A [`ParseError`] for input outside the supported YAML, including a stream of several documents.
pub(crate) fn parse(text: &str) -> Result<Vec<Entry>> {
    let mut docs = parse_stream(text)?;
    if docs.len() > 1 {
        return Err(ParseError {
            line: docs_second_line(text),
            reason: "multiple YAML documents are not supported here",
        });
    }
    Ok(docs.pop().unwrap_or_default())
}

/// The 1-based line of the first `---` or `...` after content (where a second document starts).
fn docs_second_line(text: &str) -> usize {
    let mut content = false;
    for (i, l) in text.split('\n').enumerate() {
        let marker = (l.starts_with("---") || l.starts_with("..."))
            && l[3..]
                .trim_start_matches([' ', '\t'])
                .chars()
                .next()
                .is_none_or(|c| c == '#');
        if marker && content {
            return i + 1;
        }
        let t = l.trim_start_matches([' ', '\t']);
        content |= !marker && !t.is_empty() && !t.starts_with('#');
    }
    1
}

/// Parses a YAML stream into the top-level mapping of each document, in order (what sops calls branches).
///
/// # Errors
/// A [`ParseError`] for input outside the supported YAML.
pub(crate) fn parse_stream(text: &str) -> Result<Vec<Vec<Entry>>> {
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
        anchors: HashMap::new(),
        alias_budget: ALIAS_BUDGET_FACTOR
            .saturating_mul(text.len())
            .max(ALIAS_BUDGET_MIN),
    };
    p.stream()
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

    /// The documents of the stream. `---` starts a document (ending the one before), `...` ends one; comments
    /// before a document's mapping are its head comments, comments after it its foot comments.
    fn stream(&mut self) -> Result<Vec<Vec<Entry>>> {
        let mut docs = Vec::new();
        let mut cur: Vec<Entry> = Vec::new();
        // `open`: a document was started (by `---` or by content); `body`: its mapping has been read.
        let (mut open, mut body) = (false, false);
        while self.pos < self.lines.len() {
            match self.kind(self.pos)? {
                Kind::Blank => self.pos += 1,
                Kind::Comment => {
                    let (_, text) = self.comment_text(self.pos);
                    cur.push(Entry::Comment(Comment {
                        text,
                        inline: false,
                    }));
                    self.pos += 1;
                }
                Kind::Marker => {
                    let line = &self.lines[self.pos];
                    let start = line.starts_with("---");
                    let rest = line[3..].trim_start_matches([' ', '\t']);
                    if !(rest.is_empty() || rest.starts_with('#')) {
                        return err(
                            self.pos,
                            "content on a '---' or '...' line is not supported",
                        );
                    }
                    if open || (!start && !cur.is_empty()) {
                        docs.push(std::mem::take(&mut cur));
                    }
                    open = start;
                    body = false;
                    self.pos += 1;
                }
                Kind::Content => {
                    if body {
                        return err(self.pos, "unexpected indentation");
                    }
                    let line = self.lines[self.pos].clone();
                    if line.starts_with('%') {
                        return err(self.pos, "YAML directives are not supported");
                    }
                    let indent = spaces(&line);
                    let rest = &line[indent..];
                    if rest == "-" || rest.starts_with("- ") || rest.starts_with('[') {
                        return err(
                            self.pos,
                            "a top-level sequence is not supported (the document must be a mapping)",
                        );
                    }
                    if rest.starts_with('{') {
                        let line_no = self.pos;
                        self.pos += 1;
                        let mut pre = Vec::new();
                        let node = self.flow_value(line_no, indent, &mut pre)?;
                        let Node::Map(entries) = node else {
                            return err(line_no, "the document must be a mapping");
                        };
                        cur.extend(entries);
                        cur.extend(pre.into_iter().map(Entry::Comment));
                    } else {
                        let map = self.map(indent)?;
                        cur.extend(map);
                    }
                    open = true;
                    body = true;
                }
            }
        }
        if open || !cur.is_empty() {
            docs.push(cur);
        }
        Ok(docs)
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
            b'[' | b'{' => self.flow_value(line_no, self.lines[line_no].len() - v.len(), pre),
            b'&' => {
                let (name, rest) = anchor_name(&v[1..]).map_err(|reason| ParseError {
                    line: line_no + 1,
                    reason,
                })?;
                let node = self.value(rest, indent, line_no, in_map, pre)?;
                self.charge(&node, line_no)?;
                self.anchors.insert(name.to_owned(), node.clone());
                Ok(node)
            }
            b'*' => {
                let (name, rest) = anchor_name(&v[1..]).map_err(|reason| ParseError {
                    line: line_no + 1,
                    reason,
                })?;
                push_trailing_comment(rest, line_no, pre)?;
                let Some(node) = self.anchors.get(name) else {
                    return err(
                        line_no,
                        "an alias refers to an anchor not defined before it",
                    );
                };
                let node = node.clone();
                self.charge(&node, line_no)?;
                Ok(node)
            }
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

    /// Takes a copy of `node` (an anchor's or an alias's) from the budget.
    fn charge(&mut self, node: &Node, line_no: usize) -> Result<()> {
        let w = weight(node);
        if w > self.alias_budget {
            return err(line_no, "anchors and aliases expand to too much data");
        }
        self.alias_budget -= w;
        Ok(())
    }

    /// A flow collection starting at byte `col` of line `line_no` (`[` or `{`), possibly over several lines;
    /// `self.pos` moves past its last line and a comment after it goes to `pre`.
    fn flow_value(&mut self, line_no: usize, col: usize, pre: &mut Vec<Comment>) -> Result<Node> {
        let mut f = Flow {
            p: self,
            line: line_no,
            col,
        };
        let node = f.node()?;
        let (end_line, end_col) = (f.line, f.col);
        let rest = self.lines[end_line][end_col..].to_owned();
        push_trailing_comment(&rest, end_line, pre)?;
        self.pos = end_line + 1;
        Ok(node)
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

/// A cursor over the lines of a flow collection (`[...]`, `{...}`), which may span lines.
struct Flow<'p, 'a> {
    p: &'p mut Parser<'a>,
    line: usize,
    /// Byte offset in `line`; at the line's length the cursor is on its line break.
    col: usize,
}

/// Characters that end a plain scalar inside a flow collection.
const FLOW_INDICATORS: &[char] = &[',', '[', ']', '{', '}'];

impl Flow<'_, '_> {
    fn err<T>(&self, reason: &'static str) -> Result<T> {
        err(self.line, reason)
    }

    /// The character under the cursor (`'\n'` at a line's end), `None` past the last line.
    fn peek(&self) -> Option<char> {
        let line = self.p.lines.get(self.line)?;
        Some(line[self.col..].chars().next().unwrap_or('\n'))
    }

    /// The character after the one under the cursor, on the same line (`'\n'` at its end).
    fn peek2(&self) -> char {
        let Some(line) = self.p.lines.get(self.line) else {
            return '\n';
        };
        let mut it = line[self.col..].chars();
        it.next();
        it.next().unwrap_or('\n')
    }

    fn bump(&mut self) -> Result<()> {
        match self.peek() {
            None => self.err("a flow collection is not closed"),
            Some('\n') => self.next_line(),
            Some(c) => {
                self.col += c.len_utf8();
                Ok(())
            }
        }
    }

    fn next_line(&mut self) -> Result<()> {
        self.line += 1;
        self.col = 0;
        if self.line >= self.p.lines.len() || self.p.kind(self.line)? == Kind::Marker {
            return err(self.line - 1, "a flow collection is not closed");
        }
        Ok(())
    }

    /// Skips spaces, tabs, line breaks and comments (comments inside flow collections are not kept).
    fn skip_space(&mut self) -> Result<()> {
        let mut after_space = true;
        loop {
            match self.peek() {
                Some(' ' | '\t') => {
                    self.col += 1;
                    after_space = true;
                }
                Some('\n') => {
                    self.next_line()?;
                    after_space = true;
                }
                Some('#') if after_space => {
                    self.col = self.p.lines[self.line].len();
                }
                _ => return Ok(()),
            }
        }
    }

    fn node(&mut self) -> Result<Node> {
        self.p.enter()?;
        let n = match self.peek() {
            Some('[') => self.seq(),
            Some('{') => self.map().map(Node::Map),
            Some('"' | '\'') => self.quoted().map(|s| Node::Scalar(Scalar::Str(s))),
            Some('&' | '*') => {
                self.err("anchors and aliases inside flow collections are not supported")
            }
            Some('!') => self.err("YAML tags are not supported"),
            Some('@' | '`' | '%' | '|' | '>') => {
                self.err("a plain value cannot start with a reserved indicator")
            }
            _ => {
                let text = self.plain()?;
                if text.is_empty() {
                    return self.err("an empty entry in a flow collection");
                }
                resolve_plain(&text)
                    .map(Node::Scalar)
                    .map_err(|reason| ParseError {
                        line: self.line + 1,
                        reason,
                    })
            }
        };
        self.p.depth -= 1;
        n
    }

    fn seq(&mut self) -> Result<Node> {
        self.bump()?;
        let mut items = Vec::new();
        loop {
            self.skip_space()?;
            if self.peek() == Some(']') {
                self.bump()?;
                return Ok(Node::Seq(items));
            }
            let quoted = matches!(self.peek(), Some('"' | '\''));
            let item = self.node()?;
            self.skip_space()?;
            // `[a: b]`: a single-pair mapping as an item.
            if self.peek() == Some(':') && (quoted || self.value_indicator()) {
                let Node::Scalar(Scalar::Str(key)) = item else {
                    return self
                        .err("mapping keys must be strings (quote numbers, booleans and null)");
                };
                self.bump()?;
                self.skip_space()?;
                let value = match self.peek() {
                    Some(',' | ']') => Node::Scalar(Scalar::Null),
                    _ => self.node()?,
                };
                items.push(Node::Map(vec![Entry::Pair(key, value)]));
                self.skip_space()?;
            } else {
                items.push(item);
            }
            match self.peek() {
                Some(',') => self.bump()?,
                Some(']') => {}
                _ => return self.err("expected ',' or ']' in a flow sequence"),
            }
        }
    }

    fn map(&mut self) -> Result<Vec<Entry>> {
        self.bump()?;
        let mut entries = Vec::new();
        let mut seen = HashSet::new();
        loop {
            self.skip_space()?;
            if self.peek() == Some('}') {
                self.bump()?;
                return Ok(entries);
            }
            let key = match self.peek() {
                Some('"' | '\'') => self.quoted()?,
                Some('[' | '{') => return self.err("complex mapping keys are not supported"),
                Some('?') if matches!(self.peek2(), ' ' | '\n') => {
                    return self.err("complex mapping keys are not supported")
                }
                Some('&' | '*' | '!') => {
                    return self.err("anchors, aliases and tags on keys are not supported")
                }
                _ => {
                    let text = self.plain()?;
                    if text.is_empty() {
                        return self.err("a mapping key is empty");
                    }
                    plain_key(&text).map_err(|reason| ParseError {
                        line: self.line + 1,
                        reason,
                    })?
                }
            };
            if !seen.insert(key.clone()) {
                return self.err("a key is defined twice in the same mapping");
            }
            self.skip_space()?;
            let value = if self.peek() == Some(':') {
                self.bump()?;
                self.skip_space()?;
                match self.peek() {
                    Some(',' | '}') => Node::Scalar(Scalar::Null),
                    _ => self.node()?,
                }
            } else {
                Node::Scalar(Scalar::Null)
            };
            entries.push(Entry::Pair(key, value));
            self.skip_space()?;
            match self.peek() {
                Some(',') => self.bump()?,
                Some('}') => {}
                _ => return self.err("expected ',' or '}' in a flow mapping"),
            }
        }
    }

    /// Whether the `:` under the cursor is a value indicator (followed by space, a line end or a flow indicator).
    fn value_indicator(&self) -> bool {
        let c = self.peek2();
        c == ' ' || c == '\t' || c == '\n' || FLOW_INDICATORS.contains(&c)
    }

    /// A plain scalar inside a flow collection, folded over lines.
    fn plain(&mut self) -> Result<String> {
        let mut s = String::new();
        loop {
            match self.peek() {
                None => return self.err("a flow collection is not closed"),
                Some(c) if FLOW_INDICATORS.contains(&c) => break,
                Some(':') if self.value_indicator() => break,
                Some('#') if s.ends_with([' ', '\t']) || s.is_empty() => break,
                Some('\n') => {
                    // A line break inside a plain scalar folds to a space (blank lines to line breaks).
                    let trimmed = s.trim_end_matches([' ', '\t']).len();
                    s.truncate(trimmed);
                    let mut breaks = 0;
                    loop {
                        self.next_line()?;
                        let line = &self.p.lines[self.line];
                        let t = line.trim_start_matches([' ', '\t']);
                        if t.is_empty() {
                            breaks += 1;
                            continue;
                        }
                        self.col = line.len() - t.len();
                        break;
                    }
                    let next = self.peek().unwrap_or('\n');
                    let ends = FLOW_INDICATORS.contains(&next)
                        || next == '#'
                        || (next == ':' && self.value_indicator());
                    if ends {
                        break;
                    }
                    if breaks == 0 {
                        s.push(' ');
                    } else {
                        s.extend(std::iter::repeat_n('\n', breaks));
                    }
                }
                Some(c) => {
                    s.push(c);
                    self.col += c.len_utf8();
                }
            }
        }
        Ok(s.trim_end_matches([' ', '\t']).to_owned())
    }

    /// A quoted scalar (the cursor is on its opening quote), possibly over several lines.
    fn quoted(&mut self) -> Result<String> {
        let line_no = self.line;
        let double = self.peek() == Some('"');
        self.col += 1;
        let mut parts: Vec<String> = Vec::new();
        loop {
            let rest = &self.p.lines[self.line][self.col..];
            if let Some(end) = find_close(rest, double) {
                parts.push(rest[..end].to_owned());
                self.col += end + 1;
                break;
            }
            parts.push(rest.to_owned());
            self.next_line()?;
        }
        if double {
            unescape_double(&parts).map_err(|reason| ParseError {
                line: line_no + 1,
                reason,
            })
        } else {
            Ok(fold_lines(
                &parts
                    .iter()
                    .map(|p| p.replace("''", "'"))
                    .collect::<Vec<_>>(),
                &[],
            ))
        }
    }
}

/// The name of an anchor or alias (after `&` / `*`) and the text after it.
fn anchor_name(v: &str) -> std::result::Result<(&str, &str), &'static str> {
    let end = v
        .find(|c: char| c == ' ' || c == '\t' || FLOW_INDICATORS.contains(&c))
        .unwrap_or(v.len());
    if end == 0 {
        return Err("an anchor or alias has no name");
    }
    Ok((&v[..end], &v[end..]))
}

/// A plain mapping key as sops reads it: a string (`<<`, the merge key, is the string `<<`, as sops keeps it).
fn plain_key(key: &str) -> std::result::Result<String, &'static str> {
    if key == "<<" {
        return Ok(key.to_owned());
    }
    match resolve_plain(key) {
        Ok(Scalar::Str(k)) => Ok(k),
        _ => Err("mapping keys must be strings (quote numbers, booleans and null)"),
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
    // sops writes the merge key with its tag; it is the string `<<` all the same.
    if let Some(after) = rest.strip_prefix("!!merge <<") {
        let t = after.trim_start_matches(' ');
        if t == ":" || t.starts_with(": ") || t.starts_with(":\t") {
            return Ok(("<<".to_owned(), rest.len() - t.len() + 1));
        }
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
            return plain_key(key).map(|k| (k, i + 1));
        }
        i += 1;
    }
    Err("expected a 'key: value' line")
}

// ---------------------------------------------------------------------------------------------------------------
// Writer

/// Indentation step, as sops writes YAML.
const STEP: usize = 4;

/// The indentation of a collection or block scalar under a key at `indent`: go-yaml v3 aligns it to the next
/// multiple of the step (so under a mapping that is a list item, at 6, it is 8, not 10).
fn next_indent(indent: usize) -> usize {
    STEP * ((indent + STEP) / STEP)
}

/// Writes documents as a YAML stream, as go-yaml's encoder does: `---` before every document but the first;
/// `trailer` (sops's metadata) is written at the end of every document.
pub(crate) fn emit_stream<D: AsRef<[Entry]>>(docs: &[D], trailer: &[Entry]) -> String {
    let mut out = String::new();
    for (i, d) in docs.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        emit_map(&mut out, d.as_ref(), 0, None);
        emit_map(&mut out, trailer, 0, None);
        if d.as_ref()
            .iter()
            .chain(trailer)
            .all(|e| matches!(e, Entry::Comment(_)))
        {
            // An empty mapping must still be a mapping when read back (and by go-yaml).
            out.push_str("{}\n");
        }
    }
    out
}

/// Writes a top-level mapping as YAML (an empty one as nothing).
#[cfg(test)]
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
                if k == "<<" && is_merge_value(v) {
                    // As sops (go-yaml) writes a merge key, so that other YAML readers still merge.
                    out.push_str("!!merge <<");
                } else {
                    out.push_str(&scalar_key(k));
                }
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
            emit_map(out, entries, next_indent(indent), None);
        }
        Node::Seq(items) if !items.is_empty() => {
            out.push('\n');
            emit_seq(out, items, next_indent(indent), None);
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
                        // Relative to the holding mapping's column (the body is at the next step).
                        out.push_str(&(next_indent(indent) - indent).to_string());
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
                            out.extend(std::iter::repeat_n(' ', next_indent(indent)));
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

/// Whether a `<<` key's value is what a YAML merge takes (a mapping or a list of mappings); any other value is
/// written under a quoted `"<<"`, which no reader takes for a merge (sops writes `!!merge <<` there too, and then
/// cannot read its own file).
fn is_merge_value(v: &Node) -> bool {
    match v {
        Node::Map(_) => true,
        Node::Seq(items) => items
            .iter()
            .filter(|n| !matches!(n, Node::Comment(_)))
            .all(|n| matches!(n, Node::Map(_))),
        _ => false,
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
            ("a: *x\n", 1),
            ("a: !!str 1\n", 1),
            ("a: [1, 2\nb: 1\n", 2),
            ("a: {b: 1, b: 2}\n", 1),
            ("a: [1,, 2]\n", 1),
            ("a: [1] x\n", 1),
            ("- a\n", 1),
            ("[a]\n", 1),
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

    fn str_node(v: &str) -> Node {
        s(v)
    }

    #[test]
    fn flow_collections_read_as_go_yaml_reads_them() {
        let text = "matrix: [[1, 2], [3, 4]]\nm: {a: b, 'c': \"d\", e: [x, y], f: null, g}\nlong: [one,\n    two words,\n  \"three\"]  # trailing\npair: [k: v]\n";
        let doc = parse(text).unwrap();
        let Entry::Pair(_, Node::Seq(m)) = &doc[0] else {
            panic!("matrix")
        };
        assert_eq!(m.len(), 2);
        assert!(matches!(&m[1], Node::Seq(v) if v[1] == Node::Scalar(Scalar::Int(4))));
        let Entry::Pair(_, Node::Map(map)) = &doc[1] else {
            panic!("m")
        };
        assert_eq!(map.len(), 5);
        assert!(matches!(&map[1], Entry::Pair(k, v) if k == "c" && *v == str_node("d")));
        assert!(matches!(&map[4], Entry::Pair(k, Node::Scalar(Scalar::Null)) if k == "g"));
        // A comment on a value's line goes before its key, as sops keeps it.
        assert!(matches!(&doc[2], Entry::Comment(c) if c.text == " trailing"));
        let Entry::Pair(_, Node::Seq(long)) = &doc[3] else {
            panic!("long")
        };
        assert_eq!(long[1], str_node("two words"));
        assert!(
            matches!(&doc[4], Entry::Pair(_, Node::Seq(p)) if matches!(&p[0], Node::Map(e) if e.len() == 1))
        );
        // Written back in block style, which reads back to the same tree.
        let out = emit(&doc);
        assert!(parse(&out).unwrap() == doc, "{out}");
        // A top-level flow mapping is a document too.
        assert_eq!(parse("{a: 1, b: [2]}\n").unwrap().len(), 2);
    }

    #[test]
    fn multi_document_streams() {
        let text = "# head\na: 1\n---\nb: 2\n...\n---\n# only a comment\n";
        let docs = parse_stream(text).unwrap();
        assert_eq!(docs.len(), 3, "{docs:?}");
        assert!(matches!(&docs[0][0], Entry::Comment(_)));
        assert!(matches!(&docs[1][0], Entry::Pair(k, _) if k == "b"));
        let out = emit_stream(&docs, &[]);
        assert_eq!(out, "# head\na: 1\n---\nb: 2\n---\n# only a comment\n{}\n");
        assert!(parse_stream(&out).unwrap() == docs);
        assert_eq!(parse(text).unwrap_err().line, 3);
        assert_eq!(parse_stream("").unwrap().len(), 0);
        assert_eq!(parse_stream("---\na: 1\n").unwrap().len(), 1);
    }

    #[test]
    fn anchors_and_aliases_expand_as_sops_expands_them() {
        let text = "base: &b\n    x: 1\nm:\n    <<: *b\n    y: *b\nl: [1]\ns: &s v\nt: *s\nmerged:\n    !!merge <<: {k: v}\n";
        let doc = parse(text).unwrap();
        let Entry::Pair(_, Node::Map(m)) = &doc[1] else {
            panic!("m")
        };
        assert!(matches!(&m[0], Entry::Pair(k, Node::Map(x)) if k == "<<" && x.len() == 1));
        assert!(matches!(&m[1], Entry::Pair(k, Node::Map(_)) if k == "y"));
        assert!(matches!(&doc[4], Entry::Pair(k, v) if k == "t" && *v == str_node("v")));
        assert!(
            matches!(&doc[5], Entry::Pair(_, Node::Map(x)) if matches!(&x[0], Entry::Pair(k, _) if k == "<<"))
        );
        let out = emit(&doc);
        assert!(out.contains("    !!merge <<:\n        x: 1\n"), "{out}");
        assert!(parse(&out).unwrap() == doc);
        let scalar = parse("\"<<\": 5\n").unwrap();
        assert_eq!(emit(&scalar), "\"<<\": 5\n");
    }

    #[test]
    fn billion_laughs_is_an_error() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..30 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i}\n"));
            for _ in 0..10 {
                text.push_str(&format!("    - *a{}\n", i - 1));
            }
            let _ = refs;
        }
        let e = parse(&text).unwrap_err();
        assert_eq!(e.reason, "anchors and aliases expand to too much data");
    }

    use proptest::strategy::Strategy as _;

    proptest::proptest! {
        /// Every key, however YAML would otherwise read it (`<<`, `?`, `-`, `~`, `null`, `true`, `: `, `#`), and
        /// every scalar, reads back as written.
        #[test]
        fn special_keys_and_values_round_trip(
            keys in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("<<".to_owned()),
                    proptest::strategy::Just("?".to_owned()),
                    proptest::strategy::Just("-".to_owned()),
                    proptest::strategy::Just("~".to_owned()),
                    proptest::strategy::Just("null".to_owned()),
                    proptest::strategy::Just("true".to_owned()),
                    proptest::strategy::Just("a: b".to_owned()),
                    proptest::strategy::Just("a #b".to_owned()),
                    proptest::strategy::Just("---".to_owned()),
                    proptest::strategy::Just("[x]".to_owned()),
                    proptest::strategy::Just("&a".to_owned()),
                    proptest::strategy::Just("!!merge".to_owned()),
                    "[ -~]{0,12}",
                    "\\PC{0,8}",
                ],
                1..6,
            ),
            values in proptest::collection::vec(
                proptest::prop_oneof![
                    "[ -~]{0,12}".prop_map(|v| Node::Scalar(Scalar::Str(v))),
                    "\\PC{0,8}\n?\\PC{0,4}".prop_map(|v| Node::Scalar(Scalar::Str(v))),
                    proptest::num::i64::ANY.prop_map(|i| Node::Scalar(Scalar::Int(i))),
                    proptest::bool::ANY.prop_map(|b| Node::Scalar(Scalar::Bool(b))),
                    proptest::strategy::Just(Node::Scalar(Scalar::Null)),
                    proptest::num::f64::NORMAL.prop_map(|f| Node::Scalar(Scalar::Float(f))),
                    "[ -~]{0,6}".prop_map(|v| Node::Seq(vec![Node::Scalar(Scalar::Str(v))])),
                ],
                6,
            ),
        ) {
            let mut seen = HashSet::new();
            let mut doc = Vec::new();
            for (i, k) in keys.into_iter().enumerate() {
                if k.contains(['\r']) || !seen.insert(k.clone()) {
                    continue;
                }
                let v = values[i % values.len()].clone();
                doc.push(Entry::Pair(k.clone(), Node::Map(vec![Entry::Pair(k.clone(), v.clone())])));
                doc.push(Entry::Pair(format!("{k}{i}"), Node::Seq(vec![Node::Map(vec![Entry::Pair(k, v)])])));
            }
            let out = emit_stream(&[doc.clone(), doc.clone()], &[]);
            let back = parse_stream(&out).map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{out:?}: line {} {}", e.line, e.reason)))?;
            proptest::prop_assert!(back == vec![doc.clone(), doc], "{:?}", out);
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
