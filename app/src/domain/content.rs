//! The content of a connection request: what a revision holds.
//!
//! Every value is kept exactly as the user typed it (numbers too), so a
//! draft that is incomplete or invalid still saves whole. Validation
//! (`validation.rs`) decides what is missing or wrong.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One revision's request content, section by section.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RequestContent {
    pub organisation: OrganisationSection,
    pub contacts: ContactsSection,
    pub connection: ConnectionSection,
    pub data: Vec<DatasetChoice>,
    pub use_cases: Vec<UseCase>,
    pub gdpr: GdprSection,
    pub technical: TechnicalSection,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OrganisationSection {
    pub legal_name: String,
    /// A Companies House number or a charity number; empty for a public body.
    pub company_or_charity_number: String,
    /// Public bodies (councils, NHS bodies) have no company number.
    pub public_body: bool,
    pub registered_address: String,
    /// Registration number on the ICO data protection fee register.
    pub ico_registration: String,
    pub website: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    pub role: String,
    pub email: String,
    pub phone: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DpoContact {
    pub name: String,
    pub email: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ContactsSection {
    pub business: Contact,
    pub technical: Contact,
    pub dpo: DpoContact,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConnectionSection {
    /// Unique within the organisation.
    pub name: String,
    /// Shown to members; plain language, at most 280 characters.
    pub member_description: String,
    pub service_url: String,
    pub category: String,
    /// Whole number as typed.
    pub expected_members: String,
    /// Whole number as typed.
    pub expected_calls_per_day: String,
}

/// Access to one field of a member's data store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Permission {
    /// Collect from the data store.
    #[serde(rename = "r")]
    Read,
    /// Deliver to the data store.
    #[serde(rename = "w")]
    Write,
    #[serde(rename = "rw")]
    ReadWrite,
}

impl Permission {
    pub fn reads(self) -> bool {
        matches!(self, Permission::Read | Permission::ReadWrite)
    }

    pub fn writes(self) -> bool {
        matches!(self, Permission::Write | Permission::ReadWrite)
    }

    /// Combines read and write flags; `None` when neither is set.
    pub fn from_flags(read: bool, write: bool) -> Option<Permission> {
        match (read, write) {
            (true, true) => Some(Permission::ReadWrite),
            (true, false) => Some(Permission::Read),
            (false, true) => Some(Permission::Write),
            (false, false) => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Permission::Read => "Read",
            Permission::Write => "Write",
            Permission::ReadWrite => "Read and write",
        }
    }
}

/// The fields chosen from one catalogue dataset.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatasetChoice {
    /// Catalogue dataset id, such as `field_ds_address`.
    pub dataset: String,
    /// Catalogue field id to permission.
    pub fields: BTreeMap<String, Permission>,
    /// For transactional datasets: the row operations the service performs.
    pub operations: Vec<TransactionalOperation>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransactionalOperation {
    Create,
    Read,
    Update,
    Delete,
}

impl TransactionalOperation {
    pub const ALL: [TransactionalOperation; 4] = [
        TransactionalOperation::Create,
        TransactionalOperation::Read,
        TransactionalOperation::Update,
        TransactionalOperation::Delete,
    ];

    pub fn label(self) -> &'static str {
        match self {
            TransactionalOperation::Create => "Create rows",
            TransactionalOperation::Read => "Read rows",
            TransactionalOperation::Update => "Update rows",
            TransactionalOperation::Delete => "Delete rows",
        }
    }
}

/// A declared purpose for the data.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UseCase {
    pub title: String,
    pub description: String,
    /// Catalogue field ids this use case needs.
    pub fields: Vec<String>,
    /// One of [`LAWFUL_BASES`] by key, or empty.
    pub lawful_basis: String,
    /// One of [`SPECIAL_CATEGORY_CONDITIONS`] by key, or empty.
    pub special_category_condition: String,
    pub retention: String,
    pub recipients: String,
    /// `None` until the user answers.
    pub automated_decision_making: Option<bool>,
    pub automated_decision_logic: String,
    pub international_transfers: Option<bool>,
    pub transfer_safeguard: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GdprSection {
    pub controller_name: String,
    pub privacy_notice_url: String,
    pub dpia_done: Option<bool>,
    /// ISO date, `YYYY-MM-DD`.
    pub dpia_date: String,
    pub dpia_summary_url: String,
    /// Why no DPIA is needed, when none was done.
    pub dpia_not_needed_reason: String,
    pub rights_contact: String,
    pub security_summary: String,
    pub breach_process: String,
    /// Keys of the [`DECLARATIONS`] the subscriber has ticked.
    pub declarations: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EnvironmentTechnical {
    /// IPv4 or IPv6 addresses or CIDR ranges, one per entry, as typed.
    pub ip_ranges: Vec<String>,
    pub callback_url: String,
    pub return_to_urls: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TechnicalSection {
    pub sandbox: EnvironmentTechnical,
    pub live: EnvironmentTechnical,
}

/// UK GDPR Article 6(1) lawful bases: (key, label).
pub const LAWFUL_BASES: [(&str, &str); 6] = [
    ("consent", "(a) Consent"),
    ("contract", "(b) Contract"),
    ("legal_obligation", "(c) Legal obligation"),
    ("vital_interests", "(d) Vital interests"),
    ("public_task", "(e) Public task"),
    ("legitimate_interests", "(f) Legitimate interests"),
];

/// UK GDPR Article 9(2) conditions for special-category data: (key, label).
pub const SPECIAL_CATEGORY_CONDITIONS: [(&str, &str); 10] = [
    ("explicit_consent", "(a) Explicit consent"),
    (
        "employment_social_security",
        "(b) Employment, social security and social protection",
    ),
    ("vital_interests", "(c) Vital interests"),
    ("not_for_profit_bodies", "(d) Not-for-profit bodies"),
    ("made_public", "(e) Made public by the data subject"),
    ("legal_claims", "(f) Legal claims or judicial acts"),
    (
        "substantial_public_interest",
        "(g) Reasons of substantial public interest",
    ),
    ("health_social_care", "(h) Health or social care"),
    ("public_health", "(i) Public health"),
    (
        "archiving_research",
        "(j) Archiving, research and statistics",
    ),
];

/// Service categories offered in the connection details.
pub const SERVICE_CATEGORIES: [&str; 8] = [
    "Local government",
    "Central government",
    "Health and care",
    "Housing",
    "Energy and utilities",
    "Financial services",
    "Charity and advice",
    "Other",
];

/// The declarations a subscriber must tick in the GDPR section: (key, text).
pub const DECLARATIONS: [(&str, &str); 4] = [
    (
        "controller_responsibility",
        "We are the data controller for the data this connection collects and we accept the responsibilities that come with it.",
    ),
    (
        "purpose_limitation",
        "We will use members' data only for the use cases declared in this request.",
    ),
    (
        "member_rights",
        "We will respond to members' data protection rights requests within one month.",
    ),
    (
        "breach_notification",
        "We will tell the operator about any personal data breach affecting members within 72 hours.",
    ),
];

/// Looks up the label of a key in a `(key, label)` table.
pub fn label_of(table: &[(&'static str, &'static str)], key: &str) -> Option<&'static str> {
    table
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, label)| *label)
}

impl RequestContent {
    /// All chosen field ids with their permission, in dataset order.
    pub fn chosen_fields(&self) -> Vec<(&str, Permission)> {
        self.data
            .iter()
            .flat_map(|choice| choice.fields.iter().map(|(id, p)| (id.as_str(), *p)))
            .collect()
    }
}
