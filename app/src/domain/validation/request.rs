//! The checklist rules for a whole request.

use std::collections::{BTreeSet, HashSet};

use super::super::catalogue::{Catalogue, Dataset, DatasetKind};
use super::super::content::{
    Contact, DatasetChoice, EnvironmentTechnical, GdprSection, OrganisationSection, RequestContent,
    UseCase, DECLARATIONS, LAWFUL_BASES, SERVICE_CATEGORIES, SPECIAL_CATEGORY_CONDITIONS,
};
use super::super::section::Section;
use super::fields::{
    company_or_charity_number, count, email, https_url, https_url_for, ico_registration, iso_date,
    long_text, member_description, short_text, uk_phone,
};
use super::ip::ip_range;
use super::size::{data_path, limit_problems};
use super::{Environment, Problem};

/// Lists every missing or invalid answer in a request, in section order,
/// with at most one problem per path.
///
/// Within a section, problems follow page order, except that size problems
/// of answers that no rule checks, such as the DPIA date after "no", and of
/// over-long lists come last.
///
/// The Terms section is not checked here, because acceptance is stored
/// outside the request content (see [`super::terms_problem`]). Uniqueness of
/// the connection name within the organisation needs the database, so this
/// function does not check it.
pub fn validate(content: &RequestContent, catalogue: &Catalogue) -> Vec<Problem> {
    let mut collector = Collector {
        section: Section::Organisation,
        problems: Vec::new(),
        size_problems: limit_problems(content),
    };
    check_organisation(&mut collector, &content.organisation);
    check_contacts(&mut collector, content);
    check_connection(&mut collector, content);
    check_data(&mut collector, &content.data, catalogue);
    check_use_cases(&mut collector, content, catalogue);
    check_data_minimisation(&mut collector, content, catalogue);
    check_gdpr(&mut collector, &content.gdpr);
    for environment in Environment::ALL {
        let technical = match environment {
            Environment::Sandbox => &content.technical.sandbox,
            Environment::Live => &content.technical.live,
        };
        check_environment(&mut collector, environment, technical);
    }
    collector.finish()
}

fn is_blank(value: &str) -> bool {
    value.trim().is_empty()
}

/// Gathers problems for the current section.
struct Collector {
    section: Section,
    problems: Vec<Problem>,
    /// Hard-limit problems not yet reported. One of them replaces the first
    /// problem reported at its path, so that the size message comes first.
    size_problems: Vec<Problem>,
}

impl Collector {
    fn push(&mut self, problem: Problem) {
        let size_index = self
            .size_problems
            .iter()
            .position(|size_problem| size_problem.path == problem.path);
        match size_index {
            Some(index) => {
                let size_problem = self.size_problems.remove(index);
                self.problems.push(size_problem);
            }
            None => self.problems.push(problem),
        }
    }

    fn missing(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.push(Problem::missing(self.section, path, message));
    }

    fn invalid(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.push(Problem::invalid(self.section, path, message));
    }

    /// Checks one answer: a size problem first, then `Missing` with
    /// `missing_message` when the answer is blank and required, then `check`.
    fn answer<T>(
        &mut self,
        path: impl Into<String>,
        value: &str,
        missing_message: Option<&str>,
        check: impl FnOnce(&str) -> Result<T, String>,
    ) {
        let path = path.into();
        if let Some(index) = self.size_problems.iter().position(|p| p.path == path) {
            let size_problem = self.size_problems.remove(index);
            self.problems.push(size_problem);
            return;
        }
        if is_blank(value) {
            if let Some(message) = missing_message {
                self.missing(path, message);
            }
            return;
        }
        if let Err(message) = check(value) {
            self.invalid(path, message);
        }
    }

    fn required<T>(
        &mut self,
        path: impl Into<String>,
        value: &str,
        missing_message: &str,
        check: impl FnOnce(&str) -> Result<T, String>,
    ) {
        self.answer(path, value, Some(missing_message), check);
    }

    fn optional<T>(
        &mut self,
        path: impl Into<String>,
        value: &str,
        check: impl FnOnce(&str) -> Result<T, String>,
    ) {
        self.answer(path, value, None, check);
    }

