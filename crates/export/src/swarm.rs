//! Docker Swarm: the versioned Swarm names of an instance's secrets and the script that creates them with
//! `docker secret create NAME -`, piping each value from `secretctl export value` so that no value is ever on a
//! command line.

use std::fmt::Write as _;

use secrecy::ExposeSecret;
use secretctl_naming::{
    pointer, stack_from_domain, swarm_budget, swarm_name, VersionedName, SWARM_NAME_MAX,
};

use crate::{Error, Selection, Source};

/// Swarm refuses a secret over 500 KiB (moby `MaxSecretSize`).
pub const SWARM_SECRET_MAX_BYTES: usize = 500 * 1024;

/// One Swarm secret the script creates.
#[derive(Debug, Clone)]
pub struct SwarmSecret {
    key: String,
    name: VersionedName,
    swarm_name: String,
    budget: i64,
    fetch: Vec<String>,
}

impl SwarmSecret {
    /// The `.env` key or the store name.
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The versioned name (`db_password_v2`).
    #[must_use]
    pub fn name(&self) -> &VersionedName {
        &self.name
    }

    /// The Swarm secret's name (`<stack>_db_password_v2`), within Docker's rules.
    #[must_use]
    pub fn swarm_name(&self) -> &str {
        &self.swarm_name
    }

    /// The characters left under Swarm's 64.
    #[must_use]
    pub fn budget(&self) -> i64 {
        self.budget
    }

    /// The `secretctl` arguments that write the value to standard output.
    #[must_use]
    pub fn fetch_args(&self) -> &[String] {
        &self.fetch
    }
}

/// The Swarm secrets of an instance: its versioned secrets, named in a stack, checked against Swarm's rules.
#[derive(Debug, Clone)]
pub struct SwarmPlan {
    stack: String,
    instance: String,
    source: Source,
    secrets: Vec<SwarmSecret>,
    prune: bool,
}

impl SwarmPlan {
    /// The versioned secrets of `selection` as Swarm secrets of `stack`, else of the stack Co-op Cloud derives
    /// from `DOMAIN` in the `.env` (`wiki.example.com` → `wiki_example_com`), else from the instance.
    ///
    /// # Errors
    /// [`Error::NotVersioned`] for a key declared versioned without a pointer (with the command that creates
    /// version 1); [`Error::SwarmName`] for a name Swarm refuses (over 64 characters, a bad stack);
    /// [`Error::SwarmValueSize`]; [`Error::SwarmCollision`]; [`Error::NoVersionedSecrets`].
    pub fn new(selection: &Selection, stack: Option<&str>) -> Result<Self, Error> {
        let instance = selection.instance();
        let (stack, derived_from) = match (stack, selection.domain()) {
            (Some(stack), _) => (Ok(stack.to_owned()), ""),
            (None, Some(domain)) if !domain.is_empty() => (stack_from_domain(domain), "DOMAIN"),
            (None, _) => (stack_from_domain(instance), "the instance name"),
        };
        let stack = stack.map_err(|error| Error::SwarmName {
            from: selection.source().describe(),
            key: derived_from.to_owned(),
            error,
        })?;
        let from = selection.source().describe();
        let mut secrets: Vec<SwarmSecret> = Vec::new();
        for item in selection.items() {
            let Some(version) = item.version() else {
                if item.declared_versioned() {
                    return Err(Error::NotVersioned {
                        from,
                        key: item.key().to_owned(),
                        fix: item.version_fix().map(str::to_owned),
                    });
                }
                continue;
            };
            let name_error = |error| Error::SwarmName {
                from: from.clone(),
                key: item.key().to_owned(),
                error,
            };
            let name = pointer::versioned_name(item.key(), version).map_err(name_error)?;
            let full = swarm_name(&stack, &name).map_err(name_error)?;
            let size = item.value().expose_secret().len();
            if size == 0 || size > SWARM_SECRET_MAX_BYTES {
                return Err(Error::SwarmValueSize {
                    from,
                    key: item.key().to_owned(),
                    version,
                    size,
                });
            }
            if let Some(other) = secrets.iter().find(|s| s.swarm_name == full) {
                return Err(Error::SwarmCollision {
                    from,
                    first: other.key.clone(),
                    second: item.key().to_owned(),
                    swarm_name: full,
                });
            }
            secrets.push(SwarmSecret {
                key: item.key().to_owned(),
                budget: swarm_budget(&stack, &name),
                fetch: fetch_args(selection.source(), instance, item.key(), &name),
                swarm_name: full,
                name,
            });
        }
        if secrets.is_empty() {
            return Err(Error::NoVersionedSecrets { from });
        }
        Ok(Self {
            stack,
            instance: instance.to_owned(),
            source: selection.source().clone(),
            secrets,
            prune: false,
        })
    }

