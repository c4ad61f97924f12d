//! A time budget for analysing one file (`--file-timeout`), checked cooperatively.
//!
//! [`within`] runs the analysis of a file with a deadline on the current thread. The loops that
//! every rule's work goes through (tree walks, child iteration, token search, the flow
//! searches) ask [`expired`], which looks at the clock only every [`TICKS`] calls so the check
//! costs next to nothing; once the deadline has passed, they stop early, so a file whose
//! analysis would take minutes is given up within the budget. What an expired analysis found
//! is incomplete: callers throw it away and report the file as skipped.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// Calls of [`expired`] between two looks at the clock.
const TICKS: u32 = 1024;

#[derive(Clone, Copy)]
struct Budget {
    deadline: Option<Instant>,
    ticks: u32,
    expired: bool,
}

thread_local! {
    static BUDGET: Cell<Budget> = const {
        Cell::new(Budget { deadline: None, ticks: 0, expired: false })
    };
}

/// Runs `f` with `limit` as its time budget (`None`: no limit); the result and whether the
/// budget ran out (then the result is incomplete). Budgets nest: an inner one never outlives
/// the outer one.
pub fn within<R>(limit: Option<Duration>, f: impl FnOnce() -> R) -> (R, bool) {
    let outer = BUDGET.with(Cell::get);
    let mut deadline = limit.and_then(|l| Instant::now().checked_add(l));
    if let Some(outer_deadline) = outer.deadline {
        deadline = Some(deadline.map_or(outer_deadline, |d| d.min(outer_deadline)));
    }
    BUDGET.with(|b| {
        b.set(Budget {
            deadline,
            ticks: 0,
            expired: outer.expired,
        })
    });
    let result = f();
    let spent = BUDGET.with(|b| b.get().expired);
    let outer_spent = spent && outer.deadline.is_some_and(|d| Instant::now() >= d);
    BUDGET.with(|b| {
        b.set(Budget {
            expired: outer.expired || outer_spent,
            ..outer
        })
    });
    (result, spent)
}

/// Whether a budget is set on this thread (then [`expired`] can ever say `true`).
pub fn active() -> bool {
    BUDGET.with(|b| b.get().deadline.is_some())
}

/// Whether the current budget has run out; loops call it once per step and stop when it is
/// `true`. Without a budget, always `false`.
pub fn expired() -> bool {
    BUDGET.with(|b| {
        let mut budget = b.get();
        if budget.expired {
            return true;
        }
        let Some(deadline) = budget.deadline else {
            return false;
        };
        budget.ticks += 1;
        if budget.ticks >= TICKS {
            budget.ticks = 0;
            budget.expired = Instant::now() >= deadline;
        }
        b.set(budget);
        budget.expired
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_budget_never_expires() {
        let (n, expired) = within(None, || (0..10 * TICKS).filter(|_| expired()).count());
        assert_eq!((n, expired), (0, false));
    }

    #[test]
    fn a_spent_budget_stops_loops_and_is_reported() {
        let (steps, spent) = within(Some(Duration::from_nanos(1)), || {
            (0..100 * TICKS).take_while(|_| !expired()).count()
        });
        assert!(spent);
        // The clock is read after TICKS steps.
        assert_eq!(steps, TICKS as usize - 1);
        // Outside the budget, nothing has expired.
        assert!(!expired());
    }

    #[test]
    fn an_inner_budget_cannot_outlive_the_outer_one() {
        let ((_, inner_spent), outer_spent) = within(Some(Duration::from_nanos(1)), || {
            within(Some(Duration::from_secs(3600)), || {
                (0..10 * TICKS).take_while(|_| !expired()).count()
            })
        });
        assert!(inner_spent && outer_spent);
    }
}
