//! A gitops repository: layout, push, pull, diff, merge driver, recipients (git2).
