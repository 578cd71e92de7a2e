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
    Ok(EncValue {
        data: go_b64(data).ok_or("encrypted value's data is not valid base64")?,
        iv: go_b64(iv).ok_or("encrypted value's iv is not valid base64")?,
        tag: go_b64(tag).ok_or("encrypted value's tag is not valid base64")?,
        ty: ty.to_owned(),
    })
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
