//! Differences between two revisions' request content, and whether they
//! change what members agreed to, in which case members must re-consent.
//!
//! Re-consent is needed for:
//! - more data: a field added;
//! - more access: read or write gained, a transactional operation added;
//! - a new or wider use: a use case added or given more fields, a lawful
//!   basis or special-category condition changed, automated
//!   decision-making or transfers outside the UK turned on, recipients
//!   named where there were none;
//! - longer retention, or a retention period that cannot be compared.
//!
//! Wording, contacts, technical details, fewer fields and removed use cases
//! need none.

mod data;
mod details;
mod retention;
mod use_cases;

use serde::{Deserialize, Serialize};

use super::catalogue::Catalogue;
use super::content::{label_of, Permission, RequestContent, TransactionalOperation};

pub use retention::retention_days;

/// Reason a change means members must re-consent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReconsentReason {
    MoreData,
    MoreAccess,
    NewOrWiderUse,
    LongerRetention,
    /// A retention period changed and could not be compared with the old
    /// one, so it may be longer.
    RetentionUnclear,
}

impl ReconsentReason {
    pub fn message(self) -> &'static str {
        match self {
            ReconsentReason::MoreData => {
                "Collects or delivers data that members have not agreed to share."
            }
            ReconsentReason::MoreAccess => {
                "Gains read or write access that members have not agreed to."
            }
            ReconsentReason::NewOrWiderUse => "Uses members' data for a new or wider purpose.",
            ReconsentReason::LongerRetention => "Keeps members' data for longer.",
            ReconsentReason::RetentionUnclear => {
                "The new retention period cannot be compared with the old one, so the \
                 reviewer must check whether it is longer."
            }
        }
    }
}

/// The heading a change is listed under, in display order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeGroup {
    Datasets,
    Fields,
    Permissions,
    Operations,
    UseCases,
    Details,
}

impl ChangeGroup {
    pub const ALL: [ChangeGroup; 6] = [
        ChangeGroup::Datasets,
        ChangeGroup::Fields,
        ChangeGroup::Permissions,
        ChangeGroup::Operations,
        ChangeGroup::UseCases,
        ChangeGroup::Details,
    ];

    pub fn title(self) -> &'static str {
        match self {
            ChangeGroup::Datasets => "Datasets",
            ChangeGroup::Fields => "Fields",
            ChangeGroup::Permissions => "Permissions",
            ChangeGroup::Operations => "Transactional operations",
            ChangeGroup::UseCases => "Use cases",
            ChangeGroup::Details => "Other answers",
        }
    }
}

/// One answer of a use case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UseCaseItem {
    /// A change of case or spacing only. Use cases are matched by title, so
    /// any other new title shows as one use case removed and one added.
    Title,
    Description,
    LawfulBasis,
    SpecialCategoryCondition,
    Retention,
    Recipients,
    AutomatedDecisionMaking,
    AutomatedDecisionLogic,
    InternationalTransfers,
    TransferSafeguard,
}

impl UseCaseItem {
    pub fn label(self) -> &'static str {
        match self {
            UseCaseItem::Title => "Title",
            UseCaseItem::Description => "Description",
            UseCaseItem::LawfulBasis => "Lawful basis",
            UseCaseItem::SpecialCategoryCondition => "Special-category condition",
            UseCaseItem::Retention => "Retention",
            UseCaseItem::Recipients => "Recipients",
            UseCaseItem::AutomatedDecisionMaking => "Automated decision-making",
            UseCaseItem::AutomatedDecisionLogic => "Automated decision logic",
            UseCaseItem::InternationalTransfers => "Transfers outside the UK",
            UseCaseItem::TransferSafeguard => "Transfer safeguard",
        }
    }
}

/// A change between two revisions. Dataset and field labels come from the
/// catalogue, or are the id when the catalogue does not have it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChangeKind {
    DatasetAdded {
        dataset: String,
        label: String,
    },
    DatasetRemoved {
        dataset: String,
        label: String,
    },
    FieldAdded {
        field: String,
        label: String,
        permission: Permission,
        special_category: bool,
    },
    FieldRemoved {
        field: String,
        label: String,
        permission: Permission,
    },
    PermissionChanged {
        field: String,
        label: String,
        from: Permission,
        to: Permission,
    },
    OperationAdded {
        dataset: String,
        label: String,
        operation: TransactionalOperation,
    },
    OperationRemoved {
        dataset: String,
        label: String,
        operation: TransactionalOperation,
    },
    UseCaseAdded {
        title: String,
    },
    UseCaseRemoved {
        title: String,
    },
    UseCaseFieldAdded {
        use_case: String,
        field: String,
        label: String,
    },
    UseCaseFieldRemoved {
        use_case: String,
        field: String,
        label: String,
    },
    /// Values are shown as the user sees them: labels for lawful bases and
    /// conditions, "Yes", "No" or blank for yes/no answers.
    UseCaseChanged {
        use_case: String,
        item: UseCaseItem,
        before: String,
        after: String,
    },
    /// An answer in the organisation, contacts, connection, GDPR or
    /// technical section. `path` is the answer's field path, such as
    /// `contacts.business.email`. Lists are joined with ", ".
    DetailChanged {
        path: String,
        label: String,
        before: String,
        after: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub kind: ChangeKind,
    /// Members must re-consent because of this change.
    pub reconsent: bool,
    /// The reason re-consent is needed, `Some` exactly when `reconsent` is
    /// true.
    pub reason: Option<ReconsentReason>,
}

impl Change {
    fn new(kind: ChangeKind, reason: Option<ReconsentReason>) -> Change {
        Change {
            kind,
            reconsent: reason.is_some(),
            reason,
        }
    }

