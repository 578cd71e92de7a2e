//! The repository's `.sops.yaml`: the one place its age recipients are listed, in the form `sops` itself reads, so
//! an operator who runs `sops -e` in the repository encrypts to the same recipients as `secretctl gitops`.

use crate::sops::Recipient;

/// The first line of every `.sops.yaml` we write.
const HEADER: &str =
    "# Written by `secretctl gitops`; `secretctl gitops recipients add|remove` rewrites it.\n\
# sops reads the same rule, so `sops -e` in this repository encrypts to the same age recipients.\n";

/// The `.sops.yaml` text for `recipients`: one creation rule, no path restriction, so every file `sops` creates in
/// the repository is encrypted to the repository's recipients.
pub(crate) fn render(recipients: &[Recipient]) -> String {
    let mut out = String::from(HEADER);
    out.push_str("creation_rules:\n  - age: >-\n");
    let last = recipients.len().saturating_sub(1);
    for (i, r) in recipients.iter().enumerate() {
        out.push_str("      ");
        out.push_str(&r.to_string());
        if i != last {
            out.push(',');
        }
        out.push('\n');
    }
    out
}

/// Why a `.sops.yaml` could not be read: the 1-based line and what was wrong (never file content beyond a
/// recipient string, which is public).
#[derive(Debug)]
pub(crate) struct ParseError {
    pub line: usize,
    pub reason: String,
}

/// The age recipients named by any `age:` key of a `.sops.yaml` (inline `age: a,b`, a folded or literal block
/// scalar, or a YAML list), deduplicated, in file order.
pub(crate) fn parse(text: &str) -> Result<Vec<Recipient>, ParseError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<Recipient> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let indent = line.len() - line.trim_start().len();
        let mut body = line.trim_start();
        let mut key_col = indent;
        while let Some(rest) = body.strip_prefix("- ") {
            key_col += 2 + (rest.len() - rest.trim_start().len());
            body = rest.trim_start();
        }
        let Some(after) = body.strip_prefix("age:") else {
            i += 1;
            continue;
        };
        let inline = strip_comment(after).trim();
        let start_line = i + 1;
        i += 1;
        let mut tokens: Vec<(usize, String)> = Vec::new();
        if inline.is_empty() || inline.starts_with('>') || inline.starts_with('|') {
            // Block scalar or list: every following line indented deeper than the key.
            while i < lines.len() {
                let l = lines[i];
                let t = l.trim_start();
                let ind = l.len() - t.len();
                let belongs = t.is_empty()
                    || ind > key_col
                    || (inline.is_empty() && ind == key_col && t.starts_with("- "));
                if !belongs {
                    break;
                }
                let t = t.strip_prefix("- ").unwrap_or(t);
                let t = strip_comment(t);
                for tok in split(t) {
                    tokens.push((i + 1, tok));
                }
                i += 1;
            }
        } else {
            for tok in split(inline) {
                tokens.push((start_line, tok));
            }
        }
        for (line, tok) in tokens {
            let r: Recipient = tok.parse().map_err(|_| ParseError {
                line,
                reason: format!("`{tok}` is not an age recipient (age1...)"),
            })?;
            if !out.contains(&r) {
                out.push(r);
            }
        }
    }
    Ok(out)
}

fn strip_comment(s: &str) -> &str {
    match s.find(" #") {
        Some(i) => &s[..i],
        None if s.starts_with('#') => "",
        None => s,
    }
}

fn split(s: &str) -> Vec<String> {
    s.split(|c: char| c == ',' || c.is_whitespace())
        .map(|t| t.trim_matches(|c| c == '"' || c == '\''))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recipient() -> Recipient {
        age::x25519::Identity::generate()
            .to_public()
            .to_string()
            .parse()
            .unwrap()
    }

    #[test]
    fn render_parse_round_trip() {
        let rs = vec![recipient(), recipient(), recipient()];
        assert_eq!(parse(&render(&rs)).unwrap(), rs);
        assert_eq!(parse(&render(&rs[..1])).unwrap(), rs[..1]);
    }

    #[test]
    fn reads_the_forms_sops_users_write() {
        let (a, b) = (recipient(), recipient());
        let inline = format!("creation_rules:\n  - path_regex: .*\\.yaml$\n    age: '{a},{b}'\n");
        assert_eq!(parse(&inline).unwrap(), [a.clone(), b.clone()]);
        let folded = format!(
            "creation_rules:\n  - path_regex: x\n    age: >-\n      {a},\n      {b}  # ops\n  - path_regex: y\n    age: {a}\n"
        );
        assert_eq!(parse(&folded).unwrap(), [a.clone(), b.clone()]);
        let groups = format!(
            "creation_rules:\n  - key_groups:\n      - age:\n          - {b}\n          - {a}\n"
        );
        assert_eq!(parse(&groups).unwrap(), [b.clone(), a.clone()]);
        assert!(parse("creation_rules: []\n").unwrap().is_empty());
    }

    #[test]
    fn a_bad_recipient_names_its_line() {
        let err = parse("creation_rules:\n  - age: >-\n      age1notakey\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.reason.contains("age1notakey"));
    }

    proptest::proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }
    }
}
