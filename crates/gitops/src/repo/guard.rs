//! The repository is hostile input: anyone who can push a commit chooses what its files are, including symbolic
//! links and odd names. Every file of the working tree is read and written here, and nowhere else:
//!
//! - **No link is followed inside the repository**, for reading or writing, at any component below the root
//!   (`hosts` -> `/etc`, `hosts/web1` -> `/root`, `hosts/web1/env.template` -> `/etc/shadow`): git checks links out
//!   as links, owned by whoever ran `git pull`, so "same owner" proves nothing and `--follow-symlinks` does not
//!   apply here. The refusal names the link and where it points.
//! - Files are opened through `secretctl_fs` (no-follow open, a regular file, a size limit) and replaced through it
//!   (temporary file, fsync, rename).
//! - **Plaintext never lands in a working tree**: a destination is resolved (every link followed, `..` removed)
//!   before anything is decrypted, and refused when the file it really names is inside the repository.
//! - Names shown in messages are escaped, so a file or host name cannot carry terminal control sequences.

use std::path::{Component, Path, PathBuf};

use secretctl_fs::{ReadOptions, Symlinks, WriteOptions};
use zeroize::Zeroizing;

use super::{Error, Result, MAX_FILE_BYTES, SOPS_CONFIG};

/// Refuse `rel` (relative to `root`) when it is not a plain relative path, or when one of its components that
/// exists is a symbolic link.
pub(super) fn check_no_links(root: &Path, rel: &Path) -> Result<()> {
    let mut cur = root.to_path_buf();
    let mut shown = PathBuf::new();
    for part in rel.components() {
        let Component::Normal(name) = part else {
            return Err(Error::InvalidRepositoryPath {
                path: rel.to_owned(),
            });
        };
        cur.push(name);
        shown.push(name);
        match std::fs::symlink_metadata(&cur) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(Error::SymlinkInRepository {
                    path: cur.clone(),
                    rel: shown,
                    target: std::fs::read_link(&cur).ok(),
                })
            }
            Ok(_) => {}
            // What does not exist yet cannot be a link; nothing below it exists either.
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

/// Read the working-tree file `rel`: `None` when it does not exist.
pub(super) fn read_file(root: &Path, rel: &Path) -> Result<Option<String>> {
    check_no_links(root, rel)?;
    let path = root.join(rel);
    let opts = ReadOptions::new(MAX_FILE_BYTES).symlinks(Symlinks::Refuse);
    let bytes = match secretctl_fs::read(&path, &opts) {
        Ok(b) => b,
        Err(secretctl_fs::Error::NotFound { .. }) => return Ok(None),
        // A link put there since the components were checked.
        Err(secretctl_fs::Error::Symlink { target, .. }) => {
            return Err(Error::SymlinkInRepository {
                path,
                rel: rel.to_owned(),
                target,
            })
        }
        Err(source) => return Err(Error::File { source }),
    };
    utf8(bytes, &path).map(Some)
}

/// The bytes of a file as text: the bytes become the string (no second copy is made, so none is left behind); bytes
/// that are not UTF-8 are wiped (they may be a secret).
pub(super) fn utf8(mut bytes: Zeroizing<Vec<u8>>, path: &Path) -> Result<String> {
    match String::from_utf8(std::mem::take(&mut *bytes)) {
        Ok(text) => Ok(text),
        Err(e) => {
            zeroize::Zeroize::zeroize(&mut e.into_bytes());
            Err(Error::NotUtf8 {
                path: path.to_owned(),
            })
        }
    }
}

/// Replace the working-tree file `rel` with `text` (mode `mode` for a new file), creating its directories.
pub(super) fn write_file(root: &Path, rel: &Path, text: &str, mode: u32) -> Result<()> {
    super::check_size(&root.join(rel), text.len())?;
    check_no_links(root, rel)?;
    let path = root.join(rel);
    if let Some(dir) = path.parent() {
        secretctl_fs::create_dir(dir, &WriteOptions::new(0o755))
            .map_err(|source| Error::File { source })?;
    }
    let opts = WriteOptions::new(mode).symlinks(Symlinks::Refuse);
    secretctl_fs::replace(&path, text.as_bytes(), &opts).map_err(|source| Error::File { source })
}

/// Where a write to `path` (which may not exist, and may be or pass through links) really lands: every link
/// followed and `..` resolved. `None` when that cannot be told (a `..` below a directory that does not exist).
pub(super) fn real_destination(path: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(path).ok()?;
    // The file may not exist: resolve its nearest existing ancestor and re-attach the rest.
    let mut existing = abs.as_path();
    let mut rest: Vec<&std::ffi::OsStr> = Vec::new();
    loop {
        if let Ok(c) = existing.canonicalize() {
            let mut full = c;
            for part in rest.iter().rev() {
                full.push(part);
            }
            return Some(full);
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                existing = parent;
            }
            _ => return None,
        }
    }
}

