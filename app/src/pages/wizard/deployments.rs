//! The request's deployments: credentials shown once, and asking for
//! promotion to live.

use leptos::prelude::*;

use super::{use_wizard, Wizard};
use crate::api::deployments::{
    reveal_credentials, DeploymentView, RequestPromotion, RevealedSecrets, WithdrawPromotion,
};
use crate::components::forms::action_field_error;
use crate::domain::lifecycle::State;

#[component]
pub fn DeploymentsPanel() -> impl IntoView {
    let wizard = use_wizard();
    let request = ServerAction::<RequestPromotion>::new();
    let withdraw = ServerAction::<WithdrawPromotion>::new();
    Effect::new(move |_| {
        let done = request.value().with(|r| matches!(r, Some(Ok(_))))
            || withdraw.value().with(|r| matches!(r, Some(Ok(_))));
        if done {
            wizard.refresh();
        }
    });
    view! {
        <Show when=move || wizard.deployments.with(|d| !d.is_empty())>
            <section class="panel" aria-labelledby="deployments-heading">
                <h2 id="deployments-heading">"Deployments"</h2>
                <For each=move || wizard.deployments.get() key=|d| (d.environment, d.revision_number, d.token_last_four.clone()) let:deployment>
                    <DeploymentCard deployment />
                </For>
            </section>
        </Show>
        <Promotion wizard request withdraw />
    }
}

#[component]
fn DeploymentCard(deployment: DeploymentView) -> impl IntoView {
    let wizard = use_wizard();
    let environment = deployment.environment;
    let revealed = RwSignal::new(None::<RevealedSecrets>);
    let error = RwSignal::new(None::<String>);
    let issued = deployment.token_last_four.is_some();
    let reveal = move |_| {
        leptos::task::spawn_local(async move {
            match reveal_credentials(wizard.connection_id, environment).await {
                Ok(secrets) => revealed.set(Some(secrets)),
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    let last_four = |value: &Option<String>| {
        value
            .as_ref()
            .map(|v| format!("ending in {v}"))
            .unwrap_or_else(|| "not issued yet".into())
    };
    view! {
        <div class="card" data-testid=format!("deployment-{}", environment.as_str())>
            <h3 class="card__title">{format!("{} (revision {})", environment.label(), deployment.revision_number)}
                {deployment.disabled.then(|| view! { " " <span class="tag tag--red">"Credentials disabled"</span> })}
            </h3>
            <dl class="summary-list">
                <div class="summary-list__row"><dt>"Connection NID"</dt><dd>{deployment.nid}</dd></div>
                <div class="summary-list__row"><dt>"OAuth2 client id"</dt><dd><code>{deployment.client_id.clone()}</code></dd></div>
                <div class="summary-list__row"><dt>"Connection token"</dt><dd data-testid="token-last-four">{last_four(&deployment.token_last_four)}</dd></div>
                <div class="summary-list__row"><dt>"Client secret"</dt><dd>{last_four(&deployment.secret_last_four)}</dd></div>
                <div class="summary-list__row"><dt>"API base URL"</dt><dd><code>{deployment.api_base_url.clone()}</code></dd></div>
                <div class="summary-list__row"><dt>"Callback URL"</dt><dd>{deployment.callback_url.clone()}</dd></div>
                <div class="summary-list__row"><dt>"Whitelisted addresses"</dt><dd>{deployment.whitelisted.join(", ")}</dd></div>
                <div class="summary-list__row"><dt>"Deployed"</dt><dd>{format!("{} UTC", deployment.deployed_at)}</dd></div>
            </dl>
            {move || match revealed.get() {
                Some(secrets) => view! { <SecretsOnce secrets /> }.into_any(),
                None if !issued => view! {
                    <p>"The connection token and client secret are shown once. Have somewhere safe to store them before you continue."</p>
                    <button type="button" class="button" on:click=reveal>{format!("Show {} credentials", environment.label().to_lowercase())}</button>
                }.into_any(),
                None => ().into_any(),
            }}
            <Show when=move || error.get().is_some()>
                <p class="field__error" role="alert">{move || error.get()}</p>
            </Show>
        </div>
    }
}

#[component]
fn SecretsOnce(secrets: RevealedSecrets) -> impl IntoView {
    let copy = |value: String| {
        move |_| {
            #[cfg(feature = "hydrate")]
            if let Some(window) = web_sys::window() {
                let _ = window.navigator().clipboard().write_text(&value);
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = &value;
        }
    };
    let environment = secrets.environment;
    view! {
        <div class="notice notice--warning" role="alert" data-testid="secrets">
            <p><strong>"Copy these now. They will not be shown again: only their last four characters are kept."</strong></p>
            <dl class="summary-list">
                <div class="summary-list__row"><dt>"Connection token"</dt><dd><code data-testid="connection-token">{secrets.connection_token.clone()}</code>
                    " " <button type="button" class="button button--secondary button--small" aria-label=format!("Copy the {} connection token", environment.label()) on:click=copy(secrets.connection_token.clone())>"Copy"</button></dd></div>
                <div class="summary-list__row"><dt>"Client secret"</dt><dd><code data-testid="client-secret">{secrets.client_secret.clone()}</code>
                    " " <button type="button" class="button button--secondary button--small" aria-label=format!("Copy the {} client secret", environment.label()) on:click=copy(secrets.client_secret.clone())>"Copy"</button></dd></div>
            </dl>
        </div>
    }
}

#[component]
fn Promotion(
    wizard: Wizard,
    request: ServerAction<RequestPromotion>,
    withdraw: ServerAction<WithdrawPromotion>,
) -> impl IntoView {
    let summary_error = action_field_error(request.value().into(), "test_summary");
    let general = move || match request.value().get().or_else(|| withdraw.value().get()) {
        Some(Err(crate::error::AppError::Validation(_))) | None | Some(Ok(_)) => None,
        Some(Err(e)) => Some(e.to_string()),
    };
    view! {
        <Show when=move || wizard.state.get() == State::Sandbox>
            <section class="panel" aria-labelledby="promotion-heading">
                <h2 id="promotion-heading">"Request promotion to live"</h2>
                <p>"When your tests on the sandbox pass, ask the operator to deploy this revision to live. Live credentials are issued when staff promote it."</p>
                <ActionForm action=request attr:class="form">
                    <input type="hidden" name="connection_id" value=wizard.connection_id.to_string() />
                    <input type="hidden" name="version" value=move || wizard.version.get().to_string() />
                    <div class="field" class:field--error=move || summary_error.get().is_some()>
                        <label class="field__label" for="f-test_summary">"Summary of your sandbox tests"</label>
                        <p class="field__error" hidden=move || summary_error.get().is_none()>{move || summary_error.get()}</p>
                        <textarea class="input input--area" id="f-test_summary" name="test_summary"></textarea>
                    </div>
                    <button type="submit" class="button">"Request promotion"</button>
                </ActionForm>
            </section>
        </Show>
        <Show when=move || wizard.state.get() == State::PromotionRequested>
            <section class="panel" aria-labelledby="promotion-heading">
                <h2 id="promotion-heading">"Promotion requested"</h2>
                <p>"Staff are checking your request to go live. You can withdraw it while they decide."</p>
                <ActionForm action=withdraw>
                    <input type="hidden" name="connection_id" value=wizard.connection_id.to_string() />
                    <input type="hidden" name="version" value=move || wizard.version.get().to_string() />
                    <button type="submit" class="button button--secondary">"Withdraw promotion request"</button>
                </ActionForm>
            </section>
        </Show>
        {move || general().map(|e| view! { <p class="field__error" role="alert">{e}</p> })}
    }
}
