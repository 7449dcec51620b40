//! The changes between two revisions, grouped by heading, with whether
//! members must re-consent.

use leptos::prelude::*;

use crate::domain::diff::RevisionDiff;

#[component]
pub fn RevisionChanges(diff: RevisionDiff) -> impl IntoView {
    if diff.is_empty() {
        return view! { <p data-testid="no-changes">"The two revisions have the same answers."</p> }
            .into_any();
    }
    let reconsent = if diff.needs_reconsent() {
        view! {
            <div class="notice notice--warning" data-testid="reconsent">
                <p><strong>"Members must re-consent."</strong>
                    " These changes alter what members agreed to, so the version members see goes up:"</p>
                <ul>
                    {diff.reconsent_reasons().into_iter().map(|r| view! { <li>{r.message()}</li> }).collect_view()}
                </ul>
            </div>
        }
        .into_any()
    } else {
        view! {
            <div class="notice notice--info" data-testid="reconsent">
                <p><strong>"Members do not need to re-consent."</strong>
                    " These changes give no more data, access, use or retention than members agreed to."</p>
            </div>
        }
        .into_any()
    };
    view! {
        {reconsent}
        {diff.by_group().into_iter().map(|(group, changes)| view! {
            <h3>{group.title()}</h3>
            <ul class="change-list">
                {changes.into_iter().map(|change| view! {
                    <li>
                        {change.summary()}
                        {change.reconsent.then(|| view! { " " <span class="tag tag--orange">"Re-consent"</span> })}
                    </li>
                }).collect_view()}
            </ul>
        }).collect_view()}
    }
    .into_any()
}
