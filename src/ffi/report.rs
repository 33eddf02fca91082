//! `passbild_report`: the verdict, each check, the JSON. Immutable: any number of threads may
//! read one report at once.

use std::ffi::{CString, c_char};

use super::{Failure, borrow, copy_to_buffer, guard, passbild_status, write_out};
use crate::{Language, Report, Status};

/// The language of messages. Values are fixed and never reused.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum passbild_language {
    /// English.
    En = 0,
    /// German.
    De = 1,
}

/// A `passbild_language` as a caller passes it, checked before use (see
/// `passbild_pixel_format_value`).
pub type passbild_language_value = u32;

/// The verdict on a photo, or the status of one check.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum passbild_check_status {
    Pass = 0,
    Fail = 1,
    /// The check could not be computed (no face, face cut off); the message says why.
    NotAssessed = 2,
    /// The target is missed, but the value lies within the rejection bounds: not a reason to
    /// reject (a verdict is WARN when no check fails or is not assessed and one warns).
    Warn = 3,
}

impl From<Status> for passbild_check_status {
    fn from(status: Status) -> Self {
        match status {
            Status::Pass => passbild_check_status::Pass,
            Status::Fail => passbild_check_status::Fail,
            Status::NotAssessed => passbild_check_status::NotAssessed,
            Status::Warn => passbild_check_status::Warn,
        }
    }
}

/// One check of a report. Strings are owned by the report and valid until `passbild_report_free`.
/// Absent numbers are NaN (test with isnan); an absent quality is -1.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct passbild_check {
    /// Stable check ID, such as "pose.roll".
    pub id: *const c_char,
    /// Unit of value, min and max: "px", "deg", "ratio", "count", "fraction", "bits", "level",
    /// "jpeg_quality", "embedding_distance", "score", "per_px", "mm" or "xy"; a later version may
    /// add others.
    pub unit: *const c_char,
    pub status: passbild_check_status,
    /// 0..100 (higher is better), or -1.
    pub quality: i32,
    pub value: f64,
    pub min: f64,
    pub max: f64,
}

/// The report on one photo; free with `passbild_report_free`.
pub struct passbild_report {
    report: Report,
    ids: Vec<CString>,
    units: Vec<CString>,
}

impl passbild_report {
    pub(crate) fn report(&self) -> &Report {
        &self.report
    }

    pub(crate) fn new(report: Report) -> Self {
        let text = |s: &str| CString::new(s).unwrap_or_default();
        let ids = report.checks.iter().map(|c| text(&c.id)).collect();
        let units = report.checks.iter().map(|c| text(&c.unit)).collect();
        passbild_report { report, ids, units }
    }
}

pub(crate) fn language(value: passbild_language_value) -> Result<Language, Failure> {
    match value {
        v if v == passbild_language::En as u32 => Ok(Language::En),
        v if v == passbild_language::De as u32 => Ok(Language::De),
        other => Err(Failure::new(passbild_status::InvalidArgument, format!("no language {other}"))),
    }
}

fn check_index(report: &passbild_report, index: usize) -> Result<usize, Failure> {
    let count = report.report.checks.len();
    if index < count {
        Ok(index)
    } else {
        Err(Failure::new(passbild_status::IndexOutOfRange, format!("check {index} of {count}")))
    }
}

/// The overall verdict: fail if any check fails, else not assessed if any check could not be
/// computed, else warn if any check warns, else pass.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_report_verdict(
    report: *const passbild_report,
    verdict_out: *mut passbild_check_status,
) -> passbild_status {
    guard(std::ptr::null_mut(), || {
        let report = borrow(report, "report")?;
        write_out(verdict_out, "verdict_out", report.report.verdict.into())
    })
}

/// The number of checks in the report (those the profile uses).
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_report_check_count(
    report: *const passbild_report,
    count_out: *mut usize,
) -> passbild_status {
    guard(std::ptr::null_mut(), || {
        let report = borrow(report, "report")?;
        write_out(count_out, "count_out", report.report.checks.len())
    })
}

/// Check number `index` (0-based, below `passbild_report_check_count`).
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_report_check(
    report: *const passbild_report,
    index: usize,
    check_out: *mut passbild_check,
) -> passbild_status {
    guard(std::ptr::null_mut(), || {
        let report = borrow(report, "report")?;
        let index = check_index(report, index)?;
        let check = &report.report.checks[index];
        let number = |v: Option<f64>| v.unwrap_or(f64::NAN);
        let info = passbild_check {
            id: report.ids[index].as_ptr(),
            unit: report.units[index].as_ptr(),
            status: check.status.into(),
            quality: check.quality.map_or(-1, i32::from),
            value: number(check.value),
            min: number(check.min),
            max: number(check.max),
        };
        write_out(check_out, "check_out", info)
    })
}

/// Copies the message of check `index` in `language` (`passbild_language`, UTF-8) into
/// `buffer`; `*needed_out` (may be NULL) receives the size needed, NUL included.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_report_check_message(
    report: *const passbild_report,
    index: usize,
    language: passbild_language_value,
    buffer: *mut c_char,
    buffer_len: usize,
    needed_out: *mut usize,
) -> passbild_status {
    guard(std::ptr::null_mut(), || {
        let report = borrow(report, "report")?;
        let index = check_index(report, index)?;
        let language = self::language(language)?;
        copy_to_buffer(report.report.checks[index].message_in(language), buffer, buffer_len, needed_out)
    })
}

/// The whole report as JSON (the shape documented in README.md), with messages in `language`.
/// `*json_out` receives a string to free with `passbild_string_free`.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_report_to_json(
    report: *const passbild_report,
    language: passbild_language_value,
    json_out: *mut *mut c_char,
) -> passbild_status {
    guard(std::ptr::null_mut(), || {
        let report = borrow(report, "report")?;
        let language = self::language(language)?;
        if json_out.is_null() {
            return Err(Failure::null("json_out"));
        }
        let mut localized = report.report.clone();
        localized.set_language(language);
        let json = CString::new(localized.to_json())
            .map_err(|_| Failure::new(passbild_status::InternalError, "NUL inside the JSON"))?;
        write_out(json_out, "json_out", json.into_raw())
    })
}

/// Frees a report; NULL is ignored.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_report_free(report: *mut passbild_report) {
    if !report.is_null() {
        // SAFETY: non-NULL reports come from Box::into_raw in the checker and are freed once.
        drop(unsafe { Box::from_raw(report) });
    }
}
