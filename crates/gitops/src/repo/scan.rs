//! Reading the key names of an encrypted vars file without decrypting it: what `gitops diff`, the diff textconv
//! and `gitops check` need.
//!
//! Only the top level is read: a nested value is one entry whose text is the whole block. YAML, JSON, INI and
//! binary files are read with the SOPS format's own readers (the one YAML layer), so flow collections, streams of
//! several documents and every store are described as sops reads them; a file those readers refuse is still
//! described, line by line, by a scan that never fails and skips what it does not understand, because it is only
//! ever used to *describe* a file, never to decrypt or trust it (decryption goes through [`crate::sops`], which
//! verifies the MAC).

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::sops::Format;

/// The prefix of every value SOPS encrypts.
const ENC_PREFIX: &str = "ENC[AES256_GCM,";

/// How many hex digits of a ciphertext digest are shown.
const MARKER_HEX: usize = 12;

/// One top-level entry of a vars file, as written (never decrypted).
pub struct Entry {
    /// The key name.
    pub key: String,
    /// Whether every scalar under this key is a SOPS ciphertext.
    pub encrypted: bool,
    /// The value's text as written: ciphertext, or (for `_unencrypted` keys and plaintext files) the value itself.
    raw: Zeroizing<String>,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("key", &self.key)
            .field("encrypted", &self.encrypted)
            .finish_non_exhaustive()
    }
}

impl Entry {
    /// A short, non-reversible marker of the value: a digest of its **ciphertext** for encrypted entries, so two
    /// versions of a file can be compared without learning anything about the plaintext. Values the file stores
    /// in plaintext (keys SOPS leaves unencrypted) get `plain` plus a digest of that stored text, which the file
    /// itself declares non-secret.
    #[must_use]
    pub fn marker(&self) -> String {
        let digest = Sha256::digest(self.raw.as_bytes());
        let hex: String = digest
            .iter()
            .take(MARKER_HEX / 2)
            .map(|b| format!("{b:02x}"))
            .collect();
        if self.encrypted {
            format!("enc:{hex}")
        } else {
            format!("plain:{hex}")
        }
    }

    /// True when `other` holds the same stored text (same ciphertext, or same unencrypted value).
    #[must_use]
    pub fn same_as(&self, other: &Entry) -> bool {
        self.encrypted == other.encrypted && *self.raw == *other.raw
    }
}

/// The top-level entries of a vars file in `format`, in file order, without the SOPS metadata.
#[must_use]
pub fn entries(text: &str, format: Format) -> Vec<Entry> {
    if format != Format::Dotenv {
        if let Ok(top) = crate::sops::top_level(text, format) {
            return top
                .into_iter()
                .map(|(key, raw, encrypted)| Entry {
                    key,
                    encrypted: encrypted.unwrap_or(false),
                    raw,
                })
                .collect();
        }
    }
    match format {
        Format::Dotenv => dotenv_entries(text),
        _ => yaml_entries(text),
    }
}

fn is_encrypted_scalar(v: &str) -> bool {
    let v = v.trim();
    let v = v
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
        .unwrap_or(v);
    v.starts_with(ENC_PREFIX) && v.ends_with(']')
}

fn dotenv_entries(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        if key.is_empty() || key.starts_with("sops_") {
            continue;
        }
        out.push(Entry {
            key: key.to_owned(),
            encrypted: is_encrypted_scalar(value),
            raw: Zeroizing::new(value.to_owned()),
        });
    }
    out
}

/// Split a top-level YAML line into its key and the text after the colon.
fn yaml_key(line: &str) -> Option<(String, &str)> {
    if let Some(quote @ ('"' | '\'')) = line.chars().next() {
        let rest = &line[1..];
        let end = rest.find(quote)?;
        let key = &rest[..end];
        let after = rest[end + 1..].trim_start().strip_prefix(':')?;
        return Some((key.to_owned(), after));
    }
    let mut search = 0;
    while let Some(i) = line[search..].find(':') {
        let at = search + i;
        let after = &line[at + 1..];
        if after.is_empty() || after.starts_with(' ') || after.starts_with('\t') {
            return Some((line[..at].trim_end().to_owned(), after));
        }
        search = at + 1;
    }
    None
}

fn yaml_entries(text: &str) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    // The entry being collected: key, its text, and whether its block is the SOPS metadata (dropped).
    let mut current: Option<(String, Zeroizing<String>, bool)> = None;
    let finish = |cur: Option<(String, Zeroizing<String>, bool)>, out: &mut Vec<Entry>| {
        if let Some((key, raw, is_meta)) = cur {
            if is_meta {
                return;
            }
            let encrypted = block_is_encrypted(&raw);
            out.push(Entry {
                key,
                encrypted,
                raw,
            });
        }
    };
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let indented = line.starts_with(' ') || line.starts_with('\t');
        let top_level_item = line.starts_with("- ") || line == "-";
        if indented || top_level_item || line.is_empty() {
            if let Some((_, raw, _)) = current.as_mut() {
                raw.push('\n');
                raw.push_str(line);
            }
            continue;
        }
        if line.starts_with('#') || line == "---" || line == "..." {
            continue;
        }
        match yaml_key(line) {
            Some((key, after)) => {
                finish(current.take(), &mut out);
                let is_meta = key == "sops";
                current = Some((key, Zeroizing::new(after.to_owned()), is_meta));
            }
            None => {
                if let Some((_, raw, _)) = current.as_mut() {
                    raw.push('\n');
                    raw.push_str(line);
                }
            }
        }
    }
    finish(current.take(), &mut out);
    out
}

