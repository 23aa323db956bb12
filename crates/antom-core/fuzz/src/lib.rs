//! Shared input decoding and invariants for the antom-core fuzz targets.
//!
//! Inputs that carry several parts (a client config, a path, headers, a body) are split on
//! the byte `0xFF`, which never occurs in UTF-8 text: the seeds made by `seeds.py` stay
//! readable and the fuzzer can still put any other byte anywhere. Text parts are decoded
//! with `from_utf8_lossy` (deterministic), bodies stay raw bytes.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::OnceLock;

use antom_core::{
    ApiKey, Client, ClientConfig, Environment, PrivateKey, PublicKey, Region, RsaEngine,
    SignedContent,
};

/// Splits a multi-part input on `0xFF`.
pub fn fields(data: &[u8]) -> Vec<&[u8]> {
    data.split(|b| *b == 0xFF).collect()
}

/// A text part (lossy UTF-8).
pub fn text(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// Headers: one per line, `name:value` split at the first `:`; a line without `:` is a
/// header with an empty value.
pub fn headers(block: &[u8]) -> Vec<(String, String)> {
    let block = text(block);
    if block.is_empty() {
        return Vec::new();
    }
    block
        .split('\n')
        .map(|line| match line.split_once(':') {
            Some((name, value)) => (name.to_owned(), value.to_owned()),
            None => (line.to_owned(), String::new()),
        })
        .collect()
}

/// The throw-away merchant key of the vectors (never used for anything real).
pub fn merchant_key() -> &'static PrivateKey {
    static KEY: OnceLock<PrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        PrivateKey::parse(include_str!(
            "../../../../tests/vectors/keys/TEST-ONLY-merchant.private.pkcs8.b64"
        ))
        .unwrap_or_else(|e| panic!("the vector merchant key must parse: {e}"))
    })
}

/// The throw-away stand-in for Antom's public key of the vectors.
pub fn antom_public_key() -> &'static PublicKey {
    static KEY: OnceLock<PublicKey> = OnceLock::new();
    KEY.get_or_init(|| {
        PublicKey::parse(include_str!(
            "../../../../tests/vectors/keys/TEST-ONLY-antom.public.spki.b64"
        ))
        .unwrap_or_else(|e| panic!("the vector Antom public key must parse: {e}"))
    })
}

/// A client config as text: `mode|client_id|environment|region|gateway_url|agent_token|
/// key_version|api_key|max_body_bytes`, every field after `client_id` optional, empty for the
/// default. `mode` is `k` (the merchant private key), `v` (verify-only) or `a` (API key).
#[derive(Debug, Default, Clone)]
pub struct ConfigText {
    /// `k`, `v` or `a`.
    pub mode: String,
    /// The client id.
    pub client_id: String,
    /// `sandbox` / `production` / empty.
    pub environment: String,
    /// `asia` / `north_america` / `europe` / empty.
    pub region: String,
    /// Gateway override or empty.
    pub gateway_url: String,
    /// Agent token or empty (a `-` prefix means "set, but to the rest", so "" is reachable).
    pub agent_token: Option<String>,
    /// Key version or empty.
    pub key_version: String,
    /// API key text (mode `a`).
    pub api_key: String,
    /// Body limit or empty.
    pub max_body_bytes: String,
}

impl ConfigText {
    /// Parses the `|`-separated form.
    pub fn parse(text: &str) -> ConfigText {
        let mut parts = text.split('|');
        let mut next = || parts.next().unwrap_or("").to_owned();
        ConfigText {
            mode: next(),
            client_id: next(),
            environment: next(),
            region: next(),
            gateway_url: next(),
            agent_token: {
                let token = next();
                token.strip_prefix('-').map(str::to_owned)
            },
            key_version: next(),
            api_key: next(),
            max_body_bytes: next(),
        }
    }

    /// Builds the client: `Err` when the config itself is refused (that is `Client::new`'s
    /// error, part of what is fuzzed).
    pub fn client(&self) -> Result<Client, antom_core::Error> {
        let public = antom_public_key().clone();
        let mut config = match self.mode.as_str() {
            "v" => ClientConfig::verify_only(self.client_id.clone(), public),
            "a" => ClientConfig::with_api_key(
                self.client_id.clone(),
                ApiKey::parse(&self.api_key)?,
                public,
            ),
            _ => ClientConfig::new(self.client_id.clone(), merchant_key().clone(), public),
        };
        if let Ok(environment) = Environment::parse(&self.environment) {
            config.environment = Some(environment);
        }
        if let Ok(region) = Region::parse(&self.region) {
            config.region = region;
        }
        if !self.gateway_url.is_empty() {
            config.gateway_url = Some(self.gateway_url.clone());
        }
        config.agent_token = self.agent_token.clone();
        if let Ok(version) = self.key_version.parse() {
            config.key_version = version;
        }
        if let Ok(max) = self.max_body_bytes.parse() {
            config.max_body_bytes = max;
        }
        Client::new(config)
    }
}

