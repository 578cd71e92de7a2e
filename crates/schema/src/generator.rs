//! Secret value generators: `alnum:N`, `hex:N`, `base64:N`, `words:N`, with options after commas: `alnum:N,symbols`
//! (pwgen -y), `alnum:N,no-ambiguous` (pwgen -B), `words:N,separator=.,capitalize,append=digit` (pwqgen-like).
//!
//! Every generator draws from the operating system's CSPRNG ([`rand_core::OsRng`]) and maps random bytes to symbols
//! by rejection sampling: a draw that falls in the incomplete last block of the byte range is thrown away instead of
//! being reduced modulo the alphabet size, so every symbol is exactly equally likely (no modulo bias). The entropy
//! of a value is `N × log2(alphabet size)` bits.

use std::fmt;
use std::str::FromStr;

use rand_core::{OsRng, RngCore};
use secrecy::SecretString;
use zeroize::Zeroize;

use crate::words;

/// The 62 characters of `alnum`.
const ALNUM: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// The 16 characters of `hex` (lower case).
const HEX: &[u8; 16] = b"0123456789abcdef";
/// The 64 characters of `base64`: the URL- and filename-safe alphabet (RFC 4648 §5), so a value needs no quoting in a
/// URL, a shell word or a `.env` line.
const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The 32 symbols of `alnum:N,symbols`: pwgen's `-y` set, every printable ASCII character that is neither a letter,
/// a digit nor a space.
const SYMBOLS: &[u8; 32] = b"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
/// What `no-ambiguous` leaves out: pwgen's `-B` set, characters easily mistaken for one another.
const AMBIGUOUS: &[u8] = b"B8G6I1l0OQDS5Z2";
/// The characters `separator=C` accepts (a `,` would end the option; a letter or digit would blur the words).
const SEPARATORS: &[u8] = b"-_.:;+=/~^*!@#%& ";
/// The 10 digits `append=digit` draws from.
const DIGITS: &[u8; 10] = b"0123456789";

/// The most characters a character generator produces.
pub const MAX_CHARS: usize = 4096;
/// The most words `words:N` produces.
pub const MAX_WORDS: usize = 256;
/// What separates the words of `words:N`.
pub const WORD_SEPARATOR: char = '-';

/// How a secret value is generated. `FromStr` reads and `Display` writes the schema's form, `kind:N`.
///
/// - `alnum:N`: N characters of `A-Z a-z 0-9` (5.95 bits each).
/// - `hex:N`: N lower-case hexadecimal characters (4 bits each); `hex:64` is 32 random bytes.
/// - `base64:N`: N characters of the URL-safe base64 alphabet `A-Z a-z 0-9 - _` (6 bits each).
/// - `words:N`: N words from EFF's large wordlist (7,776 words, 12.9 bits each) joined by `-`.
///
/// N counts characters (words for `words`), so it compares directly with a `min_length`.
///
/// Options follow N after commas, in any order; `Display` writes them in a fixed order, so a spec round-trips:
///
/// - `alnum:N,symbols`: letters, digits and pwgen's 32 symbols (`pwgen -y`), 6.55 bits each;
/// - `alnum:N,no-ambiguous`: without `B8G6I1l0OQDS5Z2` (`pwgen -B`); both options together are allowed;
/// - `words:N,separator=C`: words joined by `C` (one of `-_.:;+=/~^*!@#%&` or a space) instead of `-`;
/// - `words:N,capitalize`: each word starts with a capital letter (no entropy added: it is always done);
/// - `words:N,append=digit|symbol|both`: a random digit, symbol, or digit then symbol at the end, as pwqgen's
///   separators add them (log2 10 and log2 32 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Generator {
    /// `alnum:N`.
    Alnum(usize),
    /// `hex:N`.
    Hex(usize),
    /// `base64:N`.
    Base64(usize),
    /// `words:N`.
    Words(usize),
    /// `alnum:N` with `symbols` and/or `no-ambiguous`.
    Chars {
        /// N.
        count: usize,
        /// pwgen's symbols are in the alphabet.
        symbols: bool,
        /// pwgen's ambiguous characters are not.
        no_ambiguous: bool,
    },
    /// `words:N` with a separator other than `-`, capitalisation, or an appended digit or symbol.
    Passphrase {
        /// N words.
        words: usize,
        /// What joins them.
        separator: u8,
        /// Each word starts with a capital.
        capitalize: bool,
        /// What is appended.
        append: Append,
    },
}

