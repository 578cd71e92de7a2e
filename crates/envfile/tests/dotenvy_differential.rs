//! Differential test against dotenvy on the inputs where dotenvy and Docker Compose agree (see the crate docs for
//! where they differ): both must compute the same keys and values.
#![allow(clippy::unwrap_used)] // a test that cannot unwrap has failed; helpers outside #[test] fns too

use std::collections::BTreeMap;

use proptest::prelude::*;
use secrecy::ExposeSecret;
use secretctl_envfile::EnvFile;

fn ours(text: &str) -> BTreeMap<String, String> {
    EnvFile::parse(text)
        .unwrap()
        .resolve(&|_| None)
        .unwrap()
        .into_iter()
        .map(|(k, v)| (k, v.expose_secret().to_owned()))
        .collect()
}

fn dotenvy(text: &str) -> BTreeMap<String, String> {
    dotenvy::from_read_iter(text.as_bytes())
        .map(|item| item.unwrap())
        .collect()
}

// Names no process environment has: dotenvy interpolates against the process environment first.
fn key() -> impl Strategy<Value = String> {
    "SCTLDIFF[A-Z][A-Z0-9]{0,5}"
}

fn value(earlier: Vec<String>) -> impl Strategy<Value = String> {
    let reference = if earlier.is_empty() {
        Just(String::new()).boxed()
    } else {
        prop::sample::select(earlier)
            .prop_flat_map(|k| prop_oneof![Just(format!("${k}")), Just(format!("${{{k}}}"))])
            .boxed()
    };
    prop_oneof![
        // unquoted: no whitespace, quotes, `#`, `\`, `$`
        "[A-Za-z0-9_./:@=+,%-]{0,12}",
        // single-quoted: literal in both
        "[A-Za-z0-9 _./:@=+,%#$\"-]{0,12}".prop_map(|s| format!("'{s}'")),
        // double-quoted with the escapes both know
        "([A-Za-z0-9 _./:@=+,%#'-]|\\\\n|\\\\\\\\|\\\\\"){0,12}".prop_map(|s| format!("\"{s}\"")),
        // references to earlier keys, unquoted and double-quoted
        (reference.clone(), "[a-z]{0,3}").prop_map(|(r, t)| format!("{r}{t}")),
        // (dotenvy rejects `"x$VAR"`, with `$VAR` right before the closing quote, so braces here)
        (reference, "[a-z ]{0,3}").prop_map(|(r, t)| format!("\"x{}{t}\"", braced(&r))),
    ]
}

fn braced(reference: &str) -> String {
    match reference.strip_prefix('$') {
        Some(name) if !name.starts_with('{') => format!("${{{name}}}"),
        _ => reference.to_owned(),
    }
}

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec((key(), any::<u8>()), 0..10).prop_flat_map(|keys| {
        let mut lines: Vec<BoxedStrategy<String>> = Vec::new();
        let mut earlier = Vec::new();
        for (k, style) in keys {
            let prefix = if style & 1 == 1 { "export " } else { "" };
            let comment = if style & 2 == 2 { " # note" } else { "" };
            let blank = if style & 4 == 4 {
                "\n# comment\n\n"
            } else {
                ""
            };
            let k2 = k.clone();
            lines.push(
                value(earlier.clone())
                    .prop_map(move |v| {
                        // `A= # c` is the value "# c" in Compose (see the crate docs): no comment after nothing.
                        let comment = if v.is_empty() { "" } else { comment };
                        format!("{blank}{prefix}{k2}={v}{comment}\n")
                    })
                    .boxed(),
            );
            earlier.push(k);
        }
        lines.prop_map(|ls| ls.concat())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]
    #[test]
    fn agrees_with_dotenvy(text in document()) {
        prop_assert_eq!(ours(&text), dotenvy(&text), "{}", text);
    }
}

#[test]
fn documented_differences_are_real() {
    // Each of these reads differently in dotenvy; the crate docs list them.
    for text in [
        "A=x\t#c\n",
        "A: yaml\n",
        "a[1]=z\n",
        "A=\"\\x\"\n",
        "A='it\\'s'\n",
        "A=\"x\" B=y\n",
        "BARE\n",
        "A=1\nB=\"x$A\"\n",
        "A= # c\n",
        "A=1\nB=${A:+alt}\n",
        "A=$$\n",
        "VAR-WITH-DASHES=1\n",
        "K\u{e9}Y=1\n",
    ] {
        let dotenvy: Result<BTreeMap<String, String>, _> =
            dotenvy::from_read_iter(text.as_bytes()).collect();
        assert_ne!(dotenvy.ok(), Some(ours(text)), "{text:?}");
    }
}
