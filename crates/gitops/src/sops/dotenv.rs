//! SOPS's dotenv store (`stores/dotenv/store.go`): one `KEY=value` or `#comment` per line, every value a string,
//! `\n` in a value written as the two characters `\` `n`. No quoting, no `export`, no trimming: that is the
//! format sops reads and writes, and what every sops consumer expects.

use super::tree::{go_format_float_f, Comment, Entry, Node, Scalar};
use super::yaml::ParseError;

/// Parses a dotenv file as sops does.
pub(crate) fn parse(text: &str) -> Result<Vec<Entry>, ParseError> {
    let mut entries = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        if let Some(c) = line.strip_prefix('#') {
            entries.push(Entry::Comment(Comment {
                text: c.to_owned(),
                inline: false,
            }));
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(ParseError {
                line: i + 1,
                reason: "a dotenv line must be KEY=value or a #comment",
            });
        };
        entries.push(Entry::Pair(
            key.to_owned(),
            Node::Scalar(Scalar::Str(value.replace("\\n", "\n"))),
        ));
    }
    Ok(entries)
}

/// Writes entries as a sops dotenv file. Fails (naming the key) on nested values.
pub(crate) fn emit(entries: &[Entry]) -> Result<String, String> {
    let mut out = String::new();
    for e in entries {
        match e {
            Entry::Comment(c) => {
                for l in c.text.split('\n') {
                    out.push('#');
                    out.push_str(l);
                    out.push('\n');
                }
            }
            Entry::Pair(k, v) => {
                let value = match v {
                    Node::Scalar(Scalar::Str(s)) => s.replace('\n', "\\n"),
                    Node::Scalar(Scalar::Null) => "<nil>".to_owned(),
                    Node::Scalar(Scalar::Bool(b)) => b.to_string(),
                    Node::Scalar(Scalar::Int(i)) => i.to_string(),
                    Node::Scalar(Scalar::Float(f)) => go_val_to_string_float(*f),
                    Node::Map(_) | Node::Seq(_) | Node::Comment(_) => return Err(k.clone()),
                };
                out.push_str(k);
                out.push('=');
                out.push_str(&value);
                out.push('\n');
            }
        }
    }
    Ok(out)
}

/// sops's `ValToString` for floats: `%G`-style shortest, with `.0` added to integral values.
fn go_val_to_string_float(f: f64) -> String {
    let s = go_format_float_f(f);
    if s.contains('.') || !f.is_finite() {
        s
    } else {
        format!("{s}.0")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_sops() {
        let e = parse("#c\nA=1\nB=x\\ny\n\nexport C= spaced \nD==\n").unwrap();
        assert_eq!(e.len(), 5);
        assert!(matches!(&e[0], Entry::Comment(c) if c.text == "c"));
        assert!(
            matches!(&e[2], Entry::Pair(k, Node::Scalar(Scalar::Str(v))) if k == "B" && v == "x\ny")
        );
        assert!(
            matches!(&e[3], Entry::Pair(k, Node::Scalar(Scalar::Str(v))) if k == "export C" && v == " spaced ")
        );
        assert!(
            matches!(&e[4], Entry::Pair(k, Node::Scalar(Scalar::Str(v))) if k == "D" && v == "=")
        );
        assert_eq!(
            emit(&e).unwrap(),
            "#c\nA=1\nB=x\\ny\nexport C= spaced \nD==\n"
        );
        assert_eq!(parse("A=1\nnope\n").unwrap_err().line, 2);
    }
}
