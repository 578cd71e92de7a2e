//! Per-value AES-256-GCM as SOPS does it (`aes/cipher.go`): a 32-byte random IV, the value's key path as
//! associated data, and the `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]` text form.

use aes_gcm::aead::consts::{U12, U32};
use aes_gcm::aes::Aes256;
use aes_gcm::{AeadInPlace, AesGcm, KeyInit};
use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use rand_core::{OsRng, RngCore};
use zeroize::Zeroizing;

/// SOPS always writes 32-byte IVs (GCM then derives its counter block with GHASH).
pub(crate) const IV_LEN: usize = 32;
const TAG_LEN: usize = 16;
const PREFIX: &str = "ENC[AES256_GCM,data:";

/// Go's `base64.StdEncoding`: padding required, non-canonical trailing bits accepted, and `\r`/`\n` anywhere
/// ignored (stripped before decoding).
const GO_STD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);

/// The 32-byte per-file data key.
pub(crate) struct DataKey(Zeroizing<[u8; 32]>);

impl DataKey {
    /// A fresh random data key.
    pub(crate) fn generate() -> Result<Self, &'static str> {
        let mut key = Zeroizing::new([0u8; 32]);
        OsRng
            .try_fill_bytes(key.as_mut())
            .map_err(|_| "the operating system's random generator failed")?;
        Ok(Self(key))
    }

    /// A data key from its bytes; `None` unless exactly 32 bytes.
    pub(crate) fn from_slice(bytes: &[u8]) -> Option<Self> {
        let arr: [u8; 32] = bytes.try_into().ok()?;
        Some(Self(Zeroizing::new(arr)))
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// How many random bytes are drawn from the OS at once for IVs (64 IVs per system call).
const IV_POOL: usize = 64 * IV_LEN;

/// AES-256-GCM under one data key, for a whole file: the key schedule is computed once and IVs are drawn from
/// the OS random generator in batches (one system call per 64 values instead of one per value).
pub(crate) struct ValueCipher {
    key: Zeroizing<[u8; 32]>,
    aes: AesGcm<Aes256, U32>,
    ivs: Vec<u8>,
    next: usize,
}

impl ValueCipher {
    pub(crate) fn new(key: &DataKey) -> Self {
        ValueCipher {
            key: Zeroizing::new(*key.bytes()),
            aes: AesGcm::<Aes256, U32>::new(key.bytes().into()),
            ivs: Vec::new(),
            next: 0,
        }
    }

    fn next_iv(&mut self) -> Result<[u8; IV_LEN], &'static str> {
        if self.next + IV_LEN > self.ivs.len() {
            self.ivs.resize(IV_POOL, 0);
            OsRng
                .try_fill_bytes(&mut self.ivs)
                .map_err(|_| "the operating system's random generator failed")?;
            self.next = 0;
        }
        let mut iv = [0u8; IV_LEN];
        iv.copy_from_slice(&self.ivs[self.next..self.next + IV_LEN]);
        // Never hand out the same bytes twice.
        self.ivs[self.next..self.next + IV_LEN].fill(0);
        self.next += IV_LEN;
        Ok(iv)
    }

    /// Encrypts `plaintext` bound to `additional_data` with a fresh random 32-byte IV.
    pub(crate) fn encrypt(
        &mut self,
        plaintext: &[u8],
        additional_data: &str,
        ty: &str,
    ) -> Result<String, &'static str> {
        let iv = self.next_iv()?;
        let mut buf = Zeroizing::new(plaintext.to_vec());
        let tag = self
            .aes
            .encrypt_in_place_detached(
                aes_gcm::Nonce::<U32>::from_slice(&iv),
                additional_data.as_bytes(),
                &mut buf,
            )
            .map_err(|_| "AES-GCM encryption failed")?;
        Ok(format!(
            "ENC[AES256_GCM,data:{},iv:{},tag:{},type:{}]",
            STANDARD.encode(buf.as_slice()),
            STANDARD.encode(iv),
            STANDARD.encode(tag),
            ty
        ))
    }

    /// Decrypts a parsed value bound to `additional_data`. Like Go's `gcm.Open`, data and tag are concatenated
    /// and the last 16 bytes are the tag.
    pub(crate) fn decrypt(
        &self,
        enc: &EncValue,
        additional_data: &str,
    ) -> Result<Zeroizing<Vec<u8>>, DecryptFailure> {
        let mut buf = Zeroizing::new(Vec::with_capacity(enc.data.len() + enc.tag.len()));
        buf.extend_from_slice(&enc.data);
        buf.extend_from_slice(&enc.tag);
        if buf.len() < TAG_LEN {
            return Err(DecryptFailure::Auth);
        }
        let split = buf.len() - TAG_LEN;
        let tag_bytes: [u8; TAG_LEN] = buf[split..].try_into().map_err(|_| DecryptFailure::Auth)?;
        buf.truncate(split);
        let tag = aes_gcm::Tag::from(tag_bytes);
        let ad = additional_data.as_bytes();
        let result = match enc.iv.len() {
            IV_LEN => {
                let nonce = aes_gcm::Nonce::<U32>::from_slice(&enc.iv);
                self.aes
                    .decrypt_in_place_detached(nonce, ad, &mut buf, &tag)
            }
            12 => {
                let cipher = AesGcm::<Aes256, U12>::new(self.key.as_ref().into());
                let nonce = aes_gcm::Nonce::<U12>::from_slice(&enc.iv);
                cipher.decrypt_in_place_detached(nonce, ad, &mut buf, &tag)
            }
            _ => {
                return Err(DecryptFailure::Format(
                    "encrypted value's iv has an unsupported length",
                ))
            }
        };
        result.map_err(|_| DecryptFailure::Auth)?;
        Ok(buf)
    }
}

