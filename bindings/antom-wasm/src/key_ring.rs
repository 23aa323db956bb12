//! Antom's public keys as a key ring, built by the package from its `antomPublicKey` option
//! (one key, or a list of `{ key, keyVersion }`). The rule (which key a `keyVersion` selects,
//! the order, the bound, the checks) is antom-core's `KeyRing`; this only carries the keys and
//! their `KeyObject`s.

use antom_core::{AntomKey, KeyRing, PublicKey};
use wasm_bindgen::prelude::*;

use super::{HostKey, WasmPublicKey, error, pairs};

/// The keys of a ring in the order they are tried, each with an optional `keyVersion` tag.
/// Checked (size, duplicates) when a client is built from it.
#[wasm_bindgen(js_name = KeyRing)]
#[derive(Default)]
pub struct WasmKeyRing {
    keys: Vec<(AntomKey, HostKey)>,
}

#[wasm_bindgen(js_class = KeyRing)]
impl WasmKeyRing {
    /// An empty ring.
    #[wasm_bindgen(constructor)]
    pub fn new() -> WasmKeyRing {
        WasmKeyRing::default()
    }

    /// Appends `key`, tagged with `key_version` when given. The key's `KeyObject` is shared.
    pub fn add(&mut self, key: &WasmPublicKey, key_version: Option<u32>) {
        let member = AntomKey {
            key: key.key.clone(),
            key_version,
        };
        self.keys.push((member, key.host.clone()));
    }

    /// How many keys were added.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.keys.len()
    }
}

impl WasmKeyRing {
    /// The core's ring. Errors: `INVALID_KEY` (empty, over the maximum, a key or a version
    /// twice).
    pub(crate) fn ring(&self) -> Result<KeyRing, JsValue> {
        KeyRing::new(self.keys.iter().map(|(key, _)| key.clone()).collect()).map_err(error)
    }

    /// The keys with their `KeyObject`s, for the client's engine.
    pub(crate) fn hosts(&self) -> Vec<(PublicKey, HostKey)> {
        self.keys
            .iter()
            .map(|(key, host)| (key.key.clone(), host.clone()))
            .collect()
    }
}

/// The most keys a ring holds (`antom_core::MAX_RING_KEYS`).
#[wasm_bindgen(js_name = maxRingKeys)]
pub fn max_ring_keys() -> usize {
    antom_core::MAX_RING_KEYS
}

/// Which key of `ring` verifies a signed message (`request-time` or `response-time`), by the
/// ring rule: `[keyVersion tag or undefined, fingerprint]`. `headers` is flat
/// `[name, value, ...]`. For finding a wrong key; client ids are not compared.
#[wasm_bindgen(js_name = whichKey)]
pub fn which_key(
    ring: &WasmKeyRing,
    path: &str,
    headers: Vec<String>,
    body: &[u8],
) -> Result<Vec<JsValue>, JsValue> {
    let headers = pairs(headers)?;
    let id = antom_core::which_key(&ring.ring()?, path, &headers, body)
        .map_err(error)?
        .verified_by;
    Ok(vec![
        id.key_version.map_or(JsValue::UNDEFINED, JsValue::from),
        JsValue::from(id.fingerprint),
    ])
}
