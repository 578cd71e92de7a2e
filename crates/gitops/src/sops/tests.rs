//! Unit tests of the SOPS format (interop with the real `sops` binary is in tests/sops_interop.rs).
use super::*;

fn vars(pairs: &[(&str, &str)]) -> Vars {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), SecretString::from(*v)))
        .collect()
}

fn plain(v: &Vars) -> Vec<(String, String)> {
    v.iter()
        .map(|(k, s)| (k.clone(), s.expose_secret().to_owned()))
        .collect()
}

#[test]
fn vars_round_trip_both_formats() {
    let ids = Identities::generate();
    let r = ids.recipients();
    let v = vars(&[
        ("A", "1"),
        ("B", "two words"),
        ("C", "multi\nline"),
        ("D", ""),
        ("E_unencrypted", "visible"),
    ]);
    for format in [Format::Yaml, Format::Dotenv] {
        let text = write_vars(&v, format, &r, None).unwrap();
        assert!(!text.contains("two words"), "{text}");
        assert!(text.contains("visible"));
        assert_eq!(plain(&read_vars(&text, format, &ids).unwrap()), plain(&v));
        assert!(is_encrypted(&text, format));
        assert_eq!(recipients_of(&text, format).unwrap(), r);
    }
}

#[test]
fn unchanged_values_keep_their_ciphertext() {
    let ids = Identities::generate();
    let r = ids.recipients();
    let v1 = vars(&[("A", "1"), ("B", "2"), ("C", "3")]);
    let t1 = write_vars(&v1, Format::Yaml, &r, None).unwrap();
    assert_eq!(
        write_vars(&v1, Format::Yaml, &r, Some((&t1, &ids))).unwrap(),
        t1
    );
    let v2 = vars(&[("A", "1"), ("B", "changed"), ("C", "3"), ("D", "new")]);
    let t2 = write_vars(&v2, Format::Yaml, &r, Some((&t1, &ids))).unwrap();
    let line = |t: &str, k: &str| {
        t.lines()
            .find(|l| l.starts_with(&format!("{k}:")))
            .unwrap()
            .to_owned()
    };
    assert_eq!(line(&t1, "A"), line(&t2, "A"));
    assert_eq!(line(&t1, "C"), line(&t2, "C"));
    assert_ne!(line(&t1, "B"), line(&t2, "B"));
    assert_eq!(
        plain(&read_vars(&t2, Format::Yaml, &ids).unwrap()),
        plain(&v2)
    );
}

#[test]
fn recipients_add_keeps_key_remove_rotates() {
    let a = Identities::generate();
    let b = Identities::generate();
    let both: Vec<Recipient> = a.recipients().into_iter().chain(b.recipients()).collect();
    let v = vars(&[("K", "secret")]);
    let t = write_vars(&v, Format::Yaml, &a.recipients(), None).unwrap();
    assert!(matches!(
        read_vars(&t, Format::Yaml, &b),
        Err(Error::NoMatchingIdentity)
    ));
    let added = rewrap(&t, Format::Yaml, &a, &both).unwrap();
    let value_line = |t: &str| t.lines().next().unwrap().to_owned();
    assert_eq!(value_line(&t), value_line(&added));
    assert_eq!(
        plain(&read_vars(&added, Format::Yaml, &b).unwrap()),
        plain(&v)
    );
    let removed = rotate_data_key(&added, Format::Yaml, &b, &b.recipients()).unwrap();
    assert_ne!(value_line(&added), value_line(&removed));
    assert!(matches!(
        read_vars(&removed, Format::Yaml, &a),
        Err(Error::NoMatchingIdentity)
    ));
    assert_eq!(
        plain(&read_vars(&removed, Format::Yaml, &b).unwrap()),
        plain(&v)
    );
    // write_vars without a previous recipient rotates too.
    let w = write_vars(&v, Format::Yaml, &b.recipients(), Some((&added, &b))).unwrap();
    assert!(matches!(
        read_vars(&w, Format::Yaml, &a),
        Err(Error::NoMatchingIdentity)
    ));
}

