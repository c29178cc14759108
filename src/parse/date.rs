//! Dates at the precision an author gives: `2024`, `2024-12`, `2024-12-13`.

use std::fmt;

/// A calendar date that may stop at the year or month. Ordering puts a
/// partial date before the full dates it contains (`2024` < `2024-01-01`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl PartialDate {
    /// The date of a claim that gives none, until its source's date is
    /// known (see `Claim::date`).
    pub const UNKNOWN: PartialDate = PartialDate {
        year: 0,
        month: None,
        day: None,
    };

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, rejecting impossible dates.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad_form =
            || format!("`{text}` is not a date; write it as YYYY, YYYY-MM or YYYY-MM-DD");
        let parts: Vec<&str> = text.trim().split('-').collect();
        let number = |s: &str, len: usize| -> Result<u32, String> {
            if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
                Ok(s.parse().expect("digits"))
            } else {
                Err(bad_form())
            }
        };
        let (year, month, day) = match parts.as_slice() {
            [y] => (number(y, 4)?, None, None),
            [y, m] => (number(y, 4)?, Some(number(m, 2)?), None),
            [y, m, d] => (number(y, 4)?, Some(number(m, 2)?), Some(number(d, 2)?)),
            _ => return Err(bad_form()),
        };
        if let Some(m) = month
            && !(1..=12).contains(&m)
        {
            return Err(format!("`{text}` is not a date: there is no month {m}"));
        }
        if let (Some(m), Some(d)) = (month, day) {
            let last = days_in_month(year as i32, m as u8);
            if d == 0 || d > u32::from(last) {
                return Err(format!(
                    "`{text}` is not a date: month {m} of {year} has {last} days"
                ));
            }
        }
        Ok(PartialDate {
            year: year as i32,
            month: month.map(|m| m as u8),
            day: day.map(|d| d as u8),
        })
    }

    /// The first full day the date covers, as `YYYY-MM-DD`.
    pub fn first_day(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}",
            self.year,
            self.month.unwrap_or(1),
            self.day.unwrap_or(1)
        )
    }

    /// The last full day the date covers (for "is it past?" questions).
    pub fn last_day(&self) -> PartialDate {
        let month = self.month.unwrap_or(12);
        PartialDate {
            year: self.year,
            month: Some(month),
            day: Some(self.day.unwrap_or(days_in_month(self.year, month))),
        }
    }

    /// The date as a reader sees it, at its precision, in the interface language.
    pub fn display(&self, language: &str) -> String {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        match (language, self.month, self.day) {
            ("zh", None, _) => format!("{}年", self.year),
            ("zh", Some(m), None) => format!("{}年{}月", self.year, m),
            ("zh", Some(m), Some(d)) => format!("{}年{}月{}日", self.year, m, d),
            (_, None, _) => format!("{}", self.year),
            (_, Some(m), None) => format!("{} {}", MONTHS[usize::from(m) - 1], self.year),
            (_, Some(m), Some(d)) => format!("{} {} {}", d, MONTHS[usize::from(m) - 1], self.year),
        }
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl serde::Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_precision() {
        assert_eq!(PartialDate::parse("2024").unwrap().to_string(), "2024");
        assert_eq!(
            PartialDate::parse("2024-12").unwrap().to_string(),
            "2024-12"
        );
        assert_eq!(
            PartialDate::parse("2024-12-13").unwrap().to_string(),
            "2024-12-13"
        );
    }

    #[test]
    fn rejects_impossible_dates() {
        assert!(
            PartialDate::parse("2025-02-30")
                .unwrap_err()
                .contains("28 days")
        );
        assert!(PartialDate::parse("2024-02-29").is_ok());
        assert!(PartialDate::parse("2024-13").is_err());
        assert!(PartialDate::parse("24-01").is_err());
        assert!(PartialDate::parse("2024-1-5").is_err());
    }

    #[test]
    fn partial_dates_sort_before_their_days() {
        let y = PartialDate::parse("2024").unwrap();
        let m = PartialDate::parse("2024-12").unwrap();
        let d = PartialDate::parse("2024-12-01").unwrap();
        let next = PartialDate::parse("2025").unwrap();
        assert!(y < m && m < d && d < next);
    }

    #[test]
    fn displays_at_precision() {
        let d = PartialDate::parse("2025-01").unwrap();
        assert_eq!(d.display("en"), "Jan 2025");
        assert_eq!(d.display("zh"), "2025年1月");
    }
}
