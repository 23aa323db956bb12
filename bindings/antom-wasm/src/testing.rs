//! The testing kit (`antom_core::testing`) for the package's `antom-core/testing`: throw-away
//! keys, Antom's signed notifications and responses, sample bodies of every catalogue type.
//! Type conversion only. Headers travel as a flat list `[name, value, name, value, ...]`;
//! milliseconds as JavaScript numbers.

use antom_core::testing as at;
use wasm_bindgen::prelude::*;

use super::error;

fn ms(value: f64) -> u64 {
    if value.is_finite() && value > 0.0 {
        value.min(u64::MAX as f64) as u64
    } else {
        0
    }
}

fn flat(pairs: Vec<(String, String)>) -> Vec<String> {
    pairs.into_iter().flat_map(|(k, v)| [k, v]).collect()
}

/// A throw-away Antom key pair and merchant key pair for tests (RSA-2048, generated afresh).
/// Never shows key material except through the explicitly named `testOnly...Text` getters.
#[wasm_bindgen(js_name = TestKeys)]
pub struct WasmTestKeys(at::TestKeys);

#[wasm_bindgen(js_class = TestKeys)]
impl WasmTestKeys {
    /// Generates two fresh RSA-2048 key pairs with `crypto.getRandomValues`.
    pub fn generate() -> Result<WasmTestKeys, JsValue> {
        at::TestKeys::generate().map(WasmTestKeys).map_err(error)
    }

    /// The test Antom public key, one-line base64 SPKI (what the client under test trusts).
    #[wasm_bindgen(getter, js_name = antomPublicKey)]
    pub fn antom_public_key(&self) -> String {
        self.0.antom_public_key().to_base64()
    }

    /// The test merchant public key, one-line base64 SPKI.
    #[wasm_bindgen(getter, js_name = merchantPublicKey)]
    pub fn merchant_public_key(&self) -> String {
        self.0.merchant_public_key().to_base64()
    }

    /// The TEST-ONLY merchant private key, one-line base64 PKCS#8 (configure the client under
    /// test with it). Only this throw-away test object hands private key text out.
    #[wasm_bindgen(js_name = testOnlyMerchantPrivateKeyText)]
    pub fn test_only_merchant_private_key_text(&self) -> String {
        self.0.test_only_merchant_private_key_text().to_owned()
    }

    /// The TEST-ONLY Antom private key, one-line base64 PKCS#8.
    #[wasm_bindgen(js_name = testOnlyAntomPrivateKeyText)]
    pub fn test_only_antom_private_key_text(&self) -> String {
        self.0.test_only_antom_private_key_text().to_owned()
    }

    /// `sign_notification` with the test Antom key: `content-type`, `client-id`,
    /// `request-time`, `signature`, as a flat list.
    #[wasm_bindgen(js_name = signNotification)]
    pub fn sign_notification(
        &self,
        path: &str,
        client_id: &str,
        request_time_ms: f64,
        body: &[u8],
        key_version: u32,
    ) -> Result<Vec<String>, JsValue> {
        at::sign_notification(
            self.0.antom_private_key(),
            path,
            client_id,
            ms(request_time_ms),
            body,
            key_version,
        )
        .map(flat)
        .map_err(error)
    }

    /// `sign_response` with the test Antom key: `content-type`, `client-id`,
    /// `response-time`, `signature`, as a flat list.
    #[wasm_bindgen(js_name = signResponse)]
    pub fn sign_response(
        &self,
        path: &str,
        client_id: &str,
        response_time_ms: f64,
        body: &[u8],
        key_version: u32,
    ) -> Result<Vec<String>, JsValue> {
        at::sign_response(
            self.0.antom_private_key(),
            path,
            client_id,
            ms(response_time_ms),
            body,
            key_version,
        )
        .map(flat)
        .map_err(error)
    }

    /// Checks a request's signature with the test merchant's public key, as Antom's gateway
    /// does (`headers` a flat `[name, value, ...]` list); returns the `client-id`.
    #[wasm_bindgen(js_name = verifyRequest)]
    pub fn verify_request(
        &self,
        path: &str,
        headers: Vec<String>,
        body: &[u8],
    ) -> Result<String, JsValue> {
        let pairs: Vec<(String, String)> = headers
            .chunks(2)
            .map(|pair| match pair {
                [name, value] => (name.clone(), value.clone()),
                _ => (String::new(), String::new()),
            })
            .collect();
        antom_core::verify_request(&self.0.merchant_public_key(), path, &pairs, body)
            .map(|verified| verified.client_id)
            .map_err(error)
    }

    /// A string form without key material.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_string_js(&self) -> String {
        format!("{:?}", self.0)
    }
}

/// `sample_notification`: a body of type `name` with ids `{idPrefix}_{field}`, times `time`,
/// then the `field=value` overrides.
#[wasm_bindgen(js_name = testingSampleNotification)]
pub fn sample_notification(
    name: &str,
    id_prefix: &str,
    time: &str,
    overrides: Vec<String>,
) -> Result<String, JsValue> {
    at::sample_notification(name, id_prefix, time, &overrides).map_err(error)
}

/// `sample_response`: a reply of `api` with `result.resultStatus` `S`, `U` or `F`, then the
/// overrides.
#[wasm_bindgen(js_name = testingSampleResponse)]
pub fn sample_response(
    api: &str,
    result_status: &str,
    overrides: Vec<String>,
) -> Result<String, JsValue> {
    at::sample_response(api, result_status, &overrides).map_err(error)
}

/// One notification type of the catalogue (a notification body model).
#[wasm_bindgen(js_name = TestNotificationType)]
pub struct WasmTestNotificationType(at::NotificationType);

#[wasm_bindgen(js_class = TestNotificationType)]
impl WasmTestNotificationType {
    /// The body model's name (`NotifyRefundRequest`).
    #[wasm_bindgen(getter)]
    pub fn body(&self) -> String {
        self.0.body.clone()
    }

    /// The field that tells the types apart (`notifyType`...), if any.
    #[wasm_bindgen(getter)]
    pub fn field(&self) -> Option<String> {
        self.0.field.clone()
    }

    /// Its known values (`REFUND_RESULT`); the first is the default.
    #[wasm_bindgen(getter)]
    pub fn values(&self) -> Vec<String> {
        self.0.values.clone()
    }
}

/// Every notification type of the catalogue, in the schema's order.
#[wasm_bindgen(js_name = testingNotificationTypes)]
pub fn notification_types() -> Vec<WasmTestNotificationType> {
    at::notification_types()
        .into_iter()
        .map(WasmTestNotificationType)
        .collect()
}

/// `iso8601`: epoch milliseconds as ISO-8601 UTC to the second.
#[wasm_bindgen(js_name = testingIso8601)]
pub fn iso8601(millis: f64) -> String {
    at::iso8601(ms(millis))
}