impl ValueCipher {
    /// [`parse`] then [`ValueCipher::decrypt`] of `value`, the plaintext left in `buf` (its previous content is
    /// wiped) and the type returned, without allocating per value when the fields are plain base64 and `buf` is
    /// large enough; any other value takes [`parse`]'s path, so every error is the one it gives.
    pub(crate) fn open_into<'v>(
        &self,
        value: &'v str,
        ad: &str,
        buf: &mut Zeroizing<Vec<u8>>,
    ) -> Result<&'v str, OpenFailure> {
        let [data, iv, tag, ty] = fields(value).map_err(OpenFailure::Parse)?;
        // Room for more than an IV: decode_slice may want more room than the bytes it writes.
        let mut nonce = [0u8; 2 * IV_LEN];
        let quick = !value.contains('\r')
            && buf.capacity() >= data.len() + tag.len()
            && GO_STD.decode_slice(iv, &mut nonce[..]) == Ok(IV_LEN);
        if quick {
            // Base64 never decodes to more bytes than it has characters: `buf` does not grow (no copy of a
            // previous plaintext is left behind by a reallocation).
            buf.clear();
            buf.resize(data.len() + tag.len(), 0);
            let decoded = GO_STD
                .decode_slice(data, &mut buf[..])
                .ok()
                .and_then(|n| GO_STD.decode_slice(tag, &mut buf[n..]).ok().map(|m| n + m));
            if let Some(n) = decoded.filter(|n| *n >= TAG_LEN) {
                buf.truncate(n);
                let split = n - TAG_LEN;
                let tag_bytes: [u8; TAG_LEN] =
                    buf[split..].try_into().map_err(|_| OpenFailure::Auth)?;
                buf.truncate(split);
                self.aes
                    .decrypt_in_place_detached(
                        aes_gcm::Nonce::<U32>::from_slice(&nonce[..IV_LEN]),
                        ad.as_bytes(),
                        buf,
                        &aes_gcm::Tag::from(tag_bytes),
                    )
                    .map_err(|_| OpenFailure::Auth)?;
                return Ok(ty);
            }
        }
        let enc = parse(value).map_err(OpenFailure::Parse)?;
        let plain = self.decrypt(&enc, ad).map_err(|e| match e {
            DecryptFailure::Format(reason) => OpenFailure::Parse(reason),
            DecryptFailure::Auth => OpenFailure::Auth,
        })?;
        zeroize::Zeroize::zeroize(&mut **buf);
        if buf.capacity() < plain.len() {
            *buf = Zeroizing::new(Vec::with_capacity(plain.len().max(64)));
        }
        buf.extend_from_slice(&plain);
        Ok(ty)
    }
}

