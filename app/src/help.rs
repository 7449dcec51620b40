//! Pop-up help and hint text for the request form, one entry per section
//! and one per field.
//!
//! Field help is keyed by the field's path in the request content with list
//! indexes and environments removed, such as `use_cases.title` or
//! `technical.ip_ranges`. [`help_key`] turns a concrete path into its key.
//!
//! Examples are fictional. Domains are under the reserved `.example` top-level
//! domain, IP addresses come from the documentation ranges (RFC 5737 for IPv4,
//! RFC 3849 for IPv6) and phone numbers from Ofcom's ranges for drama.

use crate::domain::section::Section;

/// The text of one pop-up help panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Help {
    /// Heading of the panel.
    pub title: &'static str,
    /// Instructions on what to enter, in one to three short sentences.
    pub what: &'static str,
    /// Reason the operator needs the value.
    pub why: &'static str,
    /// A fictional example answer, or `None` where an example would not help.
    pub example: Option<&'static str>,
}

/// Returns the pop-up help for a whole section.
pub fn section_help(section: Section) -> Help {
    let title = section.title();
    match section {
        Section::Organisation => Help {
            title,
            what: "Details of the organisation that will be responsible for this connection. \
                   They start from your organisation's profile.",
            why: "The operator confirms that the organisation exists and is registered to \
                  process personal data before connecting it to members' data stores.",
            example: Some(
                "Northshire County Council, a public body with ICO registration Z5678123",
            ),
        },
        Section::Contacts => Help {
            title,
            what: "The people the operator can contact about this connection: a business \
                   contact, a technical contact and your data protection officer.",
            why: "Reviewers need someone who can answer for the purpose, someone who can answer \
                  for the systems and someone who can answer for data protection. The operator \
                  also contacts them if something goes wrong once the connection is in use.",
            example: None,
        },
        Section::Connection => Help {
            title,
            what: "What the service is, how members will recognise it and how much it will be \
                   used.",
            why: "Members read the description when they decide whether to connect, and the \
                  operator plans capacity from your estimates.",
            example: None,
        },
        Section::Data => Help {
            title,
            what: "The datasets and fields your service reads from or writes to members' data \
                   stores. For datasets that hold many rows per member, also choose the \
                   operations you need.",
            why: "The connection is given access only to what you choose here, and members see \
                  it in the data sharing agreement they accept.",
            example: Some("Read Postcode from Address, and create and read rows in Referrals"),
        },
        Section::UseCases => Help {
            title,
            what: "Each purpose for which you use members' data, with its lawful basis, the \
                   fields it needs, how long you keep the data and who else receives it.",
            why: "Together with the fields you choose, the use cases form the data sharing \
                  agreement that each member accepts when they connect. UK GDPR requires a \
                  specified purpose and a lawful basis for all processing.",
            example: Some("Check eligibility for a Council Tax single person discount"),
        },
        Section::Gdpr => Help {
            title,
            what: "Your data protection arrangements for this service and the declarations your \
                   organisation makes.",
            why: "The operator must be satisfied that you meet UK GDPR before it lets you \
                  exchange data with members.",
            example: None,
        },
        Section::Technical => Help {
            title,
            what: "The details the operator needs to connect your systems: server IP addresses, \
                   a callback URL and return-to URLs. Sandbox and live have separate details.",
            why: "The operator accepts calls for this connection only from the addresses you \
                  list, and sends connection keys and members only to the URLs you list.",
            example: None,
        },
        Section::Terms => Help {
            title,
            what: "The current Terms for Subscribers, which you accept when you submit the \
                   request.",
            why: "The terms set out how your organisation may use the platform and members' \
                  data. The operator records the version you accepted, when and by whom.",
            example: None,
        },
    }
}

/// Returns the pop-up help for a field key, or `None` for an unknown key.
///
/// Pass a key, not a concrete path: see [`help_key`].
pub fn field_help(key: &str) -> Option<Help> {
    FIELD_HELP
        .iter()
        .find(|(known, _)| *known == key)
        .map(|(_, help)| *help)
}

/// Returns the one-line hint shown under a field's label, or `None` for a
/// field whose label needs no explanation.
pub fn hint(key: &str) -> Option<&'static str> {
    HINTS
        .iter()
        .find(|(known, _)| *known == key)
        .map(|(_, hint)| *hint)
}

/// Every key that [`field_help`] has help for, in form order.
pub const FIELD_KEYS: &[&str] = &field_keys();

