//! Stale run books: `reviewed` missing, too old, or in the future.

use super::text::{diag_at, front_matter_value};
use crate::diag::{Code, Diagnostic};
use crate::model::values::Date;
use crate::model::Runbook;

fn days_in_month(year: u16, month: u8) -> u8 {
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 31,
    }
}

/// The date `months` after `date` (the last day of the month when that
/// month is shorter, e.g. 31 January + 1 month = 28 or 29 February).
pub(crate) fn add_months(date: Date, months: u32) -> Date {
    let total = date.year as u32 * 12 + (date.month as u32 - 1) + months;
    let year = (total / 12).min(u16::MAX as u32) as u16;
    let month = (total % 12 + 1) as u8;
    Date {
        year,
        month,
        day: date.day.min(days_in_month(year, month)),
    }
}

/// Checks one run book's `reviewed` date against `today`.
pub(crate) fn check(rb: &Runbook, months: u32, today: Date, out: &mut Vec<Diagnostic>) {
    let src = &rb.source;
    let Some(reviewed) = rb.reviewed else {
        // An unparseable date is already an error (RB040).
        if front_matter_value(src, "reviewed").is_some() {
            return;
        }
        out.push(
            diag_at(
                src,
                Code::NotReviewed,
                1,
                1,
                3,
                "this run book has no `reviewed` date",
            )
            .hint(format!(
                "review it with its owner, then add `reviewed: {today}` to the front matter"
            )),
        );
        return;
    };
    let (line, column, value) = front_matter_value(src, "reviewed").unwrap_or((1, 1, "---"));
    let len = value.chars().count();
    if reviewed > today {
        out.push(
            diag_at(
                src,
                Code::FutureReview,
                line,
                column,
                len,
                format!("`reviewed: {reviewed}` is in the future (today is {today})"),
            )
            .hint("write the date of the last review; a date in the future keeps a run book from ever looking stale"),
        );
    } else if add_months(reviewed, months) < today {
        out.push(
            diag_at(
                src,
                Code::StaleReview,
                line,
                column,
                len,
                format!(
                    "last reviewed {reviewed}, more than {months} month{} ago",
                    if months == 1 { "" } else { "s" }
                ),
            )
            .hint(format!(
                "check the run book with its owner (contacts, steps, tools), then set `reviewed: {today}`"
            ))
            .note(format!(
                "run books are stale {months} month{} after review; change this with `lint: {{stale_after_months: …}}` in handbook.yaml",
                if months == 1 { "" } else { "s" }
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn months_clamp_to_the_month_end() {
        assert_eq!(add_months(d("2026-01-31"), 1), d("2026-02-28"));
        assert_eq!(add_months(d("2024-01-31"), 1), d("2024-02-29"));
        assert_eq!(add_months(d("2025-11-15"), 12), d("2026-11-15"));
        assert_eq!(add_months(d("2025-12-01"), 1), d("2026-01-01"));
    }
}
