//! The time every rule reads: "now" for stamps, and "today" in the office's time zone for dates
//! people type ("not after today"). Passed in (held by the storage), never read from the machine
//! inside a rule, so a test can fix it.

use chrono::{DateTime, FixedOffset, Local, NaiveDate, NaiveDateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// The machine's clock, in the server's time zone (a district office runs in Beijing time).
    #[default]
    System,
    /// Always this instant, seen in its own time zone: for tests.
    Fixed(DateTime<FixedOffset>),
}

impl Clock {
    /// A fixed clock at `y-m-d h:min` Beijing time (UTC+8). Panics on an impossible date (tests only).
    pub fn fixed_beijing(y: i32, m: u32, d: u32, h: u32, min: u32) -> Clock {
        let at = FixedOffset::east_opt(8 * 3600)
            .and_then(|tz| NaiveDate::from_ymd_opt(y, m, d)?.and_hms_opt(h, min, 0)?.and_local_timezone(tz).single());
        Clock::Fixed(at.expect("a valid date and time"))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => t.with_timezone(&Utc),
        }
    }

    /// Today in the office's time zone: a visit entered at 7 a.m. in Beijing is not "tomorrow".
    pub fn today(&self) -> NaiveDate {
        self.local(self.now()).date()
    }

    /// An instant as the office's wall clock shows it.
    pub fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        match self {
            Clock::System => at.with_timezone(&Local).naive_local(),
            Clock::Fixed(t) => at.with_timezone(t.offset()).naive_local(),
        }
    }
}

/// The rule every dated action shares: `on` is not after `today` (nothing is recorded as done
/// tomorrow). The error names `field` and says what the date is ("调离日期不能晚于今天").
pub fn not_after_today(
    field: &str,
    what: &str,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<(), crate::error::FieldError> {
    if on > today {
        return Err(crate::error::FieldError::new(field, format!("{what}不能晚于今天")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_after_today_is_refused_with_its_field_and_name() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert!(not_after_today("end_on", "调离日期", today, today).is_ok());
        let e = not_after_today("end_on", "调离日期", today.succ_opt().unwrap(), today).unwrap_err();
        assert_eq!((e.field.as_str(), e.message.as_str()), ("end_on", "调离日期不能晚于今天"));
    }

    #[test]
    fn a_fixed_clock_in_beijing_says_today_even_before_eight_in_the_morning_utc() {
        let clock = Clock::fixed_beijing(2026, 12, 2, 7, 30);
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2026, 12, 2).unwrap());
        assert_eq!(clock.now().date_naive(), NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), "UTC is still yesterday");
        assert_eq!(clock.local(clock.now()).format("%H:%M").to_string(), "07:30");
    }
}
