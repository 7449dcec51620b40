use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::components::layout::{set_status, HydrationMark};

#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    view! {
        <Title text="Page not found" />
        <div class="panel">
            <h1>"Page not found"</h1>
            <p>"If you typed the web address, check it is correct. If you followed a link, it may be out of date."</p>
            <p><A href="/">"Go to your home page"</A></p>
        </div>
        <HydrationMark />
    }
}
