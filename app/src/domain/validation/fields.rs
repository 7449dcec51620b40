//! Validators for single answers. Each returns `Err` with a message that
//! tells the user how to fix the answer.
//!
//! Format validators ignore whitespace at the start and end of the answer,
//! because answers are stored as typed, so code that uses a stored answer
//! must trim it the same way. The text length checks count that whitespace.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use email_address::{EmailAddress, Options};
use time::macros::format_description;
use time::Date;

use super::ip;
use super::limits;
use super::Environment;

/// Checks a one-line answer such as a name or a title: at most
/// [`limits::SHORT_TEXT`] characters and no control characters.
pub fn short_text(input: &str) -> Result<(), String> {
    text(input, limits::SHORT_TEXT, false)
}

/// Checks a multi-line answer: at most [`limits::LONG_TEXT`] characters, and
/// no control characters other than line breaks and tabs.
pub fn long_text(input: &str) -> Result<(), String> {
    text(input, limits::LONG_TEXT, true)
}

/// Checks the description shown to members: at most
/// [`limits::MEMBER_DESCRIPTION`] characters, line breaks allowed.
pub fn member_description(input: &str) -> Result<(), String> {
    text(input, limits::MEMBER_DESCRIPTION, true)
}

/// Checks a text answer against a maximum length in Unicode scalar values
/// (Rust `char`s) and rejects control characters.
///
/// With `multi_line`, line feed, carriage return and tab are allowed.
/// Format characters such as right-to-left marks and emoji joiners are not
/// control characters and are allowed. HTML and script text are accepted as
/// plain text, so code that displays an answer must escape it.
pub fn text(input: &str, max_chars: usize, multi_line: bool) -> Result<(), String> {
    for (index, character) in input.chars().enumerate() {
        if !character.is_control() {
            continue;
        }
        let is_layout = matches!(character, '\n' | '\r' | '\t');
        if is_layout && multi_line {
            continue;
        }
        if is_layout {
            return Err("Enter this answer on one line, without line breaks or tabs".to_string());
        }
        return Err(format!(
            "Remove the hidden control character at position {}. It may have come from copying and pasting",
            index + 1
        ));
    }
    let length = input.chars().count();
    if length > max_chars {
        return Err(format!(
            "Enter {} characters or fewer. This answer has {}",
            group_thousands(max_chars as u64),
            group_thousands(length as u64)
        ));
    }
    Ok(())
}

const EMAIL_FORMAT: &str = "Enter an email address in the correct format, like name@example.com";

/// Checks an email address: the `email_address` crate's syntax rules, a
/// domain with at least one dot and a top-level domain that is not a number,
/// no display name, no IP address literal, no spaces, at most
/// [`limits::EMAIL`] characters.
pub fn email(input: &str) -> Result<(), String> {
    let value = input.trim();
    if value.chars().count() > limits::EMAIL {
        return Err(format!(
            "Enter an email address of {} characters or fewer",
            limits::EMAIL
        ));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(EMAIL_FORMAT.to_string());
    }
    let options = Options::default()
        .with_required_tld()
        .without_domain_literal()
        .without_display_text();
    let address =
        EmailAddress::parse_with_options(value, options).map_err(|_| EMAIL_FORMAT.to_string())?;
    let top_level = address.domain().rsplit('.').next().unwrap_or_default();
    if top_level.chars().all(|c| c.is_ascii_digit()) {
        return Err(EMAIL_FORMAT.to_string());
    }
    Ok(())
}

const PHONE_CHARACTERS: &str =
    "Enter a phone number using only numbers, spaces, brackets, hyphens and a + at the start";
const PHONE_FORMAT: &str =
    "Enter a UK phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192";

/// Checks a UK phone number.
///
/// Spaces, brackets and hyphens are ignored. A national number has 10 or 11
/// digits and starts with 0. An international number is +44 followed by 9 or
/// 10 digits that do not start with 0, except that the common form
/// "+44 (0)20 ..." is accepted.
pub fn uk_phone(input: &str) -> Result<(), String> {
    let value = input.trim();
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '(' | ')' | '-');
    let (international, rest) = match value.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    if !rest.chars().all(allowed) {
        return Err(PHONE_CHARACTERS.to_string());
    }
    let compact: String = rest.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let national = if international {
        let Some(after_country) = compact.strip_prefix("44") else {
            return Err(PHONE_FORMAT.to_string());
        };
        after_country.strip_prefix("(0)").unwrap_or(after_country)
    } else {
        compact.as_str()
    };
    let digits: String = national.chars().filter(char::is_ascii_digit).collect();
    let valid = if international {
        (9..=10).contains(&digits.len()) && !digits.starts_with('0')
    } else {
        (10..=11).contains(&digits.len()) && digits.starts_with('0')
    };
    if valid {
        Ok(())
    } else {
        Err(PHONE_FORMAT.to_string())
    }
}

/// The host part of a parsed https URL.
enum UrlHost {
    Domain(String),
    Ip(IpAddr),
}

