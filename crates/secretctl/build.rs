//! Link settings that make every `secretctl` process start faster, without giving up any hardening
//! (docs/PERFORMANCE.md, "Start-up"). Both apply only to a native build for a GNU/Linux target, where they were
//! measured; any other build links as rustc does by default.
//!
//! - **The unwinder linked in.** Rust's standard library loads `libgcc_s.so.1` for unwinding; loading it (and its
//!   constructor, which queries the CPU's features: an expensive trap in a virtual machine) costs about 0.1 ms per
//!   process. The same unwinder from GCC's static `libgcc_eh.a` is linked into the binary instead, as
//!   `gcc -static-libgcc` does; the linker then drops the unused `libgcc_s` (`--as-needed`).
//! - **Packed relative relocations** (`-z pack-relative-relocs`, DT_RELR): the position-independent executable's
//!   26,000 relocations are applied from 8 KB of bitmaps instead of 640 KB of `Elf64_Rela` entries. Address-space
//!   randomisation is unchanged. glibc 2.36 reads DT_RELR; the linker records that need (`GLIBC_ABI_DT_RELR`), so
//!   an older glibc refuses to start the binary instead of running it wrongly, and this build turns it on only where
//!   the glibc it links against is 2.36 or later.
//! - **Hot functions first** (release builds, when the linker is LLD, as rustc's default `rust-lld` is): the
//!   functions everyday short commands run (`link/hot-functions.txt`, made by `link/regenerate.sh`) are laid out
//!   together at the start of `.text` (`--symbol-ordering-file`). A `secret get` then faults in a few contiguous
//!   pages of code instead of pages spread over the whole 8 MB. Names the list has but the build lacks are ignored
//!   (`--no-warn-symbol-ordering`): a stale list makes start-up slower, never the binary different in behaviour.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let (target, host) = (var("TARGET"), var("HOST"));
    // A cross build would need the target's gcc and glibc, which the host's tools below do not describe.
    if target != host || !target.ends_with("-linux-gnu") {
        return;
    }
    if let Some(dir) = libgcc_eh_dir() {
        println!("cargo:rustc-link-search=native={dir}");
        println!("cargo:rustc-link-lib=static:+verbatim=libgcc_eh.a");
    }
    if glibc_version().is_some_and(|v| v >= (2, 36)) {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    println!("cargo:rerun-if-changed={HOT_FUNCTIONS}");
    let hot = std::path::Path::new(&var("CARGO_MANIFEST_DIR")).join(HOT_FUNCTIONS);
    if var("PROFILE") == "release" && hot.is_file() {
        let order = [
            format!("-Wl,--symbol-ordering-file={}", hot.display()),
            "-Wl,--no-warn-symbol-ordering".to_owned(),
        ];
        if links_with(&order) {
            order
                .iter()
                .for_each(|arg| println!("cargo:rustc-link-arg-bins={arg}"));
        }
    }
}

/// The list of hot functions, relative to this crate's directory.
const HOT_FUNCTIONS: &str = "link/hot-functions.txt";

/// Whether rustc, as this build runs it (same target, flags and linker), links a program with these linker
/// arguments: true for LLD, false for a linker that does not know them (GNU ld, gold), which then are not used.
fn links_with(args: &[String]) -> bool {
    let out = std::path::PathBuf::from(var("OUT_DIR"));
    let source = out.join("link_probe.rs");
    if std::fs::write(&source, "fn main() {}\n").is_err() {
        return false;
    }
    let mut rustc = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned()));
    rustc
        .arg(&source)
        .args(["--crate-type", "bin", "--target", &var("TARGET"), "-o"])
        .arg(out.join("link_probe"));
    let flags = var("CARGO_ENCODED_RUSTFLAGS");
    rustc.args(flags.split('\x1f').filter(|f| !f.is_empty()));
    if let Ok(linker) = std::env::var("RUSTC_LINKER") {
        rustc.arg(format!("-Clinker={linker}"));
    }
    args.iter().for_each(|arg| {
        rustc.arg(format!("-Clink-arg={arg}"));
    });
    rustc
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_default()
}

/// Output of a host tool, if it ran and succeeded.
fn run(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The directory of the C compiler's `libgcc_eh.a` (the compiler prints the bare name when it has none).
fn libgcc_eh_dir() -> Option<String> {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    let path = run(&cc, &["-print-file-name=libgcc_eh.a"])?;
    let path = std::path::Path::new(&path);
    if !path.is_absolute() || !path.is_file() {
        return None;
    }
    Some(path.parent()?.to_str()?.to_owned())
}

/// The host's glibc version, from `getconf GNU_LIBC_VERSION` ("glibc 2.36").
fn glibc_version() -> Option<(u32, u32)> {
    let text = run("getconf", &["GNU_LIBC_VERSION"])?;
    let (major, minor) = text.strip_prefix("glibc ")?.split_once('.')?;
    let minor: String = minor.chars().take_while(char::is_ascii_digit).collect();
    Some((major.parse().ok()?, minor.parse().ok()?))
}
