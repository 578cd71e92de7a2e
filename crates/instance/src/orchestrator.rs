//! Orchestrator rules: on Kubernetes the pods read Secrets, not the `.env`, so a change to the `.env` alone changes
//! nothing they see. A change is refused (or, forced, recorded) with the steps that carry it to where the pods
//! read it.

use std::fmt;

use secretctl_schema::{Orchestrator, SecretSpec};

use crate::{Fix, Instance};

/// What an operator runs so that the pods of a Kubernetes instance see a changed key: re-export the Secret and
/// apply it, then restart the workloads that read it. No step puts a value on a command line. Serialized as
/// `{"secret", "commands", "note"}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct K8sSteps {
    /// The key that changes.
    #[serde(skip)]
    pub key: String,
    /// The Kubernetes Secret it belongs to.
    pub secret: String,
    /// The Secret's namespace, when the schema names one.
    #[serde(skip)]
    pub namespace: Option<String>,
    /// The commands, in order: `secretctl export k8s ... | kubectl apply -f -`, then `kubectl rollout restart`
    /// for each workload the schema lists in `[instance] restart`.
    pub commands: Vec<String>,
    /// Set when the schema lists no workload to restart: what to do instead of the missing command.
    pub note: Option<String>,
}

impl fmt::Display for K8sSteps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.commands.iter().enumerate() {
            if i > 0 {
                f.write_str(", then ")?;
            }
            write!(f, "`{c}`")?;
        }
        if let Some(note) = &self.note {
            write!(f, ", then {note}")?;
        }
        Ok(())
    }
}

impl Instance {
    /// The Kubernetes Secret `spec`'s key is exported into: its `k8s_secret` (default `{instance}-secrets`) with
    /// `{instance}` replaced by the instance name (the rule `export k8s` applies, `secretctl_schema::k8s`).
    #[must_use]
    pub fn k8s_secret_of(&self, spec: &SecretSpec) -> String {
        let template = spec.k8s_secret.as_deref();
        let name = self.name().unwrap_or_default();
        // The schema refuses a template with any other placeholder, so expansion cannot fail for a parsed spec.
        secretctl_schema::k8s::secret_name(template, &name)
            .unwrap_or_else(|| template.unwrap_or_default().to_owned())
    }

    /// The steps that carry a change of `spec`'s key to the pods, when the instance runs on Kubernetes and the key
    /// is a secret the pods read from a Kubernetes Secret; `None` otherwise (Compose reads the `.env` itself).
    #[must_use]
    pub fn k8s_steps(&self, spec: &SecretSpec) -> Option<K8sSteps> {
        if self.orchestrator() != Orchestrator::Kubernetes || spec.plain {
            return None;
        }
        let settings = self.settings();
        let secret = self.k8s_secret_of(spec);
        let mut export: Vec<String> = vec!["export".into(), "k8s".into()];
        export.extend(self.target_words("--env"));
        export.push("--secret".into());
        export.push(secret.clone());
        if let Some(ns) = &settings.namespace {
            export.push("--namespace".into());
            export.push(ns.clone());
        }
        let export = Fix::new(
            std::iter::once("secretctl").chain(export.iter().map(String::as_str)),
            false,
        );
        let mut commands = vec![format!("{} | kubectl apply -f -", export.command)];
        for w in &settings.restart {
            let mut words = vec!["kubectl", "rollout", "restart", w.as_str()];
            if let Some(ns) = &settings.namespace {
                words.push("--namespace");
                words.push(ns);
            }
            commands.push(Fix::new(words, false).command);
        }
        let note = settings.restart.is_empty().then(|| {
            format!(
                "restart the workloads that read the Secret {secret} (list them in the schema's [instance] \
                 restart, e.g. restart = [\"deployment/NAME\"], to have the command printed here)"
            )
        });
        Some(K8sSteps {
            key: spec.key.clone(),
            secret,
            namespace: settings.namespace,
            commands,
            note,
        })
    }
}
