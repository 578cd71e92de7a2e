//! `rotate_every` durations: a whole number and a unit, `90d`.

use std::time::Duration;

const UNITS: [(char, u64); 5] = [
    ('w', 7 * 86_400),
    ('d', 86_400),
    ('h', 3_600),
    ('m', 60),
    ('s', 1),
];

/// The longest accepted duration: 100 years (anything longer is a typo, and the bound keeps date arithmetic safe).
const MAX_SECS: u64 = 100 * 366 * 86_400;

/// Parse a duration: a whole number followed by one unit, `s`, `m`, `h`, `d` or `w` (`90d`, `12h`, `2w`).
///
/// # Errors
/// A message saying what is expected, when the text is not that or is zero or over 100 years.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let expected = || {
        format!(
            "`{}` is not a duration: expected a whole number and a unit s, m, h, d or w, e.g. 90d",
            text.chars().take(40).collect::<String>()
        )
    };
    let unit = text.chars().last().ok_or_else(expected)?;
    let (_, scale) = UNITS
        .iter()
        .find(|(u, _)| *u == unit)
        .ok_or_else(expected)?;
    let digits = &text[..text.len() - unit.len_utf8()];
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(expected());
    }
    let n: u64 = digits.parse().map_err(|_| expected())?;
    let secs = n.checked_mul(*scale).ok_or_else(expected)?;
    if secs == 0 || secs > MAX_SECS {
        return Err(format!(
            "`{text}`: a duration must be more than zero and at most 100 years"
        ));
    }
    Ok(Duration::from_secs(secs))
}

/// Write a duration in the largest unit that divides it exactly (`90d`, `36h`); sub-second parts are dropped.
#[must_use]
pub fn format_duration(d: Duration) -> String {
    let secs = d.as_secs();
    for (unit, scale) in UNITS {
        if secs != 0 && secs.is_multiple_of(scale) {
            return format!("{}{unit}", secs / scale);
        }
    }
    "0s".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses() {
        assert_eq!(parse_duration("90d"), Ok(Duration::from_secs(90 * 86_400)));
        assert_eq!(parse_duration("2w"), Ok(Duration::from_secs(14 * 86_400)));
        assert_eq!(parse_duration("12h"), Ok(Duration::from_secs(12 * 3_600)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        for bad in [
            "",
            "d",
            "90",
            "0d",
            "-1d",
            "+1d",
            "1.5d",
            "90 d",
            "90D",
            "1y",
            "999999999999w",
            "9999999999999d",
            "é",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
        assert_eq!(format_duration(Duration::from_secs(90 * 86_400)), "90d");
        assert_eq!(format_duration(Duration::from_secs(14 * 86_400)), "2w");
        assert_eq!(format_duration(Duration::from_secs(36 * 3_600)), "36h");
        assert_eq!(format_duration(Duration::from_secs(61)), "61s");
    }

    proptest! {
        #[test]
        fn round_trip(secs in 1u64..=MAX_SECS) {
            let d = Duration::from_secs(secs);
            prop_assert_eq!(parse_duration(&format_duration(d)), Ok(d));
        }

        #[test]
        fn never_panics(s in "\\PC{0,20}") {
            let _ = parse_duration(&s);
        }
    }
}