/// Turns a concrete field path into its help key.
///
/// List indexes and the `sandbox` and `live` environment segments are
/// removed, so `use_cases.2.title` becomes `use_cases.title` and
/// `technical.live.ip_ranges.0` becomes `technical.ip_ranges`. A data path may
/// name its dataset by catalogue id, as in `data.field_ds_address.operations`,
/// which becomes `data.operations`. Deeper paths map to the longest known key
/// they start with, such as `gdpr.declarations.member_rights` to
/// `gdpr.declarations`. A path with no known key comes back with only the
/// indexes and environments removed.
pub fn help_key(path: &str) -> String {
    let segments: Vec<&str> = path
        .split('.')
        .filter(|segment| !segment.is_empty() && !is_environment(segment))
        .collect();

    // Data paths keep their list index here, because `data.0` names a dataset
    // choice and must not collapse to the section name `data`.
    if segments.first() == Some(&"data") {
        return data_key(&segments[1..]);
    }

    let segments: Vec<&str> = segments
        .into_iter()
        .filter(|segment| !is_list_index(segment))
        .collect();
    for len in (1..=segments.len()).rev() {
        let candidate = segments[..len].join(".");
        if FIELD_KEYS.contains(&candidate.as_str()) {
            return candidate;
        }
    }
    segments.join(".")
}

fn is_list_index(segment: &str) -> bool {
    !segment.is_empty() && segment.bytes().all(|byte| byte.is_ascii_digit())
}

fn is_environment(segment: &str) -> bool {
    segment == "sandbox" || segment == "live"
}

/// Names that can follow `data.`, either as a help key or as a member of a
/// dataset choice addressed by list index (`dataset`, `fields`, `operations`).
const DATA_MEMBERS: [&str; 6] = [
    "datasets",
    "dataset",
    "permissions",
    "fields",
    "operations",
    "special_category",
];

/// Maps the segments after `data.` to a data key. `rest` starts either with
/// a member name, or with a list index or catalogue dataset id that names a
/// dataset choice and may be followed by a member name.
fn data_key(rest: &[&str]) -> String {
    let member = match rest {
        [] => return "data".to_string(),
        [first, ..] if DATA_MEMBERS.contains(first) => *first,
        [_choice] => "dataset",
        [_choice, member, ..] => *member,
    };
    let key = match member {
        "fields" | "permissions" => "data.permissions",
        "operations" => "data.operations",
        "special_category" => "data.special_category",
        _ => "data.datasets",
    };
    key.to_string()
}

const FIELD_COUNT: usize = FIELD_HELP.len();

const fn field_keys() -> [&'static str; FIELD_COUNT] {
    let mut keys = [""; FIELD_COUNT];
    let mut i = 0;
    while i < FIELD_COUNT {
        keys[i] = FIELD_HELP[i].0;
        i += 1;
    }
    keys
}

/// Hints for the fields where most people need one, by field key.
const HINTS: &[(&str, &str)] = &[
    (
        "organisation.company_or_charity_number",
        "A company number has 8 characters, like 01234567 or SC123456. Leave this empty for a \
         public body.",
    ),
    (
        "organisation.public_body",
        "For example, a council, government department or NHS body.",
    ),
    (
        "organisation.ico_registration",
        "It starts with Z, like Z1234567 or ZA123456.",
    ),
    ("organisation.website", "Must start with https://"),
    (
        "contacts.dpo.name",
        "If you do not have to appoint a DPO, give the person responsible for data protection.",
    ),
    (
        "connection.name",
        "Must be different from your organisation's other connection names.",
    ),
    (
        "connection.member_description",
        "Up to 280 characters in plain language. Members see this when they decide whether to \
         connect.",
    ),
    ("connection.service_url", "Must start with https://"),
    (
        "connection.expected_members",
        "An estimate is fine. Enter a whole number, like 8500.",
    ),
    (
        "connection.expected_calls_per_day",
        "An estimate is fine. Enter a whole number, like 20000.",
    ),
    (
        "data.permissions",
        "Read collects the field from the member's data store. Write delivers it to the data \
         store.",
    ),
    (
        "data.operations",
        "Only for datasets that hold many rows per member, such as Referrals.",
    ),
    (
        "data.special_category",
        "Each use case that uses these fields needs a UK GDPR Article 9 condition.",
    ),
    (
        "use_cases.title",
        "Name the purpose in words a member would understand.",
    ),
    (
        "use_cases.fields",
        "Every field you chose in the Data section must be in at least one use case.",
    ),
    (
        "use_cases.lawful_basis",
        "Choose the UK GDPR Article 6(1) basis for this purpose.",
    ),
    (
        "use_cases.special_category_condition",
        "Needed only when this use case uses special-category fields, such as health.",
    ),
    (
        "use_cases.retention",
        "For example, 6 years after the case closes, then deleted.",
    ),
    (
        "use_cases.recipients",
        "Include processors such as IT suppliers. If nobody else receives the data, say so.",
    ),
    (
        "use_cases.automated_decision_making",
        "Answer yes only if no person takes part in the decision.",
    ),
    (
        "use_cases.international_transfers",
        "Include suppliers that store the data abroad or can access it from abroad.",
    ),
    (
        "use_cases.transfer_safeguard",
        "For example, UK adequacy regulations or an International Data Transfer Agreement.",
    ),
    (
        "gdpr.controller_name",
        "Usually your organisation's legal name.",
    ),
    ("gdpr.privacy_notice_url", "Must start with https://"),
    ("gdpr.dpia_summary_url", "Must start with https://"),
    (
        "gdpr.rights_contact",
        "An email address that members can write to.",
    ),
    ("gdpr.declarations", "You must tick all of them to submit."),
    (
        "technical.ip_ranges",
        "Enter an address like 203.0.113.7 or a range like 203.0.113.0/24.",
    ),
    (
        "technical.callback_url",
        "Must start with https://. The platform posts member connection keys here.",
    ),
    (
        "technical.return_to_urls",
        "Must start with https://. Add one address per entry.",
    ),
    (
        "terms.accept",
        "Accepting the terms is part of submitting the request.",
    ),
];