    /// Adds the size problems of answers that no rule visited, orders the
    /// problems by section and keeps the first problem at each path.
    fn finish(mut self) -> Vec<Problem> {
        self.problems.append(&mut self.size_problems);
        self.problems.sort_by_key(|problem| problem.section);
        let mut paths = HashSet::new();
        self.problems
            .retain(|problem| paths.insert(problem.path.clone()));
        self.problems
    }
}

fn check_organisation(collector: &mut Collector, organisation: &OrganisationSection) {
    collector.section = Section::Organisation;
    collector.required(
        "organisation.legal_name",
        &organisation.legal_name,
        "Enter the organisation's legal name",
        short_text,
    );
    let number_missing = (!organisation.public_body).then_some(
        "Enter the company or charity number, or select that the organisation is a public body",
    );
    collector.answer(
        "organisation.company_or_charity_number",
        &organisation.company_or_charity_number,
        number_missing,
        company_or_charity_number,
    );
    collector.required(
        "organisation.registered_address",
        &organisation.registered_address,
        "Enter the registered address",
        long_text,
    );
    collector.required(
        "organisation.ico_registration",
        &organisation.ico_registration,
        "Enter the ICO registration number",
        ico_registration,
    );
    collector.required(
        "organisation.website",
        &organisation.website,
        "Enter the organisation's website address",
        https_url,
    );
}

fn check_contacts(collector: &mut Collector, content: &RequestContent) {
    collector.section = Section::Contacts;
    let contacts = &content.contacts;
    check_contact(collector, "business", &contacts.business);
    check_contact(collector, "technical", &contacts.technical);
    collector.required(
        "contacts.dpo.name",
        &contacts.dpo.name,
        "Enter the data protection officer's name",
        short_text,
    );
    collector.required(
        "contacts.dpo.email",
        &contacts.dpo.email,
        "Enter the data protection officer's email address",
        email,
    );
}

fn check_contact(collector: &mut Collector, role: &str, contact: &Contact) {
    let path = |field: &str| format!("contacts.{role}.{field}");
    let name_missing = format!("Enter the {role} contact's name");
    collector.required(path("name"), &contact.name, &name_missing, short_text);
    let role_missing = format!("Enter the {role} contact's role");
    collector.required(path("role"), &contact.role, &role_missing, short_text);
    let email_missing = format!("Enter the {role} contact's email address");
    collector.required(path("email"), &contact.email, &email_missing, email);
    let phone_missing = format!("Enter the {role} contact's phone number");
    collector.required(path("phone"), &contact.phone, &phone_missing, uk_phone);
}

fn check_connection(collector: &mut Collector, content: &RequestContent) {
    collector.section = Section::Connection;
    let connection = &content.connection;
    collector.required(
        "connection.name",
        &connection.name,
        "Enter a name for the connection",
        short_text,
    );
    collector.required(
        "connection.member_description",
        &connection.member_description,
        "Enter a short description of the connection for members",
        member_description,
    );
    collector.required(
        "connection.service_url",
        &connection.service_url,
        "Enter the web address of the service",
        https_url,
    );
    collector.required(
        "connection.category",
        &connection.category,
        "Select a service category",
        |value| {
            if SERVICE_CATEGORIES.contains(&value.trim()) {
                Ok(())
            } else {
                Err("Select a service category from the list".to_string())
            }
        },
    );
    collector.required(
        "connection.expected_members",
        &connection.expected_members,
        "Enter the expected number of members",
        count,
    );
    collector.required(
        "connection.expected_calls_per_day",
        &connection.expected_calls_per_day,
        "Enter the expected number of API calls per day",
        count,
    );
}

fn check_data(collector: &mut Collector, data: &[DatasetChoice], catalogue: &Catalogue) {
    collector.section = Section::Data;
    if data.is_empty() {
        collector.missing(
            "data",
            "Choose at least one dataset and the fields you need from it",
        );
        return;
    }
    let mut seen = BTreeSet::new();
    for choice in data {
        let path = data_path(&choice.dataset);
        let Some(dataset) = catalogue.dataset(&choice.dataset) else {
            let message = if choice.dataset.is_empty() {
                "Choose a dataset from the catalogue, or remove this one".to_string()
            } else {
                format!(
                    "Remove '{}', because it is not a dataset in the catalogue",
                    choice.dataset
                )
            };
            collector.invalid(path, message);
            continue;
        };
        if !seen.insert(dataset.id.as_str()) {
            collector.invalid(path, format!("Choose {} only once", dataset.label));
            continue;
        }
        if choice.fields.is_empty() {
            let message = format!(
                "Choose at least one field from {}, or remove the dataset",
                dataset.label
            );
            collector.missing(path, message);
        }
        for field_id in choice.fields.keys() {
            check_chosen_field(collector, dataset, field_id, catalogue);
        }
        check_operations(collector, dataset, choice);
    }
}