#[test]
fn tampering_is_detected() {
    let ids = Identities::generate();
    let r = ids.recipients();
    let v = vars(&[("A", "alpha"), ("B", "beta")]);
    let t = write_vars(&v, Format::Yaml, &r, None).unwrap();
    // Renaming a key changes the associated data.
    let renamed = t.replacen("A: ENC", "Z: ENC", 1);
    assert!(
        matches!(read_vars(&renamed, Format::Yaml, &ids), Err(Error::Authentication { key_path }) if key_path == "Z")
    );
    // Swapping two values between keys.
    let lines: Vec<&str> = t.lines().collect();
    let a = lines[0].trim_start_matches("A: ");
    let b = lines[1].trim_start_matches("B: ");
    let swapped = t
        .replacen(a, "@@", 1)
        .replacen(b, a, 1)
        .replacen("@@", b, 1);
    assert!(matches!(
        read_vars(&swapped, Format::Yaml, &ids),
        Err(Error::Authentication { .. })
    ));
    // Removing an entry: only the MAC catches it.
    let dropped: String = t.lines().skip(1).map(|l| format!("{l}\n")).collect();
    assert!(matches!(
        read_vars(&dropped, Format::Yaml, &ids),
        Err(Error::MacMismatch)
    ));
    // A value replaced by the empty string (sops leaves empty values unencrypted).
    let emptied = t.replacen(a, "\"\"", 1);
    assert!(matches!(
        read_vars(&emptied, Format::Yaml, &ids),
        Err(Error::MacMismatch)
    ));
    // The MAC itself.
    let mac_line = t
        .lines()
        .find(|l| l.trim_start().starts_with("mac: "))
        .unwrap();
    let data_start = mac_line.find("data:").unwrap() + 5;
    let mut bytes = mac_line.as_bytes().to_vec();
    bytes[data_start] = if bytes[data_start] == b'A' {
        b'B'
    } else {
        b'A'
    };
    let tampered = t.replace(mac_line, std::str::from_utf8(&bytes).unwrap());
    assert!(matches!(
        read_vars(&tampered, Format::Yaml, &ids),
        Err(Error::MacMismatch)
    ));
    // lastmodified is the MAC's associated data.
    let lm = t
        .lines()
        .find(|l| l.trim_start().starts_with("lastmodified: "))
        .unwrap();
    let moved = t.replace(lm, "    lastmodified: \"2001-01-01T00:00:00Z\"");
    assert!(matches!(
        read_vars(&moved, Format::Yaml, &ids),
        Err(Error::MacMismatch)
    ));
    // A plaintext value where a ciphertext is expected.
    let plaintext = t.replacen(a, "alpha", 1);
    assert!(matches!(
        read_vars(&plaintext, Format::Yaml, &ids),
        Err(Error::BadValue { .. })
    ));
}

#[test]
fn errors_never_contain_values() {
    let ids = Identities::generate();
    let v = vars(&[("A", "s3cr3t-value")]);
    let t = write_vars(&v, Format::Yaml, &ids.recipients(), None).unwrap();
    let broken = t.replace("ENC[AES256_GCM,data:", "ENC[AES256_GCM,data:!");
    let e = read_vars(&broken, Format::Yaml, &ids).unwrap_err();
    assert!(!e.to_string().contains("s3cr3t"));
    for text in [
        "A: s3cr3t-value: x\n",
        "A: \"s3cr3t-value\n",
        "- s3cr3t-value\n",
    ] {
        let e = read_vars(text, Format::Yaml, &ids).unwrap_err();
        assert!(!e.to_string().contains("s3cr3t"), "{e}");
    }
    let e = Identities::parse("AGE-SECRET-KEY-1NOTAKEY\n").unwrap_err();
    assert!(!e.to_string().contains("NOTAKEY"));
    assert!(!format!("{ids:?}").contains("AGE-SECRET-KEY"));
}