    /// With `prune`, the script also removes the Swarm secrets of this stack that are other versions of the
    /// exported secrets (`<stack>_<base>_v<N>` for each exported base, any N but the one the pointer names): the
    /// versions the `.env` no longer references. The version in use is never removed, and a secret a service still
    /// uses is kept (Docker refuses to remove it; the script reports it and goes on).
    #[must_use]
    pub fn with_prune(mut self, prune: bool) -> Self {
        self.prune = prune;
        self
    }

    /// The stack the secrets belong to.
    #[must_use]
    pub fn stack(&self) -> &str {
        &self.stack
    }

    /// The instance.
    #[must_use]
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// The Swarm secrets, in export order.
    #[must_use]
    pub fn secrets(&self) -> &[SwarmSecret] {
        &self.secrets
    }

    /// The script that creates the Swarm secrets: bash (for `pipefail`, so a failed fetch fails the script), one
    /// `create` per secret, skipping names that exist (Swarm secrets are immutable; a new value is a new version).
    /// It holds no value: each is piped from `secretctl export value` (`$SECRETCTL`, default `secretctl`).
    #[must_use]
    pub fn script(&self) -> String {
        let mut s = String::new();
        s.push_str("#!/usr/bin/env bash\n");
        let _ = writeln!(
            s,
            "# Docker Swarm secrets of the instance {} in the stack {}.",
            comment_safe(&self.instance),
            self.stack
        );
        let _ = writeln!(
            s,
            "# Written by `secretctl export swarm` from {}.",
            comment_safe(&self.source.describe())
        );
        s.push_str(
            "# Each value is piped from secretctl into `docker secret create NAME -`: no value is ever on a command line.\n\
             # A secret that already exists is left alone: Swarm secrets are immutable, a new value is a new version.\n\
             # Run it where `docker` talks to a Swarm manager; set SECRETCTL to use another secretctl binary.\n",
        );
        for sec in &self.secrets {
            let _ = writeln!(
                s,
                "#   {}  ({} {})",
                sec.swarm_name,
                comment_safe(&sec.key),
                sec.name.version_tag()
            );
        }
        s.push_str("set -euo pipefail\n");
        s.push_str("secretctl=\"${SECRETCTL:-secretctl}\"\n");
        if let Source::Store(store) = &self.source {
            if url_has_password(&store.url) {
                s.push_str(
                    ": \"${SECRETCTL_STORE:?set SECRETCTL_STORE to the store URL (it holds a password, so it is not \
                     written here)}\"\n",
                );
            } else {
                // Unquoted on purpose: an assignment is never split, and a single-quoted default inside
                // `"${VAR:-...}"` would keep its quotes.
                let _ = writeln!(
                    s,
                    "SECRETCTL_STORE=${{SECRETCTL_STORE:-{}}}",
                    shell_quote(&store.url)
                );
            }
            s.push_str("export SECRETCTL_STORE\n");
        }
        s.push_str(
            "\ncreate() {\n\
             \x20   local name=\"$1\"\n\
             \x20   shift\n\
             \x20   if docker secret inspect \"$name\" >/dev/null 2>&1; then\n\
             \x20       echo \"exists:  $name\" >&2\n\
             \x20       return 0\n\
             \x20   fi\n\
             \x20   \"$secretctl\" \"$@\" | docker secret create --label app.secretctl.managed-by=secretctl \"$name\" - >/dev/null\n\
             \x20   echo \"created: $name\" >&2\n\
             }\n\n",
        );
        for sec in &self.secrets {
            s.push_str("create ");
            s.push_str(&shell_quote(&sec.swarm_name));
            for arg in &sec.fetch {
                s.push(' ');
                s.push_str(&shell_quote(arg));
            }
            s.push('\n');
        }
        if self.prune {
            self.prune_section(&mut s);
        }
        s
    }