fn check_chosen_field(
    collector: &mut Collector,
    dataset: &Dataset,
    field_id: &str,
    catalogue: &Catalogue,
) {
    match catalogue.field(field_id) {
        None => {
            let message =
                format!("Remove '{field_id}', because it is not a field in the catalogue");
            collector.invalid(data_path(field_id), message);
        }
        Some((owner, field)) if owner.id != dataset.id => {
            let message = format!(
                "Choose '{}' under {}, not under {}",
                field.label, owner.label, dataset.label
            );
            collector.invalid(data_path(field_id), message);
        }
        Some(_) => {}
    }
}

fn check_operations(collector: &mut Collector, dataset: &Dataset, choice: &DatasetChoice) {
    let path = format!("{}.operations", data_path(&dataset.id));
    match dataset.kind {
        DatasetKind::Transactional if choice.operations.is_empty() => {
            let message = format!("Select at least one operation on {} rows", dataset.label);
            collector.missing(path, message);
        }
        DatasetKind::Metadata if !choice.operations.is_empty() => {
            let message = format!(
                "Remove the operations, because {} is not a transactional dataset",
                dataset.label
            );
            collector.invalid(path, message);
        }
        _ => {}
    }
}

fn check_use_cases(collector: &mut Collector, content: &RequestContent, catalogue: &Catalogue) {
    collector.section = Section::UseCases;
    if content.use_cases.is_empty() {
        collector.missing("use_cases", "Add at least one use case");
        return;
    }
    let chosen: BTreeSet<&str> = content
        .chosen_fields()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    for (index, use_case) in content.use_cases.iter().enumerate() {
        check_use_case(collector, index, use_case, &chosen, catalogue);
    }
}

fn check_use_case(
    collector: &mut Collector,
    index: usize,
    use_case: &UseCase,
    chosen: &BTreeSet<&str>,
    catalogue: &Catalogue,
) {
    let number = index + 1;
    let path = |field: &str| format!("use_cases.{index}.{field}");

    let title_missing = format!("Enter a title for use case {number}");
    collector.required(path("title"), &use_case.title, &title_missing, short_text);
    let description_missing = format!("Describe use case {number} in plain language");
    let description = &use_case.description;
    collector.required(
        path("description"),
        description,
        &description_missing,
        long_text,
    );

    let fields_path = path("fields");
    check_use_case_fields(collector, &fields_path, number, use_case, chosen, catalogue);
    let basis_missing = format!("Select the lawful basis for use case {number}");
    collector.required(
        path("lawful_basis"),
        &use_case.lawful_basis,
        &basis_missing,
        |value| key_in(&LAWFUL_BASES, value, "Select a lawful basis from the list"),
    );
    let condition_path = path("special_category_condition");
    check_special_category_condition(collector, &condition_path, number, use_case, catalogue);

    let retention_missing = format!("Enter how long you keep the data for use case {number}");
    collector.required(
        path("retention"),
        &use_case.retention,
        &retention_missing,
        long_text,
    );
    collector.optional(path("recipients"), &use_case.recipients, long_text);

    check_use_case_questions(collector, index, use_case);
}

/// Checks the automated decision-making and international transfer
/// questions of a use case.
fn check_use_case_questions(collector: &mut Collector, index: usize, use_case: &UseCase) {
    let number = index + 1;
    let path = |field: &str| format!("use_cases.{index}.{field}");
    check_yes_no(
        collector,
        (
            path("automated_decision_making"),
            use_case.automated_decision_making,
        ),
        &format!("Select yes if use case {number} makes automated decisions about members"),
        (
            path("automated_decision_logic"),
            &use_case.automated_decision_logic,
        ),
        "Describe the logic of the automated decisions",
    );
    check_yes_no(
        collector,
        (path("international_transfers"), use_case.international_transfers),
        &format!("Select yes if use case {number} transfers data outside the UK"),
        (path("transfer_safeguard"), &use_case.transfer_safeguard),
        "Enter the safeguard for the transfers, such as UK adequacy regulations or an international data transfer agreement",
    );
}