    pub fn group(&self) -> ChangeGroup {
        match self.kind {
            ChangeKind::DatasetAdded { .. } | ChangeKind::DatasetRemoved { .. } => {
                ChangeGroup::Datasets
            }
            ChangeKind::FieldAdded { .. } | ChangeKind::FieldRemoved { .. } => ChangeGroup::Fields,
            ChangeKind::PermissionChanged { .. } => ChangeGroup::Permissions,
            ChangeKind::OperationAdded { .. } | ChangeKind::OperationRemoved { .. } => {
                ChangeGroup::Operations
            }
            ChangeKind::UseCaseAdded { .. }
            | ChangeKind::UseCaseRemoved { .. }
            | ChangeKind::UseCaseFieldAdded { .. }
            | ChangeKind::UseCaseFieldRemoved { .. }
            | ChangeKind::UseCaseChanged { .. } => ChangeGroup::UseCases,
            ChangeKind::DetailChanged { .. } => ChangeGroup::Details,
        }
    }

    /// Describes the change in one plain-English line, such as
    /// "Field 'Date of birth' added (read)".
    pub fn summary(&self) -> String {
        match &self.kind {
            ChangeKind::DatasetAdded { label, .. } => format!("Dataset '{label}' added"),
            ChangeKind::DatasetRemoved { label, .. } => format!("Dataset '{label}' removed"),
            ChangeKind::FieldAdded {
                label,
                permission,
                special_category,
                ..
            } => {
                let permission = permission_words(*permission);
                if *special_category {
                    format!("Field '{label}' added ({permission}, special category)")
                } else {
                    format!("Field '{label}' added ({permission})")
                }
            }
            ChangeKind::FieldRemoved { label, .. } => format!("Field '{label}' removed"),
            ChangeKind::PermissionChanged {
                label, from, to, ..
            } => format!(
                "Field '{label}' changed from {} to {}",
                permission_words(*from),
                permission_words(*to)
            ),
            ChangeKind::OperationAdded {
                label, operation, ..
            } => format!("Operation '{}' added on '{label}'", operation.label()),
            ChangeKind::OperationRemoved {
                label, operation, ..
            } => format!("Operation '{}' removed from '{label}'", operation.label()),
            ChangeKind::UseCaseAdded { title } => format!("Use case '{title}' added"),
            ChangeKind::UseCaseRemoved { title } => format!("Use case '{title}' removed"),
            ChangeKind::UseCaseFieldAdded {
                use_case, label, ..
            } => format!("Use case '{use_case}' now uses field '{label}'"),
            ChangeKind::UseCaseFieldRemoved {
                use_case, label, ..
            } => format!("Use case '{use_case}' no longer uses field '{label}'"),
            ChangeKind::UseCaseChanged {
                use_case,
                item,
                before,
                after,
            } => {
                let subject = format!("{} of use case '{use_case}'", item.label());
                value_change(&subject, before, after)
            }
            ChangeKind::DetailChanged {
                label,
                before,
                after,
                ..
            } => value_change(label, before, after),
        }
    }
}

fn permission_words(permission: Permission) -> String {
    permission.label().to_lowercase()
}

fn value_change(subject: &str, before: &str, after: &str) -> String {
    if before.is_empty() {
        format!("{subject} set to '{after}'")
    } else if after.is_empty() {
        format!("{subject} cleared (was '{before}')")
    } else {
        format!("{subject} changed from '{before}' to '{after}'")
    }
}

/// The changes from one revision to another, ordered by [`ChangeGroup`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionDiff {
    pub changes: Vec<Change>,
}

impl RevisionDiff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Whether members must re-consent, so the version members see goes up.
    pub fn needs_reconsent(&self) -> bool {
        self.changes.iter().any(|c| c.reconsent)
    }

    /// Returns the distinct reasons for re-consent, in [`ReconsentReason`]
    /// order.
    pub fn reconsent_reasons(&self) -> Vec<ReconsentReason> {
        let mut reasons: Vec<ReconsentReason> =
            self.changes.iter().filter_map(|c| c.reason).collect();
        reasons.sort();
        reasons.dedup();
        reasons
    }

    pub fn reconsent_changes(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.reconsent)
    }

    /// Returns the groups that have changes, in display order, with their
    /// changes.
    pub fn by_group(&self) -> Vec<(ChangeGroup, Vec<&Change>)> {
        ChangeGroup::ALL
            .into_iter()
            .map(|group| {
                let changes = self.changes.iter().filter(|c| c.group() == group);
                (group, changes.collect::<Vec<_>>())
            })
            .filter(|(_, changes)| !changes.is_empty())
            .collect()
    }
}

/// Lists what changed from `old` to `new`, with the catalogue supplying
/// dataset and field labels.
pub fn diff(old: &RequestContent, new: &RequestContent, catalogue: &Catalogue) -> RevisionDiff {
    let mut changes = Vec::new();
    data::diff_datasets(old, new, catalogue, &mut changes);
    data::diff_fields(old, new, catalogue, &mut changes);
    data::diff_operations(old, new, catalogue, &mut changes);
    use_cases::diff_use_cases(old, new, catalogue, &mut changes);
    details::diff_details(old, new, &mut changes);
    changes.sort_by_key(Change::group);
    RevisionDiff { changes }
}

fn dataset_label(catalogue: &Catalogue, id: &str) -> String {
    catalogue
        .dataset(id)
        .map_or_else(|| id.to_string(), |d| d.label.clone())
}

fn field_label(catalogue: &Catalogue, id: &str) -> String {
    catalogue
        .field(id)
        .map_or_else(|| id.to_string(), |(_, f)| f.label.clone())
}

