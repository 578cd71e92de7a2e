//! A progress line on stderr for the long commands (import, export, key rotation, recipient changes), drawn only
//! when stderr is a terminal: scripts and CI logs stay quiet. At most ten redraws a second, each replacing the last
//! in place; [`Progress::finish_and_clear`] erases it before the command prints its result.
//!
//! (Not a progress-bar crate: the one used before brought four dependencies and, through its time estimate, the
//! C math library, which every secretctl process then loaded at start-up: docs/PERFORMANCE.md, "Start-up".)

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Time between two redraws.
const REDRAW: Duration = Duration::from_millis(100);
/// Width of a bar, in characters.
const BAR: u64 = 30;

/// A progress line: a bar of `pos` of `len` things, or a running count of things done.
pub struct Progress {
    shape: Shape,
    start: Instant,
    pos: u64,
    len: u64,
    /// stderr is a terminal: the line is drawn. Otherwise nothing is.
    terminal: bool,
    /// When the line on screen was drawn, if one is.
    drawn: Option<Instant>,
}

enum Shape {
    /// `[=====>    ] 512/1000 rows (12345/s, 3s left)`
    Bar { noun: &'static str },
    /// `imported 512 secrets (12345/s)`
    Count {
        verb: &'static str,
        noun: &'static str,
    },
}

impl Progress {
    /// A bar of how many `noun`s of the length set by [`Progress::set_length`] are done.
    pub fn bar(noun: &'static str) -> Progress {
        Progress::new(Shape::Bar { noun })
    }

    /// A count of `noun`s done: "`verb` N `noun` (rate)".
    pub fn count(verb: &'static str, noun: &'static str) -> Progress {
        Progress::new(Shape::Count { verb, noun })
    }

    fn new(shape: Shape) -> Progress {
        Progress {
            shape,
            start: Instant::now(),
            pos: 0,
            len: 0,
            terminal: std::io::stderr().is_terminal(),
            drawn: None,
        }
    }

    /// How many things there are in all.
    pub fn set_length(&mut self, len: u64) {
        self.len = len;
    }

    /// How many things are done; redraws when the last redraw is old enough, or at the end.
    pub fn set_position(&mut self, pos: u64) {
        self.pos = pos;
        if !self.terminal {
            return;
        }
        let now = Instant::now();
        let done = self.len > 0 && pos >= self.len;
        if done || self.drawn.is_none_or(|t| now.duration_since(t) >= REDRAW) {
            let line = self.line(now.duration_since(self.start));
            // Progress is a courtesy: a terminal that cannot take it does not fail the command.
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K{line}");
            self.drawn = Some(now);
        }
    }

    /// Erase the line, if one was drawn.
    pub fn finish_and_clear(&mut self) {
        if self.drawn.take().is_some() {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
        }
    }

    /// The text of the line after `elapsed`.
    fn line(&self, elapsed: Duration) -> String {
        let secs = elapsed.as_secs_f64();
        // Counts far below 2^52: exact as f64; the rate is shown whole.
        #[allow(clippy::cast_precision_loss)]
        let rate = (secs > 0.0).then(|| self.pos as f64 / secs);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let per_sec = rate.map_or_else(|| "-".to_owned(), |r| format!("{}/s", r as u64));
        match self.shape {
            Shape::Count { verb, noun } => format!("{verb} {} {noun} ({per_sec})", self.pos),
            Shape::Bar { noun } => {
                let (pos, len) = (self.pos.min(self.len), self.len);
                let filled = (pos * BAR).checked_div(len).unwrap_or(0);
                let mut bar = "=".repeat(usize::try_from(filled).unwrap_or(0));
                if filled < BAR {
                    bar.push('>');
                    bar.push_str(&" ".repeat(usize::try_from(BAR - filled - 1).unwrap_or(0)));
                }
                #[allow(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    clippy::cast_precision_loss
                )]
                let left = match rate {
                    Some(r) if r > 0.0 => duration((len - pos) as f64 / r),
                    _ => "-".to_owned(),
                };
                format!("[{bar}] {pos}/{len} {noun} ({per_sec}, {left} left)")
            }
        }
    }
}

/// `secs` as `42s`, `3m05s` or `2h07m`.
fn duration(secs: f64) -> String {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let s = secs.ceil() as u64;
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(shape: Shape, pos: u64, len: u64) -> Progress {
        Progress {
            shape,
            start: Instant::now(),
            pos,
            len,
            terminal: false,
            drawn: None,
        }
    }

    #[test]
    fn a_bar_shows_how_far_how_fast_and_how_long_is_left() {
        let p = at(Shape::Bar { noun: "rows" }, 500, 1000);
        assert_eq!(
            p.line(Duration::from_secs(2)),
            "[===============>              ] 500/1000 rows (250/s, 2s left)"
        );
        let done = at(Shape::Bar { noun: "rows" }, 1000, 1000);
        assert_eq!(
            done.line(Duration::from_secs(4)),
            "[==============================] 1000/1000 rows (250/s, 0s left)"
        );
        let unknown = at(Shape::Bar { noun: "vars files" }, 0, 0);
        assert_eq!(
            unknown.line(Duration::ZERO),
            "[>                             ] 0/0 vars files (-, - left)"
        );
    }

    #[test]
    fn a_count_shows_how_many_and_how_fast() {
        let p = at(
            Shape::Count {
                verb: "imported",
                noun: "secrets",
            },
            30_000,
            0,
        );
        assert_eq!(
            p.line(Duration::from_millis(250)),
            "imported 30000 secrets (120000/s)"
        );
    }

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(duration(0.2), "1s");
        assert_eq!(duration(59.0), "59s");
        assert_eq!(duration(185.0), "3m05s");
        assert_eq!(duration(7620.0), "2h07m");
    }

    #[test]
    fn nothing_is_drawn_when_stderr_is_not_a_terminal() {
        let mut p = at(Shape::Bar { noun: "rows" }, 0, 10);
        p.set_position(10);
        p.finish_and_clear();
        assert!(p.drawn.is_none());
    }
}