    /// The part of the script that removes the versions no longer referenced (see [`SwarmPlan::with_prune`]).
    fn prune_section(&self, s: &mut String) {
        s.push_str(
            "\n# Prune: remove the other versions of these secrets in this stack (the .env's pointers no longer name\n\
             # them). The version in use is kept; Docker refuses to remove a secret a service still uses.\n\
             prune() {\n\
             \x20   local prefix=\"$1\" keep=\"$2\" names name\n\
             \x20   names=\"$(docker secret ls --filter \"name=$prefix\" --format '{{.Name}}')\"\n\
             \x20   while IFS= read -r name; do\n\
             \x20       [[ \"$name\" == \"$prefix\"* ]] || continue\n\
             \x20       [[ \"${name#\"$prefix\"}\" =~ ^[1-9][0-9]*$ ]] || continue\n\
             \x20       [ \"$name\" != \"$keep\" ] || continue\n\
             \x20       if docker secret rm \"$name\" >/dev/null; then\n\
             \x20           echo \"removed: $name\" >&2\n\
             \x20       else\n\
             \x20           echo \"in use:  $name (kept)\" >&2\n\
             \x20       fi\n\
             \x20   done <<<\"$names\"\n\
             }\n\n",
        );
        for sec in &self.secrets {
            let prefix = format!("{}_{}_v", self.stack, sec.name.base());
            let _ = writeln!(
                s,
                "prune {} {}",
                shell_quote(&prefix),
                shell_quote(&sec.swarm_name)
            );
        }
    }
}

/// `{"key", "name": "tok_v1", "version", "swarm_name", "length", "budget"}` (`length` of the Swarm name).
impl serde::Serialize for SwarmSecret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut st = s.serialize_struct("SwarmSecret", 6)?;
        st.serialize_field("key", &self.key)?;
        st.serialize_field("name", &self.name.to_string())?;
        st.serialize_field("version", &self.name.version())?;
        st.serialize_field("swarm_name", &self.swarm_name)?;
        st.serialize_field("length", &self.swarm_name.len())?;
        st.serialize_field("budget", &self.budget)?;
        st.end()
    }
}

/// `SWARM_NAME<TAB>KEY vN<TAB>L of 64 characters`.
impl std::fmt::Display for SwarmSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (name, len, max) = (&self.swarm_name, self.swarm_name.len(), SWARM_NAME_MAX);
        let (key, version) = (&self.key, self.name.version_tag());
        write!(f, "{name}\t{key} {version}\t{len} of {max} characters")
    }
}

/// `{"stack", "instance", "secrets": [...]}`; the script is the caller's to add (as `"script"`, or the file it
/// wrote).
impl serde::Serialize for SwarmPlan {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut st = s.serialize_struct("SwarmPlan", 3)?;
        st.serialize_field("stack", &self.stack)?;
        st.serialize_field("instance", &self.instance)?;
        st.serialize_field("secrets", &self.secrets)?;
        st.end()
    }
}

