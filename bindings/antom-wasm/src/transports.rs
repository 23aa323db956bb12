//! The two special transports for the package: the multipart image upload
//! (`billing/product/uploadImage`, to the big-file host) and the unsigned meter event upload
//! (`meter/uploadEvent`, with `X-Session-Id`). The rules are antom-core's (`upload`, `meter`);
//! this is type conversion only. Sizes and times travel as JavaScript numbers.

use antom_core as ac;
use wasm_bindgen::prelude::*;
use zeroize::Zeroize;

use super::{WasmClient, error};

/// A JavaScript number as a whole non-negative integer (negative or not finite: 0).
fn whole(value: f64) -> u64 {
    if value.is_finite() && value > 0.0 {
        value.min(u64::MAX as f64) as u64
    } else {
        0
    }
}

fn flat(headers: &[(String, String)]) -> Vec<JsValue> {
    headers
        .iter()
        .flat_map(|(name, value)| [JsValue::from_str(name), JsValue::from_str(value)])
        .collect()
}

/// A multipart upload ready to send (antom-core `upload::PreparedUpload`).
#[wasm_bindgen]
pub struct PreparedUpload(ac::upload::PreparedUpload);

impl Drop for PreparedUpload {
    fn drop(&mut self) {
        for (name, value) in &mut self.0.headers {
            name.zeroize();
            value.zeroize();
        }
    }
}

#[wasm_bindgen]
impl PreparedUpload {
    /// Always `POST`.
    #[wasm_bindgen(getter)]
    pub fn method(&self) -> String {
        self.0.method.clone()
    }

    /// The big-file host's origin plus the path (the gateway's own for a non-Antom gateway).
    #[wasm_bindgen(getter)]
    pub fn url(&self) -> String {
        self.0.url.clone()
    }

    /// The signed path; pass it to `verifyResponse`.
    #[wasm_bindgen(getter)]
    pub fn path(&self) -> String {
        self.0.path.clone()
    }

    /// The JSON part that was signed, byte for byte.
    #[wasm_bindgen(getter, js_name = signedJson)]
    pub fn signed_json(&self) -> String {
        self.0.signed_json.clone()
    }

    /// The whole `multipart/form-data` body.
    #[wasm_bindgen(getter)]
    pub fn body(&self) -> Vec<u8> {
        self.0.body.clone()
    }

    /// Name, value, name, value... in order, exact casing.
    pub fn headers(&self) -> Vec<JsValue> {
        flat(&self.0.headers)
    }
}

/// Prepares the upload of `file` for `productId` with the client's built-in signer at
/// `requestTime` (epoch ms). Throws `INVALID_INPUT` for a bad product id, file or content type.
#[wasm_bindgen(js_name = prepareUpload)]
pub fn prepare_upload(
    client: &WasmClient,
    product_id: &str,
    file_name: &str,
    content_type: &str,
    file: &[u8],
    request_time: f64,
) -> Result<PreparedUpload, JsValue> {
    ac::upload::prepare_upload(
        &client.client,
        product_id,
        file_name,
        content_type,
        file,
        whole(request_time),
    )
    .map(PreparedUpload)
    .map_err(error)
}

/// Throws `INVALID_INPUT` for a file size (bytes) that is zero or above the upload limit:
/// call it before reading the file.
#[wasm_bindgen(js_name = checkUploadSize)]
pub fn check_upload_size(len: f64) -> Result<(), JsValue> {
    let len = if len.is_finite() && len >= 0.0 {
        whole(len)
    } else {
        u64::MAX
    };
    ac::upload::check_upload_size(len).map_err(error)
}

/// The big-file host for a gateway host, or `undefined` when it is not one of Antom's.
#[wasm_bindgen(js_name = uploadHost)]
pub fn upload_host(gateway_host: &str) -> Option<String> {
    ac::upload::upload_host(gateway_host).map(str::to_owned)
}

/// An unsigned event upload ready to send (antom-core `meter::PreparedEventUpload`).
#[wasm_bindgen]
pub struct PreparedEventUpload(ac::meter::PreparedEventUpload);

#[wasm_bindgen]
impl PreparedEventUpload {
    /// Always `POST`.
    #[wasm_bindgen(getter)]
    pub fn method(&self) -> String {
        self.0.method.clone()
    }

    /// The gateway origin plus `/ams/api/v1/meter/uploadEvent`.
    #[wasm_bindgen(getter)]
    pub fn url(&self) -> String {
        self.0.url.clone()
    }

    /// The JSON body, as given.
    #[wasm_bindgen(getter)]
    pub fn body(&self) -> String {
        self.0.body.clone()
    }

    /// Always true: send it over HTTP/2 where the host has it.
    #[wasm_bindgen(getter)]
    pub fn http2(&self) -> bool {
        self.0.http2
    }

    /// Name, value, name, value... in order: `Content-Type`, `Accept`, `X-Session-Id`.
    pub fn headers(&self) -> Vec<JsValue> {
        flat(&self.0.headers)
    }
}

/// Prepares the event upload of `body` (a JSON object) in the session `sessionId`. Nothing is
/// signed. Throws `INVALID_INPUT` for a bad session id or body.
#[wasm_bindgen(js_name = prepareEventUpload)]
pub fn prepare_event_upload(
    client: &WasmClient,
    session_id: &str,
    body: &str,
) -> Result<PreparedEventUpload, JsValue> {
    ac::meter::prepare_event_upload(&client.client, session_id, body)
        .map(PreparedEventUpload)
        .map_err(error)
}

/// What an unsigned event-upload reply says (antom-core `meter::EventReply`).
#[wasm_bindgen]
pub struct EventReply(ac::meter::EventReply);

#[wasm_bindgen]
impl EventReply {
    /// Always false: nothing in the reply is signed.
    #[wasm_bindgen(getter)]
    pub fn verified(&self) -> bool {
        self.0.verified
    }

    /// Always the core's `Unknown` outcome (as `outcome` elsewhere in the package): an
    /// unsigned reply never proves that anything happened.
    #[wasm_bindgen(getter)]
    pub fn outcome(&self) -> String {
        self.0.outcome.as_str().to_owned()
    }

    /// `result.resultStatus` as sent (unverified), if any.
    #[wasm_bindgen(getter, js_name = resultStatus)]
    pub fn result_status(&self) -> Option<String> {
        self.0.result_status.clone()
    }

    /// `result.resultCode` as sent (unverified), if any.
    #[wasm_bindgen(getter, js_name = resultCode)]
    pub fn result_code(&self) -> Option<String> {
        self.0.result_code.clone()
    }

    /// The body, as received.
    #[wasm_bindgen(getter)]
    pub fn body(&self) -> String {
        self.0.body.clone()
    }
}

/// Reads an event-upload reply: unverified, `"UNKNOWN"`. Throws `INVALID_INPUT` when the body
/// is not UTF-8 JSON with a `result` object.
#[wasm_bindgen(js_name = readEventReply)]
pub fn read_event_reply(body: &[u8]) -> Result<EventReply, JsValue> {
    ac::meter::read_event_reply(body)
        .map(EventReply)
        .map_err(error)
}
