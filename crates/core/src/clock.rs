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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_in_beijing_says_today_even_before_eight_in_the_morning_utc() {
        let clock = Clock::fixed_beijing(2026, 12, 2, 7, 30);
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2026, 12, 2).unwrap());
        assert_eq!(clock.now().date_naive(), NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(), "UTC is still yesterday");
        assert_eq!(clock.local(clock.now()).format("%H:%M").to_string(), "07:30");
    }
}