/// Why [`ValueCipher::open_into`] failed: the value's format (the reason), or authentication.
pub(crate) enum OpenFailure {
    Parse(&'static str),
    Auth,
}

/// A parsed (not yet authenticated) `ENC[...]` value.
pub(crate) struct EncValue {
    data: Vec<u8>,
    iv: Vec<u8>,
    tag: Vec<u8>,
    pub(crate) ty: String,
}

/// Whether a string looks like a SOPS encrypted value (used to report "not encrypted" precisely).
pub(crate) fn looks_encrypted(s: &str) -> bool {
    s.starts_with(PREFIX)
}

fn go_b64(s: &str) -> Option<Vec<u8>> {
    if s.contains(['\r', '\n']) {
        let cleaned: String = s.chars().filter(|c| *c != '\r' && *c != '\n').collect();
        GO_STD.decode(cleaned).ok()
    } else {
        GO_STD.decode(s).ok()
    }
}

/// Parses `ENC[AES256_GCM,data:D,iv:I,tag:T,type:Y]` with the semantics of sops's regular expression
/// `^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]` (greedy groups, `.` not matching a newline,
/// text after the final `]` ignored).
pub(crate) fn parse(value: &str) -> Result<EncValue, &'static str> {
    let [data, iv, tag, ty] = fields(value)?;
    Ok(EncValue {
        data: go_b64(data).ok_or("encrypted value's data is not valid base64")?,
        iv: go_b64(iv).ok_or("encrypted value's iv is not valid base64")?,
        tag: go_b64(tag).ok_or("encrypted value's tag is not valid base64")?,
        ty: ty.to_owned(),
    })
}

/// The data, iv, tag and type fields of an `ENC[...]` value, as [`parse`] finds them, not decoded.
fn fields(value: &str) -> Result<[&str; 4], &'static str> {
    let line = value.split('\n').next().unwrap_or_default();
    let body = line
        .strip_prefix(PREFIX)
        .ok_or("value is not in sops' ENC[AES256_GCM,...] format")?;
    let close = body
        .rfind(']')
        .ok_or("encrypted value has no closing ']'")?;
    let body = &body[..close];
    let t = body.rfind(",type:").ok_or("encrypted value has no type")?;
    let ty = &body[t + ",type:".len()..];
    let rest = &body[..t];
    let g = rest.rfind(",tag:").ok_or("encrypted value has no tag")?;
    let tag = &rest[g + ",tag:".len()..];
    let rest = &rest[..g];
    let i = rest.rfind(",iv:").ok_or("encrypted value has no iv")?;
    let iv = &rest[i + ",iv:".len()..];
    let data = &rest[..i];
    if data.is_empty() || iv.is_empty() || tag.is_empty() || ty.is_empty() {
        return Err("encrypted value has an empty field");
    }
    Ok([data, iv, tag, ty])
}

/// Why a value could not be decrypted.
pub(crate) enum DecryptFailure {
    /// Not in the `ENC[...]` format.
    Format(&'static str),
    /// Authentication failed (wrong key, tampered value, or a different key path).
    Auth,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> DataKey {
        DataKey::from_slice(&[7u8; 32]).unwrap()
    }

    fn encrypt(k: &DataKey, p: &[u8], ad: &str, ty: &str) -> Result<String, &'static str> {
        ValueCipher::new(k).encrypt(p, ad, ty)
    }

    fn decrypt(k: &DataKey, e: &EncValue, ad: &str) -> Result<Zeroizing<Vec<u8>>, DecryptFailure> {
        ValueCipher::new(k).decrypt(e, ad)
    }

    #[test]
    fn ivs_are_fresh_across_pool_refills() {
        let mut c = ValueCipher::new(&key());
        let mut seen = std::collections::HashSet::new();
        for _ in 0..200 {
            let enc = c.encrypt(b"same", "k:", "str").unwrap();
            assert!(seen.insert(parse(&enc).unwrap().iv));
        }
    }

    #[test]
    fn round_trip_and_binding() {
        let k = key();
        let enc = encrypt(&k, b"hunter2", "a:b:", "str").unwrap();
        let parsed = parse(&enc).unwrap();
        assert_eq!(parsed.ty, "str");
        assert_eq!(
            decrypt(&k, &parsed, "a:b:").ok().unwrap().as_slice(),
            b"hunter2"
        );
        assert!(matches!(
            decrypt(&k, &parsed, "a:c:"),
            Err(DecryptFailure::Auth)
        ));
        let other = DataKey::from_slice(&[8u8; 32]).unwrap();
        assert!(matches!(
            decrypt(&other, &parsed, "a:b:"),
            Err(DecryptFailure::Auth)
        ));
    }