/// What `words:N,append=…` adds at the end of a passphrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Append {
    /// Nothing.
    #[default]
    Nothing,
    /// One random digit.
    Digit,
    /// One random symbol (pwgen's set).
    Symbol,
    /// One random digit, then one random symbol.
    Both,
}

impl Append {
    fn as_str(self) -> &'static str {
        match self {
            Self::Nothing => "",
            Self::Digit => "digit",
            Self::Symbol => "symbol",
            Self::Both => "both",
        }
    }

    /// The alphabets of the appended characters, in order.
    fn alphabets(self) -> &'static [&'static [u8]] {
        match self {
            Self::Nothing => &[],
            Self::Digit => &[DIGITS],
            Self::Symbol => &[SYMBOLS],
            Self::Both => &[DIGITS, SYMBOLS],
        }
    }
}

/// A generator spec that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GeneratorError {
    /// Not `kind:N`, or an unknown kind.
    #[error(
        "unknown generator `{0}`: expected alnum:N, hex:N, base64:N or words:N (e.g. alnum:32)"
    )]
    Unknown(String),
    /// N is not a number in range.
    #[error("generator `{spec}`: N must be a whole number from 1 to {max}")]
    BadLength {
        /// The spec given.
        spec: String,
        /// The largest N for this kind.
        max: usize,
    },
    /// An option the kind does not have, or a bad option value.
    #[error(
        "generator option `{option}` does not apply to {kind}: alnum takes symbols and no-ambiguous; words takes \
         separator=C (one of `-_.:;+=/~^*!@#%&` or a space), capitalize and append=digit|symbol|both; hex and base64 \
         take none"
    )]
    BadOption {
        /// The option given (shortened).
        option: String,
        /// The generator's kind.
        kind: &'static str,
    },
}

/// The operating system's random number generator failed.
#[derive(Debug, thiserror::Error)]
#[error("the operating system's random number generator failed: {0}")]
pub struct RngError(rand_core::Error);

