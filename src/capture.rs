//! Best-capture selection over a sequence of captures (TR-03121, requirements section 9): the
//! capture that meets the most mandatory criteria, then the most optional ones, then the one whose
//! checks meet the most targets (a warning meets its criterion, not its target), then the most
//! recent. Mandatory are all checks the profile does not list as `optional`.

use crate::profile::Profile;
use crate::report::{Report, Status};

/// Index of the best report in `captures` (oldest first), or None for an empty sequence.
pub fn best_capture<'a>(captures: impl IntoIterator<Item = &'a Report>, profile: &Profile) -> Option<usize> {
    captures
        .into_iter()
        .enumerate()
        .max_by_key(|(index, report)| {
            let met = |optional: bool| {
                let met = |c: &&crate::CheckResult| matches!(c.status, Status::Pass | Status::Warn);
                report.checks.iter().filter(met).filter(|c| profile.optional.contains(&c.id) == optional).count()
            };
            let on_target = report.checks.iter().filter(|c| c.status == Status::Pass).count();
            (met(false), met(true), on_target, *index)
        })
        .map(|(index, _)| index)
}
