//! The two buffers the package and the glue share for the per-request calls
//! (`verifyResponse`, `verifyNotification`): the package writes the path, the header frame and
//! the body into the input buffer, and reads the verdict frame back from the output buffer in
//! place. Nothing is allocated, copied in or copied out by the generated bindings per call.
//!
//! Only public data passes through them (paths, the signed headers, bodies, verdicts): never a
//! key or an API key. WebAssembly runs one call at a time, and a call takes the input buffer
//! out while it runs, so a re-entered call finds it empty and is refused.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

/// A buffer larger than this is released after use: one large body is not kept.
const KEEP_BYTES: usize = 64 * 1024;

thread_local! {
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Makes room for `len` input bytes and returns where the package writes them (an offset in
/// the module's memory, valid until the next call into the glue).
#[wasm_bindgen(js_name = ioInput)]
pub fn io_input(len: usize) -> usize {
    INPUT.with_borrow_mut(|input| {
        // Grown (and zeroed) only when too short: the call reads just the lengths it is given,
        // all of them written by the package.
        if input.len() < len {
            input.resize(len, 0);
        }
        input.as_mut_ptr() as usize
    })
}

/// The module's `WebAssembly.Memory`, for the package to reach the two buffers.
#[wasm_bindgen(js_name = ioMemory)]
pub fn io_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Runs `call` on the input the package wrote: the path (UTF-8), the header frame and the body,
/// `lens` bytes each, one after another.
pub(crate) fn with_input<R>(
    lens: [usize; 3],
    call: impl FnOnce(&str, &[u8], &[u8]) -> Result<R, JsValue>,
) -> Result<R, JsValue> {
    let input = INPUT.with_borrow_mut(std::mem::take);
    let result = split(&input, lens).and_then(|(path, headers, body)| call(path, headers, body));
    if input.capacity() <= KEEP_BYTES {
        INPUT.with_borrow_mut(|kept| *kept = input);
    }
    result
}

fn split(input: &[u8], [path, headers, body]: [usize; 3]) -> Result<(&str, &[u8], &[u8]), JsValue> {
    let wrong = || {
        JsValue::from(JsError::new(
            "the input buffer does not hold what the call says",
        ))
    };
    let (path, rest) = input.split_at_checked(path).ok_or_else(wrong)?;
    let (headers, rest) = rest.split_at_checked(headers).ok_or_else(wrong)?;
    let body = rest.get(..body).ok_or_else(wrong)?;
    let path = std::str::from_utf8(path).map_err(|_| JsError::new("the path is not UTF-8"))?;
    Ok((path, headers, body))
}

/// Writes `bytes` (parts, one after another) to the output buffer behind their total length as
/// a little-endian `u32`; returns where it starts (valid until the next call into the glue).
pub(crate) fn output(parts: &[&[u8]]) -> usize {
    OUTPUT.with_borrow_mut(|out| {
        if out.capacity() > KEEP_BYTES {
            *out = Vec::new();
        }
        out.clear();
        let total: usize = parts.iter().map(|part| part.len()).sum();
        // A verdict's texts come from bodies within max_body_bytes (< 4 GiB).
        out.extend_from_slice(&u32::try_from(total).unwrap_or(u32::MAX).to_le_bytes());
        for part in parts {
            out.extend_from_slice(part);
        }
        out.as_ptr() as usize
    })
}