/// Whether every scalar in a (possibly nested) YAML block is a SOPS ciphertext.
fn block_is_encrypted(raw: &str) -> bool {
    let mut scalars = 0usize;
    for line in raw.lines() {
        let mut s = line.trim();
        while let Some(rest) = s.strip_prefix("- ") {
            s = rest.trim_start();
        }
        if s.is_empty() || s == "-" || s.starts_with('#') {
            continue;
        }
        // `key: value` inside a nested map: the value is after the colon.
        let value = match yaml_key(s) {
            Some((_, after)) if !s.starts_with(ENC_PREFIX) => after.trim(),
            _ => s,
        };
        if value.is_empty() || value.starts_with('#') {
            continue;
        }
        scalars += 1;
        if !is_encrypted_scalar(value.split(" #").next().unwrap_or(value)) {
            return false;
        }
    }
    scalars > 0
}

/// The diff textconv of a vars file: its recipients and, per key, the key name and a ciphertext digest.
/// Never a value, never a digest of a plaintext secret.
#[must_use]
pub fn textconv(text: &str, format: Format) -> String {
    let mut out = String::from(
        "# secretctl gitops: key names and ciphertext digests (values are never shown)\n",
    );
    if !crate::sops::is_encrypted(text, format) {
        out.push_str("# WARNING: this file has no sops metadata: it is NOT encrypted\n");
        for e in entries(text, format) {
            out.push_str(&e.key);
            out.push_str(": PLAINTEXT\n");
        }
        return out;
    }
    if let Ok(recipients) = crate::sops::recipients_of(text, format) {
        for r in recipients {
            out.push_str(&format!("# recipient: {r}\n"));
        }
    }
    for e in entries(text, format) {
        out.push_str(&format!("{}: {}\n", e.key, e.marker()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = "\
DB_PASSWORD: ENC[AES256_GCM,data:abc=,iv:def=,tag:ghi=,type:str]
nested:
    inner: ENC[AES256_GCM,data:x=,iv:y=,tag:z=,type:int]
    list:
        - ENC[AES256_GCM,data:q=,iv:y=,tag:z=,type:str]
HOST_unencrypted: web1.example.org
sops:
    age:
        - recipient: age1xyz
    mac: ENC[AES256_GCM,data:m=,iv:y=,tag:z=,type:str]
";

    #[test]
    fn yaml_top_level_keys_without_metadata() {
        let e = entries(YAML, Format::Yaml);
        let keys: Vec<&str> = e.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["DB_PASSWORD", "nested", "HOST_unencrypted"]);
        assert!(e[0].encrypted);
        assert!(e[1].encrypted);
        assert!(!e[2].encrypted);
        assert!(e[0].marker().starts_with("enc:"));
        assert!(e[2].marker().starts_with("plain:"));
    }

    #[test]
    fn marker_changes_with_ciphertext_only() {
        let a = entries(YAML, Format::Yaml);
        let b = entries(&YAML.replace("data:abc=", "data:abd="), Format::Yaml);
        assert_ne!(a[0].marker(), b[0].marker());
        assert!(!a[0].same_as(&b[0]));
        assert_eq!(a[1].marker(), b[1].marker());
        assert!(a[1].same_as(&b[1]));
    }

    #[test]
    fn plaintext_value_is_not_encrypted() {
        let e = entries(
            "A: hunter2\nB: ENC[AES256_GCM,data:a,iv:b,tag:c,type:str]\n",
            Format::Yaml,
        );
        assert!(!e[0].encrypted);
        assert!(e[1].encrypted);
        let nested = entries(
            "A:\n  x: ENC[AES256_GCM,data:a,iv:b,tag:c,type:str]\n  y: plain\n",
            Format::Yaml,
        );
        assert!(!nested[0].encrypted);
    }

    #[test]
    fn dotenv_entries_skip_metadata() {
        let text = "A=ENC[AES256_GCM,data:a,iv:b,tag:c,type:str]\n#c\nB_unencrypted=x\nsops_version=3.11.0\nsops_mac=ENC[AES256_GCM,data:a,iv:b,tag:c,type:str]\n";
        let e = entries(text, Format::Dotenv);
        let keys: Vec<&str> = e.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["A", "B_unencrypted"]);
        assert!(e[0].encrypted);
        assert!(!e[1].encrypted);
    }

    #[test]
    fn flow_json_and_streams_are_read_as_sops_reads_them() {
        let enc = "ENC[AES256_GCM,data:a,iv:b,tag:c,type:str]";
        let flow = entries(
            &format!("A: ['{enc}', \"{enc}\"]\nB: {{x: plain}}\n"),
            Format::Yaml,
        );
        assert_eq!(flow.len(), 2);
        assert!(flow[0].encrypted && !flow[1].encrypted);
        let json = entries(
            &format!("{{\"A\": \"{enc}\", \"B\": 1, \"sops\": {{}}}}"),
            Format::Json,
        );
        let keys: Vec<&str> = json.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["A", "B"]);
        assert!(json[0].encrypted && !json[1].encrypted);
        let stream = entries(&format!("A: {enc}\n---\nB: {enc}\n"), Format::Yaml);
        assert_eq!(stream.len(), 2);
        // What the readers refuse is still described.
        let odd = entries("A: *undefined\nB: x\n", Format::Yaml);
        assert_eq!(odd.len(), 2);
    }

    #[test]
    fn debug_hides_the_value() {
        let e = entries("A: hunter2\n", Format::Yaml);
        assert!(!format!("{e:?}").contains("hunter2"));
    }

    proptest::proptest! {
        #[test]
        fn scan_never_panics(s in "\\PC*") {
            let _ = entries(&s, Format::Yaml);
            let _ = entries(&s, Format::Dotenv);
        }
    }
}