/// Whether `path` (which may not exist yet) is inside the directory `root`, comparing real paths. A path whose
/// real location cannot be told counts as inside, so plaintext is refused there.
pub(super) fn is_inside(root: &Path, path: &Path) -> bool {
    let Ok(root) = root.canonicalize() else {
        return false;
    };
    real_destination(path).is_none_or(|p| p.starts_with(&root))
}

/// The root of the git working tree that holds the real destination of `path`, if any (a path inside `.git`
/// counts as inside its working tree).
pub(super) fn git_working_tree_of(path: &Path) -> Option<PathBuf> {
    let Some(real) = real_destination(path) else {
        // Unresolvable: the caller refuses it through `is_inside`; there is no tree to name.
        return None;
    };
    let mut dir = real.as_path();
    while !dir.is_dir() {
        dir = dir.parent()?;
    }
    let repo = git2::Repository::discover(dir).ok()?;
    let root = repo.workdir()?.canonicalize().ok()?;
    real.starts_with(&root).then_some(root)
}

/// Whether the git working tree at `root` is a gitops repository: one with a `.sops.yaml` at its root, whose
/// files are meant to be committed encrypted (a secretctl or a sops repository).
pub(super) fn is_gitops_tree(root: &Path) -> bool {
    std::fs::symlink_metadata(root.join(SOPS_CONFIG)).is_ok()
}

/// A path as one shell word (`secretctl_instance::shell_quote`, the rule every printed command follows), without
/// a trailing `/`.
#[must_use]
pub(crate) fn shell_path(p: &Path) -> String {
    let s = p.to_string_lossy();
    let s = if s.len() > 1 {
        s.trim_end_matches('/')
    } else {
        &s
    };
    secretctl_instance::shell_quote(s).into_owned()
}

/// A name read from the repository, safe to print: control characters escaped.
#[must_use]
pub(crate) fn shown(s: &str) -> String {
    if s.chars().any(char::is_control) {
        s.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect()
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_the_working_tree() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().join("repo");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        assert!(is_inside(&root, &root.join("sub/new/file")));
        assert!(is_inside(&root, &root.join("x/../y")));
        assert!(!is_inside(&root, &d.path().join("repo-sibling/.env")));
        assert!(!is_inside(&root, &root.join("../outside")));
        // Through a link outside the tree that points into it.
        std::os::unix::fs::symlink(root.join("sub/f"), d.path().join("link")).unwrap();
        std::fs::write(root.join("sub/f"), "x").unwrap();
        assert!(is_inside(&root, &d.path().join("link")));
        std::os::unix::fs::symlink(root.join("sub"), d.path().join("dirlink")).unwrap();
        assert!(is_inside(&root, &d.path().join("dirlink/new.env")));
    }

    #[test]
    fn links_below_the_root_are_refused_wherever_they_are() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::create_dir_all(root.join("hosts/web1")).unwrap();
        std::fs::write(root.join("outside"), "x").unwrap();
        assert!(check_no_links(root, Path::new("hosts/web1/env.template")).is_ok());
        std::os::unix::fs::symlink(root.join("outside"), root.join("hosts/web1/env.template"))
            .unwrap();
        let err = check_no_links(root, Path::new("hosts/web1/env.template")).unwrap_err();
        assert!(
            matches!(&err, Error::SymlinkInRepository { rel, .. } if rel == Path::new("hosts/web1/env.template")),
            "{err:?}"
        );
        std::os::unix::fs::symlink(root.join("hosts/web1"), root.join("hosts/web2")).unwrap();
        let err = check_no_links(root, Path::new("hosts/web2/vars.yaml")).unwrap_err();
        assert!(
            matches!(&err, Error::SymlinkInRepository { rel, .. } if rel == Path::new("hosts/web2")),
            "{err:?}"
        );
        for bad in ["../x", "/etc/passwd", "hosts/../x"] {
            assert!(matches!(
                check_no_links(root, Path::new(bad)),
                Err(Error::InvalidRepositoryPath { .. })
            ));
        }
    }

    #[test]
    fn shell_words_survive_the_shell() {
        assert_eq!(shell_path(Path::new("/srv/app/")), "/srv/app");
        assert_eq!(shell_path(Path::new("/srv/my app")), "'/srv/my app'");
        assert_eq!(shell_path(Path::new("/x/repo/")), "/x/repo");
    }

    #[test]
    fn names_from_the_repository_are_printed_escaped() {
        assert_eq!(shown("web1"), "web1");
        assert_eq!(shown("a\u{1b}[2Jb\n"), "a\\u{1b}[2Jb\\n");
    }
}
