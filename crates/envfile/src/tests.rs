use std::collections::BTreeMap;

use proptest::prelude::*;
use secrecy::ExposeSecret;

use super::*;

fn values(doc: &EnvFile) -> BTreeMap<String, String> {
    doc.resolve(&|_| None)
        .unwrap()
        .into_iter()
        .map(|(k, v)| (k, v.expose_secret().to_owned()))
        .collect()
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The document's internal spans agree with a fresh parse of its text.
fn assert_consistent(doc: &EnvFile) {
    let fresh = EnvFile::parse(doc.as_str()).expect("an edited document parses");
    assert_eq!(fresh.entries.len(), doc.entries.len(), "{:?}", doc.as_str());
    for (a, b) in fresh.entries.iter().zip(&doc.entries) {
        assert_eq!(a.kind, b.kind);
        assert_eq!(a.start, b.start);
        assert_eq!(a.key, b.key);
        assert_eq!(a.value, b.value);
        assert_eq!(a.end, b.end);
        assert_eq!(a.quote, b.quote);
        assert_eq!(a.literal(&fresh.src), b.literal(&doc.src));
    }
}

#[test]
fn compose_dialect_values() {
    let text = "\u{feff}# c\r\nA=1\r\nexport B = two words # note\r\nC='x # y'\r\nD=\"l1\\nl2\"\r\n\
                E=a\t#b\r\nF=\"q\" G=g\r\nH: yaml\r\nI=$A-${B}\r\nJ='$A'\r\nK=\"\\$A $$ \\0123\"\r\nL=x#y";
    let doc = EnvFile::parse(text).unwrap();
    assert_eq!(doc.render(), text);
    assert_eq!(
        values(&doc),
        map(&[
            ("A", "1"),
            ("B", "two words"),
            ("C", "x # y"),
            ("D", "l1\nl2"),
            ("E", "a\t#b"),
            ("F", "q"),
            ("G", "g"),
            ("H", "yaml"),
            ("I", "1-two words"),
            ("J", "$A"),
            ("K", "$A $ S"),
            ("L", "x#y"),
        ])
    );
    assert_eq!(doc.get("K"), Some("$A $$ S"));
    assert_eq!(doc.get("I"), Some("$A-${B}"));
    assert_eq!(
        doc.keys(),
        ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L"]
    );
}

#[test]
fn compose_quirks() {
    // A value after `= ` that starts with `#` is a value, not a comment.
    assert_eq!(
        values(&EnvFile::parse("A= # c\n").unwrap()),
        map(&[("A", "# c")])
    );
    // A last line with no `=` and no newline is read as the value of the empty key.
    assert_eq!(
        values(&EnvFile::parse("A=1\nlast").unwrap()),
        map(&[("A", "1"), ("", "last")])
    );
    // Bare keys take the environment, then earlier keys.
    let doc = EnvFile::parse("A=1\nA\nB\n").unwrap();
    assert_eq!(values(&doc), map(&[("A", "1")]));
    let env = doc
        .resolve(&|k| (k == "B").then(|| "from env".to_owned()))
        .unwrap();
    assert_eq!(env[1].1.expose_secret(), "from env");
    // The caller's environment wins over earlier keys when interpolating.
    let doc = EnvFile::parse("A=file\nB=$A\n").unwrap();
    let out = doc
        .resolve(&|k| (k == "A").then(|| "env".to_owned()))
        .unwrap();
    assert_eq!(out[1].1.expose_secret(), "env");
    // The last duplicate wins; keys keep their first position.
    let doc = EnvFile::parse("A=1\nB=2\nA=3\n").unwrap();
    assert_eq!(doc.get("A"), Some("3"));
    assert_eq!(doc.keys(), ["A", "B"]);
    // Single quotes: `\'` is a quote, other backslashes stay.
    let doc = EnvFile::parse(r"A='it\'s \n'").unwrap();
    assert_eq!(values(&doc), map(&[("A", r"it's \n")]));
    // Octal escapes: exactly three octal digits up to 255.
    let doc = EnvFile::parse(r#"A="\0101\0777\012\0400\0377""#).unwrap();
    assert_eq!(values(&doc), map(&[("A", "A\\0777\\012\\0400\u{ff}")]));
}

#[test]
fn parse_errors_carry_position_and_key_but_no_text() {
    let cases = [
        (
            "A=1\nlol$wut\n",
            ParseErrorKind::InvalidKeyCharacter,
            2,
            4,
            None,
        ),
        (
            "A=1\nMY KEY=x\n",
            ParseErrorKind::KeyContainsSpace,
            2,
            1,
            None,
        ),
        (
            "A=1\nSECRET=\"hunter2\n",
            ParseErrorKind::UnterminatedQuote,
            2,
            8,
            Some("SECRET"),
        ),
        (
            "A='hunter2\\'",
            ParseErrorKind::UnterminatedQuote,
            1,
            3,
            Some("A"),
        ),
    ];
    let cases = cases.into_iter().chain([
        ("A=1\nexport ", ParseErrorKind::ExportWithoutKey, 2, 1, None),
        ("export\t\r", ParseErrorKind::ExportWithoutKey, 1, 1, None),
    ]);
    for (text, kind, line, column, key) in cases {
        let e = EnvFile::parse(text).unwrap_err();
        assert_eq!(
            (e.kind, e.line, e.column, e.key.as_deref()),
            (kind, line, column, key),
            "{text:?}"
        );
        let shown = e.to_string();
        assert!(
            !shown.contains("hunter2") && !shown.contains("wut"),
            "{shown}"
        );
    }
}

#[test]
fn interpolation_errors_name_the_variable_not_the_message() {
    let doc = EnvFile::parse("A=1\nB=${NOPE:?the secret is hunter2}\n").unwrap();
    let e = doc.resolve(&|_| None).unwrap_err();
    assert_eq!(
        e,
        InterpolationError::Required {
            key: "B".into(),
            line: 2,
            variable: "NOPE".into()
        }
    );
    assert!(!e.to_string().contains("hunter2"));
    let doc = EnvFile::parse("A=${A.B}\n").unwrap();
    assert!(matches!(
        doc.resolve(&|_| None),
        Err(InterpolationError::InvalidReference { line: 1, .. })
    ));
    let doc = EnvFile::parse("A=$X ${Y}\nB=${Z:-d}\n").unwrap();
    let r = doc.resolve_report(&|_| None).unwrap();
    let names: Vec<_> = r.unset.iter().map(|u| u.variable.as_str()).collect();
    assert_eq!(names, ["X", "Y"]);
}

#[test]
fn debug_shows_no_values() {
    let doc = EnvFile::parse("PASSWORD=hunter2\n").unwrap();
    let shown = format!("{doc:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
}

#[test]
fn set_rewrites_only_the_value_compose_reads() {
    let text = "# top\nexport A = old # keep me\nB=\"x\" C=y\nA=second\r\nD='d'";
    let mut doc = EnvFile::parse(text).unwrap();
    doc.set("A", "new value").unwrap();
    assert_eq!(
        doc.render(),
        "# top\nexport A = old # keep me\nB=\"x\" C=y\nA='new value'\r\nD='d'"
    );
    doc.set("B", "plain").unwrap();
    assert_eq!(
        doc.render(),
        "# top\nexport A = old # keep me\nB='plain' C=y\nA='new value'\r\nD='d'"
    );
    doc.set("D", "plain").unwrap();
    assert!(doc.render().ends_with("\r\nD=plain"));
    doc.set("E", "e").unwrap();
    assert!(doc.render().ends_with("\r\nD=plain\nE=e"));
    assert_consistent(&doc);
    assert_eq!(doc.get("C"), Some("y"));
    assert!(matches!(
        doc.set("BAD KEY", "x"),
        Err(EditError::InvalidKey { .. })
    ));
    assert!(matches!(
        doc.set("", "x"),
        Err(EditError::InvalidKey { .. })
    ));
}

#[test]
fn set_keeps_crlf_line_ends_intact() {
    let mut doc = EnvFile::parse("A=\r\nB= \r\nC=old\r\nD=\"q\"\r\n").unwrap();
    for k in ["A", "B", "C", "D"] {
        doc.set(k, "v").unwrap();
    }
    assert_eq!(doc.render(), "A=v\r\nB= v\r\nC=v\r\nD=v\r\n");
    assert_consistent(&doc);
}

#[test]
fn set_same_value_and_set_unset_are_identity() {
    let texts = [
        "",
        "\u{feff}",
        "A=1",
        "A=1\n",
        "A=1\r\n",
        "A=1\r",
        "# c",
        "X=1\r\nA=1",
        "A='$x'\nB=\"a\\$b\"\n",
        "  \n\t",
    ];
    for text in texts {
        let mut doc = EnvFile::parse(text).unwrap();
        doc.set("NEW_KEY", "v a l").unwrap();
        assert_consistent(&doc);
        assert_eq!(doc.get("NEW_KEY"), Some("v a l"));
        assert!(doc.unset("NEW_KEY"));
        assert_eq!(doc.render(), text, "{text:?}");
        assert_consistent(&doc);
    }
    let mut doc = EnvFile::parse("A = 'x'  # c\nB=\"a\\$b\"\nC=$$\n").unwrap();
    let before = doc.render();
    doc.set("A", "x").unwrap();
    doc.set("B", "a$b").unwrap();
    assert_eq!(doc.render(), before);
    // `$$` reads as `$`, but setting "$$" must change it.
    doc.set("C", "$$").unwrap();
    assert_eq!(values(&doc)["C"], "$$");
}

#[test]
fn unset_removes_every_assignment_and_keeps_bare_lines() {
    let mut doc =
        EnvFile::parse("A=1 # one\nB=\"b\" A=2\nA\n  A='3\nstill 3'  # c\nC=c\n").unwrap();
    assert!(doc.unset("A"));
    assert_eq!(doc.render(), "B=\"b\" \nA\nC=c\n");
    assert_consistent(&doc);
    assert!(!doc.unset("A"));
    let mut doc = EnvFile::parse("A=\"x\" B=y\n").unwrap();
    assert!(doc.unset("A"));
    assert_eq!(doc.render(), " B=y\n");
    assert_consistent(&doc);
}

#[test]
fn rename_keeps_layout() {
    let mut doc = EnvFile::parse("export OLD = v # c\nX=1\nOLD: w\nY=$OLD\n").unwrap();
    doc.rename("OLD", "NEW_NAME").unwrap();
    assert_eq!(
        doc.render(),
        "export NEW_NAME = v # c\nX=1\nNEW_NAME: w\nY=$OLD\n"
    );
    assert_consistent(&doc);
    assert!(matches!(
        doc.rename("X", "Y"),
        Err(EditError::KeyExists { .. })
    ));
    assert!(matches!(
        doc.rename("NOPE", "Z"),
        Err(EditError::NotFound { .. })
    ));
}

#[test]
fn unsafe_append_is_refused_and_changes_nothing() {
    // `last` (no `=`, no newline) is the empty key's value; once a line follows it becomes a bare key.
    let mut doc = EnvFile::parse("A=1\nlast").unwrap();
    assert!(matches!(
        doc.set("B", "2"),
        Err(EditError::UnsafeAppend { .. })
    ));
    assert_eq!(doc.render(), "A=1\nlast");
    assert_consistent(&doc);
}

// ---- property tests ----

fn key() -> impl Strategy<Value = String> {
    "[A-Za-z_][A-Za-z0-9_.-]{0,8}"
}

fn unquoted() -> impl Strategy<Value = String> {
    "([A-Za-z0-9_./:@=+,-]|é|ü|#){0,12}( [A-Za-z0-9]{1,4}){0,2}"
}

fn single_body() -> impl Strategy<Value = String> {
    "([^'\\\\]|\\\\[^']|\\n|\\\\'){0,16}"
}

fn double_body() -> impl Strategy<Value = String> {
    "([^\"\\\\$]|\\\\[nrtab\"\\\\$0-9]|\\\\0[0-7]{3}|\\n|\\$\\$){0,16}"
}

fn newline() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("\n"), Just("\r\n")]
}

fn statement() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        unquoted(),
        single_body().prop_map(|b| format!("'{b}'")),
        double_body().prop_map(|b| format!("\"{b}\"")),
    ];
    let space = "[ \t]{0,2}";
    (
        space,
        prop::bool::ANY,
        key(),
        space,
        prop_oneof![Just("="), Just(": ")],
        space,
        value,
        prop_oneof![Just(String::new()), "[ \t]{0,2} #[^\r\n]{0,10}"],
    )
        .prop_map(|(indent, export, key, s1, eq, s2, value, comment)| {
            let export = if export { "export " } else { "" };
            let comment = if comment.is_empty() || value.starts_with('\'') || value.starts_with('"')
            {
                comment
            } else {
                // An unquoted value only ends at a space before `#`.
                format!(" {}", comment.trim_start())
            };
            format!("{indent}{export}{key}{s1}{eq}{s2}{value}{comment}")
        })
}

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => statement(),
        1 => "[ \t]{0,3}",
        1 => "[ \t]{0,2}#[^\r\n]{0,20}",
        1 => key(),
    ]
}

