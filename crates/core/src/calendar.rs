//! 工作日: deadlines of a procedure are counted in working days — Monday to Friday, less the
//! public holidays, plus the weekend days the State Council makes working days (调休上班).
//! The district keeps the calendar; the national 2026 arrangement is seeded (国务院办公厅关于
//! 2026年部分节假日安排的通知, 2025-11-04).

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// Holidays and make-up working days; every other day is a working day from Monday to Friday.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_else(|| unreachable!("a valid date in the seed"))
}

fn span(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    from.iter_days().take_while(move |x| *x <= to)
}

impl WorkCalendar {
    /// The national arrangement of 2026: 元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆, with their
    /// make-up working days.
    pub fn national_2026() -> WorkCalendar {
        let mut c = WorkCalendar::default();
        for (from, to) in [
            (d(2026, 1, 1), d(2026, 1, 3)),
            (d(2026, 2, 15), d(2026, 2, 23)),
            (d(2026, 4, 4), d(2026, 4, 6)),
            (d(2026, 5, 1), d(2026, 5, 5)),
            (d(2026, 6, 19), d(2026, 6, 21)),
            (d(2026, 9, 25), d(2026, 9, 27)),
            (d(2026, 10, 1), d(2026, 10, 7)),
        ] {
            c.holidays.extend(span(from, to));
        }
        c.workdays.extend([
            d(2026, 1, 4),
            d(2026, 2, 14),
            d(2026, 2, 28),
            d(2026, 5, 9),
            d(2026, 9, 20),
            d(2026, 10, 10),
        ]);
        c
    }

    /// A day off the district adds (a holiday, or a local one).
    pub fn add_holiday(&mut self, day: NaiveDate) {
        self.workdays.remove(&day);
        self.holidays.insert(day);
    }

    /// A weekend day made a working day (调休上班).
    pub fn add_workday(&mut self, day: NaiveDate) {
        self.holidays.remove(&day);
        self.workdays.insert(day);
    }

    pub fn holidays(&self) -> impl Iterator<Item = &NaiveDate> {
        self.holidays.iter()
    }

    pub fn workdays(&self) -> impl Iterator<Item = &NaiveDate> {
        self.workdays.iter()
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.workdays.contains(&day) {
            return true;
        }
        !self.holidays.contains(&day) && !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The day by which something started on `start` must be done, `n` working days later
    /// (the day it started does not count; on a day off, the next working day is the first).
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut day = start;
        let mut left = n;
        while left > 0 {
            day += Duration::days(1);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// Working days after `due` up to and including `today` (0 when `today` is not past it).
    pub fn working_days_late(&self, due: NaiveDate, today: NaiveDate) -> i64 {
        if today <= due {
            return 0;
        }
        span(due + Duration::days(1), today).filter(|x| self.is_working_day(*x)).count() as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekends_and_holidays_are_off_and_make_up_saturdays_and_sundays_are_working_days() {
        let c = WorkCalendar::national_2026();
        assert!(c.is_working_day(d(2026, 12, 2)), "a Wednesday");
        assert!(!c.is_working_day(d(2026, 12, 5)), "a Saturday");
        assert!(!c.is_working_day(d(2026, 10, 5)), "国庆, a Monday");
        assert!(c.is_working_day(d(2026, 10, 10)), "国庆's make-up Saturday");
        assert!(c.is_working_day(d(2026, 9, 20)), "the make-up Sunday before 中秋");
        assert!(!c.is_working_day(d(2026, 2, 23)), "春节 ends on the Monday 初七");
        assert!(c.is_working_day(d(2026, 2, 14)) && c.is_working_day(d(2026, 2, 28)));
    }

    #[test]
    fn twenty_working_days_are_counted_across_the_mid_autumn_holiday_and_a_make_up_sunday() {
        let c = WorkCalendar::national_2026();
        // A lead logged on Friday 2026-09-18. Working days after it: Sun 9-20 (make-up) 1,
        // Mon–Thu 9-21..24 → 5, 中秋 9-25..27 off, 9-28..30 → 8, 国庆 10-1..7 off, 10-8, 10-9
        // → 10, Sat 10-10 (make-up) → 11, 10-12..16 → 16, 10-19..22 → 20.
        let due = c.add_working_days(d(2026, 9, 18), 20);
        assert_eq!(due, d(2026, 10, 22), "20 working days, not 20 weekdays (10-16) nor 20 days (10-8)");
        let counted = d(2026, 9, 19).iter_days().take_while(|x| *x <= due).filter(|x| c.is_working_day(*x)).count();
        assert_eq!(counted, 20);
        assert_eq!(WorkCalendar::default().add_working_days(d(2026, 9, 18), 20), d(2026, 10, 16), "weekdays only");
        assert_eq!(c.working_days_late(due, d(2026, 10, 22)), 0, "due today is not late");
        assert_eq!(c.working_days_late(due, d(2026, 10, 25)), 1, "Friday only: the weekend does not count");
        assert_eq!(c.working_days_late(due, d(2026, 10, 27)), 3, "Fri, Mon, Tue");
    }

    #[test]
    fn the_district_adds_its_own_days_off_and_working_days() {
        let mut c = WorkCalendar::national_2026();
        let monday = d(2026, 12, 7);
        assert!(c.is_working_day(monday));
        c.add_holiday(monday);
        assert!(!c.is_working_day(monday));
        let sunday = d(2026, 12, 13);
        c.add_workday(sunday);
        assert!(c.is_working_day(sunday));
        assert_eq!(
            c.add_working_days(d(2026, 12, 4), 1),
            d(2026, 12, 8),
            "Friday + 1 skips the weekend and the day off"
        );
    }
}
