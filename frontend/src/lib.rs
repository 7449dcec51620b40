#![recursion_limit = "256"]

//! The browser entry point: hydrates the server-rendered page.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy routes need the asynchronous form: a page whose code is in a
    // separate chunk hydrates once that chunk has loaded.
    leptos::mount::hydrate_lazy(app::App);
}
