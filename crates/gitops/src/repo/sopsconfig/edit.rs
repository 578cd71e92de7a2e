//! Editing the age recipients of chosen creation rules in `.sops.yaml` text, leaving every other byte as it was:
//! the other rules, comments, key order, quoting and the operator's settings.
//!
//! The edit is made on lines (the YAML reader keeps no positions): find `creation_rules`, the rule's item, its
//! `age` key (or its one key group's `age`), and replace that value's lines with the new list written in the same
//! style (a block list stays a list, a folded or inline string stays one). The result is then parsed again and
//! compared with the original rule by rule: anything but the intended recipient lists differing (a layout this
//! editor does not understand) is an error, and nothing is written.

use super::{at, ParseError, SopsConfig};
use crate::sops::Recipient;

/// One line of the text: its byte range (without the newline) and its indentation.
struct Line<'a> {
    text: &'a str,
    start: usize,
    end: usize,
}

fn indent(s: &str) -> usize {
    s.len() - s.trim_start_matches(' ').len()
}

fn insignificant(s: &str) -> bool {
    let t = s.trim();
    t.is_empty() || t.starts_with('#')
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in text.split_inclusive('\n') {
        let body = piece.strip_suffix('\n').unwrap_or(piece);
        let body = body.strip_suffix('\r').unwrap_or(body);
        out.push(Line {
            text: body,
            start,
            end: start + body.len(),
        });
        start += piece.len();
    }
    out
}