#[test]
fn whole_file_round_trip_keeps_structure_and_types() {
    let ids = Identities::generate();
    let text = "# top comment\nhello: world\nnum: 42\nflt: 1.5\nb: true\nnested:\n    # inner\n    x: 1\n    list:\n        - a\n        - k: v\n          j: w\nsecret_unencrypted: plain\nempty: \"\"\nnul: null\nmulti: |\n    line1\n    line2\n";
    let enc = encrypt_file(text, Format::Yaml, &ids.recipients()).unwrap();
    assert!(enc.contains("secret_unencrypted: plain"));
    assert!(enc.contains("type:int]") && enc.contains("type:float]") && enc.contains("type:bool]"));
    assert!(enc.contains("#ENC[AES256_GCM,"));
    assert!(!enc.contains("world") && !enc.contains("inner"));
    let dec = decrypt_file(&enc, Format::Yaml, &ids).unwrap();
    assert_eq!(dec.expose_secret(), text);
    assert!(matches!(
        encrypt_file(&enc, Format::Yaml, &ids.recipients()),
        Err(Error::AlreadyEncrypted)
    ));
    assert!(matches!(
        decrypt_file(text, Format::Yaml, &ids),
        Err(Error::NoMetadata)
    ));
}

#[test]
fn dotenv_whole_file() {
    let ids = Identities::generate();
    let text = "#c\nA=1\nB=two words\nC=x\\ny\n";
    let enc = encrypt_file(text, Format::Dotenv, &ids.recipients()).unwrap();
    assert!(enc.contains("sops_age__list_0__map_enc=-----BEGIN AGE ENCRYPTED FILE-----\\n"));
    assert_eq!(
        decrypt_file(&enc, Format::Dotenv, &ids)
            .unwrap()
            .expose_secret(),
        text
    );
}

fn regex_opts(p: &str) -> EncryptOptions {
    EncryptOptions {
        encrypted_regex: Some(p.to_owned()),
        ..EncryptOptions::default()
    }
}

#[test]
fn encrypted_regex_encrypts_only_matching_paths() {
    let ids = Identities::generate();
    let r = ids.recipients();
    let text = "kind: Secret\nmetadata:\n    name: x\n    data: label\ndata:\n    k: v1\n    list:\n        - a\nother: visible\n";
    let enc =
        encrypt_file_with(text, Format::Yaml, &r, &regex_opts("^(data|stringData)$")).unwrap();
    assert!(
        enc.contains("kind: Secret\n") && enc.contains("other: visible\n"),
        "{enc}"
    );
    // Any path component may match: metadata.data is encrypted like data.k.
    assert!(
        enc.contains("    data: ENC[") && enc.contains("    k: ENC["),
        "{enc}"
    );
    assert!(enc.contains("        - ENC["), "{enc}");
    assert!(!enc.contains("unencrypted_suffix"));
    assert_eq!(
        decrypt_file(&enc, Format::Yaml, &ids)
            .unwrap()
            .expose_secret(),
        text
    );
    // An unanchored pattern searches inside keys, as Go's regexp.MatchString does.
    let enc = encrypt_file_with(
        "a_pass: one\nb: two\n",
        Format::Yaml,
        &r,
        &regex_opts("pass"),
    )
    .unwrap();
    assert!(
        enc.contains("a_pass: ENC[") && enc.contains("b: two\n"),
        "{enc}"
    );
    // Rewriting vars keeps the rule (and so the plaintext values).
    let v = read_vars(&enc, Format::Yaml, &ids).unwrap();
    let again = write_vars(&v, Format::Yaml, &r, Some((&enc, &ids))).unwrap();
    assert_eq!(again, enc);
    let mut changed = v.clone();
    changed[1].1 = SecretString::from("three");
    let again = write_vars(&changed, Format::Yaml, &r, Some((&enc, &ids))).unwrap();
    assert!(
        again.contains("b: three\n") && again.contains("encrypted_regex: pass\n"),
        "{again}"
    );
    // Re-keying keeps the rule too.
    let other = Identities::generate();
    let rotated = rotate_data_key(&again, Format::Yaml, &ids, &other.recipients()).unwrap();
    assert!(rotated.contains("b: three\n") && rotated.contains("encrypted_regex: pass\n"));
    let both: Vec<Recipient> = r.iter().chain(&other.recipients()).cloned().collect();
    let rewrapped = rewrap(&rotated, Format::Yaml, &other, &both).unwrap();
    assert_eq!(
        plain(&read_vars(&rewrapped, Format::Yaml, &ids).unwrap()),
        plain(&changed)
    );
    // An empty pattern is no rule, as in sops.
    let enc = encrypt_file_with("a: 1\n", Format::Yaml, &r, &regex_opts("")).unwrap();
    assert!(enc.contains("a: ENC[") && enc.contains("unencrypted_suffix: _unencrypted"));
}

