//! `uniffi-bindgen`, built from the same uniffi version as `bindings/antom-ffi`, so the
//! generated bindings always match the scaffolding compiled into the library.

fn main() {
    uniffi::uniffi_bindgen_main()
}
