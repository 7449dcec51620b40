//! The signed-in user's notifications.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::review::{my_notifications, MarkNotificationsRead};
use crate::components::layout::{with_user, ErrorPanel};

#[component]
pub fn NotificationsPage() -> impl IntoView {
    with_user(|_| view! { <Notifications /> })
}

#[component]
fn Notifications() -> impl IntoView {
    let mark_read = ServerAction::<MarkNotificationsRead>::new();
    let list = Resource::new(move || mark_read.version().get(), |_| my_notifications());
    view! {
        <Title text="Notifications" />
        <h1>"Notifications"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading..."</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    Ok(items) if items.is_empty() => view! { <p class="empty-state">"You have no notifications."</p> }.into_any(),
                    Ok(items) => {
                        let unread = items.iter().filter(|n| !n.read).count();
                        view! {
                            <p data-testid="unread-count">{format!("{unread} unread")}</p>
                            <ActionForm action=mark_read>
                                <button type="submit" class="button button--secondary button--small">"Mark all as read"</button>
                            </ActionForm>
                            <ul class="notification-list">
                                {items.into_iter().map(|n| view! {
                                    <li class="notification" class:notification--unread=!n.read>
                                        <A href=n.link>{n.message}</A>
                                        <span class="caption">{format!(" {} UTC", n.created_at)}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