/// Checks an https URL that does not depend on an environment, such as a
/// website or a privacy notice.
///
/// The URL must start with `https://`, have a domain name with at least one
/// dot or an IP address as host, have no user name or password, no spaces
/// and at most [`limits::URL`] characters.
pub fn https_url(input: &str) -> Result<(), String> {
    parse_https_url(input).map(|_| ())
}

/// Checks an https URL that the platform calls or redirects to in an
/// environment, such as a callback or return-to URL.
///
/// For [`Environment::Live`], the host must also be reachable from the
/// internet, so an IP address must be public (the same rules as
/// [`super::ip_range`]) and names under `.localhost`, `.local`, `.internal`,
/// `.home.arpa` and `.invalid` are rejected. The sandbox has no extra rules.
pub fn https_url_for(input: &str, environment: Environment) -> Result<(), String> {
    let host = parse_https_url(input)?;
    if environment == Environment::Sandbox {
        return Ok(());
    }
    match host {
        UrlHost::Ip(address) => match ip::special_use_of_address(address) {
            Some(reason) => Err(format!(
                "Enter an address that can be reached from the internet. {reason}"
            )),
            None => Ok(()),
        },
        UrlHost::Domain(name) => {
            let name = name.to_lowercase();
            let local_suffix = [
                ".localhost",
                ".local",
                ".internal",
                ".home.arpa",
                ".invalid",
            ]
            .into_iter()
            .find(|suffix| name.ends_with(suffix));
            match local_suffix {
                Some(suffix) => Err(format!(
                    "Enter an address that can be reached from the internet. Names ending in {suffix} only work inside a local network"
                )),
                None => Ok(()),
            }
        }
    }
}

const URL_FULL: &str = "Enter a full web address, like https://www.example.com";

fn parse_https_url(input: &str) -> Result<UrlHost, String> {
    let value = input.trim();
    if value.chars().count() > limits::URL {
        return Err(format!(
            "Enter a web address of {} characters or fewer",
            group_thousands(limits::URL as u64)
        ));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("Enter the web address without spaces or line breaks".to_string());
    }
    if let Some(character) = value.chars().find(|c| "<>\"`{}|\\^".contains(*c)) {
        return Err(format!(
            "Enter the web address without the character {character}, or replace it with its percent-encoded form"
        ));
    }
    let rest = strip_https_scheme(value)?;
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    if authority.contains('@') {
        return Err("Enter the web address without a user name or password".to_string());
    }
    let host = split_port(authority)?;
    parse_host(host)
}

/// Returns the URL after `https://`, which is matched case-insensitively.
fn strip_https_scheme(value: &str) -> Result<&str, String> {
    let lower = value.to_ascii_lowercase();
    if lower.starts_with("https://") {
        return Ok(&value["https://".len()..]);
    }
    if lower.starts_with("http://") {
        return Err(
            "Enter a secure web address that starts with https://, not http://".to_string(),
        );
    }
    Err(URL_FULL.to_string())
}