/// Help for every field, by field key, in form order.
const FIELD_HELP: &[(&str, Help)] = &[
    // Organisation
    (
        "organisation.legal_name",
        Help {
            title: "Legal name",
            what: "Your organisation's full legal name, as it appears on Companies House, the \
                   charity register or the law that set up your public body.",
            why: "The operator checks the name against the public register, and members need \
                  to know which organisation is responsible for their data.",
            example: Some("Northshire County Council"),
        },
    ),
    (
        "organisation.company_or_charity_number",
        Help {
            title: "Company or charity number",
            what: "Your Companies House number, or your charity number if you are a registered \
                   charity that is not a company. A company number has 8 characters. Leave \
                   this empty if you are a public body.",
            why: "The operator looks the number up on the public register to confirm that your \
                  organisation exists and is active.",
            example: Some("01234567 for a company in England and Wales, SC123456 in Scotland"),
        },
    ),
    (
        "organisation.public_body",
        Help {
            title: "Public body",
            what: "Tick this if your organisation is a public authority, such as a council, \
                   government department or NHS body, that has no company or charity number.",
            why: "Public bodies are not on the company or charity registers, so the operator \
                  confirms their identity another way.",
            example: None,
        },
    ),
    (
        "organisation.registered_address",
        Help {
            title: "Registered address",
            what: "The address on your official record: your registered office for a company or \
                   charity, or your main office for a public body.",
            why: "The operator checks it against the public register and uses it for formal \
                  letters about your connections.",
            example: Some("Civic Centre, High Street, Northshire, NS1 4XY"),
        },
    ),
    (
        "organisation.ico_registration",
        Help {
            title: "ICO registration number",
            what: "The reference number your organisation has on the Information Commissioner's \
                   Office (ICO) data protection fee register. It has 8 characters and starts \
                   with Z.",
            why: "Most organisations that process personal data must pay the data protection \
                  fee. The operator checks the register to confirm that your registration is \
                  current.",
            example: Some("Z5678123 or ZA123456"),
        },
    ),
    (
        "organisation.website",
        Help {
            title: "Website",
            what: "The address of your organisation's main website. It must start with https://.",
            why: "Reviewers use it to confirm who you are and what your organisation does.",
            example: Some("https://www.northshire.gov.uk.example"),
        },
    ),
    // Contacts
    (
        "contacts.business.name",
        Help {
            title: "Business contact name",
            what: "The person responsible for the service that will use this connection.",
            why: "Reviewers ask this person about why the service needs members' data and how \
                  it uses it.",
            example: Some("Aisha Patel"),
        },
    ),
    (
        "contacts.business.role",
        Help {
            title: "Business contact role",
            what: "The business contact's job title.",
            why: "It tells reviewers what this person is responsible for and which decisions \
                  they can make.",
            example: Some("Revenues and benefits manager"),
        },
    ),
    (
        "contacts.business.email",
        Help {
            title: "Business contact email",
            what: "An email address where the business contact reads messages about this \
                   connection.",
            why: "Operator staff write to this address with questions about the request and \
                  about the service once it is connected.",
            example: Some("aisha.patel@northshire.gov.uk.example"),
        },
    ),
    (
        "contacts.business.phone",
        Help {
            title: "Business contact phone",
            what: "A phone number where the business contact can be reached during working \
                   hours, including the area code.",
            why: "Some questions are quicker to settle by phone, and the operator may need to \
                  reach someone urgently.",
            example: Some("01632 960372"),
        },
    ),
    (
        "contacts.technical.name",
        Help {
            title: "Technical contact name",
            what: "The person who builds or runs the system that will use this connection.",
            why: "Operator engineers work with this person when you test on the sandbox, when \
                  you go live and when calls to the platform fail.",
            example: Some("Daniel Osei"),
        },
    ),
    (
        "contacts.technical.role",
        Help {
            title: "Technical contact role",
            what: "The technical contact's job title.",
            why: "It tells operator engineers what this person is responsible for.",
            example: Some("Lead integration developer"),
        },
    ),
    (
        "contacts.technical.email",
        Help {
            title: "Technical contact email",
            what: "An email address where the technical contact reads messages about this \
                   connection.",
            why: "Operator engineers write to this address about testing, going live and \
                  problems with calls to the platform.",
            example: Some("daniel.osei@northshire.gov.uk.example"),
        },
    ),
    (
        "contacts.technical.phone",
        Help {
            title: "Technical contact phone",
            what: "A phone number where the technical contact can be reached during working \
                   hours, including the area code.",
            why: "Operator engineers phone when a fault needs to be fixed quickly.",
            example: Some("020 7946 0815"),
        },
    ),
    (
        "contacts.dpo.name",
        Help {
            title: "Data protection officer name",
            what: "The name of your data protection officer (DPO). If your organisation does not \
                   have to appoint one, give the person responsible for data protection.",
            why: "The operator contacts this person about data protection questions, members' \
                  complaints and personal data breaches. UK GDPR requires public authorities, \
                  among others, to appoint a DPO.",
            example: Some("Ruth Campbell"),
        },
    ),
    (
        "contacts.dpo.email",
        Help {
            title: "Data protection officer email",
            what: "An email address for data protection matters. A role address such as dpo@ \
                   keeps working when people change jobs.",
            why: "Messages about breaches and members' complaints must reach the right person \
                  without delay.",
            example: Some("dpo@northshire.gov.uk.example"),
        },
    ),
    // Connection details
    (
        "connection.name",
        Help {
            title: "Connection name",
            what: "A short name for the service that will use this connection. It must be \
                   different from your organisation's other connection names.",
            why: "Your staff and the operator's staff find the connection by this name, so name \
                  the service rather than a project or supplier.",
            example: Some("Council Tax single person discount"),
        },
    ),
    (
        "connection.member_description",
        Help {
            title: "Description for members",
            what: "Say in plain language what the service does for members and which data it \
                   uses. Use at most 280 characters.",
            why: "Members read this when they decide whether to connect, so it must make sense \
                  to someone who has never heard of your organisation.",
            example: Some(
                "Apply for a Council Tax single person discount without filling in a form. We \
                 read your name, address and the number of people in your household, and write \
                 our decision back to your data store.",
            ),
        },
    ),
    (
        "connection.service_url",
        Help {
            title: "Service URL",
            what: "The web address where members use the service. It must start with https://.",
            why: "Reviewers visit it to check what the service does and that it matches this \
                  request.",
            example: Some("https://counciltax.northshire.gov.uk.example"),
        },
    ),
    (
        "connection.category",
        Help {
            title: "Service category",
            what: "The kind of service this is. Choose Other if none of the categories fits.",
            why: "The operator groups connections by category in its reports and when it \
                  compares similar requests.",
            example: Some("Local government"),
        },
    ),
    (
        "connection.expected_members",
        Help {
            title: "Expected number of members",
            what: "An estimate of how many members will connect to this service, as a whole \
                   number.",
            why: "The operator plans capacity from it. The scale of processing also affects \
                  whether a data protection impact assessment is needed.",
            example: Some("8500"),
        },
    ),
    (
        "connection.expected_calls_per_day",
        Help {
            title: "Expected API calls per day",
            what: "An estimate of how many requests your systems will make to the platform on a \
                   typical day, for all members together, as a whole number.",
            why: "The operator plans server capacity from it and checks that the volume fits \
                  the use cases you describe.",
            example: Some("20000"),
        },
    ),
    // Data
    (
        "data.datasets",
        Help {
            title: "Datasets and fields",
            what: "Choose the datasets your service needs from the catalogue, then the fields \
                   within each dataset. Choose only what your use cases need.",
            why: "UK GDPR requires you to collect no more data than a purpose needs (data \
                  minimisation). Members see every field you choose before they connect.",
            example: Some(
                "Personal details and Address, to confirm who is applying and where they live",
            ),
        },
    ),
    (
        "data.permissions",
        Help {
            title: "Read and write permissions",
            what: "For each field, choose Read to collect it from the member's data store, Write \
                   to deliver it to the data store, or both.",
            why: "The connection is given only the permissions you choose, and members see \
                  which data you take and which you add.",
            example: Some(
                "Read Postcode to check that the member lives in the area. Read and write \
                 Mobile phone, so that a new number reaches both you and the data store.",
            ),
        },
    ),
    (
        "data.operations",
        Help {
            title: "Operations on transactional datasets",
            what: "Some datasets, such as Referrals, hold many rows per member. For each of \
                   these, choose whether your service creates, reads, updates or deletes rows.",
            why: "The operator grants each operation separately, so the connection can do \
                  nothing to those rows that you did not ask for.",
            example: Some(
                "Create and read rows in Referrals, to send a referral and follow its status",
            ),
        },
    ),
    (
        "data.special_category",
        Help {
            title: "Special-category data",
            what: "Fields marked as special category hold data listed in UK GDPR Article 9, such \
                   as health, ethnicity, religion, sexual orientation or biometrics. Each use \
                   case that uses one of them needs an Article 9 condition.",
            why: "UK GDPR forbids processing these kinds of data unless an Article 9 condition \
                  applies, because misuse can cause people serious harm.",
            example: Some("Health conditions, used with condition (h) Health or social care"),
        },
    ),
    // Use cases
    (
        "use_cases.title",
        Help {
            title: "Use case title",
            what: "A short name for one purpose for which you use members' data.",
            why: "Members see the list of use cases in the data sharing agreement, so each \
                  title should name the purpose in their words.",
            example: Some("Check eligibility for a single person discount"),
        },
    ),
    (
        "use_cases.description",
        Help {
            title: "Use case description",
            what: "Explain in plain language what you do with the data for this purpose and \
                   what the member gets from it.",
            why: "Members read it before they agree, and reviewers check that the fields you \
                  list are needed for what you describe.",
            example: Some(
                "We compare the number of adults in your household with our records to decide \
                 whether you can have the discount.",
            ),
        },
    ),
    (
        "use_cases.fields",
        Help {
            title: "Fields used",
            what: "Tick every field this use case needs. Every field you chose in the Data \
                   section must be used by at least one use case.",
            why: "A field that serves no declared purpose breaks the data minimisation rule of \
                  UK GDPR, and members see which data each purpose uses.",
            example: Some("Number of people in household, Postcode"),
        },
    ),
    (
        "use_cases.lawful_basis",
        Help {
            title: "Lawful basis",
            what: "The UK GDPR Article 6(1) basis for this purpose: (a) consent, (b) contract, \
                   (c) legal obligation, (d) vital interests, (e) public task or (f) legitimate \
                   interests.",
            why: "All processing of personal data needs a lawful basis, and the basis decides \
                  which rights members have, such as the right to withdraw consent.",
            example: Some("(e) Public task, for a council carrying out its legal duties"),
        },
    ),
    (
        "use_cases.special_category_condition",
        Help {
            title: "Special-category condition",
            what: "If this use case uses special-category fields, choose the UK GDPR Article \
                   9(2) condition that allows it. Conditions (b), (g), (h), (i) and (j) also \
                   need a condition from Schedule 1 of the Data Protection Act 2018.",
            why: "UK GDPR allows special-category data to be processed only under an Article 9 \
                  condition, in addition to the Article 6 lawful basis.",
            example: Some("(h) Health or social care, for a council arranging adult social care"),
        },
    ),
    (
        "use_cases.retention",
        Help {
            title: "Retention period",
            what: "How long you keep the data collected for this purpose, and what you do with \
                   it when that time ends.",
            why: "UK GDPR requires you to keep personal data no longer than the purpose needs. \
                  Members see the period, and if you later make it longer, they must agree \
                  again.",
            example: Some("6 years after the discount ends, then deleted"),
        },
    ),
    (
        "use_cases.recipients",
        Help {
            title: "Recipients and processors",
            what: "Other organisations that receive the data or process it for you, such as IT \
                   suppliers, and what they do with it. If nobody else receives it, say so.",
            why: "Members have a right to know who receives their data. A processor must work \
                  under a written contract with you.",
            example: Some(
                "Northshire Digital Ltd runs our case management system as our processor. No \
                 other organisation receives the data.",
            ),
        },
    ),
    (
        "use_cases.automated_decision_making",
        Help {
            title: "Automated decision-making",
            what: "Answer yes if this use case makes decisions about members by automated means \
                   alone, with no person involved, and those decisions have legal or similarly \
                   significant effects on them.",
            why: "UK GDPR restricts such decisions and gives people the right to have a person \
                  review them.",
            example: None,
        },
    ),
    (
        "use_cases.automated_decision_logic",
        Help {
            title: "How the automated decision works",
            what: "If you answered yes, describe in plain language the logic, the data it uses \
                   and what the decision means for the member.",
            why: "Members have a right to meaningful information about the logic behind an \
                  automated decision, and reviewers check that they can challenge it.",
            example: Some(
                "If your household has one adult, we apply the discount automatically. If we \
                 refuse it, you can ask for a member of staff to review the decision.",
            ),
        },
    ),
    (
        "use_cases.international_transfers",
        Help {
            title: "Transfers outside the UK",
            what: "Answer yes if any of this data is sent to a country outside the UK, or can be \
                   accessed from one, including by your suppliers.",
            why: "UK GDPR allows such transfers only to countries covered by UK adequacy \
                  regulations or with an appropriate safeguard in place.",
            example: None,
        },
    ),
    (
        "use_cases.transfer_safeguard",
        Help {
            title: "Transfer safeguard",
            what: "If you answered yes, name the countries and the safeguard that covers each \
                   transfer, such as UK adequacy regulations, the International Data Transfer \
                   Agreement or the UK Addendum to the EU standard contractual clauses.",
            why: "Reviewers check that members' data keeps the same protection when it leaves \
                  the UK.",
            example: Some(
                "Our email supplier stores backups in Ireland, which UK adequacy regulations \
                 cover.",
            ),
        },
    ),
    // GDPR compliance declaration
    (
        "gdpr.controller_name",
        Help {
            title: "Data controller",
            what: "The organisation that decides why and how members' data is processed for \
                   this connection. This is usually your own organisation.",
            why: "The controller is responsible under UK GDPR for protecting the data and for \
                  answering members' rights requests.",
            example: Some("Northshire County Council"),
        },
    ),
    (
        "gdpr.privacy_notice_url",
        Help {
            title: "Privacy notice URL",
            what: "The web address of the privacy notice that covers this service. It must \
                   start with https://.",
            why: "UK GDPR requires you to tell people how you use their data, and reviewers \
                  check that the notice matches your use cases.",
            example: Some("https://www.northshire.gov.uk.example/privacy/council-tax"),
        },
    ),
    (
        "gdpr.dpia_done",
        Help {
            title: "Data protection impact assessment",
            what: "Say whether you have carried out a data protection impact assessment (DPIA) \
                   for this service.",
            why: "UK GDPR requires a DPIA when processing is likely to result in a high risk to \
                  people, for example large-scale use of special-category data.",
            example: None,
        },
    ),
    (
        "gdpr.dpia_date",
        Help {
            title: "DPIA date",
            what: "The date the DPIA was completed or last reviewed.",
            why: "A DPIA must be kept up to date, so reviewers check that it was done or \
                  reviewed recently enough to cover this service.",
            example: Some("2026-03-14 (14 March 2026)"),
        },
    ),
    (
        "gdpr.dpia_summary_url",
        Help {
            title: "DPIA summary URL",
            what: "The web address of a summary of your DPIA that the operator can read. It must \
                   start with https://.",
            why: "Reviewers read it to check which risks you found and how you reduce them.",
            example: Some("https://www.northshire.gov.uk.example/dpia/council-tax-discount.pdf"),
        },
    ),
    (
        "gdpr.dpia_not_needed_reason",
        Help {
            title: "Why no DPIA is needed",
            what: "If you have not carried out a DPIA, explain why the processing is unlikely to \
                   result in a high risk to members.",
            why: "The ICO expects organisations to record why they decided that a DPIA was not \
                  needed, and reviewers check that reason.",
            example: Some(
                "We read only name and postcode to fill in one form, and we keep nothing once \
                 the form is sent.",
            ),
        },
    ),
    (
        "gdpr.rights_contact",
        Help {
            title: "Contact for data protection rights",
            what: "An email address where members can ask to see, correct or delete their data, \
                   or object to its use.",
            why: "Members must be able to exercise their UK GDPR rights, and you must respond \
                  within one month.",
            example: Some("dataprotection@northshire.gov.uk.example"),
        },
    ),
    (
        "gdpr.security_summary",
        Help {
            title: "Security measures",
            what: "A short summary of how you protect the data, such as encryption, access \
                   control, staff training and certifications like Cyber Essentials Plus or \
                   ISO/IEC 27001.",
            why: "UK GDPR requires appropriate technical and organisational security measures, \
                  and the operator checks them before connecting you to members' data.",
            example: Some(
                "Data is encrypted in transit and at rest. Only the revenues team can open it, \
                 using multi-factor sign-in. We hold Cyber Essentials Plus.",
            ),
        },
    ),
    (
        "gdpr.breach_process",
        Help {
            title: "Breach notification process",
            what: "How you find, record and report a personal data breach, who decides whether \
                   to report it, and how quickly you tell the operator and the ICO.",
            why: "UK GDPR requires you to report a notifiable breach to the ICO within 72 hours \
                  of becoming aware of it, and you declare that you will tell the operator \
                  within 72 hours too.",
            example: Some(
                "Staff report a suspected breach to the information governance team the same \
                 day. The DPO decides within 24 hours whether it must be reported, and we tell \
                 the operator and the ICO within 72 hours.",
            ),
        },
    ),
    (
        "gdpr.declarations",
        Help {
            title: "Declarations",
            what: "Read each statement and tick it to confirm that it is true for your \
                   organisation. You must tick all of them to submit the request.",
            why: "They are commitments your organisation makes to the operator and to members, \
                  and the operator relies on them when it approves the connection.",
            example: None,
        },
    ),
    // Technical information
    (
        "technical.ip_ranges",
        Help {
            title: "Server IP addresses",
            what: "The public IPv4 or IPv6 addresses or CIDR ranges of the servers that will \
                   call the platform, one per entry. For live, private, loopback, link-local, \
                   multicast and unspecified addresses are rejected, and a range can be no \
                   wider than /24 for IPv4 or /48 for IPv6. Sandbox and live have separate \
                   lists.",
            why: "The operator adds these addresses to an allow list, so calls for this \
                  connection from any other address are refused.",
            example: Some("203.0.113.7, 198.51.100.0/24 or 2001:db8:4a2::/48"),
        },
    ),
    (
        "technical.callback_url",
        Help {
            title: "Callback URL",
            what: "The web address on your server where the platform posts a member's \
                   connection key when the member connects. It must start with https://. \
                   Sandbox and live have separate callback URLs.",
            why: "Your service needs each member's connection key to read and write that \
                  member's data.",
            example: Some("https://api.northshire.gov.uk.example/pds/connection-keys"),
        },
    ),
    (
        "technical.return_to_urls",
        Help {
            title: "Return-to URLs",
            what: "The web addresses on your service where members land after they connect for \
                   the first time. Each must start with https://. Sandbox and live have \
                   separate lists.",
            why: "The platform sends members only to addresses on this list, so nobody can \
                  redirect them to a look-alike site.",
            example: Some("https://counciltax.northshire.gov.uk.example/connected"),
        },
    ),
    // Terms for Subscribers
    (
        "terms.accept",
        Help {
            title: "Accept the Terms for Subscribers",
            what: "Read the current Terms for Subscribers and tick to accept them for your \
                   organisation.",
            why: "You cannot submit the request without accepting the current terms. The \
                  operator records the version, the time and who accepted.",
            example: None,
        },
    ),
];

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::net::IpAddr;

    use super::*;

    /// Collects every text of every section and field help entry, and every hint.
    fn all_texts() -> Vec<&'static str> {
        let mut texts = Vec::new();
        let sections = Section::ALL.into_iter().map(section_help);
        let fields = FIELD_KEYS.iter().filter_map(|key| field_help(key));
        for help in sections.chain(fields) {
            texts.extend([help.title, help.what, help.why]);
            texts.extend(help.example);
        }
        texts.extend(HINTS.iter().map(|(_, hint)| *hint));
        texts
    }

    fn is_documentation_address(address: IpAddr) -> bool {
        match address {
            IpAddr::V4(v4) => {
                let [a, b, c, _] = v4.octets();
                matches!((a, b, c), (192, 0, 2) | (198, 51, 100) | (203, 0, 113))
            }
            IpAddr::V6(v6) => v6.segments()[..2] == [0x2001, 0x0db8],
        }
    }

    #[test]
    fn every_field_key_has_help() {
        for key in FIELD_KEYS {
            let Some(help) = field_help(key) else {
                panic!("no help for {key}");
            };
            assert!(!help.title.is_empty(), "empty title for {key}");
            assert!(!help.what.trim().is_empty(), "empty what for {key}");
            assert!(!help.why.trim().is_empty(), "empty why for {key}");
        }
    }

    #[test]
    fn field_keys_count_and_order() {
        assert_eq!(FIELD_KEYS.len(), 51);
        assert_eq!(FIELD_KEYS.first(), Some(&"organisation.legal_name"));
        assert_eq!(FIELD_KEYS.last(), Some(&"terms.accept"));
    }

    #[test]
    fn field_keys_are_unique() {
        let mut seen = HashSet::new();
        for key in FIELD_KEYS {
            assert!(seen.insert(*key), "duplicate key {key}");
        }
    }

    #[test]
    fn field_keys_start_with_section_slug() {
        for key in FIELD_KEYS {
            let slug = key.split('.').next().unwrap();
            assert!(Section::from_slug(slug).is_some(), "{key} names no section");
        }
    }

    #[test]
    fn every_section_has_help() {
        for section in Section::ALL {
            let help = section_help(section);
            assert_eq!(help.title, section.title());
            assert!(!help.what.trim().is_empty(), "empty what for {section:?}");
            assert!(!help.why.trim().is_empty(), "empty why for {section:?}");
        }
    }

    #[test]
    fn unknown_key_has_no_help() {
        assert_eq!(field_help("organisation.logo"), None);
        assert_eq!(field_help("use_cases.2.title"), None);
        assert_eq!(field_help(""), None);
        assert_eq!(hint("organisation.logo"), None);
    }

    #[test]
    fn obvious_field_has_no_hint() {
        assert_eq!(hint("organisation.legal_name"), None);
        assert_eq!(hint("contacts.business.name"), None);
    }

    #[test]
    fn hints_are_short_lines_for_known_keys() {
        for (key, hint) in HINTS {
            assert!(FIELD_KEYS.contains(key), "hint for unknown key {key}");
            assert!(!hint.contains('\n'), "hint for {key} spans lines");
            assert!(hint.chars().count() <= 110, "hint for {key} is too long");
        }
    }

    #[test]
    fn what_has_at_most_three_sentences() {
        let sections = Section::ALL.into_iter().map(section_help);
        let fields = FIELD_KEYS.iter().filter_map(|key| field_help(key));
        for help in sections.chain(fields) {
            let sentences = help.what.matches(". ").count() + 1;
            assert!(sentences <= 3, "{} has {sentences} sentences", help.title);
        }
    }

    #[test]
    fn texts_have_no_double_spaces() {
        for text in all_texts() {
            assert!(!text.contains("  "), "double space in {text:?}");
        }
    }

    #[test]
    fn texts_avoid_simply() {
        for text in all_texts() {
            assert!(!text.to_lowercase().contains("simply"), "{text:?}");
        }
    }

    #[test]
    fn example_web_and_email_domains_are_reserved() {
        for text in all_texts() {
            for token in text.split_whitespace() {
                let token = token.trim_end_matches(['.', ',', ')']);
                let host = if let Some((_, rest)) = token.split_once("://") {
                    rest.split('/').next().unwrap()
                } else if let Some((_, domain)) = token.split_once('@') {
                    domain
                } else {
                    continue;
                };
                // "dpo@" names a mailbox without a domain.
                if host.is_empty() {
                    continue;
                }
                assert!(host.ends_with(".example"), "{token} in {text:?}");
            }
        }
    }

    #[test]
    fn example_urls_use_https() {
        for text in all_texts() {
            assert!(!text.contains("http://"), "{text:?}");
        }
    }

    #[test]
    fn example_ip_addresses_are_for_documentation() {
        let mut checked = 0;
        for text in all_texts() {
            for token in text.split_whitespace() {
                let token = token.trim_end_matches(['.', ',']);
                let address = token.split('/').next().unwrap();
                if let Ok(address) = address.parse::<IpAddr>() {
                    assert!(is_documentation_address(address), "{token} in {text:?}");
                    checked += 1;
                }
            }
        }
        assert!(checked >= 4, "found only {checked} IP addresses");
    }

    #[test]
    fn member_description_example_fits_limit() {
        let help = field_help("connection.member_description").unwrap();
        let example = help.example.unwrap();
        assert!(example.chars().count() <= 280);
    }

    #[test]
    fn ico_examples_have_eight_characters() {
        let help = field_help("organisation.ico_registration").unwrap();
        for number in help.example.unwrap().split(" or ") {
            assert_eq!(number.len(), 8, "{number}");
            assert!(number.starts_with('Z'), "{number}");
        }
    }

    #[test]
    fn help_key_strips_indexes_and_environments() {
        let cases = [
            ("use_cases.2.title", "use_cases.title"),
            ("use_cases.0.fields.3", "use_cases.fields"),
            (
                "use_cases.1.fields.field_health_conditions",
                "use_cases.fields",
            ),
            ("technical.live.ip_ranges.0", "technical.ip_ranges"),
            ("technical.sandbox.callback_url", "technical.callback_url"),
            (
                "technical.live.return_to_urls.1",
                "technical.return_to_urls",
            ),
            ("contacts.business.email", "contacts.business.email"),
            ("gdpr.declarations.1", "gdpr.declarations"),
            ("gdpr.declarations.member_rights", "gdpr.declarations"),
            ("organisation.legal_name", "organisation.legal_name"),
            ("terms.accept", "terms.accept"),
        ];
        for (path, key) in cases {
            assert_eq!(help_key(path), key, "path {path}");
        }
    }

    #[test]
    fn help_key_maps_data_paths() {
        let cases = [
            ("data", "data"),
            ("data.field_ds_address", "data.datasets"),
            ("data.0", "data.datasets"),
            ("data.0.dataset", "data.datasets"),
            ("data.field_ds_address.operations", "data.operations"),
            ("data.ds_referrals.operations.1", "data.operations"),
            ("data.2.operations", "data.operations"),
            ("data.field_ds_address.fields", "data.permissions"),
            (
                "data.field_ds_address.fields.field_address_town",
                "data.permissions",
            ),
            ("data.1.fields.field_address_town", "data.permissions"),
            ("data.special_category", "data.special_category"),
        ];
        for (path, key) in cases {
            assert_eq!(help_key(path), key, "path {path}");
        }
    }

    #[test]
    fn help_key_keeps_unknown_paths() {
        assert_eq!(help_key("connection.logo"), "connection.logo");
        assert_eq!(help_key("organisation"), "organisation");
        assert_eq!(help_key("technical.live"), "technical");
        assert_eq!(help_key(""), "");
    }

    #[test]
    fn help_key_of_key_is_itself() {
        for key in FIELD_KEYS {
            assert_eq!(help_key(key), *key);
        }
    }
}