#[test]
fn encrypted_regex_errors() {
    let ids = Identities::generate();
    let r = ids.recipients();
    assert!(matches!(
        encrypt_file_with("a: 1\n", Format::Yaml, &r, &regex_opts("(unclosed")),
        Err(Error::InvalidRegex { .. })
    ));
    assert!(matches!(
        encrypt_file_with("a: 1\n", Format::Yaml, &r, &regex_opts(&"a".repeat(5000))),
        Err(Error::InvalidRegex { .. })
    ));
    assert!(matches!(
        encrypt_file_with("a: 1\n", Format::Yaml, &r, &regex_opts("a{1000}{1000}")),
        Err(Error::InvalidRegex { .. })
    ));
    let enc =
        encrypt_file_with("data: 1\nb: 2\n", Format::Yaml, &r, &regex_opts("^data$")).unwrap();
    // A pattern in the metadata that does not compile, or a second rule, is refused, not guessed at.
    let bad = enc.replace("encrypted_regex: ^data$", "encrypted_regex: (x");
    assert!(matches!(
        decrypt_file(&bad, Format::Yaml, &ids),
        Err(Error::Metadata { .. })
    ));
    let two = enc.replace(
        "    encrypted_regex:",
        "    unencrypted_suffix: _u\n    encrypted_regex:",
    );
    assert!(matches!(
        decrypt_file(&two, Format::Yaml, &ids),
        Err(Error::Metadata { .. })
    ));
    let other = enc.replace("    encrypted_regex: ^data$", "    unencrypted_regex: ^b$");
    assert!(matches!(
        decrypt_file(&other, Format::Yaml, &ids),
        Err(Error::Unsupported { .. })
    ));
}

#[test]
fn identities_parse_key_files() {
    let ids = Identities::generate();
    let text = ids.to_key_file();
    let again = Identities::parse(text.expose_secret()).unwrap();
    assert_eq!(again.recipients(), ids.recipients());
    assert!(matches!(
        Identities::parse("# only a comment\n"),
        Err(Error::Identity { line: 0, .. })
    ));
    assert!(matches!(
        Identities::parse("# c\nage1xyz\n"),
        Err(Error::Identity { line: 2, .. })
    ));
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("keys.txt");
    std::fs::write(&p, text.expose_secret()).unwrap();
    assert_eq!(
        Identities::from_key_file(&p).unwrap().recipients(),
        ids.recipients()
    );
    assert!(matches!(
        Identities::from_key_file(&dir.path().join("missing")),
        Err(Error::KeyFile { .. })
    ));
}

#[test]
fn recipients_parse_and_display() {
    let r = Identities::generate().recipients().remove(0);
    let s = r.to_string();
    assert!(s.starts_with("age1"));
    assert_eq!(s.parse::<Recipient>().unwrap(), r);
    assert!("age1nope".parse::<Recipient>().is_err());
}

#[test]
fn format_from_path() {
    assert_eq!(
        Format::from_path(Path::new("hosts/a/vars.yaml")),
        Format::Yaml
    );
    assert_eq!(Format::from_path(Path::new(".env")), Format::Dotenv);
    assert_eq!(Format::from_path(Path::new("x/prod.env")), Format::Dotenv);
    assert_eq!(Format::from_path(Path::new("x/env")), Format::Yaml);
}