    #[test]
    fn every_bit_flip_of_data_fails() {
        let k = key();
        let enc = encrypt(&k, b"value", "k:", "str").unwrap();
        let parsed = parse(&enc).unwrap();
        for i in 0..parsed.data.len() * 8 {
            let mut p = EncValue {
                data: parsed.data.clone(),
                iv: parsed.iv.clone(),
                tag: parsed.tag.clone(),
                ty: parsed.ty.clone(),
            };
            p.data[i / 8] ^= 1 << (i % 8);
            assert!(matches!(decrypt(&k, &p, "k:"), Err(DecryptFailure::Auth)));
        }
    }

    /// open_into gives what parse then decrypt give, for every value (the fast path or not).
    #[test]
    fn open_into_is_parse_then_decrypt() {
        let k = key();
        let c = ValueCipher::new(&k);
        let good = encrypt(&k, b"hunter2", "k:", "str").unwrap();
        let twelve = {
            let iv = [3u8; 12];
            let cipher = AesGcm::<Aes256, U12>::new(k.bytes().into());
            let mut buf = b"short iv".to_vec();
            let tag = cipher
                .encrypt_in_place_detached(aes_gcm::Nonce::<U12>::from_slice(&iv), b"k:", &mut buf)
                .unwrap();
            format!(
                "ENC[AES256_GCM,data:{},iv:{},tag:{},type:int]",
                STANDARD.encode(&buf),
                STANDARD.encode(iv),
                STANDARD.encode(tag)
            )
        };
        let long: String = "x".repeat(5000);
        let big = encrypt(&k, long.as_bytes(), "k:", "str").unwrap();
        let mut values = vec![
            good.clone(),
            twelve,
            big,
            good.replacen("data:", "data:AAAA", 1),
            good.replacen(",tag:", ",tag:AA", 1),
            good.replacen("iv:", "iv:\r", 1),
            good.replacen("type:str", "type:", 1),
            "ENC[AES256_GCM,data:!!!!,iv:AAAA,tag:AAAA,type:str]".to_owned(),
            "ENC[AES256_GCM,data:AAAA,iv:AAAA,tag:AAAA,type:str]".to_owned(),
            "not encrypted".to_owned(),
        ];
        values.push(good.replace('=', ""));
        let cases = ["k:", "other:"]
            .into_iter()
            .flat_map(|ad| values.iter().map(move |v| (ad, v)));
        for (ad, v) in cases {
            let slow = parse(v).map_err(|r| r.to_owned()).and_then(|e| {
                c.decrypt(&e, ad)
                    .map(|p| (p.to_vec(), e.ty.clone()))
                    .map_err(|f| match f {
                        DecryptFailure::Format(r) => r.to_owned(),
                        DecryptFailure::Auth => "auth".to_owned(),
                    })
            });
            let mut buf = Zeroizing::new(Vec::with_capacity(64));
            let fast = c
                .open_into(v, ad, &mut buf)
                .map(|ty| (buf.to_vec(), ty.to_owned()))
                .map_err(|f| match f {
                    OpenFailure::Parse(r) => r.to_owned(),
                    OpenFailure::Auth => "auth".to_owned(),
                });
            assert_eq!(slow.is_ok(), fast.is_ok(), "{v}");
            match (slow, fast) {
                (Ok(a), Ok(b)) => assert!(a == b, "{v}"),
                (Err(a), Err(b)) => assert_eq!(a, b, "{v}"),
                _ => unreachable!(),
            }
        }
    }

    #[test]
    fn lenient_base64_like_go() {
        // Go's StdEncoding ignores newlines and accepts non-zero trailing bits.
        assert_eq!(go_b64("aGVs\nbG8=").unwrap(), b"hello");
        assert_eq!(go_b64("aGVsbG9=").unwrap(), b"hello");
        assert!(go_b64("aGVsbG8").is_none());
    }

    #[test]
    fn malformed_values_are_errors() {
        for s in [
            "",
            "ENC[AES256_GCM,data:,iv:,tag:,type:]",
            "ENC[AES256_GCM,data:AAAA,iv:AAAA,tag:AAAA]",
            "ENC[AES256_GCM,data:!!!!,iv:AAAA,tag:AAAA,type:str]",
            "ENC[AES256_GCM,data:AAAA,iv:AAAA,tag:AAAA,type:str",
        ] {
            assert!(parse(s).is_err(), "{s}");
        }
    }
}
