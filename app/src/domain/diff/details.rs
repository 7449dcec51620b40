//! Changes to the answers outside the data and use case sections:
//! organisation, contacts, connection details, GDPR and technical
//! information. None of them needs re-consent.

use serde_json::Value;

use super::{yes_no, Change, ChangeKind};
use crate::domain::content::RequestContent;

/// Labels of the answers outside the data and use case sections, by path,
/// in the order the wizard asks for them.
const DETAIL_LABELS: [(&str, &str); 38] = [
    ("organisation.legal_name", "Legal name"),
    (
        "organisation.company_or_charity_number",
        "Company or charity number",
    ),
    ("organisation.public_body", "Public body"),
    ("organisation.registered_address", "Registered address"),
    ("organisation.ico_registration", "ICO registration number"),
    ("organisation.website", "Website"),
    ("contacts.business.name", "Business contact name"),
    ("contacts.business.role", "Business contact role"),
    ("contacts.business.email", "Business contact email"),
    ("contacts.business.phone", "Business contact phone"),
    ("contacts.technical.name", "Technical contact name"),
    ("contacts.technical.role", "Technical contact role"),
    ("contacts.technical.email", "Technical contact email"),
    ("contacts.technical.phone", "Technical contact phone"),
    ("contacts.dpo.name", "Data protection officer name"),
    ("contacts.dpo.email", "Data protection officer email"),
    ("connection.name", "Connection name"),
    (
        "connection.member_description",
        "Description shown to members",
    ),
    ("connection.service_url", "Service URL"),
    ("connection.category", "Service category"),
    ("connection.expected_members", "Expected number of members"),
    (
        "connection.expected_calls_per_day",
        "Expected API calls per day",
    ),
    ("gdpr.controller_name", "Controller name"),
    ("gdpr.privacy_notice_url", "Privacy notice URL"),
    ("gdpr.dpia_done", "DPIA done"),
    ("gdpr.dpia_date", "DPIA date"),
    ("gdpr.dpia_summary_url", "DPIA summary URL"),
    ("gdpr.dpia_not_needed_reason", "Reason no DPIA is needed"),
    ("gdpr.rights_contact", "Data subject rights contact"),
    ("gdpr.security_summary", "Security measures"),
    ("gdpr.breach_process", "Breach notification process"),
    ("gdpr.declarations", "Declarations ticked"),
    ("technical.sandbox.ip_ranges", "Sandbox IP addresses"),
    ("technical.sandbox.callback_url", "Sandbox callback URL"),
    ("technical.sandbox.return_to_urls", "Sandbox return-to URLs"),
    ("technical.live.ip_ranges", "Live IP addresses"),
    ("technical.live.callback_url", "Live callback URL"),
    ("technical.live.return_to_urls", "Live return-to URLs"),
];

pub(super) fn diff_details(old: &RequestContent, new: &RequestContent, changes: &mut Vec<Change>) {
    let before = detail_values(old);
    let after = detail_values(new);
    for (path, new_value) in after {
        let old_value = before
            .iter()
            .find(|(known, _)| *known == path)
            .map_or("", |(_, value)| value.as_str());
        if old_value != new_value {
            let label = DETAIL_LABELS
                .iter()
                .find(|(known, _)| *known == path)
                .map_or_else(|| path.clone(), |(_, label)| label.to_string());
            let before = old_value.to_string();
            let kind = ChangeKind::DetailChanged {
                path,
                label,
                before,
                after: new_value,
            };
            changes.push(Change::new(kind, None));
        }
    }
}

/// Every answer outside the data and use case sections as (path, trimmed
/// text), ordered as [`DETAIL_LABELS`] lists them. The sections are walked
/// through their serde form, so an answer added to them later is diffed
/// too, under its path, before a label is written for it.
fn detail_values(content: &RequestContent) -> Vec<(String, String)> {
    let sections = [
        ("organisation", serde_json::to_value(&content.organisation)),
        ("contacts", serde_json::to_value(&content.contacts)),
        ("connection", serde_json::to_value(&content.connection)),
        ("gdpr", serde_json::to_value(&content.gdpr)),
        ("technical", serde_json::to_value(&content.technical)),
    ];
    let mut values = Vec::new();
    for (name, value) in sections {
        // serde_json fails only on maps with non-string keys, and these
        // sections have none, so the default Null is never used.
        flatten(name, &value.unwrap_or_default(), &mut values);
    }
    let position = |path: &str| DETAIL_LABELS.iter().position(|(known, _)| *known == path);
    values.sort_by_key(|(path, _)| (position(path).unwrap_or(usize::MAX), path.clone()));
    values
}

fn flatten(path: &str, value: &Value, values: &mut Vec<(String, String)>) {
    match value {
        Value::Object(members) => {
            for (key, member) in members {
                flatten(&format!("{path}.{key}"), member, values);
            }
        }
        Value::Array(items) => {
            let mut texts: Vec<String> = items.iter().map(scalar_text).collect();
            // Ticking declarations in another order changes nothing.
            if path == "gdpr.declarations" {
                texts.sort();
            }
            values.push((path.to_string(), texts.join(", ")));
        }
        scalar => values.push((path.to_string(), scalar_text(scalar))),
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.trim().to_string(),
        Value::Bool(answer) => yes_no(Some(*answer)),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
