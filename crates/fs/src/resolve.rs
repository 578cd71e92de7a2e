//! Where a path really leads, under the symlink policy.

use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::{directory_of, Error, Symlinks};

/// How many links one path may go through (Linux's own limit).
const MAX_LINKS: usize = 40;

/// A path resolved under the symlink policy.
#[derive(Debug)]
pub(crate) struct Resolved {
    /// The path to operate on: the given path, or the real file a followed link ends at.
    pub(crate) path: PathBuf,
    /// When links were followed: the device and inode of the file they ended at, so that what is opened next can
    /// be checked to be that file (a link re-pointed in between is caught).
    pub(crate) followed: Option<(u64, u64)>,
}

/// Resolve the last component of `path` under `policy`. A path that does not exist resolves to itself (unless it
/// is a link to nothing). Symlinks in the directories above the last component are the operator's and are
/// followed as the kernel follows them.
pub(crate) fn resolve(path: &Path, policy: Symlinks) -> Result<Resolved, Error> {
    let mut cur = path.to_path_buf();
    let mut link_owners: Vec<u32> = Vec::new();
    for _ in 0..=MAX_LINKS {
        let meta = match std::fs::symlink_metadata(&cur) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if link_owners.is_empty() {
                    return Ok(Resolved {
                        path: cur,
                        followed: None,
                    });
                }
                return Err(Error::DanglingSymlink {
                    path: path.to_path_buf(),
                    target: cur,
                });
            }
            Err(e) => return Err(Error::io("inspect", &cur, e)),
        };
        if !meta.file_type().is_symlink() {
            if link_owners.is_empty() {
                return Ok(Resolved {
                    path: cur,
                    followed: None,
                });
            }
            if let Some(&link_owner) = link_owners.iter().find(|&&u| u != meta.uid()) {
                return Err(Error::SymlinkOwner {
                    path: path.to_path_buf(),
                    target: cur,
                    link_owner,
                    target_owner: meta.uid(),
                });
            }
            return Ok(Resolved {
                path: cur,
                followed: Some((meta.dev(), meta.ino())),
            });
        }
        if policy == Symlinks::Refuse {
            return Err(Error::Symlink {
                path: path.to_path_buf(),
                target: std::fs::read_link(path).ok(),
            });
        }
        link_owners.push(meta.uid());
        let target = std::fs::read_link(&cur).map_err(|e| Error::io("read the link", &cur, e))?;
        // A relative target is relative to the link's directory; an absolute one replaces the path.
        cur = directory_of(&cur).join(target);
    }
    Err(Error::io(
        "follow the links of",
        path,
        io::Error::from(rustix::io::Errno::LOOP),
    ))
}

/// The path a lock for `path` must be keyed on: the file a followed link ends at when the policy follows it, else
/// `path` itself. A link the operation will refuse is locked where it stands; the refusal comes from the operation.
pub(crate) fn lock_target(path: &Path, policy: Symlinks) -> PathBuf {
    match resolve(path, policy) {
        Ok(r) => r.path,
        Err(_) => path.to_path_buf(),
    }
}