#[test]
fn lastmodified_normalizes_like_go() {
    assert_eq!(
        normalize_lastmodified("2024-01-02T03:04:05Z").unwrap(),
        "2024-01-02T03:04:05Z"
    );
    assert_eq!(
        normalize_lastmodified("2024-01-02T03:04:05.123456Z").unwrap(),
        "2024-01-02T03:04:05Z"
    );
    assert_eq!(
        normalize_lastmodified("2024-01-02T03:04:05+00:00").unwrap(),
        "2024-01-02T03:04:05Z"
    );
    assert_eq!(
        normalize_lastmodified("2024-01-02T03:04:05+02:30").unwrap(),
        "2024-01-02T03:04:05+02:30"
    );
    assert!(normalize_lastmodified("yesterday").is_err());
}

proptest::proptest! {
    #[test]
    fn any_vars_round_trip(entries in proptest::collection::vec(("[A-Za-z_][A-Za-z0-9_]{0,12}", "\\PC{0,40}"), 0..8)) {
        let ids = Identities::generate();
        let mut seen = HashSet::new();
        let v: Vars = entries
            .into_iter()
            .filter(|(k, _)| seen.insert(k.clone()) && !k.starts_with("sops"))
            .map(|(k, val)| (k, SecretString::from(val)))
            .collect();
        for format in [Format::Yaml, Format::Dotenv] {
            let t = write_vars(&v, format, &ids.recipients(), None).unwrap();
            let back = read_vars(&t, format, &ids).unwrap();
            proptest::prop_assert_eq!(plain(&back), plain(&v));
        }
    }

    #[test]
    fn parsers_never_panic(text in "\\PC{0,200}") {
        proptest::prop_assert!(parse_only(&text, Format::Yaml).unwrap_or(true));
        proptest::prop_assert!(parse_only(&text, Format::Dotenv).unwrap_or(true));
    }

    #[test]
    fn yaml_like_input_reads_back_as_written(
        lines in proptest::collection::vec(
            ("[ ]{0,6}", proptest::sample::select(vec!["- ", "k: ", "key:", "# c", "a: 'x''y'", "b: \"q\\tz\"", "c: |", "d: >-", "  text", "- - x", "e: 1.5", "f: [] # x", "? x", "&a x", "g: yes", ""])),
            0..14,
        )
    ) {
        let text: String = lines.iter().map(|(i, l)| format!("{i}{l}\n")).collect();
        proptest::prop_assert!(parse_only(&text, Format::Yaml).unwrap_or(true), "{}", text);
    }
}

/// Inputs the fuzzer found whose canonical form was not stable.
#[test]
fn fuzz_regressions_are_stable() {
    for text in [
        ".'\"\\b''t-: \n- falsttttttttttttttttvtttttt: #",
        "a:\n- - # c\n    - x\n",
        "k:\n- - - # c\n      x: 1\n",
        "# a\r\r\r\nb: 1\n",
        "k: '\n\n '\nnext: 1\n",
        "k:\n- -0.\n",
        // A quoted key named `<<` (issue 12): written quoted, as go-yaml writes it, and read back as a string.
        "\"<<\":",
        "<<: 1\n",
        "!!merge <<: {a: b}\n",
        "k: [a, {b: [c, d]}, 'e']\n",
        "a: 1\n---\nb: [2]\n",
    ] {
        assert!(parse_only(text, Format::Yaml).unwrap(), "{text:?}");
    }
    for (text, format) in [
        (
            "{\"a\": [1, 1.5, \"x\", null, true, {}], \"b\": {}}",
            Format::Json,
        ),
        ("top = 1\n[s]\n; c\nk = ` v`\n", Format::Ini),
        ("\n\u{feff}=", Format::Ini),
        (".V=`\n;`G#{={", Format::Ini),
    ] {
        assert!(parse_only(text, format).unwrap(), "{text:?}");
    }
}