/// The `secretctl` arguments the script runs to write one version's value to a pipe.
fn fetch_args(source: &Source, instance: &str, key: &str, name: &VersionedName) -> Vec<String> {
    let mut args = vec!["export".to_owned(), "value".to_owned()];
    match source {
        Source::Env(path) => {
            args.push("--env".to_owned());
            args.push(path.display().to_string());
        }
        Source::Store(store) => {
            // The store URL reaches the command through SECRETCTL_STORE (exported by the script), never argv:
            // a PostgreSQL URL may carry a password.
            args.push("--owner".to_owned());
            args.push(instance.to_owned());
            if let Some(keyfile) = &store.keyfile {
                args.push("--keyfile".to_owned());
                args.push(keyfile.display().to_string());
            }
            if store.allow_loose_permissions {
                args.push("--allow-loose-permissions".to_owned());
            }
        }
    }
    args.push("--version".to_owned());
    args.push(name.version_tag());
    // `--` so that a key starting with '-' is never read as an option.
    args.push("--".to_owned());
    args.push(key.to_owned());
    args
}

/// `s` as one POSIX shell word (the rule every printed command follows).
pub use secretctl_instance::shell_quote;

/// Text for a `#` comment line of the script: a newline (or any control character) in a directory name must not
/// end the comment and start a command.
fn comment_safe(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// True when a URL carries a password (`scheme://user:password@host`).
pub(crate) fn url_has_password(url: &str) -> bool {
    url.split_once("://")
        .map(|(_, rest)| rest.split(['/', '?']).next().unwrap_or(rest))
        .and_then(|authority| authority.rsplit_once('@'))
        .is_some_and(|(userinfo, _)| userinfo.contains(':'))
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use secretctl_envfile::EnvFile;

    use super::*;
    use crate::StoreSource;

    #[test]
    fn prune_keeps_the_version_in_use() {
        let script = plan(Source::Env(PathBuf::from("/srv/wiki/.env")), "wiki").script();
        assert!(!script.contains("prune"), "{script}");
        let script = plan(Source::Env(PathBuf::from("/srv/wiki/.env")), "wiki")
            .with_prune(true)
            .script();
        assert!(
            script.ends_with("prune app_db_password_v app_db_password_v3\n"),
            "{script}"
        );
    }

    #[test]
    fn urls_with_a_password_are_recognised() {
        assert!(url_has_password("postgres://app:hunter2@db:5432/secrets"));
        assert!(url_has_password(
            "postgresql://app:p%40ss@db/secrets?sslmode=require"
        ));
        assert!(!url_has_password("postgres://app@db/secrets"));
        assert!(!url_has_password("postgres://db/secrets?user=a:b@c"));
        assert!(!url_has_password("sqlite:/var/lib/secretctl/store.db"));
    }

    fn store_source(url: &str) -> Source {
        Source::Store(
            StoreSource::new(url, "wiki")
                .with_keyfile(Some(PathBuf::from("/etc/secretctl/master key")), false),
        )
    }

    fn plan(source: Source, instance: &str) -> SwarmPlan {
        let name = VersionedName::new("db_password", 3).unwrap();
        SwarmPlan {
            stack: "app".to_owned(),
            instance: instance.to_owned(),
            secrets: vec![SwarmSecret {
                key: "db_password".to_owned(),
                swarm_name: "app_db_password_v3".to_owned(),
                budget: 46,
                fetch: fetch_args(&source, "wiki", "db_password", &name),
                name,
            }],
            source,
            prune: false,
        }
    }

    #[test]
    fn a_store_url_with_a_password_stays_out_of_the_script() {
        let script = plan(store_source("postgres://app:hunter2@db/secrets"), "wiki").script();
        assert!(!script.contains("hunter2"), "{script}");
        assert!(script.contains(": \"${SECRETCTL_STORE:?"), "{script}");
        assert!(script.contains(
            "create app_db_password_v3 export value --owner wiki --keyfile '/etc/secretctl/master key' \
             --version v3 -- db_password\n"
        ));
        let script = plan(store_source("sqlite:/srv/my store.db"), "wiki").script();
        assert!(script.contains(
            "SECRETCTL_STORE=${SECRETCTL_STORE:-'sqlite:/srv/my store.db'}\nexport SECRETCTL_STORE\n"
        ));
    }

    #[test]
    fn comments_cannot_break_out_of_the_script_header() {
        let source = Source::Env(PathBuf::from("/srv/x\nrm -rf ~\n/.env"));
        let script = plan(source, "evil\rinstance\ntouch /tmp/x").script();
        // Every header line is a comment; the newlines survive only inside the single-quoted path argument.
        for line in script.lines().take_while(|l| *l != "set -euo pipefail") {
            assert!(
                line.starts_with('#'),
                "a name escaped its comment: {line:?}\n{script}"
            );
        }
        assert!(script.contains("'/srv/x\nrm -rf ~\n/.env'"), "{script}");
    }

    #[test]
    fn shell_words_are_quoted_safely() {
        assert_eq!(shell_quote("/srv/wiki/.env"), "/srv/wiki/.env");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("$(rm -rf /)"), "'$(rm -rf /)'");
        assert_eq!(shell_quote("a`b`;c|d&e"), "'a`b`;c|d&e'");
    }

    fn select(env: &str) -> Selection {
        let env = EnvFile::parse(env).unwrap();
        Selection::from_env(
            &env,
            Path::new("/srv/wiki/.env"),
            None,
            None,
            &|k| crate::is_secret(None, k),
            &|_| None,
        )
        .unwrap()
    }

    #[test]
    fn the_stack_comes_from_the_flag_the_domain_or_the_instance() {
        let env = "DOMAIN=wiki.example.com\nK_V1=a\nSECRET_K_VERSION=v1\nA_PASSWORD=unversioned\n";
        let p = SwarmPlan::new(&select(env), None).unwrap();
        assert_eq!(p.stack(), "wiki_example_com");
        assert_eq!(p.secrets().len(), 1);
        assert_eq!(p.secrets()[0].swarm_name(), "wiki_example_com_k_v1");
        assert_eq!(p.secrets()[0].budget(), 64 - 21);
        assert_eq!(
            SwarmPlan::new(&select(env), Some("s")).unwrap().secrets()[0].swarm_name(),
            "s_k_v1"
        );
        let p = SwarmPlan::new(&select("K_V1=a\nSECRET_K_VERSION=v1\n"), None).unwrap();
        assert_eq!(p.stack(), "wiki");
    }

    #[test]
    fn what_swarm_refuses_is_an_error_before_any_script() {
        let err = SwarmPlan::new(&select("A_PASSWORD=x\n"), None).unwrap_err();
        assert!(matches!(err, Error::NoVersionedSecrets { .. }), "{err}");
        let err = SwarmPlan::new(&select("K_V1=\nSECRET_K_VERSION=v1\n"), None).unwrap_err();
        assert!(
            matches!(err, Error::SwarmValueSize { size: 0, .. }),
            "{err}"
        );
        let err = SwarmPlan::new(
            &select("k_V1=a\nSECRET_k_VERSION=v1\nK_V1=b\nSECRET_K_VERSION=v1\n"),
            None,
        )
        .unwrap_err();
        assert!(matches!(err, Error::SwarmCollision { .. }), "{err}");
        let long = "K".repeat(60);
        let err = SwarmPlan::new(
            &select(&format!("{long}_V1=v\nSECRET_{long}_VERSION=v1\n")),
            Some("s"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("65 characters"), "{err}");
    }

    #[test]
    fn a_plan_as_json_and_its_secrets_as_lines() {
        let p = plan(Source::Env(PathBuf::from("/srv/wiki/.env")), "wiki");
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            serde_json::json!({"stack": "app", "instance": "wiki", "secrets": [{"key": "db_password",
                "name": "db_password_v3", "version": 3, "swarm_name": "app_db_password_v3", "length": 18,
                "budget": 46}]})
        );
        assert_eq!(
            p.secrets()[0].to_string(),
            "app_db_password_v3\tdb_password v3\t18 of 64 characters"
        );
    }
}
