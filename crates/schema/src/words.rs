//! The embedded word list of `words:N`: EFF's Large Wordlist for Passphrases.
//!
//! By the Electronic Frontier Foundation (<https://www.eff.org/dice>), licensed CC BY 3.0 US
//! (<https://creativecommons.org/licenses/by/3.0/us/>); the file `eff_large_wordlist.txt` next to this module carries
//! the attribution in its header and is otherwise the list as published: 7,776 lines of a five-dice index, a tab and
//! a word.

use std::sync::OnceLock;

static RAW: &str = include_str!("eff_large_wordlist.txt");

/// The 7,776 words, in the list's order.
pub fn list() -> &'static [&'static str] {
    static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| {
        RAW.lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .filter_map(|l| l.split_once('\t').map(|(_, w)| w))
            .collect()
    })
}

/// The length of the shortest word.
pub fn shortest() -> usize {
    static SHORTEST: OnceLock<usize> = OnceLock::new();
    *SHORTEST.get_or_init(|| list().iter().map(|w| w.len()).min().unwrap_or(0))
}

/// The length of the longest word.
pub fn longest() -> usize {
    static LONGEST: OnceLock<usize> = OnceLock::new();
    *LONGEST.get_or_init(|| list().iter().map(|w| w.len()).max().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_list_is_complete_and_distinct() {
        let words = list();
        assert_eq!(words.len(), 7776);
        assert_eq!(words.iter().collect::<HashSet<_>>().len(), 7776);
        assert!(words
            .iter()
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')));
        assert_eq!((words[0], words[7775]), ("abacus", "zoom"));
        assert_eq!((shortest(), longest()), (3, 9));
        // Every dice index 11111..=66666 appears once, in order.
        let indices: Vec<&str> = RAW
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .filter_map(|l| l.split_once('\t').map(|(i, _)| i))
            .collect();
        let mut expected = Vec::new();
        for a in 1..=6 {
            for b in 1..=6 {
                for c in 1..=6 {
                    for d in 1..=6 {
                        for e in 1..=6 {
                            expected.push(format!("{a}{b}{c}{d}{e}"));
                        }
                    }
                }
            }
        }
        assert_eq!(indices, expected);
    }
}