fn with_hc_vault(text: &str, format: Format) -> String {
    let Layout::Shared(doc, Some(mut meta)) = parse_layout(text, format).unwrap() else {
        panic!("one document with metadata")
    };
    meta.hc_vault.push(hcvault::HcVaultKey {
        vault_address: "https://bao.internal:8200".to_owned(),
        engine_path: "sops/transit".to_owned(),
        key_name: "app".to_owned(),
        created_at: "2026-12-02T09:00:00Z".to_owned(),
        enc: "vault:v1:AAAA".to_owned(),
    });
    render(&doc, Some(&meta), format).unwrap()
}

#[test]
fn hc_vault_entries_are_read_and_written_as_sops_does() {
    let ids = Identities::generate();
    for format in [Format::Yaml, Format::Json, Format::Dotenv, Format::Ini] {
        let plain = match format {
            Format::Dotenv => "A=1\n",
            Format::Ini => "[s]\nA = 1\n",
            Format::Json => "{\"A\": \"1\"}",
            _ => "A: 1\n",
        };
        let text = encrypt_file(plain, format, &ids.recipients()).unwrap();
        let with = with_hc_vault(&text, format);
        // Read back to the same entry, and written the same way again.
        assert!(parse_only(&with, format).unwrap(), "{with}");
        let Layout::Shared(_, Some(meta)) = parse_layout(&with, format).unwrap() else {
            panic!("metadata")
        };
        assert_eq!(meta.hc_vault.len(), 1);
        assert_eq!(
            meta.hc_vault[0].uri(),
            "https://bao.internal:8200/v1/sops/transit/keys/app"
        );
        assert_eq!(meta.hc_vault[0].enc, "vault:v1:AAAA");
        // age still unwraps; the file cannot be changed without Vault re-wrapping the new data key.
        decrypt_file(&with, format, &ids).unwrap();
        assert!(matches!(
            rotate_data_key(&with, format, &ids, &ids.recipients()),
            Err(Error::Unsupported { .. })
        ));
    }
    let yaml = with_hc_vault(
        &encrypt_file("A: 1\n", Format::Yaml, &ids.recipients()).unwrap(),
        Format::Yaml,
    );
    // sops's struct order: hc_vault before age, fields as `stores.vaultkey` lists them.
    let at = |s: &str| yaml.find(s).unwrap();
    assert!(at("    hc_vault:\n        - vault_address: https://bao.internal:8200\n          engine_path: sops/transit\n          key_name: app\n          created_at: \"2026-12-02T09:00:00Z\"\n          enc: vault:v1:AAAA\n") < at("    age:"), "{yaml}");
    let env = with_hc_vault(
        &encrypt_file("A=1\n", Format::Dotenv, &ids.recipients()).unwrap(),
        Format::Dotenv,
    );
    assert!(env.contains("sops_hc_vault__list_0__map_created_at=2026-12-02T09:00:00Z\nsops_hc_vault__list_0__map_enc=vault:v1:AAAA\nsops_hc_vault__list_0__map_engine_path=sops/transit\nsops_hc_vault__list_0__map_key_name=app\nsops_hc_vault__list_0__map_vault_address=https://bao.internal:8200\nsops_lastmodified="), "{env}");
}

#[test]
fn hc_vault_only_file_without_vault_names_what_was_tried() {
    let ids = Identities::generate();
    let text = with_hc_vault(
        &encrypt_file("A: 1\n", Format::Yaml, &ids.recipients()).unwrap(),
        Format::Yaml,
    );
    let other = Identities::generate();
    assert!(matches!(
        decrypt_file(&text, Format::Yaml, &other),
        Err(Error::NoMatchingIdentity)
    ));
    let none = Unwrap::default();
    assert!(matches!(
        decrypt_file_using(&text, Format::Yaml, Format::Yaml, none),
        Err(Error::NoIdentity)
    ));
    // A hostile entry whose path is not a Transit key is refused before any request (a build without Vault
    // support makes none at all).
    #[cfg(feature = "vault")]
    {
        let bad = text.replace("engine_path: sops/transit", "engine_path: ../sys");
        let err = decrypt_file_using(
            &bad,
            Format::Yaml,
            Format::Yaml,
            Unwrap::with_vault(Some(&other)),
        )
        .unwrap_err();
        assert!(matches!(err, Error::Metadata { .. }), "{err}");
    }
}

