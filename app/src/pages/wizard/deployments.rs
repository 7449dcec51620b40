//! The request's deployments: credentials shown once, and asking for
//! promotion to live.

use leptos::prelude::*;

use super::{use_wizard, Wizard};
use crate::api::deployments::{
    reveal_credentials, DeploymentView, RequestPromotion, RevealedSecrets, RotateClientSecret,
    RotatedSecret, WithdrawPromotion,
};
use crate::components::forms::{action_field_error, action_general_error, use_hydrated};
use crate::components::layout::use_session;
use crate::domain::environment::Environment;
use crate::domain::lifecycle::State;
use crate::domain::rotation::{DEFAULT_OVERLAP_HOURS, MAX_OVERLAP_HOURS};

#[component]
pub fn DeploymentsPanel() -> impl IntoView {
    let wizard = use_wizard();
    let request = ServerAction::<RequestPromotion>::new();
    let withdraw = ServerAction::<WithdrawPromotion>::new();
    // Created here rather than in a card, because a rotation changes the
    // secret's last four characters, which re-creates the card, and the
    // new secret must stay on screen.
    let rotate = ServerAction::<RotateClientSecret>::new();
    // The environment of the last rotation, so that its result is shown
    // in that environment's card only.
    let rotated_in = RwSignal::new(None::<Environment>);
    Effect::new(move |_| {
        if let Some(environment) = rotate.input().with(|i| i.as_ref().map(|i| i.environment)) {
            rotated_in.set(Some(environment));
        }
    });
    Effect::new(move |_| {
        let done = request.value().with(|r| matches!(r, Some(Ok(_))))
            || withdraw.value().with(|r| matches!(r, Some(Ok(_))))
            || rotate.value().with(|r| matches!(r, Some(Ok(_))));
        if done {
            wizard.refresh();
        }
    });
    view! {
        <Show when=move || wizard.deployments.with(|d| !d.is_empty())>
            <section class="panel" aria-labelledby="deployments-heading">
                <h2 id="deployments-heading">"Deployments"</h2>
                <For each=move || wizard.deployments.get() key=|d| (d.environment, d.revision_number, d.token_last_four.clone(), d.secret_last_four.clone(), d.disabled) let:deployment>
                    <DeploymentCard deployment rotate rotated_in />
                </For>
            </section>
        </Show>
        <Promotion wizard request withdraw />
    }
}

#[component]
fn DeploymentCard(
    deployment: DeploymentView,
    rotate: ServerAction<RotateClientSecret>,
    rotated_in: RwSignal<Option<Environment>>,
) -> impl IntoView {
    let wizard = use_wizard();
    let environment = deployment.environment;
    let revealed = RwSignal::new(None::<RevealedSecrets>);
    let error = RwSignal::new(None::<String>);
    let issued = deployment.token_last_four.is_some();
    // Organisation admins rotate the client secret once it was shown,
    // while the connection is not suspended. The server checks again.
    let rotatable = deployment.secret_last_four.is_some() && !deployment.disabled;
    let session = use_session();
    let is_admin = move || {
        session
            .user
            .get()
            .and_then(Result::ok)
            .flatten()
            .is_some_and(|user| user.is_current_admin())
    };
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
                <div class="summary-list__row"><dt>"Client secret"</dt><dd data-testid="secret-last-four">{last_four(&deployment.secret_last_four)}</dd></div>
                {deployment.retiring_secret.clone().map(|old| view! {
                    <div class="summary-list__row"><dt>"Previous client secret"</dt>
                        <dd data-testid="retiring-secret">{format!("ending in {}, works until {} UTC", old.last_four, old.expires_at)}</dd></div>
                })}
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
            {move || rotation_result(rotate, rotated_in, environment).get().and_then(Result::ok)
                .map(|secret| view! { <RotatedSecretOnce secret /> })}
            {move || (is_admin() && rotatable).then(|| view! { <RotateSecretForm rotate rotated_in environment /> })}
        </div>
    }
}