/// Returns the host of an authority after checking its optional port.
fn split_port(authority: &str) -> Result<&str, String> {
    let (host, port) = if authority.starts_with('[') {
        match authority.find(']') {
            Some(end) => {
                let after = &authority[end + 1..];
                if !after.is_empty() && !after.starts_with(':') {
                    return Err(URL_FULL.to_string());
                }
                (&authority[..=end], after.strip_prefix(':'))
            }
            None => return Err(URL_FULL.to_string()),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if let Some(port) = port {
        let number = port
            .parse::<u16>()
            .ok()
            .filter(|_| port.chars().all(|c| c.is_ascii_digit()));
        if !matches!(number, Some(1..)) {
            return Err(
                "Enter a port number from 1 to 65535 after the colon, or remove the colon"
                    .to_string(),
            );
        }
    }
    Ok(host)
}

fn parse_host(host: &str) -> Result<UrlHost, String> {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return inner
            .parse::<Ipv6Addr>()
            .map(|address| UrlHost::Ip(IpAddr::V6(address)))
            .map_err(|_| URL_FULL.to_string());
    }
    if let Ok(address) = host.parse::<Ipv4Addr>() {
        return Ok(UrlHost::Ip(IpAddr::V4(address)));
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    if is_domain_name(name) {
        Ok(UrlHost::Domain(name.to_string()))
    } else {
        Err(URL_FULL.to_string())
    }
}

/// Checks a domain name of at least two labels. Labels may hold Unicode
/// letters, because browsers accept internationalised domain names.
fn is_domain_name(name: &str) -> bool {
    if name.chars().count() > 253 {
        return false;
    }
    let labels: Vec<&str> = name.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let valid_label = |label: &&str| {
        !label.is_empty()
            && label.chars().count() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let top_level_is_number = labels
        .last()
        .is_some_and(|label| label.chars().all(|c| c.is_ascii_digit()));
    labels.iter().all(valid_label) && !top_level_is_number
}

/// Companies House prefixes for 8-character numbers of two letters and six
/// digits, from the list on doorda.com, "Company Number Prefixes Defined"
/// (September 2024), and RS for registered societies from chguide.co.uk,
/// "Company numbers".
///
/// NOTE: a few rare formats that end in a letter, such as some LLP and
/// registered society numbers, are rejected.
const COMPANY_PREFIXES: [&str; 28] = [
    "AC", "CE", "CS", "EN", "ES", "FC", "GE", "GN", "GS", "LP", "NA", "NC", "NF", "NI", "NL", "NZ",
    "OC", "R0", "RS", "SA", "SC", "SE", "SF", "SG", "SL", "SO", "SZ", "ZC",
];

/// Checks a UK company number or charity number, ignoring spaces and case.
///
/// Company numbers have 8 characters: 8 digits, or one of
/// [`COMPANY_PREFIXES`] and 6 digits. Charity numbers are 6 or 7 digits with
/// an optional `-N` or `-NN` suffix for a linked charity (England and Wales,
/// and Northern Ireland numbers such as 100012), SC and 6 digits (Scotland),
/// or NIC and 6 digits (Northern Ireland).
pub fn company_or_charity_number(input: &str) -> Result<(), String> {
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if is_company_number(&compact) || is_charity_number(&compact) {
        Ok(())
    } else {
        Err("Enter a company number like 01234567 or SC123456, or a charity number like 1123456 or SC012345".to_string())
    }
}

fn all_digits(text: &str, count: usize) -> bool {
    text.len() == count && text.bytes().all(|b| b.is_ascii_digit())
}

fn is_company_number(compact: &str) -> bool {
    if all_digits(compact, 8) {
        return true;
    }
    COMPANY_PREFIXES.iter().any(|prefix| {
        compact
            .strip_prefix(prefix)
            .is_some_and(|rest| all_digits(rest, 6))
    })
}

fn is_charity_number(compact: &str) -> bool {
    if let Some(rest) = compact.strip_prefix("NIC") {
        return all_digits(rest, 6);
    }
    if let Some(rest) = compact.strip_prefix("SC") {
        return all_digits(rest, 6);
    }
    let (main, suffix) = match compact.split_once('-') {
        Some((main, suffix)) => (main, Some(suffix)),
        None => (compact, None),
    };
    let main_valid = all_digits(main, 6) || all_digits(main, 7);
    let suffix_valid = suffix.is_none_or(|s| all_digits(s, 1) || all_digits(s, 2));
    main_valid && suffix_valid
}

/// Checks an ICO data protection fee register number, ignoring spaces and
/// case: Z and 7 digits, or ZA or ZB and 6 digits.
pub fn ico_registration(input: &str) -> Result<(), String> {
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let valid = match compact.strip_prefix('Z') {
        Some(rest) if rest.starts_with('A') || rest.starts_with('B') => all_digits(&rest[1..], 6),
        Some(rest) => all_digits(rest, 7),
        None => false,
    };
    if valid {
        Ok(())
    } else {
        Err("Enter an ICO registration number like Z1234567 or ZA123456".to_string())
    }
}

/// Parses an ISO 8601 calendar date written as `YYYY-MM-DD`.
///
/// The date is not compared with today, because validation has no clock.
pub fn iso_date(input: &str) -> Result<Date, String> {
    let value = input.trim();
    let shape_valid = value.len() == 10
        && value.bytes().enumerate().all(|(index, byte)| match index {
            4 | 7 => byte == b'-',
            _ => byte.is_ascii_digit(),
        });
    if !shape_valid {
        return Err("Enter the date as year, month and day, like 2025-03-27".to_string());
    }
    Date::parse(value, format_description!("[year]-[month]-[day]"))
        .map_err(|_| "Enter a real date, like 2025-03-27".to_string())
}

/// Parses a whole number between `min` and `max` inclusive.
///
/// Commas are allowed between groups of three digits, as in "12,000".
pub fn whole_number(input: &str, min: u64, max: u64) -> Result<u64, String> {
    let value = input.trim();
    if value.is_empty() || !value.chars().all(|c| c.is_ascii_digit() || c == ',') {
        return Err("Enter a whole number, like 12000".to_string());
    }
    let mut groups = value.split(',');
    let first = groups.next().unwrap_or_default();
    let grouping_valid = !value.contains(',')
        || ((1..=3).contains(&first.len()) && groups.all(|group| group.len() == 3));
    if !grouping_valid {
        return Err("Enter the number without commas, or with commas between groups of three digits, like 12,000".to_string());
    }
    let range_message = || {
        format!(
            "Enter a number from {} to {}",
            group_thousands(min),
            group_thousands(max)
        )
    };
    let digits: String = value.chars().filter(|c| *c != ',').collect();
    let number = digits.parse::<u64>().map_err(|_| range_message())?;
    if (min..=max).contains(&number) {
        Ok(number)
    } else {
        Err(range_message())
    }
}

/// Parses an expected count, such as members or API calls per day, from 1
/// to [`limits::MAX_COUNT`].
pub fn count(input: &str) -> Result<u64, String> {
    whole_number(input, 1, limits::MAX_COUNT)
}

/// Formats a number with commas between groups of three digits.
pub(super) fn group_thousands(number: u64) -> String {
    let digits = number.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}
