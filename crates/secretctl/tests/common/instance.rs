//! An instance's state file, as tests read and age it.

use std::path::Path;

/// The text of the instance's state file (`DIR/.secretctl/state.toml`).
pub fn state_text(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(".secretctl/state.toml")).unwrap()
}

/// Set the rotation date recorded for `key` in the instance's state file (to make it overdue, say).
pub fn set_rotated(dir: &Path, key: &str, date: &str) {
    let path = dir.join(".secretctl/state.toml");
    let text = state_text(dir);
    let header = format!("[keys.\"{key}\"]\n");
    let at = text.find(&header).unwrap() + header.len();
    let (head, tail) = text.split_at(at);
    assert!(tail.starts_with("rotated = "), "{text}");
    let end = tail.find('\n').unwrap();
    std::fs::write(&path, format!("{head}rotated = \"{date}\"{}", &tail[end..])).unwrap();
}

/// The rotation date recorded for `key`, as written.
pub fn rotated(dir: &Path, key: &str) -> Option<String> {
    let text = state_text(dir);
    let header = format!("[keys.\"{key}\"]\n");
    let at = text.find(&header)? + header.len();
    let line = text[at..].lines().next()?;
    Some(
        line.strip_prefix("rotated = ")?
            .trim_matches('"')
            .to_owned(),
    )
}
