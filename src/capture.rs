//! Best-capture selection over a sequence of captures (TR-03121, requirements section 9): the
//! capture that meets the most mandatory criteria, then the most optional ones, then the most
//! recent. Mandatory are all checks the profile does not list as `optional`.

use crate::profile::Profile;
use crate::report::{Report, Status};

/// Index of the best report in `captures` (oldest first), or None for an empty sequence.
pub fn best_capture<'a>(captures: impl IntoIterator<Item = &'a Report>, profile: &Profile) -> Option<usize> {
    captures
        .into_iter()
        .enumerate()
        .max_by_key(|(index, report)| {
            let passed = |optional: bool| {
                report
                    .checks
                    .iter()
                    .filter(|c| c.status == Status::Pass && profile.optional.contains(&c.id) == optional)
                    .count()
            };
            (passed(false), passed(true), *index)
        })
        .map(|(index, _)| index)
}