#[test]
fn hc_vault_entry_without_enc_is_malformed() {
    let ids = Identities::generate();
    let text = with_hc_vault(
        &encrypt_file("A: 1\n", Format::Yaml, &ids.recipients()).unwrap(),
        Format::Yaml,
    );
    let bad = text.replace("          enc: vault:v1:AAAA\n", "");
    assert!(matches!(
        decrypt_file(&bad, Format::Yaml, &ids),
        Err(Error::Metadata { .. })
    ));
}

/// write_vars over a previous file (push's path: the flat walk of `sops::parsed`) verifies that file exactly as
/// read_vars does: the same error for every tampering, and values of every type and rule read back.
#[test]
fn writing_over_a_previous_file_verifies_it_as_reading_does() {
    let ids = Identities::generate();
    let r = ids.recipients();
    let v = vars(&[("A", "alpha"), ("B", "beta"), ("E", "")]);
    let t = write_vars(&v, Format::Yaml, &r, None).unwrap();
    let lines: Vec<&str> = t.lines().collect();
    let a = lines[0].trim_start_matches("A: ");
    let b = lines[1].trim_start_matches("B: ");
    let mac_line = t
        .lines()
        .find(|l| l.trim_start().starts_with("mac: "))
        .unwrap();
    let lm = t
        .lines()
        .find(|l| l.trim_start().starts_with("lastmodified: "))
        .unwrap();
    let tampered = [
        t.replacen("A: ENC", "Z: ENC", 1),
        t.replacen(a, "@@", 1)
            .replacen(b, a, 1)
            .replacen("@@", b, 1),
        t.lines().skip(1).map(|l| format!("{l}\n")).collect(),
        t.replacen(a, "\"\"", 1),
        t.replacen(a, "alpha", 1),
        t.replacen(a, "12", 1),
        t.replacen(a, "null", 1),
        t.replace(mac_line, &mac_line.replacen("data:", "data:AAAA", 1)),
        t.replace(lm, "    lastmodified: \"2001-01-01T00:00:00Z\""),
        t.replacen("B: ENC", "A: ENC", 1),
        t.replacen(a, "ENC[AES256_GCM,data:!!!!,iv:AAAA,tag:AAAA,type:str]", 1),
    ];
    let changed = vars(&[("A", "alpha"), ("B", "changed"), ("E", "")]);
    for (i, text) in tampered.iter().enumerate() {
        let read = read_vars(text, Format::Yaml, &ids).map(|_| ());
        let write = write_vars(&changed, Format::Yaml, &r, Some((text, &ids))).map(|_| ());
        match (read, write) {
            (Err(re), Err(we)) => assert_eq!(re.to_string(), we.to_string(), "variant {i}"),
            (Ok(()), Ok(())) => {}
            (re, we) => panic!("variant {i}: read {re:?}, write {we:?}"),
        }
    }
    // Typed values, a key left in plaintext, an empty value: each reads back, unchanged ones keep their text.
    let typed = encrypt_file(
        "N: 12\nT: true\nS: text\nK_unencrypted: open\nE: ''\nZ: null\n",
        Format::Yaml,
        &r,
    )
    .unwrap();
    let mut w = read_vars(&typed, Format::Yaml, &ids).unwrap();
    w[2].1 = SecretString::from("other");
    let again = write_vars(&w, Format::Yaml, &r, Some((&typed, &ids))).unwrap();
    assert_eq!(
        plain(&read_vars(&again, Format::Yaml, &ids).unwrap()),
        plain(&w)
    );
    assert!(again.contains("K_unencrypted: open\n"));
    let same = write_vars(&w, Format::Yaml, &r, Some((&again, &ids))).unwrap();
    assert_eq!(same, again);
}
