//! `secretctl name parse|next|swarm|stack`: the rules of versioned secret names.

use anyhow::Context;
use clap::Subcommand;
use secretctl_naming::{
    stack_from_domain, swarm_budget, swarm_name, VersionedName, SWARM_NAME_MAX,
};
use serde_json::json;

use crate::cli::Globals;
use crate::exit::usage;

/// The `name` verbs.
#[derive(Debug, Subcommand)]
pub enum NameCommand {
    /// Split a versioned name (`<base>_v<N>`) into its base and version.
    Parse {
        /// The name, e.g. db_password_v2.
        name: String,
    },
    /// Print the next version of a versioned name (db_password_v2 -> db_password_v3).
    Next {
        /// The name, e.g. db_password_v2.
        name: String,
    },
    /// Print the Docker Swarm secret name `<stack>_<name>` and check it against Swarm's 64-character limit.
    Swarm {
        /// The versioned name, e.g. db_password_v2.
        name: String,
        /// The stack name.
        #[arg(long, value_name = "S", required_unless_present = "domain")]
        stack: Option<String>,
        /// Derive the stack name from the app's domain as Co-op Cloud does (dots become underscores).
        #[arg(long, value_name = "DOMAIN", conflicts_with = "stack")]
        domain: Option<String>,
    },
    /// Print the stack name Co-op Cloud derives from an app's domain.
    Stack {
        /// The app's domain, e.g. wiki.example.com.
        domain: String,
    },
}

pub fn run(g: Globals, command: NameCommand) -> anyhow::Result<()> {
    match command {
        NameCommand::Parse { name } => {
            let n: VersionedName = name.parse()?;
            let (base, version) = (n.base(), n.version());
            let doc = json!({"name": n.to_string(), "base": base, "version": version});
            g.print(&doc, format_args!("base: {base}\nversion: {version}"))
        }
        NameCommand::Next { name } => {
            let n: VersionedName = name.parse()?;
            let (name, next) = (n.to_string(), n.next()?);
            let doc = json!({"name": name, "next": next.to_string(), "version": next.version()});
            g.print(&doc, next)
        }
        NameCommand::Swarm {
            name,
            stack,
            domain,
        } => {
            let n: VersionedName = name.parse()?;
            let stack = match (stack, domain) {
                (Some(s), _) => s,
                (None, Some(d)) => stack_from_domain(&d)?,
                (None, None) => return Err(usage("give --stack S or --domain D")),
            };
            let full = swarm_name(&stack, &n).with_context(|| format!("{n} in stack {stack}"))?;
            let (length, remaining) = (full.len(), swarm_budget(&stack, &n));
            let doc = json!({"name": full, "stack": stack, "length": length, "limit": SWARM_NAME_MAX,
                             "remaining": remaining});
            g.print(&doc, &full)?;
            if !g.json {
                eprintln!("{length} of {SWARM_NAME_MAX} characters; {remaining} left");
            }
            Ok(())
        }
        NameCommand::Stack { domain } => {
            let stack = stack_from_domain(&domain)?;
            g.print(&json!({"domain": domain, "stack": stack}), stack)
        }
    }
}
