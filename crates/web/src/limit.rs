//! A per-source limit on sign-in attempts, kept in memory (one server; several servers behind
//! one proxy each keep their own, which only makes the limit looser by that factor).

use std::collections::HashMap;
use std::sync::Mutex;

/// How many attempts each source made in the current minute.
#[derive(Default)]
pub struct SignInLimiter {
    minutes: Mutex<HashMap<String, (i64, u32)>>,
}

/// Entries kept before old minutes are swept out (bounds memory under a spoofed-source flood).
const SWEEP_AT: usize = 10_000;

impl SignInLimiter {
    /// Counts an attempt from `source` in minute `minute` (Unix minutes); false once the
    /// source made `per_minute` attempts in that minute.
    pub fn allow(&self, source: &str, minute: i64, per_minute: u32) -> bool {
        let mut map = self.minutes.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= SWEEP_AT {
            map.retain(|_, (m, _)| *m == minute);
        }
        let entry = map.entry(source.to_owned()).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        if entry.1 >= per_minute {
            return false;
        }
        entry.1 += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_gets_its_attempts_each_minute_and_others_are_not_counted_with_it() {
        let l = SignInLimiter::default();
        assert!((0..3).all(|_| l.allow("10.0.0.1", 100, 3)));
        assert!(!l.allow("10.0.0.1", 100, 3), "the fourth in the same minute");
        assert!(l.allow("10.0.0.2", 100, 3), "another address");
        assert!(l.allow("10.0.0.1", 101, 3), "the next minute");
    }

    #[test]
    fn a_flood_of_sources_does_not_grow_without_bound() {
        let l = SignInLimiter::default();
        for i in 0..(SWEEP_AT + 5) {
            l.allow(&format!("s{i}"), i64::try_from(i / 1000).unwrap(), 30);
        }
        assert!(l.minutes.lock().unwrap().len() <= SWEEP_AT);
    }
}
