//! Hard size limits, which the server enforces on every save.

use super::super::content::{
    ContactsSection, DatasetChoice, EnvironmentTechnical, GdprSection, RequestContent, UseCase,
};
use super::super::section::Section;
use super::fields::{group_thousands, long_text, member_description, short_text, text};
use super::{limits, Environment, Problem};

/// Checks only the hard limits of a save: list lengths, the shape of
/// catalogue ids, control characters other than line breaks and tabs, and
/// at most [`limits::SAVED_TEXT`] characters in each answer.
///
/// The server rejects a save that fails this check. Content that passes
/// may still be incomplete or invalid, answers over their field's own
/// length limit included, which [`super::validate`] reports.
pub fn validate_limits(content: &RequestContent) -> Result<(), Vec<Problem>> {
    let problems = check_sizes(content, true);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Returns whether a catalogue id or declaration key is non-empty, at most
/// [`limits::IDENTIFIER`] bytes long and made of ASCII letters, digits, `_`
/// and `-`, so that it can be part of a problem path and an element id.
pub(super) fn is_identifier(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= limits::IDENTIFIER
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Returns the path of a dataset or field in the Data section, or `data`
/// when the id cannot be part of a path.
pub(super) fn data_path(id: &str) -> String {
    if is_identifier(id) {
        format!("data.{id}")
    } else {
        "data".to_string()
    }
}

/// Problems with the limits of each field, in page order.
pub(super) fn limit_problems(content: &RequestContent) -> Vec<Problem> {
    check_sizes(content, false)
}

/// Problems with the limits, in page order. With `for_save`, each text
/// answer is held to the save limits instead of its field's own.
fn check_sizes(content: &RequestContent, for_save: bool) -> Vec<Problem> {
    let mut sizes = SizeCheck {
        section: Section::Organisation,
        problems: Vec::new(),
        for_save,
    };
    let organisation = &content.organisation;
    sizes.text(
        "organisation.legal_name",
        &organisation.legal_name,
        short_text,
    );
    let number = &organisation.company_or_charity_number;
    sizes.text("organisation.company_or_charity_number", number, short_text);
    let address = &organisation.registered_address;
    sizes.text("organisation.registered_address", address, long_text);
    let ico = &organisation.ico_registration;
    sizes.text("organisation.ico_registration", ico, short_text);
    sizes.text("organisation.website", &organisation.website, url_text);

    sizes.section = Section::Contacts;
    sizes.contacts(&content.contacts);

    sizes.section = Section::Connection;
    let connection = &content.connection;
    sizes.text("connection.name", &connection.name, short_text);
    let description = &connection.member_description;
    sizes.text(
        "connection.member_description",
        description,
        member_description,
    );
    sizes.text("connection.service_url", &connection.service_url, url_text);
    sizes.text("connection.category", &connection.category, short_text);
    let members = &connection.expected_members;
    sizes.text("connection.expected_members", members, short_text);
    let calls = &connection.expected_calls_per_day;
    sizes.text("connection.expected_calls_per_day", calls, short_text);

    sizes.section = Section::Data;
    sizes.data(&content.data);

    sizes.section = Section::UseCases;
    sizes.use_cases(&content.use_cases);

    sizes.section = Section::Gdpr;
    sizes.gdpr(&content.gdpr);

    sizes.section = Section::Technical;
    sizes.environment(Environment::Sandbox, &content.technical.sandbox);
    sizes.environment(Environment::Live, &content.technical.live);
    sizes.problems
}

fn url_text(input: &str) -> Result<(), String> {
    text(input, limits::URL, false)
}

fn email_text(input: &str) -> Result<(), String> {
    text(input, limits::EMAIL, false)
}

struct SizeCheck {
    section: Section,
    problems: Vec<Problem>,
    for_save: bool,
}

impl SizeCheck {
    fn text(&mut self, path: &str, value: &str, check: fn(&str) -> Result<(), String>) {
        let result = if self.for_save {
            text(value, limits::SAVED_TEXT, true)
        } else {
            check(value)
        };
        if let Err(message) = result {
            self.problems
                .push(Problem::invalid(self.section, path, message));
        }
    }

    fn count(&mut self, path: &str, length: usize, max: usize, message: &str) {
        if length > max {
            let message = message.replace("{max}", &group_thousands(max as u64));
            self.problems
                .push(Problem::invalid(self.section, path, message));
        }
    }

    fn ids<'a>(&mut self, path: &str, ids: impl IntoIterator<Item = &'a String>, message: &str) {
        if !ids.into_iter().all(|id| is_identifier(id)) {
            self.problems
                .push(Problem::invalid(self.section, path, message));
        }
    }

    fn contacts(&mut self, contacts: &ContactsSection) {
        for (role, contact) in [
            ("business", &contacts.business),
            ("technical", &contacts.technical),
        ] {
            self.text(&format!("contacts.{role}.name"), &contact.name, short_text);
            self.text(&format!("contacts.{role}.role"), &contact.role, short_text);
            self.text(
                &format!("contacts.{role}.email"),
                &contact.email,
                email_text,
            );
            self.text(
                &format!("contacts.{role}.phone"),
                &contact.phone,
                short_text,
            );
        }
        self.text("contacts.dpo.name", &contacts.dpo.name, short_text);
        self.text("contacts.dpo.email", &contacts.dpo.email, email_text);
    }

    fn data(&mut self, data: &[DatasetChoice]) {
        let too_many = "Choose {max} datasets or fewer";
        self.count("data", data.len(), limits::MAX_DATASETS, too_many);
        let not_in_catalogue = "Choose datasets and fields from the catalogue";
        for choice in data {
            if !choice.dataset.is_empty() && !is_identifier(&choice.dataset) {
                self.problems
                    .push(Problem::invalid(self.section, "data", not_in_catalogue));
                continue;
            }
            let path = data_path(&choice.dataset);
            let too_many = "Choose {max} fields or fewer from this dataset";
            self.count(&path, choice.fields.len(), limits::MAX_FIELDS, too_many);
            self.ids(&path, choice.fields.keys(), not_in_catalogue);
            let operations_path = format!("{path}.operations");
            let repeated = "Select each operation only once";
            let operations = choice.operations.len();
            self.count(
                &operations_path,
                operations,
                limits::MAX_OPERATIONS,
                repeated,
            );
        }
    }

    fn use_cases(&mut self, use_cases: &[UseCase]) {
        let too_many = "Remove use cases so that there are {max} or fewer";
        self.count(
            "use_cases",
            use_cases.len(),
            limits::MAX_USE_CASES,
            too_many,
        );
        for (index, use_case) in use_cases.iter().enumerate() {
            let path = |field: &str| format!("use_cases.{index}.{field}");
            self.text(&path("title"), &use_case.title, short_text);
            self.text(&path("description"), &use_case.description, long_text);
            let too_many = "Choose {max} fields or fewer for this use case";
            self.count(
                &path("fields"),
                use_case.fields.len(),
                limits::MAX_FIELDS,
                too_many,
            );
            let not_in_catalogue = "Choose fields from the catalogue";
            self.ids(&path("fields"), &use_case.fields, not_in_catalogue);
            self.text(&path("lawful_basis"), &use_case.lawful_basis, short_text);
            let condition = &use_case.special_category_condition;
            self.text(&path("special_category_condition"), condition, short_text);
            self.text(&path("retention"), &use_case.retention, long_text);
            self.text(&path("recipients"), &use_case.recipients, long_text);
            let logic = &use_case.automated_decision_logic;
            self.text(&path("automated_decision_logic"), logic, long_text);
            let safeguard = &use_case.transfer_safeguard;
            self.text(&path("transfer_safeguard"), safeguard, long_text);
        }
    }

    fn gdpr(&mut self, gdpr: &GdprSection) {
        self.text("gdpr.controller_name", &gdpr.controller_name, short_text);
        self.text(
            "gdpr.privacy_notice_url",
            &gdpr.privacy_notice_url,
            url_text,
        );
        self.text("gdpr.dpia_date", &gdpr.dpia_date, short_text);
        self.text("gdpr.dpia_summary_url", &gdpr.dpia_summary_url, url_text);
        let reason = &gdpr.dpia_not_needed_reason;
        self.text("gdpr.dpia_not_needed_reason", reason, long_text);
        self.text("gdpr.rights_contact", &gdpr.rights_contact, email_text);
        self.text("gdpr.security_summary", &gdpr.security_summary, long_text);
        self.text("gdpr.breach_process", &gdpr.breach_process, long_text);
        let declarations = &gdpr.declarations;
        let too_many = "Tick each declaration only once";
        self.count(
            "gdpr.declarations",
            declarations.len(),
            limits::MAX_DECLARATIONS,
            too_many,
        );
        let unknown = "Tick only the declarations on this page";
        self.ids("gdpr.declarations", declarations, unknown);
    }

    fn environment(&mut self, environment: Environment, technical: &EnvironmentTechnical) {
        let prefix = format!("technical.{}", environment.as_str());
        let ranges_path = format!("{prefix}.ip_ranges");
        let too_many = "Remove IP addresses or ranges so that there are {max} or fewer";
        self.count(
            &ranges_path,
            technical.ip_ranges.len(),
            limits::MAX_IP_RANGES,
            too_many,
        );
        for (index, range) in technical.ip_ranges.iter().enumerate() {
            self.text(&format!("{ranges_path}.{index}"), range, short_text);
        }
        self.text(
            &format!("{prefix}.callback_url"),
            &technical.callback_url,
            url_text,
        );
        let urls_path = format!("{prefix}.return_to_urls");
        let urls = &technical.return_to_urls;
        let too_many = "Remove return-to URLs so that there are {max} or fewer";
        self.count(&urls_path, urls.len(), limits::MAX_RETURN_URLS, too_many);
        for (index, url) in urls.iter().enumerate() {
            self.text(&format!("{urls_path}.{index}"), url, url_text);
        }
    }
}