fn document() -> impl Strategy<Value = String> {
    (
        prop::bool::weighted(0.1),
        prop::collection::vec((line(), newline()), 0..12),
        prop::bool::ANY,
    )
        .prop_map(|(bom, lines, final_newline)| {
            let mut s = String::new();
            if bom {
                s.push('\u{feff}');
            }
            let n = lines.len();
            for (i, (l, nl)) in lines.into_iter().enumerate() {
                s.push_str(&l);
                // A bare key on the last line needs its newline (without it Compose reads it as a value).
                let bare =
                    !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || "_.-".contains(c));
                if i + 1 < n || final_newline || bare {
                    s.push_str(nl);
                }
            }
            s
        })
}

fn any_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,20}",
        "(['\"$#\\\\ \t\n\r{}:=-]|[a-z]|é|😀|\\$\\{X\\}|\\\\n){0,16}",
        any::<String>().prop_map(|s| s.chars().filter(|c| *c != '\0').take(24).collect()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn generated_documents_parse_and_render_identically(text in document()) {
        let doc = EnvFile::parse(&text).unwrap();
        prop_assert_eq!(doc.render(), text);
    }

    #[test]
    fn any_accepted_input_renders_identically(text in any::<String>()) {
        if let Ok(doc) = EnvFile::parse(&text) {
            prop_assert_eq!(doc.render(), text);
        }
    }

    #[test]
    fn set_then_parse_returns_the_value(text in document(), existing in prop::bool::ANY, new_key in key(), value in any_value()) {
        let mut doc = EnvFile::parse(&text).unwrap();
        let keys: Vec<String> = doc.keys().into_iter().map(str::to_owned).collect();
        let key = if existing && !keys.is_empty() {
            keys[new_key.len() % keys.len()].clone()
        } else {
            new_key
        };
        let old_span = doc.position(&key).map(|i| doc.entries[i].value.clone());
        match doc.set(&key, &value) {
            Ok(()) => {}
            Err(EditError::UnsafeAppend { .. }) => { prop_assert_eq!(doc.render(), text); return Ok(()); }
            Err(e) => panic!("{e}"),
        }
        let out = doc.render();
        let fresh = EnvFile::parse(&out).unwrap();
        // A value Compose already computes as `value` is left byte-identical even when it is written differently
        // (`A="$$"` computes `$`), so the literal text is only `value` when set rewrote it.
        if out != text {
            prop_assert_eq!(fresh.get(&key), Some(value.as_str()));
        }
        let position = fresh.position(&key).unwrap();
        prop_assert_eq!(edit::fixed_value(&fresh.entries[position], &out).map(|v| v.as_str().to_owned()), Some(value.clone()));
        assert_consistent(&doc);
        // Everything outside the value's span is untouched.
        match old_span {
            Some(span) => {
                // An empty value is written before the `\r` of its line end.
                let mut start = span.start;
                if span.is_empty() {
                    while start > 0 && text.as_bytes()[start - 1] == b'\r' {
                        start -= 1;
                    }
                }
                let end = if span.is_empty() { start } else { span.end };
                prop_assert!(out.starts_with(&text[..start]));
                prop_assert!(out.ends_with(&text[end..]));
            }
            None => prop_assert!(out.starts_with(text.trim_end_matches(['\r', '\n']))),
        }
        // Every other key keeps its literal value.
        let before = EnvFile::parse(&text).unwrap();
        for k in before.keys() {
            if k != key {
                prop_assert_eq!(before.get(k), fresh.get(k));
            }
        }
    }

    #[test]
    fn set_new_then_unset_restores(text in document(), value in any_value()) {
        let mut doc = EnvFile::parse(&text).unwrap();
        let key = "SECRETCTL_PROPTEST_NEW";
        if doc.set(key, &value).is_ok() {
            prop_assert!(doc.unset(key));
        }
        prop_assert_eq!(doc.render(), text);
        assert_consistent(&doc);
    }

    #[test]
    fn set_existing_value_is_identity(text in document()) {
        let doc = EnvFile::parse(&text).unwrap();
        for k in doc.keys() {
            let i = doc.position(k).unwrap();
            if let Some(v) = edit::fixed_value(&doc.entries[i], &doc.src) {
                let mut copy = EnvFile::parse(&text).unwrap();
                copy.set(k, &v).unwrap();
                prop_assert_eq!(copy.render(), text.clone());
            }
        }
    }

    #[test]
    fn edits_keep_spans_consistent(text in document(), a in key(), b in key(), value in any_value()) {
        let mut doc = EnvFile::parse(&text).unwrap();
        let keys: Vec<String> = doc.keys().into_iter().map(str::to_owned).collect();
        if let Some(k) = keys.first() {
            let _ = doc.rename(k, &a);
            assert_consistent(&doc);
        }
        if let Some(k) = keys.last() {
            doc.unset(k);
            assert_consistent(&doc);
        }
        let _ = doc.set(&b, &value);
        assert_consistent(&doc);
    }

    #[test]
    fn set_all_is_set_one_key_at_a_time(text in document(), new in prop::collection::vec((key(), any_value()), 0..4), picks in prop::collection::vec((0usize..64, any_value()), 0..6)) {
        let base = EnvFile::parse(&text).unwrap();
        let keys: Vec<String> = base.keys().into_iter().map(str::to_owned).collect();
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (i, v) in picks {
            if !keys.is_empty() {
                pairs.push((keys[i % keys.len()].clone(), v));
            }
        }
        pairs.extend(new);
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        // Each key once, where it first appears, with its last value.
        let mut once: Vec<(&str, &str)> = Vec::new();
        for (k, v) in &refs {
            match once.iter_mut().find(|(ok, _)| ok == k) {
                Some(slot) => slot.1 = v,
                None => once.push((k, v)),
            }
        }
        let mut one = EnvFile::parse(&text).unwrap();
        let sequential: Result<(), EditError> = once.iter().try_for_each(|(k, v)| one.set(k, v));
        let mut all = EnvFile::parse(&text).unwrap();
        let batch = all.set_all(&refs);
        match (sequential, batch) {
            (Ok(()), Ok(())) => {
                prop_assert_eq!(all.render(), one.render());
                assert_consistent(&all);
            }
            // Both refuse an append after an unsafe last line (the batch may refuse before the single edits).
            (_, Err(EditError::UnsafeAppend { .. })) | (Err(EditError::UnsafeAppend { .. }), _) => {}
            (a, b) => panic!("{a:?} vs {b:?}"),
        }
    }

    #[test]
    fn values_are_get_for_every_key(text in document()) {
        let doc = EnvFile::parse(&text).unwrap();
        let values = doc.values();
        let keys = doc.keys();
        prop_assert_eq!(values.len(), keys.len());
        for ((k, v), key) in values.iter().zip(&keys) {
            prop_assert_eq!(k, key);
            prop_assert_eq!(Some(*v), doc.get(k));
        }
    }
}
