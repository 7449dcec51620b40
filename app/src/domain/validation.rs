//! Validation of request content, shared by the browser and the server.
//!
//! An answer is the value of one form field, as the user typed it.
//! [`validate`] lists every missing or invalid answer for the checklist and
//! the error summary. A draft with problems still saves, answers over
//! their field's length limit included. Only [`validate_limits`] makes the
//! server reject a save, for content that is far too large or contains
//! control characters other than line breaks and tabs. A request can be submitted
//! when `validate` returns no problems and the current Terms for Subscribers
//! are accepted.
//!
//! Each [`Problem`] names its answer with a dotted path, such as
//! `contacts.business.email` or `technical.live.ip_ranges.1`. Paths contain
//! only ASCII letters, digits, `_`, `-` and `.`, and the UI derives element
//! ids from them, so a path must not change once the UI uses it.
//!
//! Lengths are counted in Unicode scalar values (Rust `char`s). A browser's
//! `maxlength` counts UTF-16 code units, so it counts an emoji as two.

mod fields;
mod ip;
mod request;
mod size;

use serde::{Deserialize, Serialize};

use super::content::{RequestContent, UseCase};
use super::section::{Section, SectionStatus};

pub use super::environment::Environment;
pub use fields::{
    company_or_charity_number, count, email, https_url, https_url_for, ico_registration, iso_date,
    long_text, member_description, short_text, text, uk_phone, whole_number,
};
pub use ip::{ip_range, LIVE_MIN_IPV4_PREFIX, LIVE_MIN_IPV6_PREFIX};
pub use request::validate;
pub use size::validate_limits;

/// Hard limits that [`validate_limits`] enforces on every save.
pub mod limits {
    /// Maximum characters in a one-line answer, such as a name or a title.
    pub const SHORT_TEXT: usize = 200;
    /// Maximum characters in a multi-line answer, such as a description.
    pub const LONG_TEXT: usize = 4_000;
    /// Maximum characters in the connection description shown to members.
    pub const MEMBER_DESCRIPTION: usize = 280;
    /// Maximum characters in any one answer of a saved draft. It is above
    /// every field's own limit, so that an answer a few characters too long
    /// still saves and is reported next to its field instead.
    pub const SAVED_TEXT: usize = 8_000;
    /// Maximum characters in a URL.
    pub const URL: usize = 2_048;
    /// Maximum characters in an email address.
    pub const EMAIL: usize = 254;
    /// Maximum bytes in a catalogue id or declaration key.
    pub const IDENTIFIER: usize = 100;
    /// Maximum dataset choices in a request.
    pub const MAX_DATASETS: usize = 100;
    /// Maximum fields chosen from one dataset, and maximum fields in one use
    /// case.
    pub const MAX_FIELDS: usize = 500;
    /// Maximum operations on one transactional dataset, which is one of each
    /// kind.
    pub const MAX_OPERATIONS: usize = 4;
    /// Maximum use cases in a request.
    pub const MAX_USE_CASES: usize = 50;
    /// Maximum ticked declaration keys.
    pub const MAX_DECLARATIONS: usize = 20;
    /// Maximum IP addresses or ranges per environment.
    pub const MAX_IP_RANGES: usize = 50;
    /// Maximum return-to URLs per environment.
    pub const MAX_RETURN_URLS: usize = 10;
    /// Maximum expected members or API calls per day.
    pub const MAX_COUNT: u64 = 100_000_000;
}

/// Whether an answer is absent or present but wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// A required answer is blank. Shows the section as in progress.
    Missing,
    /// An answer breaks a rule. Shows the section as having problems.
    Invalid,
}

/// One missing or invalid answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub section: Section,
    /// Dotted path of the answer, such as `use_cases.0.title`.
    pub path: String,
    /// A sentence, shown to the user, on how to fix the answer.
    pub message: String,
    pub kind: ProblemKind,
}

impl Problem {
    pub fn missing(section: Section, path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            section,
            path: path.into(),
            message: message.into(),
            kind: ProblemKind::Missing,
        }
    }

    pub fn invalid(section: Section, path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            section,
            path: path.into(),
            message: message.into(),
            kind: ProblemKind::Invalid,
        }
    }
}

/// Returns the problem to add to [`validate`]'s list while the current
/// Terms for Subscribers are not accepted.
pub fn terms_problem() -> Problem {
    Problem::missing(Section::Terms, "terms", "Accept the Terms for Subscribers")
}

/// Returns the problems in one section, in their original order.
pub fn problems_for(problems: &[Problem], section: Section) -> impl Iterator<Item = &Problem> {
    problems
        .iter()
        .filter(move |problem| problem.section == section)
}

/// Returns the first problem at a path.
pub fn problem_at<'a>(problems: &'a [Problem], path: &str) -> Option<&'a Problem> {
    problems.iter().find(|problem| problem.path == path)
}

/// Computes a section's status for the task list.
///
/// A section whose answers are all blank is not started. Otherwise it has
/// problems when any problem is invalid, is in progress when some answers
/// are missing, and is completed when there are no problems. The Terms
/// section is completed unless `problems` contains [`terms_problem`].
pub fn section_status(
    section: Section,
    content: &RequestContent,
    problems: &[Problem],
) -> SectionStatus {
    let mut section_problems = problems_for(problems, section).peekable();
    if section == Section::Terms {
        return match section_problems.peek() {
            Some(_) => SectionStatus::NotStarted,
            None => SectionStatus::Completed,
        };
    }
    if section_is_blank(section, content) {
        return SectionStatus::NotStarted;
    }
    let mut any_missing = false;
    for problem in section_problems {
        match problem.kind {
            ProblemKind::Invalid => return SectionStatus::HasProblems,
            ProblemKind::Missing => any_missing = true,
        }
    }
    if any_missing {
        SectionStatus::InProgress
    } else {
        SectionStatus::Completed
    }
}

fn blank(value: &str) -> bool {
    value.trim().is_empty()
}

/// Returns whether every answer in a section is blank, unanswered or
/// unticked. Whitespace counts as blank, and so does a list of blank rows.
fn section_is_blank(section: Section, content: &RequestContent) -> bool {
    match section {
        Section::Organisation => {
            let organisation = &content.organisation;
            let texts = [
                &organisation.legal_name,
                &organisation.company_or_charity_number,
                &organisation.registered_address,
                &organisation.ico_registration,
                &organisation.website,
            ];
            !organisation.public_body && texts.into_iter().all(|text| blank(text))
        }
        Section::Contacts => {
            let contacts = &content.contacts;
            let people_blank = [&contacts.business, &contacts.technical]
                .into_iter()
                .flat_map(|person| [&person.name, &person.role, &person.email, &person.phone])
                .all(|text| blank(text));
            people_blank && blank(&contacts.dpo.name) && blank(&contacts.dpo.email)
        }
        Section::Connection => {
            let connection = &content.connection;
            let texts = [
                &connection.name,
                &connection.member_description,
                &connection.service_url,
                &connection.category,
                &connection.expected_members,
                &connection.expected_calls_per_day,
            ];
            texts.into_iter().all(|text| blank(text))
        }
        Section::Data => content.data.iter().all(|choice| {
            blank(&choice.dataset) && choice.fields.is_empty() && choice.operations.is_empty()
        }),
        Section::UseCases => content.use_cases.iter().all(use_case_is_blank),
        Section::Gdpr => gdpr_is_blank(content),
        Section::Technical => {
            let technical = &content.technical;
            [&technical.sandbox, &technical.live]
                .into_iter()
                .all(|environment| {
                    environment.ip_ranges.iter().all(|text| blank(text))
                        && blank(&environment.callback_url)
                        && environment.return_to_urls.iter().all(|text| blank(text))
                })
        }
        Section::Terms => false,
    }
}

fn use_case_is_blank(use_case: &UseCase) -> bool {
    let texts = [
        &use_case.title,
        &use_case.description,
        &use_case.lawful_basis,
        &use_case.special_category_condition,
        &use_case.retention,
        &use_case.recipients,
        &use_case.automated_decision_logic,
        &use_case.transfer_safeguard,
    ];
    texts.into_iter().all(|text| blank(text))
        && use_case.fields.is_empty()
        && use_case.automated_decision_making.is_none()
        && use_case.international_transfers.is_none()
}

