//! Partial dates: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, kept as precise as the editor wrote.

use std::fmt;

use thiserror::Error;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// French month names: written in lowercase, as French writes them ("22 mars 2023").
const MOIS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// A date known to the year, the month or the day, and perhaps only approximately
/// ("around September 2021").
///
/// Dates sort by year, month and day, a less precise date before a more precise one of
/// the same period (`2021` before `2021-09` before `2021-09-15`), and at equal values an
/// approximate date before an exact one: both say "this period, no more precisely".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    /// The year.
    pub year: i32,
    /// 1 to 12, when known.
    pub month: Option<u8>,
    /// 1 to 31, when known.
    pub day: Option<u8>,
    /// Whether the source gives the date only roughly (`approximate: true`).
    pub approximate: bool,
}

impl Ord for PartialDate {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.year, self.month, self.day, !self.approximate).cmp(&(
            other.year,
            other.month,
            other.day,
            !other.approximate,
        ))
    }
}

impl PartialOrd for PartialDate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Why a date was refused.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not of the accepted shapes.
    #[error("`{0}` is not a date: write `YYYY`, `YYYY-MM` or `YYYY-MM-DD`")]
    Shape(String),
    /// A month or day that does not exist.
    #[error("`{0}` is not a real date")]
    OutOfRange(String),
    /// Year 0, which no calendar of the sources has.
    #[error("`{0}` is not a real date: there is no year 0")]
    YearZero(String),
}

impl PartialDate {
    /// Whether the date is known to the day, and exactly: what a feed or a sitemap may
    /// state as a day.
    pub fn is_full(&self) -> bool {
        self.month.is_some() && self.day.is_some() && !self.approximate
    }

    /// The same date, marked as known only approximately.
    pub fn approximately(self) -> PartialDate {
        PartialDate {
            approximate: true,
            ..self
        }
    }