/// Checks a yes or no question, given as its path and answer, whose yes
/// answer needs details.
fn check_yes_no(
    collector: &mut Collector,
    (answer_path, answer): (String, Option<bool>),
    answer_missing: &str,
    (details_path, details): (String, &str),
    details_missing: &str,
) {
    match answer {
        None => collector.missing(answer_path, answer_missing),
        Some(true) => collector.required(details_path, details, details_missing, long_text),
        Some(false) => collector.optional(details_path, details, long_text),
    }
}

fn key_in(table: &[(&str, &str)], value: &str, message: &str) -> Result<(), String> {
    if table.iter().any(|(key, _)| *key == value.trim()) {
        Ok(())
    } else {
        Err(message.to_string())
    }
}

/// Joins quoted names as "'A'", "'A' and 'B'" or "'A', 'B' and 'C'".
fn quoted_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("'{name}'")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

fn check_use_case_fields(
    collector: &mut Collector,
    path: &str,
    number: usize,
    use_case: &UseCase,
    chosen: &BTreeSet<&str>,
    catalogue: &Catalogue,
) {
    if use_case.fields.is_empty() {
        collector.missing(
            path,
            format!("Choose the fields that use case {number} needs"),
        );
        return;
    }
    let unknown: Vec<&str> = (use_case.fields.iter())
        .filter(|id| catalogue.field(id).is_none())
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        let verb = if unknown.len() == 1 {
            "it is"
        } else {
            "they are"
        };
        let names = quoted_list(&unknown);
        collector.invalid(
            path,
            format!("Remove {names}, because {verb} not in the catalogue"),
        );
        return;
    }
    let not_chosen: Vec<&str> = (use_case.fields.iter())
        .filter(|id| !chosen.contains(id.as_str()))
        .filter_map(|id| catalogue.field(id).map(|(_, field)| field.label.as_str()))
        .collect();
    if !not_chosen.is_empty() {
        let pronoun = if not_chosen.len() == 1 { "it" } else { "them" };
        let names = quoted_list(&not_chosen);
        let message =
            format!("Choose {names} in the Data section, or remove {pronoun} from this use case");
        collector.invalid(path, message);
    }
}

fn check_special_category_condition(
    collector: &mut Collector,
    path: &str,
    number: usize,
    use_case: &UseCase,
    catalogue: &Catalogue,
) {
    let special: Vec<&str> = (use_case.fields.iter())
        .filter_map(|id| catalogue.field(id))
        .filter(|(_, field)| field.special_category)
        .map(|(_, field)| field.label.as_str())
        .collect();
    let missing_message = (!special.is_empty()).then(|| {
        format!(
            "Select a condition for processing special category data, because use case {number} uses {}",
            quoted_list(&special)
        )
    });
    let condition = &use_case.special_category_condition;
    collector.answer(path, condition, missing_message.as_deref(), |value| {
        let message = "Select a condition for special category data from the list";
        key_in(&SPECIAL_CATEGORY_CONDITIONS, value, message)
    });
}

/// Reports each chosen field that no use case lists, because every field
/// must serve a declared purpose.
///
/// Skipped while there are no use cases, because the use cases section then
/// reports its own missing problem and every field would be flagged at once.
fn check_data_minimisation(
    collector: &mut Collector,
    content: &RequestContent,
    catalogue: &Catalogue,
) {
    if content.use_cases.is_empty() {
        return;
    }
    collector.section = Section::Data;
    let used: BTreeSet<&str> = (content.use_cases.iter())
        .flat_map(|use_case| use_case.fields.iter().map(String::as_str))
        .collect();
    for (field_id, _) in content.chosen_fields() {
        if used.contains(field_id) {
            continue;
        }
        let Some((_, field)) = catalogue.field(field_id) else {
            continue;
        };
        let message = format!(
            "Add '{}' to a use case or remove it, because every field must serve a declared purpose",
            field.label
        );
        collector.invalid(data_path(field_id), message);
    }
}