/// Returns the last rotation's result when it was for `environment`.
fn rotation_result(
    rotate: ServerAction<RotateClientSecret>,
    rotated_in: RwSignal<Option<Environment>>,
    environment: Environment,
) -> Signal<Option<Result<RotatedSecret, crate::error::AppError>>> {
    Signal::derive(move || {
        if rotated_in.get() == Some(environment) {
            rotate.value().get()
        } else {
            None
        }
    })
}

/// Copies `value` to the clipboard when the button is pressed.
fn copy_to_clipboard(value: String) -> impl Fn(leptos::ev::MouseEvent) + Clone {
    move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(window) = web_sys::window() {
            let _ = window.navigator().clipboard().write_text(&value);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &value;
    }
}

/// Rotating the client secret: the admin chooses how long the old secret
/// keeps working beside the new one.
#[component]
fn RotateSecretForm(
    rotate: ServerAction<RotateClientSecret>,
    rotated_in: RwSignal<Option<Environment>>,
    environment: Environment,
) -> impl IntoView {
    let wizard = use_wizard();
    // The new secret is shown once, so the form waits for the page to
    // hydrate: posted without JavaScript, the reply would be lost.
    let hydrated = use_hydrated();
    let result = rotation_result(rotate, rotated_in, environment);
    let overlap_error = action_field_error(result, "overlap_hours");
    let general = action_general_error(result);
    let input_id = format!("overlap-{}", environment.as_str());
    let hint_id = format!("{input_id}-hint");
    let error_id = format!("{input_id}-error");
    view! {
        <ActionForm action=rotate attr:novalidate=true attr:class="form rotate-secret">
            <input type="hidden" name="connection_id" value=wizard.connection_id.to_string() />
            <input type="hidden" name="environment" value=environment.as_str() />
            <h4>{format!("Rotate the {} client secret", environment.label().to_lowercase())}</h4>
            <div class="field" class:field--error=move || overlap_error.get().is_some()>
                <label class="field__label" for=input_id.clone()>"Overlap (hours)"</label>
                <p class="field__hint" id=hint_id.clone()>{format!(
                    "The old secret keeps working for this long beside the new one, so your services can switch without downtime. 0 stops it at once; at most {MAX_OVERLAP_HOURS} (30 days)."
                )}</p>
                <p class="field__error" id=error_id.clone() hidden=move || overlap_error.get().is_none()>
                    <span class="visually-hidden">"Error: "</span>{move || overlap_error.get()}
                </p>
                <input class="input input--short" type="number" min="0" max=MAX_OVERLAP_HOURS.to_string()
                    id=input_id name="overlap_hours" value=DEFAULT_OVERLAP_HOURS.to_string()
                    aria-invalid=move || overlap_error.get().is_some().to_string()
                    aria-describedby=move || if overlap_error.get().is_some() { format!("{hint_id} {error_id}") } else { hint_id.clone() } />
            </div>
            {move || general.get().map(|e| view! { <p class="field__error" role="alert">{e}</p> })}
            <button type="submit" class="button button--secondary" disabled=move || !hydrated.get() || rotate.pending().get()>
                {format!("Rotate {} client secret", environment.label().to_lowercase())}
            </button>
        </ActionForm>
    }
}

#[component]
fn RotatedSecretOnce(secret: RotatedSecret) -> impl IntoView {
    let label = secret.environment.label();
    view! {
        <div class="notice notice--warning" role="alert" data-testid="rotated-secret">
            <p><strong>"Copy the new client secret now. It will not be shown again: only its last four characters are kept."</strong></p>
            <dl class="summary-list">
                <div class="summary-list__row"><dt>"New client secret"</dt><dd><code data-testid="new-client-secret">{secret.client_secret.clone()}</code>
                    " " <button type="button" class="button button--secondary button--small" aria-label=format!("Copy the new {label} client secret") on:click=copy_to_clipboard(secret.client_secret.clone())>"Copy"</button></dd></div>
            </dl>
            <p>{format!("The old secret ending in {} works until {} UTC. Switch your services to the new one before then.", secret.old_last_four, secret.old_expires_at)}</p>
        </div>
    }
}

#[component]
fn SecretsOnce(secrets: RevealedSecrets) -> impl IntoView {
    let copy = copy_to_clipboard;
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