    /// Parses `2021`, `2021-02` or `2021-02-14`.
    pub fn parse(raw: &str) -> Result<PartialDate, DateError> {
        let shape = || DateError::Shape(raw.to_string());
        let parts: Vec<&str> = raw.trim().split('-').collect();
        let number = |s: &str, len: usize| -> Result<u32, DateError> {
            if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse().map_err(|_| shape())
            } else {
                Err(shape())
            }
        };
        let (year, month, day) = match parts.as_slice() {
            [y] => (number(y, 4)?, None, None),
            [y, m] => (number(y, 4)?, Some(number(m, 2)?), None),
            [y, m, d] => (number(y, 4)?, Some(number(m, 2)?), Some(number(d, 2)?)),
            _ => return Err(shape()),
        };
        let out_of_range = || DateError::OutOfRange(raw.to_string());
        if year == 0 {
            return Err(DateError::YearZero(raw.to_string()));
        }
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return Err(out_of_range());
            }
            if let Some(d) = day {
                if d < 1 || d > days_in_month(year as i32, m) {
                    return Err(out_of_range());
                }
            }
        }
        Ok(PartialDate {
            year: year as i32,
            month: month.map(|m| m as u8),
            day: day.map(|d| d as u8),
            approximate: false,
        })
    }

    /// "22 March 2023", "February 2021", "2019", or "around September 2021".
    pub fn human(&self) -> String {
        let exact = match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{d} {} {}", MONTHS[m as usize - 1], self.year),
            (Some(m), None) => format!("{} {}", MONTHS[m as usize - 1], self.year),
            _ => self.year.to_string(),
        };
        if self.approximate {
            format!("around {exact}")
        } else {
            exact
        }
    }

    /// The date in words of `language` (a BCP 47 tag): "22 mars 2023", "1er mars 2023",
    /// "février 2021" in French; English ([`PartialDate::human`]) for a language casefile
    /// has no month names for. Month names are two tables of twelve words: a locale crate
    /// (chrono's `unstable-locales`) would bring every locale's data for them and still
    /// not know a date without its day.
    pub fn human_in(&self, language: &str) -> String {
        let primary = language.split(['-', '_']).next().unwrap_or_default();
        if primary != "fr" {
            return self.human();
        }
        let exact = match (self.month, self.day) {
            (Some(m), Some(1)) => format!("1er {} {}", MOIS[m as usize - 1], self.year),
            (Some(m), Some(d)) => format!("{d} {} {}", MOIS[m as usize - 1], self.year),
            (Some(m), None) => format!("{} {}", MOIS[m as usize - 1], self.year),
            _ => self.year.to_string(),
        };
        if self.approximate {
            format!("vers {exact}")
        } else {
            exact
        }
    }

    /// `day`, `month` or `year`.
    pub fn precision(&self) -> &'static str {
        match (self.month, self.day) {
            (Some(_), Some(_)) => "day",
            (Some(_), None) => "month",
            _ => "year",
        }
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// ISO form, as precise as known: `2021-02`.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_naturally_in_french() {
        let date = |s: &str| PartialDate::parse(s).unwrap();
        assert_eq!(date("2023-03-22").human_in("fr"), "22 mars 2023");
        assert_eq!(date("2021-02").human_in("fr-CA"), "février 2021");
        assert_eq!(date("2021-09-01").human_in("fr"), "1er septembre 2021");
        assert_eq!(date("2019").human_in("fr"), "2019");
        assert_eq!(date("2023-03-22").human_in("en"), "22 March 2023");
        assert_eq!(date("2023-03-22").human_in("de"), "22 March 2023");
    }

    #[test]
    fn parses_partial_dates() {
        let d = PartialDate::parse("2021-02").unwrap();
        assert_eq!(d.human(), "February 2021");
        assert_eq!(d.to_string(), "2021-02");
        assert_eq!(
            PartialDate::parse("2023-03-22").unwrap().human(),
            "22 March 2023"
        );
        assert_eq!(PartialDate::parse("2019").unwrap().human(), "2019");
    }

    #[test]
    fn refuses_impossible_dates() {
        assert!(matches!(
            PartialDate::parse("2023-02-30"),
            Err(DateError::OutOfRange(_))
        ));
        assert!(matches!(
            PartialDate::parse("2023-13"),
            Err(DateError::OutOfRange(_))
        ));
        assert!(PartialDate::parse("2024-02-29").is_ok());
        for zero in ["0000", "0000-03", "0000-03-22"] {
            assert!(matches!(
                PartialDate::parse(zero),
                Err(DateError::YearZero(_))
            ));
        }
        assert!(PartialDate::parse("0001").is_ok());
        assert!(matches!(
            PartialDate::parse("March 2023"),
            Err(DateError::Shape(_))
        ));
        assert!(matches!(
            PartialDate::parse("23-03-22"),
            Err(DateError::Shape(_))
        ));
    }

    #[test]
    fn partial_dates_sort_before_precise_ones_in_the_same_period() {
        let mut dates = [
            PartialDate::parse("2021-02-10").unwrap(),
            PartialDate::parse("2021").unwrap(),
            PartialDate::parse("2021-02").unwrap(),
        ];
        dates.sort();
        let shown: Vec<String> = dates.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["2021", "2021-02", "2021-02-10"]);
    }

    #[test]
    fn an_approximate_date_reads_as_such_and_sorts_before_the_exact_one() {
        let exact = PartialDate::parse("2021-09").unwrap();
        let around = exact.approximately();
        assert_eq!(around.human(), "around September 2021");
        assert_eq!(
            around.to_string(),
            "2021-09",
            "the ISO form stays as written"
        );
        assert!(around < exact);
        assert!(PartialDate::parse("2021-02").unwrap() < around);
        let day = PartialDate::parse("2021-09-15").unwrap();
        assert!(day.is_full() && !day.approximately().is_full());
    }
}
