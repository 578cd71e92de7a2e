//! AEAD envelope (AES-256-GCM, XChaCha20-Poly1305) binding each ciphertext to (owner, name, version).
#![forbid(unsafe_code)]
#![deny(missing_docs)]
