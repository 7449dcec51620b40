//! Retention periods: parsing their length and deciding whether a new one
//! may be longer.

use super::{normalised, ReconsentReason};

/// Decides whether a changed retention period needs re-consent. It does
/// unless both periods parse, count from the same event ("after the badge
/// expires"), and the new one is no longer. A period that cannot be
/// compared may be longer, so it is flagged for the reviewer to check.
pub(super) fn retention_reason(before: &str, after: &str) -> Option<ReconsentReason> {
    if normalised(before) == normalised(after) {
        return None;
    }
    match (parse_retention(before), parse_retention(after)) {
        (Some((old_days, old_anchor)), Some((new_days, new_anchor)))
            if old_anchor == new_anchor =>
        {
            (new_days > old_days).then_some(ReconsentReason::LongerRetention)
        }
        _ => Some(ReconsentReason::RetentionUnclear),
    }
}

/// Parses the length of a retention period in days, such as "3 years",
/// "6 months after the badge expires", "90 days" or "1 year and 6 months".
/// A year is 365.25 days and a month a twelfth of that, so "12 months"
/// equals "1 year". The total is rounded down to whole days. Returns
/// `None` when the text states no length ("Until the badge expires"), or
/// several that are not parts of one length ("2 years, or 5 years for
/// complaints"), or a compound number word ("twenty four months").
pub fn retention_days(text: &str) -> Option<u32> {
    parse_retention(text).map(|(days, _)| days)
}

/// Parses a retention period into days and the words after the length,
/// which name the event it counts from.
fn parse_retention(text: &str) -> Option<(u32, String)> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '.'))
        .map(|word| word.trim_matches('.'))
        .filter(|word| !word.is_empty())
        .collect();

    // Each length is a number word followed by a unit word.
    let mut lengths: Vec<(usize, f64)> = Vec::new();
    for i in 1..words.len() {
        let (Some(count), Some(unit)) = (number_value(words[i - 1]), unit_days(words[i])) else {
            continue;
        };
        // "twenty four months" would read as four months.
        if i >= 2 && number_value(words[i - 2]).is_some() {
            return None;
        }
        lengths.push((i - 1, count * unit));
    }
    let &(last, _) = lengths.last()?;

    // Several lengths add up only when nothing but "and" separates them.
    for pair in lengths.windows(2) {
        let between = &words[pair[0].0 + 2..pair[1].0];
        if between.iter().any(|word| *word != "and") {
            return None;
        }
    }
    let total: f64 = lengths.iter().map(|(_, days)| days).sum();
    let days = total.floor();
    if !(0.0..=f64::from(u32::MAX)).contains(&days) {
        return None;
    }
    let anchor = words[last + 2..].join(" ");
    Some((days as u32, anchor))
}

fn number_value(word: &str) -> Option<f64> {
    if word.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return word.parse().ok();
    }
    let value = match word {
        "a" | "an" | "one" => 1.0,
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "eleven" => 11.0,
        "twelve" => 12.0,
        "eighteen" => 18.0,
        "twenty" => 20.0,
        "thirty" => 30.0,
        "sixty" => 60.0,
        "ninety" => 90.0,
        _ => return None,
    };
    Some(value)
}

fn unit_days(word: &str) -> Option<f64> {
    const YEAR: f64 = 365.25;
    let days = match word {
        "day" | "days" => 1.0,
        "week" | "weeks" => 7.0,
        "month" | "months" => YEAR / 12.0,
        "year" | "years" | "yr" | "yrs" => YEAR,
        "decade" | "decades" => YEAR * 10.0,
        _ => return None,
    };
    Some(days)
}