fn check_gdpr(collector: &mut Collector, gdpr: &GdprSection) {
    collector.section = Section::Gdpr;
    collector.required(
        "gdpr.controller_name",
        &gdpr.controller_name,
        "Enter the name of the data controller",
        short_text,
    );
    collector.required(
        "gdpr.privacy_notice_url",
        &gdpr.privacy_notice_url,
        "Enter the web address of your privacy notice",
        https_url,
    );
    check_dpia(collector, gdpr);
    collector.required(
        "gdpr.rights_contact",
        &gdpr.rights_contact,
        "Enter the email address that members can use for data protection rights requests",
        email,
    );
    collector.required(
        "gdpr.security_summary",
        &gdpr.security_summary,
        "Summarise your security measures",
        long_text,
    );
    collector.required(
        "gdpr.breach_process",
        &gdpr.breach_process,
        "Describe how you handle and report personal data breaches",
        long_text,
    );
    let all_ticked = DECLARATIONS
        .iter()
        .all(|(key, _)| gdpr.declarations.iter().any(|ticked| ticked == key));
    if !all_ticked {
        collector.missing(
            "gdpr.declarations",
            "Tick all the declarations to confirm them",
        );
    }
}

fn check_dpia(collector: &mut Collector, gdpr: &GdprSection) {
    match gdpr.dpia_done {
        None => collector.missing(
            "gdpr.dpia_done",
            "Select yes if you have done a data protection impact assessment (DPIA)",
        ),
        Some(true) => {
            let date_missing = "Enter the date of the DPIA";
            collector.required("gdpr.dpia_date", &gdpr.dpia_date, date_missing, iso_date);
            collector.required(
                "gdpr.dpia_summary_url",
                &gdpr.dpia_summary_url,
                "Enter the web address of the DPIA summary",
                https_url,
            );
        }
        Some(false) => collector.required(
            "gdpr.dpia_not_needed_reason",
            &gdpr.dpia_not_needed_reason,
            "Explain why you do not need a DPIA",
            long_text,
        ),
    }
}

fn check_environment(
    collector: &mut Collector,
    environment: Environment,
    technical: &EnvironmentTechnical,
) {
    collector.section = Section::Technical;
    let prefix = format!("technical.{}", environment.as_str());
    let place = match environment {
        Environment::Sandbox => "the sandbox",
        Environment::Live => "live",
    };
    check_ip_ranges(collector, &prefix, place, environment, &technical.ip_ranges);
    let callback_missing = format!("Enter the callback URL for {place}");
    let callback = &technical.callback_url;
    collector.required(
        format!("{prefix}.callback_url"),
        callback,
        &callback_missing,
        |value| https_url_for(value, environment),
    );
    check_return_to_urls(
        collector,
        &prefix,
        place,
        environment,
        &technical.return_to_urls,
    );
}

fn check_ip_ranges(
    collector: &mut Collector,
    prefix: &str,
    place: &str,
    environment: Environment,
    ranges: &[String],
) {
    let list_path = format!("{prefix}.ip_ranges");
    if ranges.is_empty() {
        let message = format!("Enter at least one IP address or range for {place}");
        collector.missing(list_path.as_str(), message);
    }
    let mut seen = Vec::new();
    for (index, range) in ranges.iter().enumerate() {
        let missing = "Enter an IP address or range, or remove this entry";
        collector.required(format!("{list_path}.{index}"), range, missing, |value| {
            let net = ip_range(value, environment)?;
            if seen.contains(&net) {
                return Err(format!("Remove this duplicate of {}", value.trim()));
            }
            seen.push(net);
            Ok(())
        });
    }
}

fn check_return_to_urls(
    collector: &mut Collector,
    prefix: &str,
    place: &str,
    environment: Environment,
    urls: &[String],
) {
    let list_path = format!("{prefix}.return_to_urls");
    if urls.is_empty() {
        let message = format!("Enter at least one return-to URL for {place}");
        collector.missing(list_path.as_str(), message);
    }
    let mut seen = BTreeSet::new();
    for (index, url) in urls.iter().enumerate() {
        let missing = "Enter a return-to URL, or remove this entry";
        collector.required(format!("{list_path}.{index}"), url, missing, |value| {
            https_url_for(value, environment)?;
            if !seen.insert(value.trim().to_string()) {
                return Err("Remove this duplicate URL".to_string());
            }
            Ok(())
        });
    }
}