fn gdpr_is_blank(content: &RequestContent) -> bool {
    let gdpr = &content.gdpr;
    let texts = [
        &gdpr.controller_name,
        &gdpr.privacy_notice_url,
        &gdpr.dpia_date,
        &gdpr.dpia_summary_url,
        &gdpr.dpia_not_needed_reason,
        &gdpr.rights_contact,
        &gdpr.security_summary,
        &gdpr.breach_process,
    ];
    texts.into_iter().all(|text| blank(text))
        && gdpr.dpia_done.is_none()
        && gdpr.declarations.is_empty()
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::super::catalogue::{Catalogue, CatalogueField, Dataset, DatasetKind};
    use super::super::content::{
        DatasetChoice, Permission, TransactionalOperation, UseCase, DECLARATIONS,
        SERVICE_CATEGORIES,
    };
    use super::*;

    /// The two demo requests, as published for demos and end-to-end tests.
    const SAMPLE_REQUESTS: &str = r#"{
  "requests": [
    {
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
        "expected_members": 12000,
        "expected_calls_per_day": 400
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
    },
    {
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
        "expected_members": 3500,
        "expected_calls_per_day": 150
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
    }
  ]
}"#;

    /// Builds the catalogue from the test copy of the platform's catalogue
    /// JSON, whose field type key is `type` and whose `special_category`
    /// flag is left out when false.
    fn catalogue() -> Catalogue {
        let json: Value = serde_json::from_str(include_str!("test_catalogue.json")).unwrap();
        let text = |value: &Value, key: &str| value[key].as_str().unwrap().to_string();
        let datasets = json["datasets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|dataset| Dataset {
                id: text(dataset, "id"),
                label: text(dataset, "label"),
                kind: serde_json::from_value(dataset["kind"].clone()).unwrap(),
                fields: (dataset["fields"].as_array().unwrap().iter())
                    .map(|field| CatalogueField {
                        id: text(field, "id"),
                        label: text(field, "label"),
                        field_type: text(field, "type"),
                        special_category: field["special_category"].as_bool().unwrap_or(false),
                    })
                    .collect(),
            });
        Catalogue {
            datasets: datasets.collect(),
        }
    }

    /// Converts a demo request as published. The JSON writes the two
    /// expected counts as numbers, but the content model keeps them as text.
    fn published_sample(index: usize) -> RequestContent {
        let all: Value = serde_json::from_str(SAMPLE_REQUESTS).unwrap();
        let mut request = all["requests"][index].clone();
        for key in ["expected_members", "expected_calls_per_day"] {
            let number = request["connection"][key].to_string();
            request["connection"][key] = Value::String(number);
        }
        serde_json::from_value(request).unwrap()
    }

    /// Returns a demo request with the fixes it needs to pass. As
    /// published, neither request ticks the declarations, and the second
    /// chooses the transactional Referrals dataset without operations.
    fn sample(index: usize) -> RequestContent {
        let mut content = published_sample(index);
        content.gdpr.declarations = all_declarations();
        if index == 1 {
            let referrals = (content.data.iter_mut())
                .find(|choice| choice.dataset == "ds_referrals")
                .unwrap();
            referrals.operations = vec![
                TransactionalOperation::Create,
                TransactionalOperation::Read,
                TransactionalOperation::Update,
            ];
        }
        content
    }

    fn paths(problems: &[Problem]) -> Vec<&str> {
        problems
            .iter()
            .map(|problem| problem.path.as_str())
            .collect()
    }

    /// Validates a changed copy of the first demo request.
    fn validate_changed(change: impl FnOnce(&mut RequestContent)) -> Vec<Problem> {
        let mut content = sample(0);
        change(&mut content);
        validate(&content, &catalogue())
    }

    /// Returns the only problem, failing when there is none or more than one.
    fn only_problem(problems: &[Problem]) -> &Problem {
        assert_eq!(problems.len(), 1, "expected one problem: {problems:#?}");
        &problems[0]
    }

    fn assert_only(problems: &[Problem], path: &str, kind: ProblemKind) {
        let problem = only_problem(problems);
        assert_eq!(problem.path, path, "{problem:#?}");
        assert_eq!(problem.kind, kind, "{problem:#?}");
    }

    fn repeat(character: char, count: usize) -> String {
        std::iter::repeat_n(character, count).collect()
    }

    // Text limits

    #[test]
    fn short_text_length_limit() {
        assert_eq!(short_text(&repeat('a', limits::SHORT_TEXT)), Ok(()));
        assert_eq!(short_text(&repeat('é', limits::SHORT_TEXT)), Ok(()));
        let error = short_text(&repeat('a', limits::SHORT_TEXT + 1)).unwrap_err();
        assert_eq!(error, "Enter 200 characters or fewer. This answer has 201");
    }

    #[test]
    fn long_text_length_limit() {
        assert_eq!(long_text(&repeat('a', limits::LONG_TEXT)), Ok(()));
        let error = long_text(&repeat('a', limits::LONG_TEXT + 1)).unwrap_err();
        assert_eq!(
            error,
            "Enter 4,000 characters or fewer. This answer has 4,001"
        );
    }

    #[test]
    fn member_description_length_limit() {
        assert_eq!(member_description(&repeat('a', 280)), Ok(()));
        assert!(member_description(&repeat('a', 281)).is_err());
    }

    #[test]
    fn text_counts_emoji_as_one_character() {
        assert_eq!(member_description(&repeat('😀', 280)), Ok(()));
        assert!(member_description(&repeat('😀', 281)).is_err());
    }

    #[test]
    fn short_text_rejects_line_breaks() {
        for input in ["two\nlines", "two\r\nlines", "tab\tseparated"] {
            let error = short_text(input).unwrap_err();
            assert_eq!(
                error,
                "Enter this answer on one line, without line breaks or tabs"
            );
        }
    }

    #[test]
    fn long_text_allows_line_breaks() {
        assert_eq!(long_text("Line one\nLine two\r\n\tIndented"), Ok(()));
        assert_eq!(member_description("Line one\nLine two"), Ok(()));
    }

    #[test]
    fn text_rejects_control_characters() {
        for control in ['\u{0}', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}'] {
            let input = format!("ab{control}c");
            let short_error = short_text(&input).unwrap_err();
            assert!(short_error.contains("position 3"), "{short_error}");
            assert!(long_text(&input).is_err(), "{control:?}");
        }
    }

    #[test]
    fn text_accepts_rtl_and_emoji() {
        let names = [
            "مؤسسة الرعاية",
            "שלום עליכם",
            "\u{200F}اسم\u{200F}",
            "Zoë Ní Bhriain",
            "Family 👩\u{200D}👩\u{200D}👧 Trust 🌈",
        ];
        for name in names {
            assert_eq!(short_text(name), Ok(()), "{name}");
            assert_eq!(long_text(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn text_accepts_html_as_plain_text() {
        let input = "<script>alert('x')</script> & <b>bold</b>";
        assert_eq!(short_text(input), Ok(()));
        assert_eq!(long_text(input), Ok(()));
    }

    // Email addresses

    #[test]
    fn email_accepts_valid_addresses() {
        let valid = [
            "name@example.com",
            "first.last+tag@sub.example.co.uk",
            "o'neil@example.org",
            "dpo@northshire.example.gov.uk",
            "  padded@example.com  ",
            "NAME@EXAMPLE.COM",
        ];
        for input in valid {
            assert_eq!(email(input), Ok(()), "{input}");
        }
    }

    #[test]
    fn email_rejects_invalid_addresses() {
        let invalid = [
            "",
            "name",
            "name@",
            "@example.com",
            "name@example",
            "name@localhost",
            "name@@example.com",
            "name@example..com",
            "name@.example.com",
            "name@example.com.",
            "name@-example.com",
            "name @example.com",
            "name@exam ple.com",
            "Name <name@example.com>",
            "name@[192.0.2.1]",
            "name@192.0.2.1",
            "name@exa\nmple.com",
            "name\u{7}@example.com",
        ];
        for input in invalid {
            assert_eq!(
                email(input),
                Err("Enter an email address in the correct format, like name@example.com".into()),
                "{input:?}"
            );
        }
    }

    #[test]
    fn email_length_limit() {
        let domain = format!(
            "{}.{}.{}.com",
            repeat('b', 63),
            repeat('c', 63),
            repeat('d', 57)
        );
        let at_limit = format!("{}@{domain}", repeat('a', 64));
        assert_eq!(at_limit.chars().count(), limits::EMAIL);
        assert_eq!(email(&at_limit), Ok(()));
        let over_limit = format!("a{at_limit}");
        let error = email(&over_limit).unwrap_err();
        assert_eq!(error, "Enter an email address of 254 characters or fewer");
    }

    // Phone numbers

    #[test]
    fn uk_phone_accepts_valid_numbers() {
        let valid = [
            "01632 960123",
            "0131 496 0789",
            "07700 900982",
            "07700900982",
            "0800 123 456",
            "(020) 7946-0000",
            "+44 7700 900982",
            "+441632960123",
            "+44 (0)20 7946 0000",
            "+44 808 157 0192",
            " 01632 960123 ",
        ];
        for input in valid {
            assert_eq!(uk_phone(input), Ok(()), "{input}");
        }
    }

    #[test]
    fn uk_phone_rejects_wrong_lengths_and_countries() {
        let invalid = [
            "",
            "01632",
            "016329601234",
            "1632 960123",
            "+44 01632 960123",
            "+44 1632 9601",
            "+44 16329 601234",
            "+33 1 23 45 67 89",
            "+1 202 555 0100",
        ];
        for input in invalid {
            let error = uk_phone(input).unwrap_err();
            assert!(
                error.starts_with("Enter a UK phone number"),
                "{input}: {error}"
            );
        }
    }

    #[test]
    fn uk_phone_rejects_other_characters() {
        for input in [
            "01632 960123 ext 2",
            "0163+2960123",
            "phone",
            "01632.960.123",
        ] {
            let error = uk_phone(input).unwrap_err();
            assert!(
                error.starts_with("Enter a phone number using only"),
                "{input}: {error}"
            );
        }
    }

    // URLs

    #[test]
    fn https_url_accepts_valid_urls() {
        let valid = [
            "https://example.com",
            "https://www.northshire.example.gov.uk/privacy/blue-badge",
            "HTTPS://Example.COM/Path",
            "https://example.com:8443/a?b=c#d",
            "https://example.com.",
            "https://xn--bcher-kva.example/",
            "https://bücher.example/",
            "https://192.0.2.1/callback",
            "https://[2001:db8::1]:443/callback",
            " https://example.com/padded ",
        ];
        for input in valid {
            assert_eq!(https_url(input), Ok(()), "{input}");
        }
    }

    #[test]
    fn https_url_explains_http() {
        let error = https_url("http://example.com").unwrap_err();
        assert_eq!(
            error,
            "Enter a secure web address that starts with https://, not http://"
        );
        assert!(https_url("HTTP://example.com").is_err());
    }

    #[test]
    fn https_url_rejects_invalid_urls() {
        let invalid = [
            "",
            "example.com",
            "www.example.com/path",
            "ftp://example.com",
            "https:/example.com",
            "https://",
            "https:///path",
            "https://localhost",
            "https://localhost:3000/callback",
            "https://-bad.example.com",
            "https://bad-.example.com",
            "https://example..com",
            "https://example.123",
            "https://999.1.1.1",
            "https://[::1",
            "https://[2001:db8::1]x/",
            "https://[not-an-address]/",
            "https://under_score.example.com",
        ];
        for input in invalid {
            assert!(https_url(input).is_err(), "{input}");
        }
    }

    #[test]
    fn https_url_rejects_spaces_and_credentials() {
        let spaces = https_url("https://example.com/a b").unwrap_err();
        assert_eq!(
            spaces,
            "Enter the web address without spaces or line breaks"
        );
        assert!(https_url("https://exa\nmple.com/").is_err());
        let credentials = https_url("https://user:secret@example.com/").unwrap_err();
        assert_eq!(
            credentials,
            "Enter the web address without a user name or password"
        );
        let markup = https_url("https://example.com/<script>").unwrap_err();
        assert!(markup.contains("character <"), "{markup}");
    }

    #[test]
    fn https_url_checks_ports() {
        assert_eq!(https_url("https://example.com:1/"), Ok(()));
        assert_eq!(https_url("https://example.com:65535/"), Ok(()));
        for input in [
            "https://example.com:0/",
            "https://example.com:65536/",
            "https://example.com:/",
            "https://example.com:+443/",
            "https://example.com:https/",
        ] {
            let error = https_url(input).unwrap_err();
            assert!(error.starts_with("Enter a port number"), "{input}: {error}");
        }
    }

    #[test]
    fn https_url_length_limit() {
        let prefix = "https://example.com/";
        let path = repeat('a', limits::URL - prefix.len());
        assert_eq!(https_url(&format!("{prefix}{path}")), Ok(()));
        let error = https_url(&format!("{prefix}{path}a")).unwrap_err();
        assert_eq!(error, "Enter a web address of 2,048 characters or fewer");
    }

    #[test]
    fn live_url_rejects_local_hosts() {
        let local = [
            "https://10.0.0.1/callback",
            "https://127.0.0.1/callback",
            "https://192.168.1.10:8443/callback",
            "https://[fe80::1]/callback",
            "https://[::1]/callback",
            "https://printer.local/callback",
            "https://api.internal/callback",
            "https://app.localhost/callback",
            "https://router.home.arpa/callback",
            "https://PRINTER.LOCAL/callback",
        ];
        for input in local {
            let error = https_url_for(input, Environment::Live).unwrap_err();
            assert!(
                error.starts_with("Enter an address that can be reached"),
                "{input}: {error}"
            );
            assert_eq!(
                https_url_for(input, Environment::Sandbox),
                Ok(()),
                "{input}"
            );
        }
    }

    #[test]
    fn live_url_accepts_public_hosts() {
        for input in [
            "https://example.com/callback",
            "https://192.0.2.1/callback",
            "https://[2001:db8::1]/callback",
            "https://local.example.com/callback",
        ] {
            assert_eq!(https_url_for(input, Environment::Live), Ok(()), "{input}");
        }
    }

    #[test]
    fn sandbox_url_keeps_https_rules() {
        assert!(https_url_for("http://example.com", Environment::Sandbox).is_err());
        assert!(https_url_for("https://localhost", Environment::Sandbox).is_err());
    }

    // Company, charity and ICO numbers

    #[test]
    fn company_number_accepts_formats() {
        let valid = [
            "01234567",
            "SC049876",
            "sc049876",
            "SC 049876",
            " 0123 4567 ",
            "NI123456",
            "OC301234",
            "SO301234",
            "NC001234",
            "R0012345",
            "FC012345",
            "LP012345",
            "CE001234",
        ];
        for input in valid {
            assert_eq!(company_or_charity_number(input), Ok(()), "{input}");
        }
    }

    #[test]
    fn charity_number_accepts_formats() {
        let valid = [
            "1123456",
            "220949",
            "1123456-1",
            "1123456-12",
            "SC012345",
            "NIC100012",
            "nic 100012",
            "100012",
        ];
        for input in valid {
            assert_eq!(company_or_charity_number(input), Ok(()), "{input}");
        }
    }

    #[test]
    fn company_or_charity_rejects_other_formats() {
        let invalid = [
            "",
            "1234",
            "12345",
            "123456789",
            "XX123456",
            "SC12345",
            "SC1234567",
            "1123456-123",
            "1123456-",
            "-12",
            "NIC12345",
            "ABCDEFGH",
            "01234567A",
            "0123-4567",
            "１２３４５６７",
        ];
        for input in invalid {
            let error = company_or_charity_number(input).unwrap_err();
            assert!(error.starts_with("Enter a company number like"), "{input}");
        }
    }

    #[test]
    fn ico_registration_formats() {
        for input in ["Z5678123", "ZB123987", "ZA123456", "z1234567", "za 123456"] {
            assert_eq!(ico_registration(input), Ok(()), "{input}");
        }
        let invalid = [
            "",
            "Z",
            "Z123456",
            "Z12345678",
            "ZA1234567",
            "ZA12345",
            "ZC123456",
            "A1234567",
            "Z123456A",
        ];
        for input in invalid {
            let error = ico_registration(input).unwrap_err();
            assert_eq!(
                error,
                "Enter an ICO registration number like Z1234567 or ZA123456"
            );
        }
    }

    // Dates and numbers

    #[test]
    fn iso_date_parses_real_dates() {
        let date = iso_date("2026-09-14").unwrap();
        assert_eq!(date, time::macros::date!(2026 - 09 - 14));
        assert_eq!(
            iso_date("2024-02-29").unwrap(),
            time::macros::date!(2024 - 02 - 29)
        );
        assert!(iso_date(" 2025-03-27 ").is_ok());
    }

    #[test]
    fn iso_date_rejects_other_shapes() {
        for input in [
            "",
            "14/09/2026",
            "2026-9-14",
            "20260914",
            "+2026-09-14",
            "2026-09-14T00:00",
            "２０２６-09-14",
        ] {
            let error = iso_date(input).unwrap_err();
            assert!(
                error.starts_with("Enter the date as year, month and day"),
                "{input}"
            );
        }
    }

    #[test]
    fn iso_date_rejects_impossible_dates() {
        for input in [
            "2023-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "2026-01-00",
        ] {
            let error = iso_date(input).unwrap_err();
            assert_eq!(error, "Enter a real date, like 2025-03-27", "{input}");
        }
    }

    #[test]
    fn count_parses_with_separators() {
        assert_eq!(count("1"), Ok(1));
        assert_eq!(count("12000"), Ok(12_000));
        assert_eq!(count("12,000"), Ok(12_000));
        assert_eq!(count(" 400 "), Ok(400));
        assert_eq!(count("007"), Ok(7));
        assert_eq!(count("100,000,000"), Ok(limits::MAX_COUNT));
    }

    #[test]
    fn count_rejects_out_of_range() {
        let expected = Err("Enter a number from 1 to 100,000,000".to_string());
        assert_eq!(count("0"), expected);
        assert_eq!(count("100000001"), expected);
        assert_eq!(count("99999999999999999999999"), expected);
    }

    #[test]
    fn count_rejects_non_numbers() {
        let expected = Err("Enter a whole number, like 12000".to_string());
        for input in ["", "-5", "12.5", "12 000", "abc", "1e6", "+5", "１２"] {
            assert_eq!(count(input), expected, "{input}");
        }
    }

    #[test]
    fn count_rejects_misplaced_commas() {
        for input in ["1,2000", "12,00", ",000", "1,000,", "1234,567", "1,,000"] {
            let error = count(input).unwrap_err();
            assert!(error.contains("groups of three digits"), "{input}: {error}");
        }
    }

    #[test]
    fn whole_number_uses_given_range() {
        assert_eq!(whole_number("5", 5, 10), Ok(5));
        assert_eq!(whole_number("10", 5, 10), Ok(10));
        let error = whole_number("11", 5, 10).unwrap_err();
        assert_eq!(error, "Enter a number from 5 to 10");
    }

    // IP addresses and ranges

    fn net(text: &str) -> ipnet::IpNet {
        text.parse().unwrap()
    }

    #[test]
    fn ip_range_reads_bare_addresses() {
        let sandbox = Environment::Sandbox;
        assert_eq!(ip_range("192.0.2.10", sandbox), Ok(net("192.0.2.10/32")));
        assert_eq!(
            ip_range(" 2001:db8::7 ", sandbox),
            Ok(net("2001:db8::7/128"))
        );
        assert_eq!(ip_range("192.0.2.64/28", sandbox), Ok(net("192.0.2.64/28")));
        assert_eq!(
            ip_range("2001:DB8:10::/48", sandbox),
            Ok(net("2001:db8:10::/48"))
        );
    }

    #[test]
    fn ip_range_rejects_host_bits() {
        for environment in Environment::ALL {
            let error = ip_range("192.0.2.10/24", environment).unwrap_err();
            assert_eq!(
                error,
                "Enter the range as 192.0.2.0/24, because a range must start at its first address"
            );
            let error = ip_range("2001:db8:10::1/48", environment).unwrap_err();
            assert!(error.contains("2001:db8:10::/48"), "{error}");
        }
    }

    #[test]
    fn ip_range_rejects_bad_syntax() {
        let ipv4_message = "Enter an IP address like 203.0.113.7 or a range like 203.0.113.0/24";
        for input in [
            "",
            "192.0.2",
            "192.0.2.256",
            "010.0.0.1",
            "example.com",
            "192.0.2.0 /24",
            "192.0.2.0-192.0.2.255",
        ] {
            for environment in Environment::ALL {
                assert_eq!(
                    ip_range(input, environment),
                    Err(ipv4_message.into()),
                    "{input}"
                );
            }
        }
        let error = ip_range("fe80::1%eth0", Environment::Sandbox).unwrap_err();
        assert!(error.starts_with("Enter an IPv6 address like"), "{error}");
    }

    #[test]
    fn ip_range_rejects_bad_prefixes() {
        for input in [
            "192.0.2.0/33",
            "192.0.2.0/",
            "192.0.2.0/x",
            "192.0.2.0/+24",
            "192.0.2.0/24/1",
        ] {
            let error = ip_range(input, Environment::Sandbox).unwrap_err();
            assert_eq!(
                error, "Enter a prefix length from 0 to 32 after the /",
                "{input}"
            );
        }
        let error = ip_range("2001:db8::/129", Environment::Sandbox).unwrap_err();
        assert_eq!(error, "Enter a prefix length from 0 to 128 after the /");
    }

    #[test]
    fn sandbox_accepts_special_ranges() {
        let special = [
            "10.0.0.0/8",
            "172.16.5.4",
            "192.168.0.0/16",
            "127.0.0.1",
            "169.254.0.0/16",
            "224.0.0.1",
            "0.0.0.0",
            "0.0.0.0/0",
            "255.255.255.255",
            "100.64.0.0/10",
            "::",
            "::1",
            "fd00::/8",
            "fe80::/10",
            "ff02::1",
            "::ffff:192.0.2.1",
            "2001:db8::/32",
        ];
        for input in special {
            assert!(ip_range(input, Environment::Sandbox).is_ok(), "{input}");
        }
    }

    #[test]
    fn live_accepts_public_ranges() {
        let public = [
            "192.0.2.10",
            "192.0.2.64/28",
            "198.51.100.20",
            "203.0.113.0/24",
            "203.0.113.7/32",
            "8.8.8.8",
            "172.15.255.255",
            "172.32.0.0/24",
            "100.63.255.0/24",
            "100.128.0.0/24",
            "169.253.255.255",
            "223.255.255.0/24",
            "2001:db8:10::/48",
            "2001:db8::7",
            "2a00:1450:4009::/48",
            "3fff:ffff::/48",
        ];
        for input in public {
            assert!(ip_range(input, Environment::Live).is_ok(), "{input}");
        }
    }

    #[test]
    fn live_rejects_special_ranges() {
        let cases = [
            ("10.1.2.3", "the private range 10.0.0.0/8"),
            ("10.0.0.0/8", "the private range 10.0.0.0/8"),
            ("172.16.5.0/24", "the private range 172.16.0.0/12"),
            ("172.31.255.255", "the private range 172.16.0.0/12"),
            ("192.168.1.0/24", "the private range 192.168.0.0/16"),
            ("127.0.0.1", "the loopback range 127.0.0.0/8"),
            ("169.254.10.1", "the link-local range 169.254.0.0/16"),
            ("224.0.0.1", "the multicast range 224.0.0.0/4"),
            ("239.255.255.250", "the multicast range 224.0.0.0/4"),
            ("0.0.0.0", "the unspecified range 0.0.0.0/8"),
            ("255.255.255.255", "the broadcast address 255.255.255.255"),
            ("240.0.0.1", "the reserved range 240.0.0.0/4"),
            ("100.64.0.1", "the shared address space 100.64.0.0/10"),
            ("100.127.255.0/24", "the shared address space 100.64.0.0/10"),
            ("::", "the unspecified address ::"),
            ("::1", "the loopback address ::1"),
            ("::ffff:192.0.2.1", "the IPv4-mapped range ::ffff:0:0/96"),
            ("fc00::1", "the private (unique local) range fc00::/7"),
            (
                "fd12:3456:789a::/48",
                "the private (unique local) range fc00::/7",
            ),
            ("fe80::1", "the link-local range fe80::/10"),
            ("ff02::1", "the multicast range ff00::/8"),
        ];
        for (input, range) in cases {
            let error = ip_range(input, Environment::Live).unwrap_err();
            let reason = format!("{input} is in {range}");
            assert!(error.starts_with(&reason), "{input}: {error}");
            let action = ". Enter the public address or range that your live servers connect from";
            assert!(error.ends_with(action), "{input}: {error}");
        }
    }

    #[test]
    fn live_rejects_non_global_ipv6() {
        for input in ["64:ff9b::1", "100::1", "::/48", "4000::/48"] {
            let error = ip_range(input, Environment::Live).unwrap_err();
            assert!(
                error.contains("is not a global unicast IPv6 address"),
                "{input}: {error}"
            );
        }
    }

    #[test]
    fn live_limits_ipv4_width() {
        assert!(ip_range("203.0.113.0/24", Environment::Live).is_ok());
        assert!(ip_range("203.0.113.128/25", Environment::Live).is_ok());
        let error = ip_range("203.0.112.0/23", Environment::Live).unwrap_err();
        assert_eq!(
            error,
            "203.0.112.0/23 covers too many addresses for live. Enter a range of /24 or smaller, like 203.0.113.0/24"
        );
        assert!(ip_range("0.0.0.0/0", Environment::Live)
            .unwrap_err()
            .contains("too many"));
        assert!(ip_range("203.0.112.0/23", Environment::Sandbox).is_ok());
    }

    #[test]
    fn live_limits_ipv6_width() {
        assert!(ip_range("2001:db8:10::/48", Environment::Live).is_ok());
        assert!(ip_range("2001:db8:10:20::/64", Environment::Live).is_ok());
        let error = ip_range("2001:db8::/47", Environment::Live).unwrap_err();
        assert_eq!(
            error,
            "2001:db8::/47 covers too many addresses for live. Enter a range of /48 or smaller, like 2001:db8:10::/48"
        );
        assert!(ip_range("2001:db8::/32", Environment::Live).is_err());
        assert!(ip_range("2001:db8::/47", Environment::Sandbox).is_ok());
    }

    // Whole requests

    #[test]
    fn samples_have_no_problems() {
        let catalogue = catalogue();
        for index in 0..2 {
            let content = sample(index);
            assert_eq!(
                validate(&content, &catalogue),
                Vec::<Problem>::new(),
                "sample {index}"
            );
            assert_eq!(validate_limits(&content), Ok(()), "sample {index}");
        }
    }

    #[test]
    fn published_samples_need_fixes() {
        let catalogue = catalogue();
        let problems = validate(&published_sample(0), &catalogue);
        assert_only(&problems, "gdpr.declarations", ProblemKind::Missing);
        let problems = validate(&published_sample(1), &catalogue);
        let expected = ["data.ds_referrals.operations", "gdpr.declarations"];
        assert_eq!(paths(&problems), expected);
        assert!(problems.iter().all(|p| p.kind == ProblemKind::Missing));
        let message = "Select at least one operation on Referrals rows";
        assert_eq!(problems[0].message, message);
    }

    #[test]
    fn empty_request_lists_missing_answers() {
        let problems = validate(&RequestContent::default(), &catalogue());
        let expected = [
            "organisation.legal_name",
            "organisation.company_or_charity_number",
            "organisation.registered_address",
            "organisation.ico_registration",
            "organisation.website",
            "contacts.business.name",
            "contacts.business.role",
            "contacts.business.email",
            "contacts.business.phone",
            "contacts.technical.name",
            "contacts.technical.role",
            "contacts.technical.email",
            "contacts.technical.phone",
            "contacts.dpo.name",
            "contacts.dpo.email",
            "connection.name",
            "connection.member_description",
            "connection.service_url",
            "connection.category",
            "connection.expected_members",
            "connection.expected_calls_per_day",
            "data",
            "use_cases",
            "gdpr.controller_name",
            "gdpr.privacy_notice_url",
            "gdpr.dpia_done",
            "gdpr.rights_contact",
            "gdpr.security_summary",
            "gdpr.breach_process",
            "gdpr.declarations",
            "technical.sandbox.ip_ranges",
            "technical.sandbox.callback_url",
            "technical.sandbox.return_to_urls",
            "technical.live.ip_ranges",
            "technical.live.callback_url",
            "technical.live.return_to_urls",
        ];
        assert_eq!(paths(&problems), expected);
        for problem in &problems {
            assert_eq!(problem.kind, ProblemKind::Missing, "{problem:?}");
            let slug = problem.section.slug();
            assert!(problem.path.starts_with(slug), "{problem:?}");
        }
    }

    #[test]
    fn whitespace_counts_as_missing() {
        let problems = validate_changed(|content| content.organisation.legal_name = "   ".into());
        assert_only(&problems, "organisation.legal_name", ProblemKind::Missing);
        assert_eq!(problems[0].message, "Enter the organisation's legal name");
    }

    #[test]
    fn names_accept_markup_rtl_and_emoji() {
        let problems = validate_changed(|content| {
            content.organisation.legal_name = "<script>alert(1)</script> & Co".into();
            content.contacts.business.name = "محمد علي".into();
            content.contacts.technical.name = "Zoë 🌈 O'Brien".into();
            content.contacts.dpo.name = "\u{202B}שרה לוי\u{202C}".into();
            content.connection.name = "<b>Blue Badge</b> renewal".into();
        });
        assert_eq!(problems, Vec::<Problem>::new());
    }

    #[test]
    fn public_body_needs_no_company_number() {
        let problems = validate_changed(|content| content.organisation.public_body = false);
        assert_only(
            &problems,
            "organisation.company_or_charity_number",
            ProblemKind::Missing,
        );
        let problems = validate_changed(|content| {
            content.organisation.company_or_charity_number = "RC000123".into();
        });
        assert_only(
            &problems,
            "organisation.company_or_charity_number",
            ProblemKind::Invalid,
        );
        let problems = validate_changed(|content| {
            content.organisation.company_or_charity_number = "01234567".into();
        });
        assert_eq!(problems, Vec::<Problem>::new());
    }

    #[test]
    fn organisation_formats_checked() {
        let problems = validate_changed(|content| {
            content.organisation.ico_registration = "12345".into();
            content.organisation.website = "http://www.northshire.example.gov.uk".into();
        });
        let expected = ["organisation.ico_registration", "organisation.website"];
        assert_eq!(paths(&problems), expected);
        assert!(problems.iter().all(|p| p.kind == ProblemKind::Invalid));
        assert!(problems.iter().all(|p| p.section == Section::Organisation));
    }

    #[test]
    fn contacts_need_every_answer() {
        let problems = validate_changed(|content| {
            content.contacts.technical.email.clear();
            content.contacts.business.phone = "12345".into();
            content.contacts.dpo.name.clear();
        });
        assert_eq!(
            paths(&problems),
            [
                "contacts.business.phone",
                "contacts.technical.email",
                "contacts.dpo.name"
            ]
        );
        assert_eq!(problems[0].kind, ProblemKind::Invalid);
        assert_eq!(problems[1].kind, ProblemKind::Missing);
        assert_eq!(
            problems[1].message,
            "Enter the technical contact's email address"
        );
        assert_eq!(
            problems[2].message,
            "Enter the data protection officer's name"
        );
    }

    #[test]
    fn connection_description_limit() {
        let problems = validate_changed(|content| {
            content.connection.member_description = repeat('a', 280);
        });
        assert_eq!(problems, Vec::<Problem>::new());
        let problems = validate_changed(|content| {
            content.connection.member_description = repeat('a', 281);
        });
        assert_only(
            &problems,
            "connection.member_description",
            ProblemKind::Invalid,
        );
        assert_eq!(
            problems[0].message,
            "Enter 280 characters or fewer. This answer has 281"
        );
    }

    #[test]
    fn connection_category_from_list() {
        let problems = validate_changed(|content| content.connection.category = "Charity".into());
        assert_only(&problems, "connection.category", ProblemKind::Invalid);
        for category in SERVICE_CATEGORIES {
            let problems =
                validate_changed(|content| content.connection.category = category.into());
            assert_eq!(problems, Vec::<Problem>::new(), "{category}");
        }
    }

    #[test]
    fn connection_counts_checked() {
        let problems = validate_changed(|content| {
            content.connection.expected_members = "12,000".into();
            content.connection.expected_calls_per_day = "0".into();
        });
        assert_only(
            &problems,
            "connection.expected_calls_per_day",
            ProblemKind::Invalid,
        );
        let problems =
            validate_changed(|content| content.connection.expected_members = "lots".into());
        assert_only(
            &problems,
            "connection.expected_members",
            ProblemKind::Invalid,
        );
    }

    #[test]
    fn connection_service_url_https() {
        let problems = validate_changed(|content| {
            content.connection.service_url = "http://bluebadge.example.gov.uk".into();
        });
        assert_only(&problems, "connection.service_url", ProblemKind::Invalid);
    }

    // Data section

    fn choice(dataset: &str, fields: &[(&str, Permission)]) -> DatasetChoice {
        DatasetChoice {
            dataset: dataset.into(),
            fields: fields.iter().map(|(id, p)| (id.to_string(), *p)).collect(),
            operations: Vec::new(),
        }
    }

    #[test]
    fn data_needs_a_dataset() {
        let problems = validate_changed(|content| content.data.clear());
        let data_problem = problem_at(&problems, "data").unwrap();
        assert_eq!(data_problem.kind, ProblemKind::Missing);
        assert_eq!(data_problem.section, Section::Data);
    }

    #[test]
    fn data_rejects_unknown_ids() {
        let problems = validate_changed(|content| {
            content.data.push(choice("ds_unknown", &[]));
            content.data[0]
                .fields
                .insert("field_nope".into(), Permission::Read);
        });
        assert_eq!(paths(&problems), ["data.field_nope", "data.ds_unknown"]);
        assert!(problems.iter().all(|p| p.kind == ProblemKind::Invalid));
        let message = "Remove 'ds_unknown', because it is not a dataset in the catalogue";
        assert_eq!(problems[1].message, message);
    }

    #[test]
    fn data_rejects_field_in_wrong_dataset() {
        let problems = validate_changed(|content| {
            let dob = content.data[0].fields.remove("field_personal_dob").unwrap();
            content.data[1]
                .fields
                .insert("field_personal_dob".into(), dob);
        });
        assert_only(&problems, "data.field_personal_dob", ProblemKind::Invalid);
        let message = "Choose 'Date of birth' under Personal details, not under Address";
        assert_eq!(problems[0].message, message);
    }

    #[test]
    fn data_rejects_repeated_dataset() {
        let problems = validate_changed(|content| {
            let copy = content.data[1].clone();
            content.data.push(copy);
        });
        assert_only(&problems, "data.field_ds_address", ProblemKind::Invalid);
        assert_eq!(problems[0].message, "Choose Address only once");
    }

    #[test]
    fn data_dataset_needs_fields() {
        let problems = validate_changed(|content| {
            content.data.push(choice("field_ds_education", &[]));
        });
        assert_only(&problems, "data.field_ds_education", ProblemKind::Missing);
    }

    #[test]
    fn data_transactional_needs_operations() {
        let mut content = sample(1);
        content.data[4].operations.clear();
        let problems = validate(&content, &catalogue());
        assert_only(
            &problems,
            "data.ds_referrals.operations",
            ProblemKind::Missing,
        );
        assert_eq!(problems[0].section, Section::Data);
    }

    #[test]
    fn data_metadata_rejects_operations() {
        let problems = validate_changed(|content| {
            content.data[0].operations = vec![TransactionalOperation::Read];
        });
        assert_only(
            &problems,
            "data.field_ds_personal_details.operations",
            ProblemKind::Invalid,
        );
    }

    #[test]
    fn data_field_needs_a_use_case() {
        let problems = validate_changed(|content| {
            content.use_cases[0]
                .fields
                .retain(|id| id != "field_personal_dob");
        });
        assert_only(&problems, "data.field_personal_dob", ProblemKind::Invalid);
        assert_eq!(problems[0].section, Section::Data);
        assert_eq!(
            problems[0].message,
            "Add 'Date of birth' to a use case or remove it, because every field must serve a declared purpose"
        );
    }

    #[test]
    fn data_minimisation_waits_for_use_cases() {
        let problems = validate_changed(|content| content.use_cases.clear());
        assert_only(&problems, "use_cases", ProblemKind::Missing);
        assert_eq!(problems[0].message, "Add at least one use case");
    }

    // Use cases

    #[test]
    fn use_case_needs_every_answer() {
        let problems = validate_changed(|content| content.use_cases.push(UseCase::default()));
        let expected = [
            "use_cases.2.title",
            "use_cases.2.description",
            "use_cases.2.fields",
            "use_cases.2.lawful_basis",
            "use_cases.2.retention",
            "use_cases.2.automated_decision_making",
            "use_cases.2.international_transfers",
        ];
        assert_eq!(paths(&problems), expected);
        assert!(problems.iter().all(|p| p.kind == ProblemKind::Missing));
        assert!(problems.iter().all(|p| p.section == Section::UseCases));
        assert_eq!(problems[0].message, "Enter a title for use case 3");
    }

    #[test]
    fn use_case_field_must_be_chosen() {
        let problems = validate_changed(|content| {
            content.use_cases[1]
                .fields
                .push("field_personal_gender".into());
        });
        assert_only(&problems, "use_cases.1.fields", ProblemKind::Invalid);
        let message = "Choose 'Gender' in the Data section, or remove it from this use case";
        assert_eq!(problems[0].message, message);
    }

    #[test]
    fn use_case_field_must_exist() {
        let problems = validate_changed(|content| {
            let fields = &mut content.use_cases[1].fields;
            fields.push("field_made_up".into());
            fields.push("field_also_made_up".into());
        });
        assert_only(&problems, "use_cases.1.fields", ProblemKind::Invalid);
        let message =
            "Remove 'field_made_up' and 'field_also_made_up', because they are not in the catalogue";
        assert_eq!(problems[0].message, message);
    }

    #[test]
    fn use_case_lawful_basis_from_list() {
        let problems =
            validate_changed(|content| content.use_cases[0].lawful_basis = "magic".into());
        assert_only(&problems, "use_cases.0.lawful_basis", ProblemKind::Invalid);
        let problems = validate_changed(|content| content.use_cases[0].lawful_basis.clear());
        assert_only(&problems, "use_cases.0.lawful_basis", ProblemKind::Missing);
    }

    #[test]
    fn special_category_needs_condition() {
        let problems = validate_changed(|content| {
            content.use_cases[0].special_category_condition.clear();
        });
        assert_only(
            &problems,
            "use_cases.0.special_category_condition",
            ProblemKind::Missing,
        );
        assert_eq!(
            problems[0].message,
            "Select a condition for processing special category data, because use case 1 uses 'Mobility needs'"
        );
    }

    #[test]
    fn special_category_condition_from_list() {
        let problems = validate_changed(|content| {
            content.use_cases[0].special_category_condition = "because".into();
        });
        assert_only(
            &problems,
            "use_cases.0.special_category_condition",
            ProblemKind::Invalid,
        );
        let problems = validate_changed(|content| {
            content.use_cases[1].special_category_condition = "explicit_consent".into();
        });
        assert_eq!(problems, Vec::<Problem>::new());
    }

    #[test]
    fn automated_decisions_need_logic() {
        let problems = validate_changed(|content| {
            content.use_cases[0].automated_decision_making = Some(true);
        });
        assert_only(
            &problems,
            "use_cases.0.automated_decision_logic",
            ProblemKind::Missing,
        );
        let problems = validate_changed(|content| {
            content.use_cases[0].automated_decision_making = Some(true);
            content.use_cases[0].automated_decision_logic = "Score above 5 renews".into();
        });
        assert_eq!(problems, Vec::<Problem>::new());
    }

    #[test]
    fn transfers_need_safeguard() {
        let problems = validate_changed(|content| {
            content.use_cases[1].international_transfers = Some(true);
        });
        assert_only(
            &problems,
            "use_cases.1.transfer_safeguard",
            ProblemKind::Missing,
        );
        let problems = validate_changed(|content| {
            content.use_cases[1].international_transfers = None;
        });
        assert_only(
            &problems,
            "use_cases.1.international_transfers",
            ProblemKind::Missing,
        );
    }

    // GDPR section

    fn all_declarations() -> Vec<String> {
        DECLARATIONS
            .iter()
            .map(|(key, _)| key.to_string())
            .collect()
    }

    #[test]
    fn gdpr_needs_declarations() {
        let problems = validate_changed(|content| content.gdpr.declarations.truncate(3));
        assert_only(&problems, "gdpr.declarations", ProblemKind::Missing);
        let problems = validate_changed(|content| {
            content.gdpr.declarations.push("retired_declaration".into());
        });
        assert_eq!(problems, Vec::<Problem>::new());
    }

    #[test]
    fn gdpr_dpia_done_needs_date_and_summary() {
        let problems = validate_changed(|content| {
            content.gdpr.dpia_date.clear();
            content.gdpr.dpia_summary_url.clear();
        });
        assert_eq!(
            paths(&problems),
            ["gdpr.dpia_date", "gdpr.dpia_summary_url"]
        );
        let problems = validate_changed(|content| content.gdpr.dpia_date = "14/09/2026".into());
        assert_only(&problems, "gdpr.dpia_date", ProblemKind::Invalid);
        let problems = validate_changed(|content| content.gdpr.dpia_date = "2026-02-30".into());
        assert_only(&problems, "gdpr.dpia_date", ProblemKind::Invalid);
    }

    #[test]
    fn gdpr_no_dpia_needs_reason() {
        let problems = validate_changed(|content| content.gdpr.dpia_done = Some(false));
        assert_only(
            &problems,
            "gdpr.dpia_not_needed_reason",
            ProblemKind::Missing,
        );
        let problems = validate_changed(|content| content.gdpr.dpia_done = None);
        assert_only(&problems, "gdpr.dpia_done", ProblemKind::Missing);
    }

    #[test]
    fn gdpr_formats_checked() {
        let problems = validate_changed(|content| {
            content.gdpr.privacy_notice_url = "www.example.com/privacy".into();
            content.gdpr.rights_contact = "https://example.com/rights".into();
        });
        assert_eq!(
            paths(&problems),
            ["gdpr.privacy_notice_url", "gdpr.rights_contact"]
        );
        assert!(problems.iter().all(|p| p.kind == ProblemKind::Invalid));
    }

    // Technical section

    #[test]
    fn technical_needs_each_list() {
        let problems = validate_changed(|content| {
            content.technical.live.ip_ranges.clear();
            content.technical.sandbox.return_to_urls.clear();
            content.technical.sandbox.callback_url.clear();
        });
        let expected = [
            "technical.sandbox.callback_url",
            "technical.sandbox.return_to_urls",
            "technical.live.ip_ranges",
        ];
        assert_eq!(paths(&problems), expected);
        assert!(problems.iter().all(|p| p.kind == ProblemKind::Missing));
        assert_eq!(
            problems[2].message,
            "Enter at least one IP address or range for live"
        );
    }

    #[test]
    fn technical_blank_entry_missing() {
        let problems = validate_changed(|content| {
            content.technical.sandbox.ip_ranges.push("  ".into());
            content.technical.live.return_to_urls.push(String::new());
        });
        let expected = [
            "technical.sandbox.ip_ranges.2",
            "technical.live.return_to_urls.1",
        ];
        assert_eq!(paths(&problems), expected);
        assert!(problems.iter().all(|p| p.kind == ProblemKind::Missing));
    }

    #[test]
    fn technical_live_range_rules() {
        let problems = validate_changed(|content| {
            let live = &mut content.technical.live.ip_ranges;
            live.push("10.0.0.0/24".into());
            live.push("2001:db8::/32".into());
            content
                .technical
                .sandbox
                .ip_ranges
                .push("10.0.0.0/8".into());
        });
        let expected = ["technical.live.ip_ranges.1", "technical.live.ip_ranges.2"];
        assert_eq!(paths(&problems), expected);
        assert!(
            problems[0].message.contains("private range"),
            "{:?}",
            problems[0]
        );
        assert!(
            problems[1].message.contains("/48 or smaller"),
            "{:?}",
            problems[1]
        );
    }

    #[test]
    fn technical_rejects_duplicates() {
        let problems = validate_changed(|content| {
            let sandbox = &mut content.technical.sandbox;
            sandbox.ip_ranges.push("192.0.2.10/32".into());
            let url = sandbox.return_to_urls[0].clone();
            sandbox.return_to_urls.push(format!(" {url}"));
        });
        let expected = [
            "technical.sandbox.ip_ranges.2",
            "technical.sandbox.return_to_urls.1",
        ];
        assert_eq!(paths(&problems), expected);
        assert_eq!(
            problems[0].message,
            "Remove this duplicate of 192.0.2.10/32"
        );
        assert_eq!(problems[1].message, "Remove this duplicate URL");
    }

    #[test]
    fn technical_callback_per_environment() {
        let problems = validate_changed(|content| {
            content.technical.sandbox.callback_url = "https://10.1.2.3/callback".into();
            content.technical.live.callback_url = "https://10.1.2.3/callback".into();
        });
        assert_only(
            &problems,
            "technical.live.callback_url",
            ProblemKind::Invalid,
        );
        let problems = validate_changed(|content| {
            content.technical.live.return_to_urls[0] = "https://app.internal/done".into();
        });
        assert_only(
            &problems,
            "technical.live.return_to_urls.0",
            ProblemKind::Invalid,
        );
    }

    // Hard limits

    #[test]
    fn limits_accept_large_valid_content() {
        let mut content = sample(0);
        content.organisation.legal_name = repeat('a', limits::SHORT_TEXT);
        content.use_cases[0].description = repeat('b', limits::LONG_TEXT);
        content.connection.member_description = repeat('c', limits::MEMBER_DESCRIPTION);
        content.use_cases = vec![content.use_cases[0].clone(); limits::MAX_USE_CASES];
        content.technical.live.ip_ranges = vec!["203.0.113.7".into(); limits::MAX_IP_RANGES];
        let urls = vec!["https://example.com/done".to_string(); limits::MAX_RETURN_URLS];
        content.technical.live.return_to_urls = urls;
        assert_eq!(validate_limits(&content), Ok(()));
    }

    #[test]
    fn limits_accept_answers_over_field_limits() {
        let mut content = sample(0);
        content.organisation.legal_name = repeat('a', limits::SHORT_TEXT + 1);
        content.use_cases[1].description = repeat('b', limits::LONG_TEXT + 1);
        content.connection.member_description = repeat('c', limits::MEMBER_DESCRIPTION + 10);
        content.technical.sandbox.callback_url = repeat('d', limits::SAVED_TEXT);
        content.contacts.dpo.email = repeat('e', limits::EMAIL + 1);
        assert_eq!(validate_limits(&content), Ok(()));
        let problems = validate(&content, &catalogue());
        for path in [
            "organisation.legal_name",
            "use_cases.1.description",
            "connection.member_description",
            "technical.sandbox.callback_url",
            "contacts.dpo.email",
        ] {
            assert!(problem_at(&problems, path).is_some(), "{path}");
        }
    }

    #[test]
    fn limits_reject_long_text() {
        let mut content = sample(0);
        let too_long = limits::SAVED_TEXT + 1;
        content.organisation.legal_name = repeat('a', too_long);
        content.use_cases[1].description = repeat('b', too_long);
        content.connection.member_description = repeat('c', too_long);
        content.technical.sandbox.callback_url = repeat('d', too_long);
        content.contacts.dpo.email = repeat('e', too_long);
        let problems = validate_limits(&content).unwrap_err();
        let expected = [
            "organisation.legal_name",
            "contacts.dpo.email",
            "connection.member_description",
            "use_cases.1.description",
            "technical.sandbox.callback_url",
        ];
        assert_eq!(paths(&problems), expected);
        assert!(problems.iter().all(|p| p.kind == ProblemKind::Invalid));
    }

    #[test]
    fn limits_reject_control_characters() {
        let mut content = sample(0);
        content.connection.name = "Blue\nBadge".into();
        content.gdpr.security_summary = "Line one\nLine two\tand a tab".into();
        content.use_cases[0].title = "Bell\u{7}".into();
        let problems = validate_limits(&content).unwrap_err();
        assert_eq!(paths(&problems), ["use_cases.0.title"]);
        let problems = validate(&content, &catalogue());
        assert!(problem_at(&problems, "connection.name").is_some());
    }

    #[test]
    fn limits_reject_long_lists() {
        let mut content = sample(0);
        content.use_cases = vec![UseCase::default(); limits::MAX_USE_CASES + 1];
        content.technical.sandbox.ip_ranges = vec![String::new(); limits::MAX_IP_RANGES + 1];
        let urls = vec![String::new(); limits::MAX_RETURN_URLS + 1];
        content.technical.live.return_to_urls = urls;
        content.gdpr.declarations = vec!["member_rights".into(); limits::MAX_DECLARATIONS + 1];
        content.data[0].operations = vec![TransactionalOperation::Read; limits::MAX_OPERATIONS + 1];
        let problems = validate_limits(&content).unwrap_err();
        let expected = [
            "data.field_ds_personal_details.operations",
            "use_cases",
            "gdpr.declarations",
            "technical.sandbox.ip_ranges",
            "technical.live.return_to_urls",
        ];
        assert_eq!(paths(&problems), expected);
        let message = "Remove use cases so that there are 50 or fewer";
        assert_eq!(problems[1].message, message);
    }

    #[test]
    fn limits_reject_malformed_ids() {
        let mut content = sample(0);
        content.data[0]
            .fields
            .insert("bad id".into(), Permission::Read);
        content.data[1].dataset = "data.with.dots".into();
        content.use_cases[1]
            .fields
            .push(repeat('x', limits::IDENTIFIER + 1));
        content.gdpr.declarations.push("<b>".into());
        let problems = validate_limits(&content).unwrap_err();
        let expected = [
            "data.field_ds_personal_details",
            "data",
            "use_cases.1.fields",
            "gdpr.declarations",
        ];
        assert_eq!(paths(&problems), expected);
    }

    #[test]
    fn validate_reports_limit_problems() {
        let mut content = sample(0);
        content.organisation.legal_name = repeat('a', 300);
        content.contacts.business.email = format!("{}@example.com", repeat('a', 300));
        content.gdpr.dpia_done = Some(false);
        content.gdpr.dpia_not_needed_reason = "Low risk".into();
        content.gdpr.dpia_summary_url = repeat('u', limits::URL + 1);
        content.use_cases = vec![content.use_cases[0].clone(); limits::MAX_USE_CASES + 1];
        content.use_cases[0]
            .fields
            .push("field_personal_dob".into());
        let size_problems = size::limit_problems(&content);
        assert!(!size_problems.is_empty());
        let problems = validate(&content, &catalogue());
        for size_problem in &size_problems {
            let problem = problem_at(&problems, &size_problem.path);
            assert_eq!(problem, Some(size_problem), "{}", size_problem.path);
        }
        let email_problem = problem_at(&problems, "contacts.business.email").unwrap();
        assert_eq!(
            email_problem.message,
            "Enter 254 characters or fewer. This answer has 312"
        );
    }

    #[test]
    fn validate_one_problem_per_path() {
        let mut content = RequestContent::default();
        content.organisation.legal_name = repeat('a', 300);
        content.data.push(choice(
            "ds_referrals",
            &[("referral_date", Permission::Write)],
        ));
        content.data.push(choice("ds_referrals", &[]));
        content
            .data
            .push(choice("", &[("field_personal_dob", Permission::Read)]));
        content.use_cases.push(UseCase {
            fields: vec!["field_health_conditions".into(), "nope".into()],
            ..UseCase::default()
        });
        content.technical.live.ip_ranges = vec!["10.0.0.1".into(), "10.0.0.1".into()];
        let problems = validate(&content, &catalogue());
        let mut seen = std::collections::HashSet::new();
        for problem in &problems {
            assert!(
                seen.insert(problem.path.as_str()),
                "repeated {}",
                problem.path
            );
        }
        let sections: Vec<Section> = problems.iter().map(|p| p.section).collect();
        let mut sorted = sections.clone();
        sorted.sort();
        assert_eq!(sections, sorted);
    }

    #[test]
    fn problem_paths_are_element_safe() {
        let mut content = RequestContent::default();
        content
            .data
            .push(choice("not a dataset", &[("a b", Permission::Read)]));
        content
            .data
            .push(choice("ds_unknown", &[("field \"x\"", Permission::Read)]));
        content.use_cases.push(UseCase {
            fields: vec!["<script>".into()],
            ..UseCase::default()
        });
        content.technical.sandbox.ip_ranges = vec!["nonsense".into()];
        let mut problems = validate(&content, &catalogue());
        problems.extend(validate_limits(&content).unwrap_err());
        for problem in &problems {
            let safe = (problem.path.chars())
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
            assert!(safe, "{}", problem.path);
            assert!(
                problem.path.starts_with(problem.section.slug()),
                "{}",
                problem.path
            );
        }
    }

    // Section status

    #[test]
    fn status_not_started_when_empty() {
        let content = RequestContent::default();
        let problems = validate(&content, &catalogue());
        for section in Section::ALL {
            if section == Section::Terms {
                continue;
            }
            let status = section_status(section, &content, &problems);
            assert_eq!(status, SectionStatus::NotStarted, "{section:?}");
        }
    }

    #[test]
    fn status_blank_rows_not_started() {
        let mut content = RequestContent::default();
        content.organisation.legal_name = "   ".into();
        content.technical.sandbox.ip_ranges = vec![String::new()];
        content.use_cases.push(UseCase::default());
        let problems = validate(&content, &catalogue());
        for section in [Section::Organisation, Section::Technical, Section::UseCases] {
            let status = section_status(section, &content, &problems);
            assert_eq!(status, SectionStatus::NotStarted, "{section:?}");
        }
    }

    #[test]
    fn status_completed_when_valid() {
        let content = sample(0);
        let problems = validate(&content, &catalogue());
        for section in Section::ALL {
            let status = section_status(section, &content, &problems);
            assert_eq!(status, SectionStatus::Completed, "{section:?}");
        }
    }

    #[test]
    fn status_in_progress_when_missing() {
        let mut content = sample(0);
        content.contacts.dpo.email.clear();
        content.organisation = Default::default();
        content.organisation.public_body = true;
        let problems = validate(&content, &catalogue());
        let contacts = section_status(Section::Contacts, &content, &problems);
        assert_eq!(contacts, SectionStatus::InProgress);
        let organisation = section_status(Section::Organisation, &content, &problems);
        assert_eq!(organisation, SectionStatus::InProgress);
    }

    #[test]
    fn status_has_problems_when_invalid() {
        let mut content = sample(0);
        content.contacts.dpo.email = "not an email".into();
        content.contacts.business.name.clear();
        content.use_cases[0]
            .fields
            .retain(|id| id != "field_personal_dob");
        let problems = validate(&content, &catalogue());
        let contacts = section_status(Section::Contacts, &content, &problems);
        assert_eq!(contacts, SectionStatus::HasProblems);
        let data = section_status(Section::Data, &content, &problems);
        assert_eq!(data, SectionStatus::HasProblems);
        let use_cases = section_status(Section::UseCases, &content, &problems);
        assert_eq!(use_cases, SectionStatus::Completed);
    }

    #[test]
    fn status_of_terms() {
        let content = sample(0);
        let mut problems = validate(&content, &catalogue());
        let accepted = section_status(Section::Terms, &content, &problems);
        assert_eq!(accepted, SectionStatus::Completed);
        problems.push(terms_problem());
        let not_accepted = section_status(Section::Terms, &content, &problems);
        assert_eq!(not_accepted, SectionStatus::NotStarted);
        let gdpr = section_status(Section::Gdpr, &content, &problems);
        assert_eq!(gdpr, SectionStatus::Completed);
    }

    // Problem helpers

    #[test]
    fn terms_problem_fields() {
        let problem = terms_problem();
        assert_eq!(problem.section, Section::Terms);
        assert_eq!(problem.path, "terms");
        assert_eq!(problem.message, "Accept the Terms for Subscribers");
        assert_eq!(problem.kind, ProblemKind::Missing);
    }

    #[test]
    fn problems_for_filters_section() {
        let problems = validate(&RequestContent::default(), &catalogue());
        let contacts: Vec<&Problem> = problems_for(&problems, Section::Contacts).collect();
        assert_eq!(contacts.len(), 10);
        assert!(contacts.iter().all(|p| p.section == Section::Contacts));
        assert_eq!(contacts[0].path, "contacts.business.name");
        assert_eq!(problems_for(&problems, Section::Terms).count(), 0);
    }

    #[test]
    fn problem_at_finds_path() {
        let problems = validate(&RequestContent::default(), &catalogue());
        let problem = problem_at(&problems, "gdpr.dpia_done").unwrap();
        assert_eq!(problem.section, Section::Gdpr);
        assert_eq!(problem_at(&problems, "gdpr"), None);
        assert_eq!(problem_at(&problems, "gdpr.dpia_date"), None);
    }

    #[test]
    fn problem_serde_names() {
        let problem = Problem::invalid(Section::UseCases, "use_cases.0.title", "Enter a title");
        let json = serde_json::to_value(&problem).unwrap();
        let expected = serde_json::json!({
            "section": "use_cases",
            "path": "use_cases.0.title",
            "message": "Enter a title",
            "kind": "invalid",
        });
        assert_eq!(json, expected);
        let back: Problem = serde_json::from_value(json).unwrap();
        assert_eq!(back, problem);
    }

    #[test]
    fn environment_serde_names() {
        assert_eq!(
            serde_json::to_string(&Environment::Live).unwrap(),
            "\"live\""
        );
        assert_eq!(Environment::Sandbox.label(), "Sandbox");
        assert_eq!(Environment::Live.label(), "Live");
    }

    #[test]
    fn catalogue_copy_matches_samples() {
        let catalogue = catalogue();
        assert_eq!(catalogue.datasets.len(), 15);
        let referrals = catalogue.dataset("ds_referrals").unwrap();
        assert_eq!(referrals.kind, DatasetKind::Transactional);
        assert!(catalogue.is_special_category("field_health_mobility_needs"));
        assert!(!catalogue.is_special_category("field_health_gp_practice"));
    }
}