/// The value of the key at `key_line` (whose key starts at column `col`): the lines after it that belong to it
/// (more indented, or a `- ` list at the key's own column), trailing blank and comment lines excluded. Returns
/// the index one past its last line.
fn value_end(ls: &[Line<'_>], key_line: usize, col: usize, limit: usize) -> usize {
    let mut last = key_line;
    for (i, l) in ls.iter().enumerate().take(limit).skip(key_line + 1) {
        if insignificant(l.text) {
            continue;
        }
        let ind = indent(l.text);
        let rest = &l.text[ind..];
        if ind > col || (ind == col && (rest == "-" || rest.starts_with("- "))) {
            last = i;
        } else {
            break;
        }
    }
    last + 1
}

/// In the mapping whose keys start at column `col`, between lines `from` and `to`, the line of `key` (the first
/// line may start with `- ` before the key: `first_col` is where its key starts).
fn find_key(ls: &[Line<'_>], from: usize, to: usize, col: usize, key: &str) -> Option<usize> {
    (from..to).find(|&i| {
        let t = ls[i].text;
        !insignificant(t)
            && (indent(t) == col || i == from)
            && t.get(col..).is_some_and(|rest| {
                rest.strip_prefix(key).is_some_and(|r| {
                    r.starts_with(':') && (r.len() == 1 || r[1..].starts_with([' ', '\t']))
                })
            })
    })
}

/// The items of the block list between lines `from` and `to`: (first line, one past the last, column of the
/// item's mapping keys).
fn list_items(ls: &[Line<'_>], from: usize, to: usize) -> Vec<(usize, usize, usize)> {
    let Some(first) = (from..to).find(|&i| !insignificant(ls[i].text)) else {
        return Vec::new();
    };
    let dash = indent(ls[first].text);
    let starts: Vec<usize> = (first..to)
        .filter(|&i| {
            let t = ls[i].text;
            !insignificant(t) && indent(t) == dash && t[dash..].starts_with('-')
        })
        .collect();
    let mut out = Vec::new();
    for (k, &s) in starts.iter().enumerate() {
        let e = starts.get(k + 1).copied().unwrap_or(to);
        let after = &ls[s].text[dash + 1..];
        let col = if after.trim().is_empty() || after.trim_start().starts_with('#') {
            (s + 1..e)
                .find(|&i| !insignificant(ls[i].text))
                .map_or(dash + 2, |i| indent(ls[i].text))
        } else {
            dash + 1 + indent(after)
        };
        out.push((s, e, col));
    }
    out
}

/// The replacement text for the value of `age:` (from just after `age:` to the end of its last line).
fn render_value(
    ls: &[Line<'_>],
    key_line: usize,
    col: usize,
    end: usize,
    new: &[String],
) -> String {
    let first = &ls[key_line].text[col + "age:".len()..];
    let head = first.trim_start();
    // A comment after the value on the key's line (recipients never hold `#`).
    let comment = head
        .find(" #")
        .map(|p| &head[p..])
        .or_else(|| head.starts_with('#').then_some(head));
    let value = comment.map_or(head, |c| head[..head.len() - c.len()].trim_end());
    let cont = (key_line + 1..end).find(|&i| !insignificant(ls[i].text));
    let comment = comment.unwrap_or("");
    if value.is_empty() {
        // A block list below the key (or a plain scalar continued on the next lines).
        let Some(c) = cont else {
            return format!(" {}{comment}", new.join(","));
        };
        let ind = indent(ls[c].text);
        if ls[c].text[ind..].starts_with('-') {
            let mut out = String::from(if comment.is_empty() { "" } else { comment });
            for r in new {
                out.push('\n');
                out.push_str(&" ".repeat(ind));
                out.push_str("- ");
                out.push_str(r);
            }
            return out;
        }
        return format!(" {}{comment}", new.join(","));
    }
    if value.starts_with('>') || value.starts_with('|') {
        let ind = cont.map_or(col + 4, |c| indent(ls[c].text));
        let mut out = format!(" {value}{comment}");
        for (i, r) in new.iter().enumerate() {
            out.push('\n');
            out.push_str(&" ".repeat(ind));
            out.push_str(r);
            if i + 1 != new.len() {
                out.push(',');
            }
        }
        return out;
    }
    if value.starts_with('[') {
        return format!(" [{}]{comment}", new.join(", "));
    }
    let quote = value.chars().next().filter(|c| *c == '\'' || *c == '"');
    match quote {
        Some(q) => format!(" {q}{}{q}{comment}", new.join(",")),
        None => format!(" {}{comment}", new.join(",")),
    }
}

/// The text with the recipients of each rule in `changes` (its 1-based number, the new list) replaced.
///
/// # Errors
/// A rule whose recipients cannot be found or edited on their lines (a flow mapping, an anchor), or an edit that
/// would change anything else the file says.
pub(crate) fn set_recipients(
    text: &str,
    changes: &[(usize, Vec<Recipient>)],
) -> Result<String, ParseError> {
    let before = SopsConfig::parse(text)?;
    let ls = lines(text);
    let refuse = |n: usize| {
        at(
            0,
            &format!(
                "creation rule {n}: its age recipients are written in a form secretctl cannot edit in place; \
                 edit them by hand"
            ),
        )
    };
    let top = find_key(&ls, 0, ls.len(), 0, "creation_rules").ok_or_else(|| refuse(1))?;
    let rules_end = value_end(&ls, top, 0, ls.len());
    let rules = list_items(&ls, top + 1, rules_end);
    // (first byte, last byte, replacement), applied from the end so earlier offsets stay valid.
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for (n, new) in changes {
        let rule = before.rule(*n).ok_or_else(|| refuse(*n))?;
        let &(from, to, col) = rules.get(n - 1).ok_or_else(|| refuse(*n))?;
        let new: Vec<String> = new.iter().map(ToString::to_string).collect();
        let (from, to, col) = if rule.in_key_group {
            let kg = find_key(&ls, from, to, col, "key_groups").ok_or_else(|| refuse(*n))?;
            let end = value_end(&ls, kg, col, to);
            let groups = list_items(&ls, kg + 1, end);
            let [group] = groups[..] else {
                return Err(refuse(*n));
            };
            group
        } else {
            (from, to, col)
        };
        match find_key(&ls, from, to, col, "age") {
            Some(k) => {
                let end = value_end(&ls, k, col, to);
                let value_start = ls[k].start + col + "age:".len();
                let replacement = if rule.in_key_group {
                    // A key group's `age` is a list of strings.
                    let cont = (k + 1..end).find(|&i| !insignificant(ls[i].text));
                    let ind = cont.map_or(col + 2, |c| indent(ls[c].text));
                    let mut out = String::new();
                    for r in &new {
                        out.push('\n');
                        out.push_str(&" ".repeat(ind));
                        out.push_str("- ");
                        out.push_str(r);
                    }
                    out
                } else {
                    render_value(&ls, k, col, end, &new)
                };
                edits.push((value_start, ls[end - 1].end, replacement));
            }
            None if !rule.in_key_group => {
                // No `age` yet: a new line after the rule's last significant line.
                let last = (from..to)
                    .rev()
                    .find(|&i| !insignificant(ls[i].text))
                    .ok_or_else(|| refuse(*n))?;
                let at_end = ls[last].end;
                edits.push((
                    at_end,
                    at_end,
                    format!("\n{}age: {}", " ".repeat(col), new.join(",")),
                ));
            }
            None => return Err(refuse(*n)),
        }
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_owned();
    for (a, b, r) in edits {
        out.replace_range(a..b, &r);
    }
    // The edit must have changed exactly the intended recipient lists.
    let after = SopsConfig::parse(&out).map_err(|_| refuse(changes.first().map_or(1, |c| c.0)))?;
    let (old, new) = (before.summary(), after.summary());
    if old.len() != new.len() {
        return Err(refuse(changes.first().map_or(1, |c| c.0)));
    }
    for (i, (o, a)) in old.iter().zip(&new).enumerate() {
        let n = i + 1;
        let wanted = changes.iter().find(|c| c.0 == n);
        let ok = match (wanted, &o.1, &a.1) {
            (Some((_, list)), Ok(ov), Ok(av)) => {
                o.0 == a.0 && &av.0 == list && ov.1 == av.1 && ov.2 == av.2
            }
            (None, _, _) => o == a,
            _ => false,
        };
        if !ok {
            return Err(refuse(n));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r() -> Recipient {
        age::x25519::Identity::generate()
            .to_public()
            .to_string()
            .parse()
            .unwrap()
    }

    /// Adds a recipient to rule 1 of `text` and checks the other lines did not change.
    fn add_to_first(text: &str) -> String {
        let c = SopsConfig::parse(text).unwrap();
        let mut list = c.rule(1).unwrap().recipients.clone();
        let new = r();
        list.push(new.clone());
        let out = set_recipients(text, &[(1, list.clone())]).unwrap();
        let again = SopsConfig::parse(&out).unwrap();
        assert_eq!(again.rule(1).unwrap().recipients, list);
        if c.len() > 1 {
            assert_eq!(
                again.rule(2).unwrap().recipients,
                c.rule(2).unwrap().recipients
            );
        }
        assert!(out.contains(&new.to_string()));
        out
    }

    #[test]
    fn every_style_is_edited_in_place() {
        let (a, b) = (r(), r());
        let tail = format!("  # the apps\n  - path_regex: ^apps/\n    age: {b} # ops\n    encrypted_regex: ^data$\n");
        for first in [
            format!("  - path_regex: ^hosts/\n    age: {a}\n"),
            format!("  - path_regex: ^hosts/\n    age: '{a}'  # quoted\n"),
            format!(
                "  - path_regex: ^hosts/\n    age: >-\n      {a}\n    unencrypted_suffix: _plain\n"
            ),
            format!("  - path_regex: ^hosts/\n    age:\n      - {a}\n"),
            format!("  - path_regex: ^hosts/\n    age:\n    - {a}\n"),
            format!("  -\n    path_regex: ^hosts/\n    age: {a}\n"),
            format!("  - path_regex: ^hosts/\n    key_groups:\n      - age:\n          - {a}\n"),
            "  - path_regex: ^hosts/\n    mac_only_encrypted: true\n".to_owned(),
        ] {
            let text =
                format!("# top\ncreation_rules:\n{first}{tail}stores:\n  yaml:\n    indent: 2\n");
            let out = add_to_first(&text);
            assert!(
                out.ends_with(&format!("{tail}stores:\n  yaml:\n    indent: 2\n")),
                "{out}"
            );
            assert!(out.starts_with("# top\ncreation_rules:\n"));
        }
    }

    #[test]
    fn a_form_it_cannot_edit_is_refused() {
        let a = r();
        let flow = format!("creation_rules: [{{path_regex: x, age: {a}}}]\n");
        assert!(set_recipients(&flow, &[(1, vec![a.clone(), r()])]).is_err());
    }
}