/// The base64 alphabet (standard and URL-safe) plus padding: the characters key material
/// and signatures are written in.
pub fn is_base64_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '-' | '_')
}

/// Asserts that `message` contains no run of `window` base64 characters that also occurs in
/// `input`: an error or a `Debug` string never echoes key material, a signature or a body.
pub fn assert_no_echo(message: &str, input: &str, window: usize, what: &str) {
    let chars: Vec<(usize, char)> = message.char_indices().collect();
    let mut run_start = 0;
    for (i, &(_, c)) in chars.iter().enumerate() {
        if !is_base64_char(c) {
            run_start = i + 1;
            continue;
        }
        if i + 1 - run_start >= window {
            let start = chars[i + 1 - window].0;
            let end = chars[i].0 + c.len_utf8();
            let run = &message[start..end];
            assert!(
                !input.contains(run),
                "{what}: the message echoes {window} characters of the input: {run:?} in {message:?}"
            );
        }
    }
}

/// Asserts that `message` echoes less than `window` bytes of `input`: a `{:?}`-quoted part
/// (a shortened item name or label) has fewer than `window` characters, and the rest
/// contains no substring of `input` of `window` bytes (runs of one repeated byte excepted).
/// Rabin-Karp, so it costs O(message + input).
pub fn assert_no_long_echo(message: &str, input: &[u8], window: usize, what: &str) {
    let mut outside = String::with_capacity(message.len());
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            outside.push(c);
            continue;
        }
        let mut quoted = 0usize;
        while let Some(q) = chars.next() {
            match q {
                '"' => break,
                '\\' => {
                    chars.next();
                }
                _ => {}
            }
            quoted += 1;
        }
        assert!(
            quoted < window,
            "{what}: the message quotes {quoted} characters: {message:?}"
        );
        outside.push(' ');
    }
    let message = outside.as_bytes();
    if window == 0 || message.len() < window || input.len() < window {
        return;
    }
    const BASE: u64 = 0x100_0000_01b3;
    let top = (1..window).fold(1u64, |acc, _| acc.wrapping_mul(BASE));
    let hashes = |bytes: &[u8]| -> Vec<u64> {
        let mut out = Vec::with_capacity(bytes.len() + 1 - window);
        let mut h = bytes[..window].iter().fold(0u64, |acc, b| {
            acc.wrapping_mul(BASE).wrapping_add(u64::from(*b))
        });
        out.push(h);
        for i in window..bytes.len() {
            h = h
                .wrapping_sub(u64::from(bytes[i - window]).wrapping_mul(top))
                .wrapping_mul(BASE)
                .wrapping_add(u64::from(bytes[i]));
            out.push(h);
        }
        out
    };
    let mut wanted: Vec<(u64, usize)> = hashes(message)
        .into_iter()
        .enumerate()
        .filter(|(i, _)| {
            let run = &message[*i..*i + window];
            !run.iter().all(|b| *b == run[0])
        })
        .map(|(i, h)| (h, i))
        .collect();
    if wanted.is_empty() {
        return;
    }
    wanted.sort_unstable();
    for (j, h) in hashes(input).into_iter().enumerate() {
        let from = wanted.partition_point(|(w, _)| *w < h);
        for (_, i) in wanted[from..].iter().take_while(|(w, _)| *w == h) {
            let run = &message[*i..*i + window];
            assert!(
                run != &input[j..j + window],
                "{what}: the message echoes {window} bytes of the input: {:?}",
                String::from_utf8_lossy(run)
            );
        }
    }
}

/// An RSA engine with no RSA: "signs" with a value derived from the content's digest and
/// records the exact bytes it was asked to sign, so `prepare` is fuzzed at the speed of its
/// protocol logic and the signed content is checked byte for byte.
#[derive(Default)]
pub struct RecordingEngine {
    /// Every content signed, as one buffer.
    pub signed: RefCell<Vec<Vec<u8>>>,
}

impl RecordingEngine {
    /// The fake signature of `content` for a key of `len` bytes.
    pub fn fake_signature(content: &SignedContent<'_>, len: usize) -> Vec<u8> {
        content.digest().iter().copied().cycle().take(len).collect()
    }
}

impl RsaEngine for RecordingEngine {
    fn sign(
        &self,
        key: &PrivateKey,
        content: &SignedContent<'_>,
    ) -> Result<Vec<u8>, antom_core::Error> {
        self.signed.borrow_mut().push(content.to_vec());
        Ok(Self::fake_signature(
            content,
            key.public_key().signature_len(),
        ))
    }

    fn verify(&self, key: &PublicKey, content: &SignedContent<'_>, signature: &[u8]) -> bool {
        signature == Self::fake_signature(content, key.signature_len()).as_slice()
    }
}

/// Standard padded base64 (a dependency-free copy, for the invariants only).
pub fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}
