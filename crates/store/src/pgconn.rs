//! PostgreSQL connection settings as libpq reads them: the URL, then `PGPASSWORD`, then the password file
//! (`PGPASSFILE`, else `~/.pgpass`, used only when its mode is 0600 or stricter), and `sslmode`.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use postgres::config::{Host, SslMode};
use postgres::Config;

use crate::Error;

/// The connection settings of `url`, and "host H port P database D" for messages (never a password).
pub(crate) fn config(url: &str) -> Result<(Config, String), Error> {
    let pgpassword = std::env::var_os("PGPASSWORD").filter(|p| !p.is_empty());
    config_with(url, pgpassword.as_deref(), passfile())
}

fn config_with(
    url: &str,
    pgpassword: Option<&std::ffi::OsStr>,
    passfile: Option<PathBuf>,
) -> Result<(Config, String), Error> {
    let mut config: Config = url
        .parse()
        .map_err(|_| Error::BadUrl(crate::redact_password(url)))?;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        Some(Host::Unix(p)) => p.display().to_string(),
        None => "localhost".to_owned(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config.get_user().unwrap_or_default().to_owned();
    let db = config.get_dbname().unwrap_or(&user).to_owned();
    let at = format!("host {host} port {port} database {db}");
    if config.get_ssl_mode() == SslMode::Require {
        return Err(Error::TlsUnsupported { at });
    }
    if config.get_password().is_none() {
        if let Some(pw) = pgpassword {
            config.password(pw.as_encoded_bytes());
        } else if let Some(pw) = from_passfile(passfile, &host, port, &db, &user)? {
            config.password(pw.as_bytes());
        }
    }
    Ok((config, at))
}

fn passfile() -> Option<PathBuf> {
    match std::env::var_os("PGPASSFILE").filter(|p| !p.is_empty()) {
        Some(p) => Some(PathBuf::from(p)),
        None => std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pgpass")),
    }
}

/// The password of the first matching line of the password file, if there is one.
fn from_passfile(
    path: Option<PathBuf>,
    host: &str,
    port: u16,
    db: &str,
    user: &str,
) -> Result<Option<String>, Error> {
    let Some(path) = path else {
        return Ok(None);
    };
    let Ok(meta) = std::fs::metadata(&path) else {
        return Ok(None);
    };
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(Error::PassfileMode { path });
    }
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })?;
    let host = if host.starts_with('/') {
        "localhost"
    } else {
        host
    };
    let port = port.to_string();
    Ok(text.lines().find_map(|line| {
        let fields = split_fields(line)?;
        let matches = |field: &str, value: &str| field == "*" || field == value;
        (matches(&fields[0], host)
            && matches(&fields[1], &port)
            && matches(&fields[2], db)
            && matches(&fields[3], user))
        .then(|| fields[4].clone())
    }))
}

/// `host:port:database:user:password`, `\:` and `\\` escaped; `None` for a comment or a short line.
pub(crate) fn split_fields(line: &str) -> Option<[String; 5]> {
    if line.starts_with('#') || line.trim().is_empty() {
        return None;
    }
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => fields.last_mut()?.push(chars.next().unwrap_or('\\')),
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => fields.last_mut()?.push(c),
        }
    }
    fields.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::{config_with, split_fields};
    use crate::Error;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn password_from_url_then_pgpassword_then_passfile() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pgpass");
        std::fs::write(
            &file,
            "# comment\nother:5432:*:*:nope\ndb.example:*:app:alice:from-file\n*:*:*:*:fallback\n",
        )
        .unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let url = "postgres://alice@db.example:5433/app";
        let pw = |c: &postgres::Config| c.get_password().map(<[u8]>::to_vec);
        let (c, at) = config_with(url, None, Some(file.clone())).unwrap();
        assert_eq!(pw(&c).as_deref(), Some(&b"from-file"[..]));
        assert_eq!(at, "host db.example port 5433 database app");
        let (c, _) = config_with("postgres://bob@h/x", None, Some(file.clone())).unwrap();
        assert_eq!(pw(&c).as_deref(), Some(&b"fallback"[..]));
        let env = std::ffi::OsStr::new("from-env");
        let (c, _) = config_with(url, Some(env), Some(file.clone())).unwrap();
        assert_eq!(pw(&c).as_deref(), Some(&b"from-env"[..]));
        let (c, _) = config_with("postgres://alice:inurl@db.example/app", Some(env), None).unwrap();
        assert_eq!(pw(&c).as_deref(), Some(&b"inurl"[..]));
        // No file, no variable: no password (the server decides).
        let (c, _) = config_with(url, None, Some(dir.path().join("none"))).unwrap();
        assert_eq!(pw(&c), None);
        // A password file others can read is refused, as libpq does.
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = config_with(url, None, Some(file)).unwrap_err();
        assert!(matches!(err, Error::PassfileMode { .. }), "{err}");
        assert!(!err.to_string().contains("from-file"));
    }

    #[test]
    fn sslmode_require_is_refused_and_others_accepted() {
        let err = config_with("postgres://u:pw@h/db?sslmode=require", None, None).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("host h port 5432 database db") && !text.contains("pw"),
            "{text}"
        );
        for mode in ["disable", "prefer"] {
            assert!(config_with(&format!("postgres://u@h/db?sslmode={mode}"), None, None).is_ok());
        }
    }

    #[test]
    fn passfile_lines_are_split_with_escapes() {
        let f = split_fields(r"db\:1:5432:*:al\\ice:pa\:ss:word").unwrap();
        assert_eq!(
            f,
            ["db:1", "5432", "*", r"al\ice", "pa:ss:word"].map(String::from)
        );
        assert!(split_fields("# comment").is_none());
        assert!(split_fields("h:1:d:u").is_none());
    }
}