/// Lowercases text and collapses its spaces, so that use case titles
/// match, and retention periods compare, regardless of case and spacing.
fn normalised(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn key_label(table: &[(&'static str, &'static str)], key: &str) -> String {
    label_of(table, key).map_or_else(|| key.to_string(), str::to_string)
}

fn yes_no(answer: Option<bool>) -> String {
    match answer {
        Some(true) => "Yes".to_string(),
        Some(false) => "No".to_string(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::content::{DatasetChoice, UseCase};
    use serde_json::json;

    /// Builds the catalogue datasets that the two sample requests use.
    fn catalogue() -> Catalogue {
        let datasets = [
            (
                "field_ds_personal_details",
                "Personal details",
                "metadata",
                vec![
                    ("field_personal_fname", "First name"),
                    ("field_personal_lname", "Last name"),
                    ("field_personal_dob", "Date of birth"),
                ],
            ),
            (
                "field_ds_contact_details",
                "Contact details",
                "metadata",
                vec![
                    ("field_contact_email", "Email address"),
                    ("field_contact_mobile", "Mobile phone"),
                ],
            ),
            (
                "field_ds_address",
                "Address",
                "metadata",
                vec![
                    ("field_address_line1", "Address line 1"),
                    ("field_address_town", "Town or city"),
                    ("field_address_postcode", "Postcode"),
                    ("field_address_uprn", "Unique property reference number"),
                ],
            ),
            (
                "field_ds_health",
                "Health and disability",
                "metadata",
                vec![
                    ("field_health_mobility_needs", "Mobility needs"),
                    ("field_health_conditions", "Long-term health conditions"),
                ],
            ),
            (
                "field_ds_vehicle",
                "Vehicles",
                "metadata",
                vec![
                    ("field_vehicle_blue_badge_number", "Blue Badge number"),
                    ("field_vehicle_blue_badge_expiry", "Blue Badge expiry date"),
                ],
            ),
            (
                "field_ds_household",
                "Household",
                "metadata",
                vec![
                    ("field_household_size", "Number of people in household"),
                    ("field_household_tenure", "Housing tenure"),
                ],
            ),
            (
                "field_ds_utility",
                "Utility accounts",
                "metadata",
                vec![
                    ("field_utility_supplier", "Supplier"),
                    ("field_utility_tariff", "Tariff"),
                    (
                        "field_utility_priority_services",
                        "On priority services register",
                    ),
                ],
            ),
            (
                "ds_referrals",
                "Referrals",
                "transactional",
                vec![
                    ("referral_date", "Referral date"),
                    ("referral_from", "Referring organisation"),
                    ("referral_to", "Receiving organisation"),
                    ("referral_reason", "Reason for referral"),
                    ("referral_status", "Status"),
                ],
            ),
        ];
        let datasets: Vec<serde_json::Value> = datasets
            .into_iter()
            .map(|(id, label, kind, fields)| {
                let fields: Vec<serde_json::Value> = fields
                    .into_iter()
                    .map(|(field_id, field_label)| {
                        json!({
                            "id": field_id,
                            "label": field_label,
                            "field_type": "text",
                            "special_category": field_id.starts_with("field_health_"),
                        })
                    })
                    .collect();
                json!({"id": id, "label": label, "kind": kind, "fields": fields})
            })
            .collect();
        serde_json::from_value(json!({ "datasets": datasets }))
            .expect("catalogue matches Catalogue")
    }

    /// Builds the Blue Badge renewal sample request, with numbers as typed
    /// text.
    fn blue_badge() -> RequestContent {
        serde_json::from_value(json!({
            "organisation": {
                "legal_name": "Northshire County Council",
                "company_or_charity_number": "",
                "public_body": true,
                "registered_address": "County Hall, Market Street, Northshire, NS1 2AB",
                "ico_registration": "Z5678123",
                "website": "https://www.northshire.example.gov.uk"
            },
            "contacts": {
                "business": {"name": "Priya Raman", "role": "Blue Badge service manager", "email": "priya.raman@northshire.example.gov.uk", "phone": "01632 960123"},
                "technical": {"name": "Tom Okafor", "role": "Integration lead", "email": "tom.okafor@northshire.example.gov.uk", "phone": "01632 960456"},
                "dpo": {"name": "Helen Marsh", "email": "dpo@northshire.example.gov.uk"}
            },
            "connection": {
                "name": "Blue Badge renewal",
                "member_description": "Renew your Blue Badge without filling in the same details again. We read your name, address and mobility needs, and write your new badge number and expiry date back to your data store.",
                "service_url": "https://bluebadge.northshire.example.gov.uk",
                "category": "Local government",
                "expected_members": "12000",
                "expected_calls_per_day": "400"
            },
            "data": [
                {"dataset": "field_ds_personal_details", "fields": {"field_personal_fname": "r", "field_personal_lname": "r", "field_personal_dob": "r"}},
                {"dataset": "field_ds_address", "fields": {"field_address_line1": "r", "field_address_town": "r", "field_address_postcode": "r", "field_address_uprn": "r"}},
                {"dataset": "field_ds_health", "fields": {"field_health_mobility_needs": "r"}},
                {"dataset": "field_ds_vehicle", "fields": {"field_vehicle_blue_badge_number": "rw", "field_vehicle_blue_badge_expiry": "rw"}}
            ],
            "use_cases": [
                {
                    "title": "Check eligibility and identity for renewal",
                    "description": "We confirm who you are and where you live, and check that your mobility needs still meet the Blue Badge criteria.",
                    "fields": ["field_personal_fname", "field_personal_lname", "field_personal_dob", "field_address_line1", "field_address_town", "field_address_postcode", "field_address_uprn", "field_health_mobility_needs"],
                    "lawful_basis": "public_task",
                    "special_category_condition": "substantial_public_interest",
                    "retention": "3 years after the badge expires",
                    "recipients": "Blue Badge print supplier (processor)",
                    "automated_decision_making": false,
                    "international_transfers": false
                },
                {
                    "title": "Keep your badge details up to date",
                    "description": "When a new badge is issued we write its number and expiry date to your data store so you always have them to hand.",
                    "fields": ["field_vehicle_blue_badge_number", "field_vehicle_blue_badge_expiry"],
                    "lawful_basis": "public_task",
                    "retention": "Until the badge expires",
                    "recipients": "",
                    "automated_decision_making": false,
                    "international_transfers": false
                }
            ],
            "gdpr": {
                "controller_name": "Northshire County Council",
                "privacy_notice_url": "https://www.northshire.example.gov.uk/privacy/blue-badge",
                "dpia_done": true,
                "dpia_date": "2026-09-14",
                "dpia_summary_url": "https://www.northshire.example.gov.uk/privacy/blue-badge-dpia",
                "rights_contact": "dataprotection@northshire.example.gov.uk",
                "security_summary": "Cyber Essentials Plus; data encrypted at rest and in transit; access limited to the Blue Badge team.",
                "breach_process": "Reported to the DPO within 24 hours and to the ICO within 72 hours where required."
            },
            "technical": {
                "sandbox": {"ip_ranges": ["192.0.2.10", "192.0.2.64/28"], "callback_url": "https://sandbox.bluebadge.northshire.example.gov.uk/pds/callback", "return_to_urls": ["https://sandbox.bluebadge.northshire.example.gov.uk/connected"]},
                "live": {"ip_ranges": ["198.51.100.20"], "callback_url": "https://bluebadge.northshire.example.gov.uk/pds/callback", "return_to_urls": ["https://bluebadge.northshire.example.gov.uk/connected"]}
            }
        }))
        .expect("Blue Badge sample matches RequestContent")
    }

    /// Builds the energy support referral sample request, with numbers as
    /// typed text.
    fn energy_referral() -> RequestContent {
        serde_json::from_value(json!({
            "organisation": {
                "legal_name": "Warm Homes Trust",
                "company_or_charity_number": "SC049876",
                "public_body": false,
                "registered_address": "14 Harbour Lane, Leith, Edinburgh, EH6 6QX",
                "ico_registration": "ZB123987",
                "website": "https://www.warmhomes.example.org.uk"
            },
            "contacts": {
                "business": {"name": "Morag Fraser", "role": "Advice services lead", "email": "morag.fraser@warmhomes.example.org.uk", "phone": "0131 496 0789"},
                "technical": {"name": "Dev Patel", "role": "Contractor developer", "email": "dev@warmhomes.example.org.uk", "phone": "0131 496 0111"},
                "dpo": {"name": "Alan Greig", "email": "privacy@warmhomes.example.org.uk"}
            },
            "connection": {
                "name": "Energy support referral",
                "member_description": "Get help with heating costs. With your agreement we read your household and energy account details so an adviser can check grants you may be entitled to, and we add a referral record to your data store.",
                "service_url": "https://help.warmhomes.example.org.uk",
                "category": "Charity and advice",
                "expected_members": "3500",
                "expected_calls_per_day": "150"
            },
            "data": [
                {"dataset": "field_ds_personal_details", "fields": {"field_personal_fname": "r", "field_personal_lname": "r"}},
                {"dataset": "field_ds_contact_details", "fields": {"field_contact_email": "r", "field_contact_mobile": "r"}},
                {"dataset": "field_ds_household", "fields": {"field_household_size": "r", "field_household_tenure": "r"}},
                {"dataset": "field_ds_utility", "fields": {"field_utility_supplier": "r", "field_utility_tariff": "r", "field_utility_priority_services": "rw"}},
                {"dataset": "ds_referrals", "fields": {"referral_date": "w", "referral_from": "w", "referral_to": "w", "referral_reason": "w", "referral_status": "rw"}}
            ],
            "use_cases": [
                {
                    "title": "Grant eligibility check",
                    "description": "An adviser looks at your household and energy account to find grants and discounts you can claim.",
                    "fields": ["field_personal_fname", "field_personal_lname", "field_contact_email", "field_contact_mobile", "field_household_size", "field_household_tenure", "field_utility_supplier", "field_utility_tariff", "field_utility_priority_services"],
                    "lawful_basis": "consent",
                    "retention": "2 years after your last contact with us",
                    "recipients": "",
                    "automated_decision_making": false,
                    "international_transfers": false
                },
                {
                    "title": "Referral tracking",
                    "description": "We record referrals we make for you to other services, and keep their status up to date.",
                    "fields": ["referral_date", "referral_from", "referral_to", "referral_reason", "referral_status"],
                    "lawful_basis": "legitimate_interests",
                    "retention": "2 years",
                    "recipients": "Partner advice agencies named in each referral",
                    "automated_decision_making": false,
                    "international_transfers": false
                }
            ],
            "gdpr": {
                "controller_name": "Warm Homes Trust",
                "privacy_notice_url": "https://www.warmhomes.example.org.uk/privacy",
                "dpia_done": false,
                "dpia_not_needed_reason": "Screening found no high risk: no special-category data, no profiling, small scale.",
                "rights_contact": "privacy@warmhomes.example.org.uk",
                "security_summary": "Cloud-hosted CRM with multi-factor sign-in; staff trained yearly.",
                "breach_process": "Incident log reviewed by the DPO; ICO notified within 72 hours where required."
            },
            "technical": {
                "sandbox": {"ip_ranges": ["2001:db8:10::/48"], "callback_url": "https://sandbox.help.warmhomes.example.org.uk/callback", "return_to_urls": ["https://sandbox.help.warmhomes.example.org.uk/done"]},
                "live": {"ip_ranges": ["203.0.113.7"], "callback_url": "https://help.warmhomes.example.org.uk/callback", "return_to_urls": ["https://help.warmhomes.example.org.uk/done"]}
            }
        }))
        .expect("energy referral sample matches RequestContent")
    }

    fn only_change(diff: &RevisionDiff) -> &Change {
        assert_eq!(diff.changes.len(), 1, "{:#?}", diff.changes);
        &diff.changes[0]
    }

    fn use_case<'a>(content: &'a mut RequestContent, title: &str) -> &'a mut UseCase {
        content
            .use_cases
            .iter_mut()
            .find(|u| u.title == title)
            .expect("sample has the use case")
    }

    const REFERRALS: &str = "Referral tracking";
    const ELIGIBILITY: &str = "Check eligibility and identity for renewal";

    #[test]
    fn samples_equal_themselves() {
        for sample in [blue_badge(), energy_referral()] {
            let diff = diff(&sample, &sample, &catalogue());
            assert!(diff.is_empty(), "{:#?}", diff.changes);
            assert!(!diff.needs_reconsent());
            assert!(diff.reconsent_reasons().is_empty());
            assert!(diff.by_group().is_empty());
        }
    }

    #[test]
    fn field_added_needs_reconsent() {
        let old = energy_referral();
        let mut new = old.clone();
        new.data[0]
            .fields
            .insert("field_personal_dob".to_string(), Permission::Read);
        let diff = diff(&old, &new, &catalogue());
        let change = only_change(&diff);
        assert_eq!(change.summary(), "Field 'Date of birth' added (read)");
        assert!(change.reconsent);
        assert_eq!(change.reason, Some(ReconsentReason::MoreData));
        assert_eq!(change.group(), ChangeGroup::Fields);
        assert!(diff.needs_reconsent());
        assert_eq!(diff.reconsent_reasons(), vec![ReconsentReason::MoreData]);
    }

    #[test]
    fn special_category_field_flagged() {
        let old = blue_badge();
        let mut new = old.clone();
        new.data[2]
            .fields
            .insert("field_health_conditions".to_string(), Permission::Read);
        let diff = diff(&old, &new, &catalogue());
        assert_eq!(
            only_change(&diff).summary(),
            "Field 'Long-term health conditions' added (read, special category)"
        );
    }

    #[test]
    fn field_removed_needs_no_reconsent() {
        let old = blue_badge();
        let mut new = old.clone();
        new.data[0].fields.remove("field_personal_dob");
        let diff = diff(&old, &new, &catalogue());
        let change = only_change(&diff);
        assert_eq!(change.summary(), "Field 'Date of birth' removed");
        assert!(!change.reconsent);
        assert_eq!(change.reason, None);
        assert!(!diff.needs_reconsent());
    }

    #[test]
    fn unknown_field_uses_id() {
        let old = blue_badge();
        let mut new = old.clone();
        new.data[0]
            .fields
            .insert("field_personal_shoe_size".to_string(), Permission::Write);
        let diff = diff(&old, &new, &catalogue());
        assert_eq!(
            only_change(&diff).summary(),
            "Field 'field_personal_shoe_size' added (write)"
        );
    }

    #[test]
    fn dataset_added_and_removed() {
        let old = blue_badge();
        let mut new = old.clone();
        let health = new.data.remove(2);
        let mut contact = DatasetChoice {
            dataset: "field_ds_contact_details".to_string(),
            ..DatasetChoice::default()
        };
        contact
            .fields
            .insert("field_contact_email".to_string(), Permission::Read);
        new.data.push(contact);

        let diff = diff(&old, &new, &catalogue());
        let summaries: Vec<String> = diff.changes.iter().map(Change::summary).collect();
        assert_eq!(
            summaries,
            vec![
                "Dataset 'Health and disability' removed",
                "Dataset 'Contact details' added",
                "Field 'Mobility needs' removed",
                "Field 'Email address' added (read)",
            ]
        );

        let dataset_changes: Vec<&Change> = diff
            .changes
            .iter()
            .filter(|c| c.group() == ChangeGroup::Datasets)
            .collect();
        assert!(dataset_changes.iter().all(|c| !c.reconsent));
        assert_eq!(diff.reconsent_reasons(), vec![ReconsentReason::MoreData]);
        assert_eq!(health.dataset, "field_ds_health");
    }

    #[test]
    fn read_to_read_write_needs_reconsent() {
        let old = blue_badge();
        let mut new = old.clone();
        new.data[0]
            .fields
            .insert("field_personal_dob".to_string(), Permission::ReadWrite);
        let diff = diff(&old, &new, &catalogue());
        let change = only_change(&diff);
        assert_eq!(
            change.summary(),
            "Field 'Date of birth' changed from read to read and write"
        );
        assert_eq!(change.reason, Some(ReconsentReason::MoreAccess));
        assert_eq!(change.group(), ChangeGroup::Permissions);
    }

    #[test]
    fn write_to_read_needs_reconsent() {
        let old = energy_referral();
        let mut new = old.clone();
        new.data[4]
            .fields
            .insert("referral_date".to_string(), Permission::Read);
        let diff = diff(&old, &new, &catalogue());
        assert_eq!(only_change(&diff).reason, Some(ReconsentReason::MoreAccess));
    }

    #[test]
    fn narrower_permission_needs_no_reconsent() {
        let old = blue_badge();
        let mut new = old.clone();
        new.data[3].fields.insert(
            "field_vehicle_blue_badge_number".to_string(),
            Permission::Write,
        );
        let diff = diff(&old, &new, &catalogue());
        let change = only_change(&diff);
        assert_eq!(
            change.summary(),
            "Field 'Blue Badge number' changed from read and write to write"
        );
        assert!(!change.reconsent);
    }

    #[test]
    fn duplicate_field_entries_merge() {
        let old = blue_badge();
        let mut new = old.clone();
        let mut again = DatasetChoice {
            dataset: "field_ds_personal_details".to_string(),
            ..DatasetChoice::default()
        };
        again
            .fields
            .insert("field_personal_dob".to_string(), Permission::Write);
        new.data.push(again);
        let diff = diff(&old, &new, &catalogue());
        let change = only_change(&diff);
        assert_eq!(
            change.summary(),
            "Field 'Date of birth' changed from read to read and write"
        );
    }

    #[test]
    fn operation_added_needs_reconsent() {
        let mut old = energy_referral();
        old.data[4].operations = vec![TransactionalOperation::Create];
        let mut new = old.clone();
        new.data[4].operations = vec![
            TransactionalOperation::Create,
            TransactionalOperation::Update,
        ];
        let diff = diff(&old, &new, &catalogue());
        let change = only_change(&diff);
        assert_eq!(
            change.summary(),
            "Operation 'Update rows' added on 'Referrals'"
        );
        assert_eq!(change.reason, Some(ReconsentReason::MoreAccess));
        assert_eq!(change.group(), ChangeGroup::Operations);
    }

    #[test]
    fn operation_removed_needs_no_reconsent() {
        let mut old = energy_referral();
        old.data[4].operations = vec![
            TransactionalOperation::Create,
            TransactionalOperation::Delete,
        ];
        let mut new = old.clone();
        new.data[4].operations = vec![TransactionalOperation::Create];
        let diff = diff(&old, &new, &catalogue());
        let change = only_change(&diff);
        assert_eq!(
            change.summary(),
            "Operation 'Delete rows' removed from 'Referrals'"
        );
        assert!(!change.reconsent);
    }

    #[test]
    fn use_case_added_needs_reconsent() {
        let old = energy_referral();
        let mut new = old.clone();
        new.use_cases.push(UseCase {
            title: "Fuel voucher eligibility".to_string(),
            ..UseCase::default()
        });
        let diff = diff(&old, &new, &catalogue());
        let change = only_change(&diff);
        assert_eq!(
            change.summary(),
            "Use case 'Fuel voucher eligibility' added"
        );
        assert_eq!(change.reason, Some(ReconsentReason::NewOrWiderUse));
    }

    #[test]
    fn use_case_removed_needs_no_reconsent() {
        let old = energy_referral();
        let mut new = old.clone();
        new.use_cases.remove(1);
        let diff = diff(&old, &new, &catalogue());
        let change = only_change(&diff);
        assert_eq!(change.summary(), "Use case 'Referral tracking' removed");
        assert!(!change.reconsent);
    }

    #[test]
    fn use_cases_match_by_title() {
        let old = energy_referral();
        let mut new = old.clone();
        new.use_cases.reverse();
        use_case(&mut new, REFERRALS).title = "  referral   TRACKING ".to_string();
        let diff = diff(&old, &new, &catalogue());
        let change = only_change(&diff);
        assert_eq!(
            change.summary(),
            "Title of use case 'referral   TRACKING' changed from 'Referral tracking' \
             to 'referral   TRACKING'"
        );
        assert!(!change.reconsent);
    }

    #[test]
    fn renamed_use_case_is_removed_and_added() {
        let old = energy_referral();
        let mut new = old.clone();
        use_case(&mut new, REFERRALS).title = "Referral follow-up".to_string();
        let diff = diff(&old, &new, &catalogue());
        let summaries: Vec<String> = diff.changes.iter().map(Change::summary).collect();
        assert_eq!(
            summaries,
            vec![
                "Use case 'Referral tracking' removed",
                "Use case 'Referral follow-up' added",
            ]
        );
        assert!(diff.needs_reconsent());
    }

    #[test]
    fn use_case_gains_field_needs_reconsent() {
        let old = blue_badge();
        let mut new = old.clone();
        use_case(&mut new, "Keep your badge details up to date")
            .fields
            .push("field_personal_fname".to_string());
        let diff = diff(&old, &new, &catalogue());
        let change = only_change(&diff);
        assert_eq!(
            change.summary(),
            "Use case 'Keep your badge details up to date' now uses field 'First name'"
        );
        assert_eq!(change.reason, Some(ReconsentReason::NewOrWiderUse));
    }

    #[test]
    fn use_case_loses_field_needs_no_reconsent() {
        let old = blue_badge();
        let mut new = old.clone();
        use_case(&mut new, ELIGIBILITY)
            .fields
            .retain(|f| f != "field_personal_dob");
        let diff = diff(&old, &new, &catalogue());
        let change = only_change(&diff);
        assert_eq!(
            change.summary(),
            "Use case 'Check eligibility and identity for renewal' no longer uses field \
             'Date of birth'"
        );
        assert!(!change.reconsent);
    }

    #[test]
    fn lawful_basis_change_needs_reconsent() {
        let old = energy_referral();
        let mut new = old.clone();
        use_case(&mut new, REFERRALS).lawful_basis = "consent".to_string();
        let diff = diff(&old, &new, &catalogue());
        let change = only_change(&diff);
        assert_eq!(
            change.summary(),
            "Lawful basis of use case 'Referral tracking' changed from \
             '(f) Legitimate interests' to '(a) Consent'"
        );
        assert_eq!(change.reason, Some(ReconsentReason::NewOrWiderUse));
    }

    #[test]
    fn special_category_condition_change_needs_reconsent() {
        let old = blue_badge();
        let mut new = old.clone();
        use_case(&mut new, ELIGIBILITY).special_category_condition = "explicit_consent".to_string();
        let diff = diff(&old, &new, &catalogue());
        let change = only_change(&diff);
        assert_eq!(
            change.kind,
            ChangeKind::UseCaseChanged {
                use_case: ELIGIBILITY.to_string(),
                item: UseCaseItem::SpecialCategoryCondition,
                before: "(g) Reasons of substantial public interest".to_string(),
                after: "(a) Explicit consent".to_string(),
            }
        );
        assert_eq!(change.reason, Some(ReconsentReason::NewOrWiderUse));
    }

    #[test]
    fn automated_decisions_turned_on() {
        let old = energy_referral();
        let mut new = old.clone();
        let referrals = use_case(&mut new, REFERRALS);
        referrals.automated_decision_making = Some(true);
        referrals.automated_decision_logic = "Scores eligibility from tariff".to_string();
        let diff = diff(&old, &new, &catalogue());
        assert_eq!(diff.changes.len(), 2, "{:#?}", diff.changes);
        assert_eq!(
            diff.changes[0].summary(),
            "Automated decision-making of use case 'Referral tracking' changed from 'No' to 'Yes'"
        );
        assert_eq!(diff.changes[0].reason, Some(ReconsentReason::NewOrWiderUse));
        assert_eq!(
            diff.changes[1].summary(),
            "Automated decision logic of use case 'Referral tracking' set to \
             'Scores eligibility from tariff'"
        );
        assert!(!diff.changes[1].reconsent);
    }

    #[test]
    fn automated_decisions_turned_off() {
        let mut old = energy_referral();
        use_case(&mut old, REFERRALS).automated_decision_making = Some(true);
        let mut new = old.clone();
        use_case(&mut new, REFERRALS).automated_decision_making = Some(false);
        let diff = diff(&old, &new, &catalogue());
        assert!(!only_change(&diff).reconsent);
    }

    #[test]
    fn transfers_turned_on_and_off() {
        let old = blue_badge();
        let mut new = old.clone();
        use_case(&mut new, ELIGIBILITY).international_transfers = Some(true);
        let on = diff(&old, &new, &catalogue());
        let change = only_change(&on);
        assert_eq!(
            change.summary(),
            "Transfers outside the UK of use case 'Check eligibility and identity for renewal' \
             changed from 'No' to 'Yes'"
        );
        assert_eq!(change.reason, Some(ReconsentReason::NewOrWiderUse));
        let off = diff(&new, &old, &catalogue());
        assert!(!only_change(&off).reconsent);
    }

    #[test]
    fn wording_needs_no_reconsent() {
        let old = blue_badge();
        let mut new = old.clone();
        let eligibility = use_case(&mut new, ELIGIBILITY);
        eligibility.description = "We check who you are.".to_string();
        eligibility.recipients = "Blue Badge print supplier (a processor)".to_string();
        eligibility.transfer_safeguard = "None needed".to_string();
        let diff = diff(&old, &new, &catalogue());
        assert_eq!(diff.changes.len(), 3, "{:#?}", diff.changes);
        assert!(!diff.needs_reconsent());
    }

    #[test]
    fn recipients_named_needs_reconsent() {
        let old = energy_referral();
        let mut new = old.clone();
        use_case(&mut new, "Grant eligibility check").recipients = "Citizens Advice".to_string();
        let diff = diff(&old, &new, &catalogue());
        let change = only_change(&diff);
        assert_eq!(
            change.summary(),
            "Recipients of use case 'Grant eligibility check' set to 'Citizens Advice'"
        );
        assert_eq!(change.reason, Some(ReconsentReason::NewOrWiderUse));
    }

    fn retention_change(before: &str, after: &str) -> Option<ReconsentReason> {
        let mut old = energy_referral();
        use_case(&mut old, REFERRALS).retention = before.to_string();
        let mut new = old.clone();
        use_case(&mut new, REFERRALS).retention = after.to_string();
        let diff = diff(&old, &new, &catalogue());
        if diff.is_empty() {
            return None;
        }
        let change = only_change(&diff);
        assert_eq!(change.group(), ChangeGroup::UseCases);
        assert_eq!(change.reconsent, change.reason.is_some());
        change.reason
    }

    #[test]
    fn longer_retention_needs_reconsent() {
        let longer = Some(ReconsentReason::LongerRetention);
        assert_eq!(retention_change("2 years", "3 years"), longer);
        assert_eq!(retention_change("90 days", "6 months"), longer);
        assert_eq!(
            retention_change(
                "1 year after the badge expires",
                "18 months after the badge expires"
            ),
            longer
        );
    }

    #[test]
    fn shorter_retention_needs_no_reconsent() {
        let reason = retention_change("3 years", "2 years");
        assert_eq!(reason, None);
        let reason = retention_change("1 year", "12 months");
        assert_eq!(reason, None);
        let diff_seen = {
            let mut old = energy_referral();
            use_case(&mut old, REFERRALS).retention = "3 years".to_string();
            let mut new = old.clone();
            use_case(&mut new, REFERRALS).retention = "2 years".to_string();
            diff(&old, &new, &catalogue())
        };
        assert_eq!(
            only_change(&diff_seen).summary(),
            "Retention of use case 'Referral tracking' changed from '3 years' to '2 years'"
        );
    }

    #[test]
    fn unclear_retention_flagged() {
        let unclear = Some(ReconsentReason::RetentionUnclear);
        assert_eq!(
            retention_change("2 years", "Until the badge expires"),
            unclear
        );
        assert_eq!(
            retention_change("Until the badge expires", "2 years"),
            unclear
        );
        assert_eq!(
            retention_change("Until closure", "Until the badge expires"),
            unclear
        );
        assert_eq!(
            retention_change("3 years", "2 years after the badge expires"),
            unclear
        );
        assert!(ReconsentReason::RetentionUnclear
            .message()
            .contains("reviewer must check"));
    }

    #[test]
    fn retention_spacing_is_not_change() {
        assert_eq!(retention_change("2 years", "2  Years"), None);
        assert_eq!(retention_change("2 years", "2 years "), None);
    }

    #[test]
    fn retention_days_parses() {
        let cases = [
            ("3 years", Some(1095)),
            ("1 year", Some(365)),
            ("12 months", Some(365)),
            ("6 months after the badge expires", Some(182)),
            ("90 days", Some(90)),
            ("2 weeks", Some(14)),
            ("Two years after your last contact with us", Some(730)),
            ("a year", Some(365)),
            ("1 year and 6 months", Some(547)),
            ("1.5 years", Some(547)),
            ("Kept for 6-month periods", Some(182)),
            ("Until the badge expires", None),
            ("", None),
            ("Indefinitely", None),
            ("twenty four months", None),
            ("2 years, or 5 years for complaints", None),
            ("inf years", None),
        ];
        for (text, expected) in cases {
            assert_eq!(retention_days(text), expected, "{text}");
        }
    }

    #[test]
    fn detail_changes_need_no_reconsent() {
        let old = blue_badge();
        let mut new = old.clone();
        new.contacts.business.email = "bluebadge@northshire.example.gov.uk".to_string();
        new.organisation.company_or_charity_number = "RC000123".to_string();
        new.connection.name = "Blue Badge renewals".to_string();
        new.gdpr.dpia_done = None;
        new.technical
            .live
            .ip_ranges
            .push("198.51.100.21".to_string());
        new.technical.sandbox.callback_url = String::new();

        let diff = diff(&old, &new, &catalogue());
        let summaries: Vec<String> = diff.changes.iter().map(Change::summary).collect();
        assert_eq!(
            summaries,
            vec![
                "Company or charity number set to 'RC000123'",
                "Business contact email changed from 'priya.raman@northshire.example.gov.uk' \
                 to 'bluebadge@northshire.example.gov.uk'",
                "Connection name changed from 'Blue Badge renewal' to 'Blue Badge renewals'",
                "DPIA done cleared (was 'Yes')",
                "Sandbox callback URL cleared (was \
                 'https://sandbox.bluebadge.northshire.example.gov.uk/pds/callback')",
                "Live IP addresses changed from '198.51.100.20' to '198.51.100.20, 198.51.100.21'",
            ]
        );

        let paths: Vec<&str> = diff
            .changes
            .iter()
            .map(|c| match &c.kind {
                ChangeKind::DetailChanged { path, .. } => path.as_str(),
                other => panic!("unexpected change {other:?}"),
            })
            .collect();
        assert_eq!(
            paths,
            vec![
                "organisation.company_or_charity_number",
                "contacts.business.email",
                "connection.name",
                "gdpr.dpia_done",
                "technical.sandbox.callback_url",
                "technical.live.ip_ranges",
            ]
        );
        assert!(!diff.needs_reconsent());
    }

    #[test]
    fn declaration_order_is_not_change() {
        let mut old = blue_badge();
        old.gdpr.declarations = vec![
            "member_rights".to_string(),
            "purpose_limitation".to_string(),
        ];
        let mut new = old.clone();
        new.gdpr.declarations.reverse();
        assert!(diff(&old, &new, &catalogue()).is_empty());
    }

    #[test]
    fn changes_grouped_in_order() {
        let old = blue_badge();
        let mut new = old.clone();
        new.connection.category = "Health and care".to_string();
        use_case(&mut new, ELIGIBILITY).lawful_basis = "consent".to_string();
        new.data[0].fields.remove("field_personal_fname");
        new.data.remove(2);
        let diff = diff(&old, &new, &catalogue());
        let groups: Vec<ChangeGroup> = diff.by_group().iter().map(|(g, _)| *g).collect();
        assert_eq!(
            groups,
            vec![
                ChangeGroup::Datasets,
                ChangeGroup::Fields,
                ChangeGroup::UseCases,
                ChangeGroup::Details,
            ]
        );
        let fields = &diff.by_group()[1].1;
        assert_eq!(fields.len(), 2);
        let groups_in_list: Vec<ChangeGroup> = diff.changes.iter().map(Change::group).collect();
        let mut sorted = groups_in_list.clone();
        sorted.sort();
        assert_eq!(groups_in_list, sorted);
        assert_eq!(diff.reconsent_changes().count(), 1);
    }

    #[test]
    fn samples_differ_with_reconsent() {
        let diff = diff(&blue_badge(), &energy_referral(), &catalogue());
        assert!(!diff.is_empty());
        assert!(diff.needs_reconsent());
        let reasons = diff.reconsent_reasons();
        assert!(reasons.contains(&ReconsentReason::MoreData));
        assert!(reasons.contains(&ReconsentReason::NewOrWiderUse));
        let back = super::diff(&energy_referral(), &blue_badge(), &catalogue());
        assert!(back.needs_reconsent());
        for change in diff.changes.iter().chain(&back.changes) {
            assert_eq!(change.reconsent, change.reason.is_some());
            assert!(!change.summary().is_empty());
        }
    }

    #[test]
    fn diff_serialises_with_kind_tag() {
        let old = energy_referral();
        let mut new = old.clone();
        new.data[0]
            .fields
            .insert("field_personal_dob".to_string(), Permission::Read);
        let diff = diff(&old, &new, &catalogue());
        let value = serde_json::to_value(&diff).unwrap();
        assert_eq!(value["changes"][0]["kind"]["kind"], "field_added");
        assert_eq!(value["changes"][0]["reason"], "more_data");
        let back: RevisionDiff = serde_json::from_value(value).unwrap();
        assert_eq!(back, diff);
    }
}