impl Generator {
    /// The kind's name as the schema writes it.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Alnum(_) | Self::Chars { .. } => "alnum",
            Self::Hex(_) => "hex",
            Self::Base64(_) => "base64",
            Self::Words(_) | Self::Passphrase { .. } => "words",
        }
    }

    /// N: characters, or words for `words`.
    #[must_use]
    pub fn count(&self) -> usize {
        match *self {
            Self::Alnum(n) | Self::Hex(n) | Self::Base64(n) | Self::Words(n) => n,
            Self::Chars { count, .. } => count,
            Self::Passphrase { words, .. } => words,
        }
    }

    /// How many symbols each of the N draws picks from.
    #[must_use]
    pub fn alphabet_size(&self) -> usize {
        match self {
            Self::Alnum(_) => ALNUM.len(),
            Self::Chars { .. } => self.alphabet().len(),
            Self::Hex(_) => HEX.len(),
            Self::Base64(_) => BASE64URL.len(),
            Self::Words(_) | Self::Passphrase { .. } => words::list().len(),
        }
    }

    /// The characters of a character generator (empty for `words`).
    fn alphabet(&self) -> Vec<u8> {
        match *self {
            Self::Alnum(_) => ALNUM.to_vec(),
            Self::Hex(_) => HEX.to_vec(),
            Self::Base64(_) => BASE64URL.to_vec(),
            Self::Chars {
                symbols,
                no_ambiguous,
                ..
            } => {
                let symbols: &[u8] = if symbols { SYMBOLS } else { &[] };
                ALNUM
                    .iter()
                    .chain(symbols)
                    .copied()
                    .filter(|c| !(no_ambiguous && AMBIGUOUS.contains(c)))
                    .collect()
            }
            Self::Words(_) | Self::Passphrase { .. } => Vec::new(),
        }
    }

    /// The entropy of a generated value in bits: `N × log2(alphabet size)`, plus what an appended digit
    /// (log2 10) or symbol (log2 32) adds to a passphrase.
    #[must_use]
    pub fn entropy_bits(&self) -> f64 {
        // Exact conversions: counts are at most MAX_CHARS and alphabets at most 7,776, far below 2^52.
        let bits = |n: usize, size: usize| {
            let n = u32::try_from(n).map_or(f64::INFINITY, f64::from);
            let size = u32::try_from(size).map_or(f64::INFINITY, f64::from);
            // libm's log2, not f64::log2: see the workspace manifest (no C math library at start-up).
            n * libm::log2(size)
        };
        let appended = match *self {
            Self::Passphrase { append, .. } => {
                append.alphabets().iter().map(|a| bits(1, a.len())).sum()
            }
            _ => 0.0,
        };
        bits(self.count(), self.alphabet_size()) + appended
    }

    /// This generator with one more option (`symbols`, `no-ambiguous`, `separator=C`, `capitalize`,
    /// `append=digit|symbol|both`), as the spec `kind:N,option` would give it.
    ///
    /// # Errors
    /// [`GeneratorError::BadOption`] for an option the kind does not take, or a bad value.
    pub fn with(self, option: &str) -> Result<Self, GeneratorError> {
        let bad = || GeneratorError::BadOption {
            option: option.chars().take(40).collect(),
            kind: self.kind(),
        };
        let next = match self {
            Self::Alnum(count) | Self::Chars { count, .. } => {
                let (mut symbols, mut no_ambiguous) = match self {
                    Self::Chars {
                        symbols,
                        no_ambiguous,
                        ..
                    } => (symbols, no_ambiguous),
                    _ => (false, false),
                };
                match option {
                    "symbols" => symbols = true,
                    "no-ambiguous" => no_ambiguous = true,
                    _ => return Err(bad()),
                }
                Self::Chars {
                    count,
                    symbols,
                    no_ambiguous,
                }
            }
            Self::Words(words) | Self::Passphrase { words, .. } => {
                let (mut separator, mut capitalize, mut append) = match self {
                    Self::Passphrase {
                        separator,
                        capitalize,
                        append,
                        ..
                    } => (separator, capitalize, append),
                    _ => (b'-', false, Append::Nothing),
                };
                match option.split_once('=') {
                    None if option == "capitalize" => capitalize = true,
                    Some(("separator", c)) => match c.as_bytes() {
                        [b] if SEPARATORS.contains(b) => separator = *b,
                        _ => return Err(bad()),
                    },
                    Some(("append", a)) => {
                        append = match a {
                            "digit" => Append::Digit,
                            "symbol" => Append::Symbol,
                            "both" => Append::Both,
                            _ => return Err(bad()),
                        }
                    }
                    _ => return Err(bad()),
                }
                Self::Passphrase {
                    words,
                    separator,
                    capitalize,
                    append,
                }
            }
            Self::Hex(_) | Self::Base64(_) => return Err(bad()),
        };
        Ok(next.normalized())
    }

    /// The plain variant when the options are all off, so that equal specs compare equal.
    fn normalized(self) -> Self {
        match self {
            Self::Chars {
                count,
                symbols: false,
                no_ambiguous: false,
            } => Self::Alnum(count),
            Self::Passphrase {
                words,
                separator: b'-',
                capitalize: false,
                append: Append::Nothing,
            } => Self::Words(words),
            other => other,
        }
    }

    /// [`entropy_bits`](Self::entropy_bits) as reports show it (text and JSON): to two decimals, rounded down so
    /// that it is never overstated.
    #[must_use]
    pub fn reported_entropy_bits(&self) -> f64 {
        (self.entropy_bits() * 100.0).floor() / 100.0
    }

    /// The shortest length in characters a generated value can have (for `words`, N words of the shortest length
    /// plus separators).
    #[must_use]
    pub fn min_chars(&self) -> usize {
        match *self {
            Self::Alnum(n) | Self::Hex(n) | Self::Base64(n) | Self::Chars { count: n, .. } => n,
            Self::Words(n) => n * words::shortest() + n.saturating_sub(1),
            Self::Passphrase {
                words: n, append, ..
            } => n * words::shortest() + n.saturating_sub(1) + append.alphabets().len(),
        }
    }

    /// Generate a value from the OS CSPRNG.
    ///
    /// # Errors
    /// [`RngError`] when the operating system cannot supply random bytes.
    pub fn try_generate(&self) -> Result<SecretString, RngError> {
        self.generate_with(&mut OsRng)
    }

    /// Generate a value from the OS CSPRNG.
    ///
    /// # Panics
    /// When the operating system cannot supply random bytes (as `rand`'s `OsRng` does); use
    /// [`Generator::try_generate`] to get an error instead.
    #[must_use]
    pub fn generate(&self) -> SecretString {
        #[allow(clippy::expect_used)]
        // documented: a failed OS RNG is unrecoverable here; try_generate is the alternative
        self.try_generate()
            .expect("the operating system's random number generator failed")
    }

    /// Generate from any RNG (tests use this to prove the sampling is unbiased).
    pub(crate) fn generate_with(&self, rng: &mut impl RngCore) -> Result<SecretString, RngError> {
        // Ask the OS for about as many bytes as the value needs (rejections are rare), not a whole buffer.
        let per_draw = if self.alphabet_size() > 256 { 2 } else { 1 };
        let mut sampler = Sampler::new(rng, self.count() * per_draw * 9 / 8 + 8);
        let value = match *self {
            Self::Alnum(n) => sampler.chars(ALNUM, n)?,
            Self::Hex(n) => sampler.chars(HEX, n)?,
            Self::Base64(n) => sampler.chars(BASE64URL, n)?,
            Self::Chars { count, .. } => sampler.chars(&self.alphabet(), count)?,
            Self::Words(n) => sampler.words(n, WORD_SEPARATOR, false, Append::Nothing)?,
            Self::Passphrase {
                words,
                separator,
                capitalize,
                append,
            } => sampler.words(words, char::from(separator), capitalize, append)?,
        };
        Ok(SecretString::from(value))
    }
}

