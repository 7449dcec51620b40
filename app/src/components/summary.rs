//! A read-only view of a request's answers, section by section, with
//! reviewers' comments under the section they concern.

use leptos::prelude::*;

use crate::api::review::ReviewComment;
use crate::domain::catalogue::Catalogue;
use crate::domain::content::{
    label_of, RequestContent, DECLARATIONS, LAWFUL_BASES, SPECIAL_CATEGORY_CONDITIONS,
};
use crate::domain::section::Section;

fn yes_no(value: Option<bool>) -> String {
    match value {
        Some(true) => "Yes".into(),
        Some(false) => "No".into(),
        None => String::new(),
    }
}

fn rows(section: Section, c: &RequestContent, catalogue: &Catalogue) -> Vec<(String, String)> {
    let pair = |label: &str, value: &str| (label.to_string(), value.to_string());
    match section {
        Section::Organisation => vec![
            pair("Legal name", &c.organisation.legal_name),
            pair("Public body", if c.organisation.public_body { "Yes" } else { "No" }),
            pair("Company or charity number", &c.organisation.company_or_charity_number),
            pair("Registered address", &c.organisation.registered_address),
            pair("ICO registration number", &c.organisation.ico_registration),
            pair("Website", &c.organisation.website),
        ],
        Section::Contacts => {
            let contact = |who: &str, x: &crate::domain::content::Contact| {
                pair(who, &[x.name.as_str(), x.role.as_str(), x.email.as_str(), x.phone.as_str()].join(", "))
            };
            vec![
                contact("Business contact", &c.contacts.business),
                contact("Technical contact", &c.contacts.technical),
                pair("Data protection officer", &format!("{}, {}", c.contacts.dpo.name, c.contacts.dpo.email)),
            ]
        }
        Section::Connection => vec![
            pair("Connection name", &c.connection.name),
            pair("Description shown to members", &c.connection.member_description),
            pair("Service URL", &c.connection.service_url),
            pair("Service category", &c.connection.category),
            pair("Expected number of members", &c.connection.expected_members),
            pair("Expected API calls per day", &c.connection.expected_calls_per_day),
        ],
        Section::Data => c
            .chosen_fields()
            .into_iter()
            .map(|(id, permission)| {
                let label = catalogue
                    .field(id)
                    .map(|(d, f)| format!("{}: {}", d.label, f.label))
                    .unwrap_or_else(|| id.to_string());
                (label, permission.label().to_string())
            })
            .collect(),
        Section::UseCases => c
            .use_cases
            .iter()
            .map(|u| {
                let basis = label_of(&LAWFUL_BASES, &u.lawful_basis).unwrap_or("");
                let condition = label_of(&SPECIAL_CATEGORY_CONDITIONS, &u.special_category_condition)
                    .map(|l| format!("; Article 9: {l}"))
                    .unwrap_or_default();
                (
                    u.title.clone(),
                    format!(
                        "{} Lawful basis: {basis}{condition}. Retention: {}. Recipients: {}. Automated decisions: {}. Transfers outside the UK: {}.",
                        u.description,
                        u.retention,
                        if u.recipients.is_empty() { "none" } else { u.recipients.as_str() },
                        yes_no(u.automated_decision_making),
                        yes_no(u.international_transfers),
                    ),
                )
            })
            .collect(),
        Section::Gdpr => {
            let ticked = DECLARATIONS.iter().filter(|(k, _)| c.gdpr.declarations.iter().any(|d| d == k)).count();
            vec![
                pair("Data controller", &c.gdpr.controller_name),
                pair("Privacy notice", &c.gdpr.privacy_notice_url),
                pair("DPIA done", &yes_no(c.gdpr.dpia_done)),
                pair("DPIA date and summary", &format!("{} {}", c.gdpr.dpia_date, c.gdpr.dpia_summary_url)),
                pair("Why no DPIA is needed", &c.gdpr.dpia_not_needed_reason),
                pair("Rights requests contact", &c.gdpr.rights_contact),
                pair("Security measures", &c.gdpr.security_summary),
                pair("Breach process", &c.gdpr.breach_process),
                pair("Declarations ticked", &format!("{ticked} of {}", DECLARATIONS.len())),
            ]
        }
        Section::Technical => [("Sandbox", &c.technical.sandbox), ("Live", &c.technical.live)]
            .into_iter()
            .flat_map(|(name, env)| {
                [
                    (format!("{name} addresses"), env.ip_ranges.join(", ")),
                    (format!("{name} callback URL"), env.callback_url.clone()),
                    (format!("{name} return-to URLs"), env.return_to_urls.join(", ")),
                ]
            })
            .collect(),
        Section::Terms => Vec::new(),
    }
}

#[component]
pub fn RequestSummary(
    content: RequestContent,
    catalogue: Catalogue,
    comments: Vec<ReviewComment>,
    /// When set, each section gets a Change link to `{change_base}/{slug}`.
    #[prop(optional)]
    change_base: Option<String>,
) -> impl IntoView {
    Section::ALL
        .into_iter()
        .filter(|s| *s != Section::Terms)
        .map(|section| {
            view! {
                <SummarySection
                    section
                    content=content.clone()
                    catalogue=catalogue.clone()
                    comments=comments.clone()
                    change_base=change_base.clone()
                />
            }
        })
        .collect_view()
}

/// One section's answers, read-only, with the reviewers' comments on it.
#[component]
pub fn SummarySection(
    section: Section,
    content: RequestContent,
    catalogue: Catalogue,
    comments: Vec<ReviewComment>,
    /// When set, the section gets a Change link to `{change_base}/{slug}`.
    change_base: Option<String>,
    /// Content shown under the heading, such as the print header.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let section_comments: Vec<_> = comments
        .into_iter()
        .filter(|c| c.section == section)
        .collect();
    view! {
        <section class="summary-section" aria-labelledby=format!("summary-{}", section.slug())>
            {children.map(|children| children())}
            <div class="summary-section__heading">
                <h2 id=format!("summary-{}", section.slug())>{section.title()}</h2>
                {change_base.as_ref().map(|base| view! {
                    <a href=format!("{base}/{}", section.slug())>
                        "Change" <span class="visually-hidden">{format!(" {}", section.title().to_lowercase())}</span>
                    </a>
                })}
            </div>
            <dl class="summary-list">
                {rows(section, &content, &catalogue).into_iter().map(|(key, value)| view! {
                    <div class="summary-list__row">
                        <dt>{key}</dt>
                        <dd>{if value.trim().is_empty() { "Not answered".to_string() } else { value }}</dd>
                    </div>
                }).collect_view()}
            </dl>
            <CommentList comments=section_comments />
        </section>
    }
}

#[component]
pub fn CommentList(comments: Vec<ReviewComment>) -> impl IntoView {
    (!comments.is_empty()).then(|| view! {
        <div class="comments" data-testid="comments">
            <h3 class="comments__title">"Reviewer comments"</h3>
            <ul class="comments__list">
                {comments.into_iter().map(|c| view! {
                    <li class="comment">
                        <p class="comment__body">{c.body}</p>
                        <p class="caption">{format!("{} on {} UTC, revision {}", c.author, c.created_at, c.revision_number)}</p>
                    </li>
                }).collect_view()}
            </ul>
        </div>
    })
}