impl fmt::Display for Generator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind(), self.count())?;
        match *self {
            Self::Chars {
                symbols,
                no_ambiguous,
                ..
            } => {
                if symbols {
                    f.write_str(",symbols")?;
                }
                if no_ambiguous {
                    f.write_str(",no-ambiguous")?;
                }
            }
            Self::Passphrase {
                separator,
                capitalize,
                append,
                ..
            } => {
                if separator != b'-' {
                    write!(f, ",separator={}", char::from(separator))?;
                }
                if capitalize {
                    f.write_str(",capitalize")?;
                }
                if append != Append::Nothing {
                    write!(f, ",append={}", append.as_str())?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

impl FromStr for Generator {
    type Err = GeneratorError;

    fn from_str(s: &str) -> Result<Self, GeneratorError> {
        let shown = || s.chars().take(40).collect::<String>();
        let (s, options) = s.split_once(',').map_or((s, None), |(g, o)| (g, Some(o)));
        let (kind, n) = s
            .split_once(':')
            .ok_or_else(|| GeneratorError::Unknown(shown()))?;
        let (make, max): (fn(usize) -> Self, usize) = match kind {
            "alnum" => (Self::Alnum, MAX_CHARS),
            "hex" => (Self::Hex, MAX_CHARS),
            "base64" => (Self::Base64, MAX_CHARS),
            "words" => (Self::Words, MAX_WORDS),
            _ => return Err(GeneratorError::Unknown(shown())),
        };
        let bad = || GeneratorError::BadLength { spec: shown(), max };
        if n.is_empty() || n.len() > 6 || !n.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let n: usize = n.parse().map_err(|_| bad())?;
        if n == 0 || n > max {
            return Err(bad());
        }
        options
            .into_iter()
            .flat_map(|o| o.split(','))
            .try_fold(make(n), Self::with)
    }
}

/// Uniform indices from random bytes by rejection sampling.
struct Sampler<'r, R: RngCore> {
    rng: &'r mut R,
    buf: [u8; 256],
    /// How many bytes of `buf` the last fill produced.
    filled: usize,
    pos: usize,
    /// How many bytes the next fill asks for.
    next_fill: usize,
}

impl<'r, R: RngCore> Sampler<'r, R> {
    /// A sampler that first asks the RNG for `hint` bytes (at most 256), then for 256 at a time.
    fn new(rng: &'r mut R, hint: usize) -> Self {
        Self {
            rng,
            buf: [0; 256],
            filled: 0,
            pos: 0,
            next_fill: hint.clamp(1, 256),
        }
    }

    fn byte(&mut self) -> Result<u8, RngError> {
        if self.pos == self.filled {
            let n = self.next_fill;
            self.rng
                .try_fill_bytes(&mut self.buf[..n])
                .map_err(RngError)?;
            self.filled = n;
            self.pos = 0;
            self.next_fill = self.buf.len();
        }
        let b = self.buf[self.pos];
        self.pos += 1;
        Ok(b)
    }

    /// A uniform index in `0..n` for `1 <= n <= 65536`: one byte per draw when `n <= 256`, two otherwise; a draw at or
    /// above the largest multiple of `n` that fits is rejected, so each index has exactly the same probability.
    fn index(&mut self, n: usize) -> Result<usize, RngError> {
        debug_assert!((1..=65536).contains(&n));
        let (range, wide) = if n <= 256 {
            (256, false)
        } else {
            (65536, true)
        };
        let zone = range / n * n;
        loop {
            let x = if wide {
                usize::from(u16::from_le_bytes([self.byte()?, self.byte()?]))
            } else {
                usize::from(self.byte()?)
            };
            if x < zone {
                return Ok(x % n);
            }
        }
    }

    fn chars(&mut self, alphabet: &[u8], n: usize) -> Result<String, RngError> {
        let mut out = String::with_capacity(n);
        for _ in 0..n {
            let at = self.index(alphabet.len())?;
            out.push(char::from(alphabet[at]));
        }
        Ok(out)
    }

    /// `n` words of the EFF list joined by `separator`, each capitalised when asked, then what `append` adds.
    fn words(
        &mut self,
        n: usize,
        separator: char,
        capitalize: bool,
        append: Append,
    ) -> Result<String, RngError> {
        let list = words::list();
        // Preallocate so the string never reallocates and leaves a copy of a partial value behind.
        let mut out = String::with_capacity(n * (words::longest() + 1) + 2);
        for i in 0..n {
            if i > 0 {
                out.push(separator);
            }
            let word = list[self.index(list.len())?];
            let mut chars = word.chars();
            if let (true, Some(first)) = (capitalize, chars.next()) {
                out.push(first.to_ascii_uppercase());
                out.push_str(chars.as_str());
            } else {
                out.push_str(word);
            }
        }
        for alphabet in append.alphabets() {
            out.push(char::from(alphabet[self.index(alphabet.len())?]));
        }
        Ok(out)
    }
}

impl<R: RngCore> Drop for Sampler<'_, R> {
    fn drop(&mut self) {
        // The buffer holds the random bytes a value was made of.
        self.buf.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn parse_and_display() {
        for (text, g) in [
            ("alnum:32", Generator::Alnum(32)),
            ("hex:64", Generator::Hex(64)),
            ("base64:44", Generator::Base64(44)),
            ("words:6", Generator::Words(6)),
            ("alnum:4096", Generator::Alnum(4096)),
            ("words:256", Generator::Words(256)),
            (
                "alnum:20,symbols,no-ambiguous",
                Generator::Chars {
                    count: 20,
                    symbols: true,
                    no_ambiguous: true,
                },
            ),
            (
                "words:5,separator=.,capitalize,append=both",
                Generator::Passphrase {
                    words: 5,
                    separator: b'.',
                    capitalize: true,
                    append: Append::Both,
                },
            ),
            (
                "words:4,separator= ",
                Generator::Passphrase {
                    words: 4,
                    separator: b' ',
                    capitalize: false,
                    append: Append::Nothing,
                },
            ),
        ] {
            assert_eq!(text.parse::<Generator>().unwrap(), g);
            assert_eq!(g.to_string(), text);
        }
        // Options in any order, and the plain spec when they change nothing.
        assert_eq!(
            "alnum:8,no-ambiguous,symbols"
                .parse::<Generator>()
                .unwrap()
                .to_string(),
            "alnum:8,symbols,no-ambiguous"
        );
        assert_eq!(
            "words:3,separator=-".parse::<Generator>().unwrap(),
            Generator::Words(3)
        );
        for bad in [
            "alnum:8,",
            "alnum:8,capitalize",
            "hex:8,symbols",
            "base64:8,no-ambiguous",
            "words:3,symbols",
            "words:3,separator=",
            "words:3,separator=ab",
            "words:3,separator=x",
            "words:3,separator=,",
            "words:3,append=emoji",
            "words:3,Capitalize",
        ] {
            let err = bad.parse::<Generator>().unwrap_err();
            assert!(
                matches!(err, GeneratorError::BadOption { .. }),
                "{bad:?}: {err}"
            );
        }
        for bad in [
            "",
            "alnum",
            "alnum:",
            "alnum:0",
            "alnum:-1",
            "alnum:+3",
            "alnum:4097",
            "words:257",
            "ALNUM:3",
            "uuid:4",
            "alnum:99999999999999999999",
            "alnum: 3",
            "alnum:3 ",
            "alnum:1:2",
            "alnum:٣",
        ] {
            assert!(bad.parse::<Generator>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn values_have_the_declared_shape() {
        let v = Generator::Alnum(40).generate();
        assert_eq!(v.expose_secret().len(), 40);
        assert!(v.expose_secret().bytes().all(|b| b.is_ascii_alphanumeric()));
        let v = Generator::Hex(64).generate();
        assert_eq!(v.expose_secret().len(), 64);
        assert!(v.expose_secret().bytes().all(|b| HEX.contains(&b)));
        let v = Generator::Base64(50).generate();
        assert_eq!(v.expose_secret().len(), 50);
        assert!(v.expose_secret().bytes().all(|b| BASE64URL.contains(&b)));
        let v = Generator::Words(6).generate();
        // Some EFF words contain a hyphen themselves, so count words against the list rather than by splitting.
        assert!(v.expose_secret().split('-').count() >= 6);
        assert!(v.expose_secret().len() >= Generator::Words(6).min_chars());
        // Two draws differ (2^-190 chance of a false failure).
        assert_ne!(
            Generator::Alnum(32).generate().expose_secret(),
            Generator::Alnum(32).generate().expose_secret()
        );
    }

    #[test]
    fn entropy() {
        assert!((Generator::Hex(64).entropy_bits() - 256.0).abs() < 1e-9);
        assert!((Generator::Base64(10).entropy_bits() - 60.0).abs() < 1e-9);
        assert!((Generator::Alnum(32).entropy_bits() - 32.0 * 62f64.log2()).abs() < 1e-9);
        assert!((Generator::Words(6).entropy_bits() - 6.0 * 7776f64.log2()).abs() < 1e-9);
        assert!((Generator::Words(1).entropy_bits() - 12.925).abs() < 1e-3);
        assert!((Generator::Words(1).reported_entropy_bits() - 12.92).abs() < 1e-9);
        assert!((Generator::Hex(16).reported_entropy_bits() - 64.0).abs() < 1e-9);
        let g = |s: &str| s.parse::<Generator>().unwrap();
        assert_eq!(g("alnum:1,symbols").alphabet_size(), 94);
        assert_eq!(g("alnum:1,no-ambiguous").alphabet_size(), 47);
        assert_eq!(g("alnum:1,symbols,no-ambiguous").alphabet_size(), 79);
        assert!((g("alnum:10,symbols").entropy_bits() - 10.0 * 94f64.log2()).abs() < 1e-9);
        let words = 5.0 * 7776f64.log2();
        assert!((g("words:5,capitalize").entropy_bits() - words).abs() < 1e-9);
        assert!((g("words:5,append=digit").entropy_bits() - words - 10f64.log2()).abs() < 1e-9);
        assert!((g("words:5,append=symbol").entropy_bits() - words - 5.0).abs() < 1e-9);
        assert!(
            (g("words:5,append=both").entropy_bits() - words - 5.0 - 10f64.log2()).abs() < 1e-9
        );
    }

    #[test]
    fn options_shape_the_values() {
        let g = |s: &str| s.parse::<Generator>().unwrap();
        let v = g("alnum:400,no-ambiguous").generate();
        assert!(v
            .expose_secret()
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() && !AMBIGUOUS.contains(&b)));
        let v = g("alnum:400,symbols").generate();
        assert!(v.expose_secret().bytes().all(|b| b.is_ascii_graphic()));
        // 400 draws from 94 characters without a symbol: (62/94)^400 < 1e-72.
        assert!(v.expose_secret().bytes().any(|b| SYMBOLS.contains(&b)));
        for _ in 0..50 {
            let spec = g("words:4,separator=.,capitalize,append=both");
            let v = spec.generate();
            let v = v.expose_secret();
            assert!(v.len() >= spec.min_chars());
            let (body, tail) = v.split_at(v.len() - 2);
            assert!(
                DIGITS.contains(&tail.as_bytes()[0]) && SYMBOLS.contains(&tail.as_bytes()[1]),
                "{v}"
            );
            let words: Vec<&str> = body.split('.').collect();
            assert_eq!(words.len(), 4, "{v}");
            for w in words {
                assert!(w.as_bytes()[0].is_ascii_uppercase(), "{v}");
                assert!(
                    words::list().contains(&w.to_ascii_lowercase().as_str()),
                    "{v}"
                );
            }
        }
    }

    /// The chi-squared critical value for `df` degrees of freedom at p = 1e-6 (Wilson–Hilferty approximation).
    /// A correct generator fails this test with probability about one in a million.
    fn chi2_critical(df: usize) -> f64 {
        let k = f64::from(u32::try_from(df).unwrap());
        let z = 4.753_424; // upper 1e-6 quantile of the standard normal
        let a = 2.0 / (9.0 * k);
        k * (1.0 - a + z * a.sqrt()).powi(3)
    }

    fn chi2(counts: &[u64]) -> f64 {
        let total: u64 = counts.iter().sum();
        let expected = total as f64 / counts.len() as f64;
        counts
            .iter()
            .map(|&c| {
                let d = c as f64 - expected;
                d * d / expected
            })
            .sum()
    }

    fn char_counts(g: Generator, alphabet: &[u8], values: usize) -> Vec<u64> {
        let mut counts = vec![0u64; alphabet.len()];
        for _ in 0..values {
            let v = g.generate();
            for b in v.expose_secret().bytes() {
                let at = alphabet.iter().position(|&a| a == b).unwrap();
                counts[at] += 1;
            }
        }
        counts
    }

    #[test]
    fn alnum_is_unbiased() {
        // 62 does not divide 256: a modulo-reducing generator favours the first 8 symbols by 25%.
        // 620,000 draws: about 10,000 per symbol.
        let counts = char_counts(Generator::Alnum(1000), ALNUM, 620);
        let stat = chi2(&counts);
        assert!(
            stat < chi2_critical(61),
            "chi2 {stat} over {}",
            chi2_critical(61)
        );
    }

    #[test]
    fn symbols_and_no_ambiguous_are_unbiased() {
        // 94, 47 and 79 divide 256 unevenly, so a modulo-reducing generator would show.
        for spec in [
            "alnum:1000,symbols",
            "alnum:1000,no-ambiguous",
            "alnum:1000,symbols,no-ambiguous",
        ] {
            let g: Generator = spec.parse().unwrap();
            let alphabet = g.alphabet();
            let counts = char_counts(g, &alphabet, alphabet.len() * 10);
            let stat = chi2(&counts);
            let critical = chi2_critical(alphabet.len() - 1);
            assert!(stat < critical, "{spec}: chi2 {stat} over {critical}");
        }
    }

    #[test]
    fn appended_digits_and_symbols_and_capitalised_words_are_unbiased() {
        let g: Generator = "words:1,capitalize,append=both".parse().unwrap();
        let (mut digits, mut symbols) = (vec![0u64; 10], vec![0u64; 32]);
        let list = words::list();
        let mut firsts = vec![0u64; 26];
        for _ in 0..32 * 400 {
            let v = g.generate();
            let b = v.expose_secret().as_bytes();
            let n = b.len();
            digits[DIGITS.iter().position(|&d| d == b[n - 2]).unwrap()] += 1;
            symbols[SYMBOLS.iter().position(|&s| s == b[n - 1]).unwrap()] += 1;
            firsts[usize::from(b[0] - b'A')] += 1;
        }
        assert!(chi2(&digits) < chi2_critical(9), "digits {digits:?}");
        assert!(chi2(&symbols) < chi2_critical(31), "symbols {symbols:?}");
        // Capitalisation keeps the word distribution: first letters as often as the list has them.
        let mut expected = vec![0u64; 26];
        for w in list {
            expected[usize::from(w.as_bytes()[0] - b'a')] += 1;
        }
        let total: u64 = firsts.iter().sum();
        let stat: f64 = firsts
            .iter()
            .zip(&expected)
            .filter(|(_, &e)| e > 0)
            .map(|(&o, &e)| {
                let e = e as f64 * total as f64 / list.len() as f64;
                (o as f64 - e).powi(2) / e
            })
            .sum();
        let df = expected.iter().filter(|&&e| e > 0).count() - 1;
        assert!(stat < chi2_critical(df), "first letters chi2 {stat}");
    }

    #[test]
    fn hex_and_base64_are_unbiased() {
        let counts = char_counts(Generator::Hex(1000), HEX, 160);
        assert!(chi2(&counts) < chi2_critical(15));
        let counts = char_counts(Generator::Base64(1000), BASE64URL, 640);
        assert!(chi2(&counts) < chi2_critical(63));
    }

    #[test]
    fn words_are_unbiased() {
        // 7,776 does not divide 65,536: modulo reduction would favour the first 3,328 words by 12.5%.
        // 200 draws per word make that bias stand far out (see the next test).
        let list = words::list();
        let mut counts = vec![0u64; list.len()];
        let mut rng = OsRng;
        let mut sampler = Sampler::new(&mut rng, 256);
        for _ in 0..list.len() * 200 {
            counts[sampler.index(list.len()).unwrap()] += 1;
        }
        let stat = chi2(&counts);
        assert!(stat < chi2_critical(list.len() - 1), "chi2 {stat}");
    }

    #[test]
    fn the_bias_test_catches_a_modulo_biased_generator() {
        // The same statistic on the same number of draws from `byte % 62` is far over the threshold, so the tests
        // above would fail a generator that reduced modulo the alphabet size.
        let mut bytes = vec![0u8; 620_000];
        OsRng.fill_bytes(&mut bytes);
        let mut counts = vec![0u64; 62];
        for b in bytes {
            counts[usize::from(b) % 62] += 1;
        }
        assert!(chi2(&counts) > 10.0 * chi2_critical(61));

        let mut counts = vec![0u64; 7776];
        let mut pairs = vec![0u8; 7776 * 200 * 2];
        OsRng.fill_bytes(&mut pairs);
        for p in pairs.chunks_exact(2) {
            counts[usize::from(u16::from_le_bytes([p[0], p[1]])) % 7776] += 1;
        }
        // Expected statistic about 13,100 against a threshold of about 8,370.
        assert!(chi2(&counts) > 1.3 * chi2_critical(7775));
    }

    /// An RNG that counts out bytes 0, 1, 2, … so rejection is observable.
    struct Counting(u8);
    impl RngCore for Counting {
        fn next_u32(&mut self) -> u32 {
            u32::from(self.next_u8())
        }
        fn next_u64(&mut self) -> u64 {
            u64::from(self.next_u8())
        }
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            for d in dest {
                *d = self.next_u8();
            }
        }
        fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
            self.fill_bytes(dest);
            Ok(())
        }
    }
    impl Counting {
        fn next_u8(&mut self) -> u8 {
            let b = self.0;
            self.0 = self.0.wrapping_add(1);
            b
        }
    }

    #[test]
    fn rejection_skips_the_incomplete_block() {
        // For 62 symbols the zone is 0..248: bytes 248..=255 are rejected, so one full cycle of 256 bytes yields
        // each symbol exactly 4 times.
        let mut rng = Counting(0);
        let mut sampler = Sampler::new(&mut rng, 256);
        let mut counts = [0u32; 62];
        for _ in 0..248 {
            counts[sampler.index(62).unwrap()] += 1;
        }
        assert!(counts.iter().all(|&c| c == 4), "{counts:?}");
        // The next draw comes after the rejected 248..=255, i.e. byte 0 again.
        assert_eq!(sampler.index(62).unwrap(), 0);
    }
}
