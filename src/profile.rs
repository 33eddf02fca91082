//! Profiles: named sets of thresholds. The built-in ones are the TOML files in `profiles/`, compiled
//! in; a user's TOML names a built-in `base` and overrides any threshold. Unknown keys are errors,
//! so a misspelt threshold can never be silently ignored.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::report::Status;

const BUILT_IN: &[(&str, &str)] = &[
    ("icao", include_str!("../profiles/icao.toml")),
    ("de-live", include_str!("../profiles/de-live.toml")),
    ("de-scan", include_str!("../profiles/de-scan.toml")),
    ("de-child-6-9", include_str!("../profiles/de-child-6-9.toml")),
    ("de-child-under-6", include_str!("../profiles/de-child-under-6.toml")),
];

/// A pass range for one measured value, the target. A missing bound is open. Where the rules set a
/// rejection bound beyond the target (or the measurement is too uncertain near the target to
/// reject there), `reject_min` and `reject_max` give it: between target and rejection bound the
/// check warns, beyond it the check fails. `enabled = false` switches the check off, so an
/// override can drop a check of its base.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Range {
    /// Whether the check runs (true unless the profile says `enabled = false`).
    #[serde(default = "enabled", skip_serializing_if = "is_enabled")]
    pub enabled: bool,
    /// The smallest value that passes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// The largest value that passes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Below `min` but at or above this, the check warns; below this it fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reject_min: Option<f64>,
    /// Above `max` but at or below this, the check warns; above this it fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reject_max: Option<f64>,
}

fn enabled() -> bool {
    true
}

fn is_enabled(value: &bool) -> bool {
    *value
}

impl Range {
    /// An enabled range; `None` leaves that side open.
    pub fn new(min: Option<f64>, max: Option<f64>) -> Self {
        Range { enabled: true, min, max, reject_min: None, reject_max: None }
    }

    /// The same target with rejection bounds beyond it.
    pub fn with_reject(self, reject_min: Option<f64>, reject_max: Option<f64>) -> Self {
        Range { reject_min, reject_max, ..self }
    }

    /// Whether `value` meets the target.
    pub fn contains(&self, value: f64) -> bool {
        self.min.is_none_or(|min| value >= min) && self.max.is_none_or(|max| value <= max)
    }

    /// Pass within the target, warn between it and the rejection bounds, fail beyond them; a
    /// value that is no number lies on no side of a bound and is not assessed.
    pub fn status_of(&self, value: f64) -> Status {
        if value.is_nan() {
            return Status::NotAssessed;
        }
        let within = |bound: Option<f64>, inside: fn(f64, f64) -> bool| bound.is_some_and(|b| inside(value, b));
        if self.contains(value) {
            Status::Pass
        } else if self.min.is_some_and(|min| value < min) {
            if within(self.reject_min, |v, b| v >= b) { Status::Warn } else { Status::Fail }
        } else if within(self.reject_max, |v, b| v <= b) {
            Status::Warn
        } else {
            Status::Fail
        }
    }

    /// A bound that is not a number (TOML allows nan and inf), a target whose `min` is above its
    /// `max`, a rejection bound inside the target, or one without the target bound it extends, is
    /// a mistake in the profile.
    fn check_bounds(&self) -> std::result::Result<(), String> {
        let bounds = [self.min, self.max, self.reject_min, self.reject_max];
        if let Some(odd) = bounds.into_iter().flatten().find(|b| !b.is_finite()) {
            return Err(format!("bound {odd} is not a finite number"));
        }
        if let (Some(min), Some(max)) = (self.min, self.max)
            && min > max
        {
            return Err(format!("`min` {min} above `max` {max}"));
        }
        match (self.min, self.reject_min) {
            (None, Some(_)) => return Err("`reject_min` without `min`".into()),
            (Some(min), Some(reject)) if reject > min => {
                return Err(format!("`reject_min` {reject} above `min` {min}"));
            }
            _ => {}
        }
        match (self.max, self.reject_max) {
            (None, Some(_)) => Err("`reject_max` without `max`".into()),
            (Some(max), Some(reject)) if reject < max => Err(format!("`reject_max` {reject} below `max` {max}")),
            _ => Ok(()),
        }
    }
}

/// Image size: either an exact size (German profiles) or an aspect ratio with a tolerance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct DimensionsRule {
    /// Whether the check runs.
    #[serde(default = "enabled", skip_serializing_if = "is_enabled")]
    pub enabled: bool,
    /// The exact width required, in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// The exact height required, in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Width divided by height.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect_ratio: Option<f64>,
    /// Relative tolerance on the aspect ratio (0.02 = 2 %).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect_tolerance: Option<f64>,
    /// The smallest width allowed, in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_width: Option<u32>,
    /// The smallest height allowed, in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_height: Option<u32>,
}

/// `image.print_size`: the size a scan prints at, from the resolution its file states.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct PrintSizeRule {
    /// Whether the check runs.
    #[serde(default = "enabled", skip_serializing_if = "is_enabled")]
    pub enabled: bool,
    /// The paper photo's width, in millimetres.
    pub width_mm: f64,
    /// The paper photo's height, in millimetres.
    pub height_mm: f64,
    /// How far either side may be off, in millimetres.
    pub tolerance_mm: f64,
}

/// The rules of the `image.*` checks; an absent one is not run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ImageRules {
    /// `image.dimensions`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<DimensionsRule>,
    /// `image.colour_depth`: 24 for colour, 8 for grey.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour_depth: Option<Range>,
    /// `image.colour_space`: how far the primaries of the file's colour profile lie from sRGB's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour_space: Option<Range>,
    /// The JPEG quality the file was saved at (estimated from its quantisation table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression: Option<Range>,
    /// `image.earlier_compression`: the JPEG quality of an earlier compression the pixels show
    /// (100 where none shows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earlier_compression: Option<Range>,
    /// `image.compression_artefacts`: JPEG blocking over the face.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression_artefacts: Option<Range>,
    /// `image.integrity`: a band a damaged JPEG value leaves along a row of block borders, in
    /// grey levels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integrity: Option<Range>,
    /// `image.print_size`: a scan's printed size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub print_size: Option<PrintSizeRule>,
}

/// A table of ranges, one per check of a family (`[pose]` holds `yaw`, `pitch`, `roll`); a
/// missing table or key means the check is off.
/// Checks whose rule is more than a range follow the ranges as `field: Rule`.
macro_rules! range_rules {
    ($name:ident $family:literal { $($field:ident),* $(,)? $(; $($ruled:ident: $rule:ty),* $(,)?)? }) => {
        #[doc = concat!("The ranges of the `", $family, ".*` checks; an absent one is not run.")]
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[non_exhaustive]
        pub struct $name {
            $(
                #[doc = concat!("`", $family, ".", stringify!($field), "`")]
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<Range>,
            )*
            $($(
                #[doc = concat!("`", $family, ".", stringify!($ruled), "`")]
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $ruled: Option<$rule>,
            )*)?
        }
    };
}

range_rules!(FaceRules "face" { count, occlusion, hands });
range_rules!(GeometryRules "geometry" {
    inter_eye_distance,
    horizontal_centring,
    eye_line_height,
    head_width,
    head_height,
    chin_to_crown_de,
});
range_rules!(PoseRules "pose" { yaw, pitch, roll });
range_rules!(ExposureRules "exposure" {
    luminance_mean,
    luminance_variance,
    under,
    over,
    dynamic_range,
    illumination_uniformity,
    face_shadows,
    hot_spots,
    black_level;
    white_level: WhiteLevelRule,
});
range_rules!(FocusRules "focus" { sharpness });
range_rules!(ColourRules "colour" { natural_skin, cast, red_eye });
range_rules!(EyesRules "eyes" { open, gaze, visible, hair_across });
range_rules!(GlassesRules "glasses" { present, tinted, reflection, frame_over_eyes });
range_rules!(HeadRules "head" { covering });
range_rules!(MouthRules "mouth" { closed });
range_rules!(ExpressionRules "expression" { neutral, smile });
range_rules!(IdentityRules "identity" { same_person });
range_rules!(MorphRules "morph" { single_image, differential });

/// The eye whites' level as a range, raised where the pupils are crushed to black: a dark photo
/// given contrast (a gamma above 1) keeps its eye whites near the plain bound but crushes the
/// pupils, while a well-exposed photo with deep blacks keeps its eye whites light.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct WhiteLevelRule {
    /// Whether the check runs.
    #[serde(default = "enabled", skip_serializing_if = "is_enabled")]
    pub enabled: bool,
    /// The darkest eye whites that pass (luma 0..255).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// The brightest eye whites that pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Pupils (`exposure.black_level`) darker than this are crushed to black.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crushed_pupils_below: Option<f64>,
    /// The darkest eye whites that pass where the pupils are crushed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_with_crushed_pupils: Option<f64>,
}

impl WhiteLevelRule {
    /// The level's range where the pupils are not crushed.
    pub fn range(&self) -> Range {
        Range::new(self.min, self.max)
    }
}

/// The background's mean level as a range, and how far its colour channels may drift apart
/// (`max_cast`, sRGB levels) for a neutral grey.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct BackgroundColourRule {
    /// Whether the check runs.
    #[serde(default = "enabled", skip_serializing_if = "is_enabled")]
    pub enabled: bool,
    /// The darkest mean level that passes (sRGB 0..255).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// The brightest mean level that passes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// The largest spread between the mean red, green and blue, in sRGB levels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_cast: Option<f64>,
}

impl BackgroundColourRule {
    /// The level's range.
    pub fn range(&self) -> Range {
        Range::new(self.min, self.max)
    }
}

/// The rules of the `background.*` checks; an absent one is not run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct BackgroundRules {
    /// `background.uniformity`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uniformity: Option<Range>,
    /// `background.colour`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<BackgroundColourRule>,
    /// `background.shadow`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shadow: Option<Range>,
    /// `background.brightness_range`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brightness_range: Option<Range>,
    /// `background.objects`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objects: Option<Range>,
    /// `background.side_objects`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side_objects: Option<Range>,
}

/// The thresholds of every check, grouped as the check IDs are (`[pose.yaw]` holds `pose.yaw`).
/// A check whose table is absent or disabled is not run and does not appear in the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Profile {
    /// The profile's name, as reports state it.
    pub name: String,
    /// What the profile is for.
    #[serde(default)]
    pub description: String,
    /// Check IDs that are optional criteria: best-capture selection (`passbild::capture`) counts
    /// them only after the mandatory ones, which are all the others.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub optional: Vec<String>,
    /// The `image.*` checks.
    #[serde(default)]
    pub image: ImageRules,
    /// The `face.*` checks.
    #[serde(default)]
    pub face: FaceRules,
    /// The `geometry.*` checks.
    #[serde(default)]
    pub geometry: GeometryRules,
    /// The `pose.*` checks.
    #[serde(default)]
    pub pose: PoseRules,
    /// The `exposure.*` checks.
    #[serde(default)]
    pub exposure: ExposureRules,
    /// The `focus.*` checks.
    #[serde(default)]
    pub focus: FocusRules,
    /// The `colour.*` checks.
    #[serde(default)]
    pub colour: ColourRules,
    /// The `background.*` checks.
    #[serde(default)]
    pub background: BackgroundRules,
    /// The `eyes.*` checks.
    #[serde(default)]
    pub eyes: EyesRules,
    /// The `mouth.*` checks.
    #[serde(default)]
    pub mouth: MouthRules,
    /// The `expression.*` checks.
    #[serde(default)]
    pub expression: ExpressionRules,
    /// The `glasses.*` checks.
    #[serde(default)]
    pub glasses: GlassesRules,
    /// The `head.*` checks.
    #[serde(default)]
    pub head: HeadRules,
    /// Checks against a live capture (`Checker::check_with_reference`).
    #[serde(default)]
    pub identity: IdentityRules,
    /// The `morph.*` checks.
    #[serde(default)]
    pub morph: MorphRules,
}

impl Profile {
    /// Names of the built-in profiles.
    pub fn built_in_names() -> impl Iterator<Item = &'static str> {
        BUILT_IN.iter().map(|(name, _)| *name)
    }

    /// A built-in profile by name.
    pub fn built_in(name: &str) -> Result<Profile> {
        let (_, text) = BUILT_IN.iter().find(|(n, _)| *n == name).ok_or_else(|| Error::UnknownProfile {
            name: name.to_string(),
            known: Profile::built_in_names().collect::<Vec<_>>().join(", "),
        })?;
        // A built-in profile may name another as its base (the children's profiles do).
        Profile::from_toml(text).map_err(|e| Error::InvalidProfile(format!("built-in {name}: {e}")))
    }

    /// A user profile in TOML. With `base = "<built-in name>"` its tables override the base's
    /// thresholds key by key; without `base` it is a complete profile on its own (a check it does
    /// not name is not run).
    pub fn from_toml(text: &str) -> Result<Profile> {
        if text.len() > MAX_PROFILE_BYTES {
            return Err(Error::InputTooLarge { len: text.len(), limit: MAX_PROFILE_BYTES });
        }
        let invalid = |e: &dyn std::fmt::Display| Error::InvalidProfile(e.to_string());
        let mut overrides: toml::Table = toml::from_str(text).map_err(|e| invalid(&e))?;
        let base_name = match overrides.remove("base") {
            None => {
                let profile: Profile = overrides.try_into().map_err(|e: toml::de::Error| invalid(&e))?;
                return profile.validated();
            }
            Some(toml::Value::String(name)) => name,
            Some(other) => return Err(invalid(&format!("`base` must be a profile name, not {other:?}"))),
        };
        let base = Profile::built_in(&base_name)?;
        let mut merged = toml::Table::try_from(&base).map_err(|e| invalid(&e))?;
        merge(&mut merged, overrides);
        let profile: Profile = merged.try_into().map_err(|e: toml::de::Error| invalid(&e))?;
        profile.validated()
    }

    /// Refuses `optional` entries that name no check, so a misspelt ID cannot silently count as
    /// mandatory.
    /// Also refuses rejection bounds that lie inside their target.
    fn validated(self) -> Result<Profile> {
        let known =
            |id: &str| crate::report::ids::ALL.contains(&id) || crate::report::ids::WITH_REFERENCE.contains(&id);
        if let Some(unknown) = self.optional.iter().find(|id| !known(id)) {
            return Err(Error::InvalidProfile(format!("`optional` names an unknown check {unknown:?}")));
        }
        let invalid = |rule: &str, problem: String| Error::InvalidProfile(format!("[{rule}]: {problem}"));
        let table = toml::Table::try_from(&self).map_err(|e| Error::InvalidProfile(e.to_string()))?;
        for (family, checks) in table.iter().filter_map(|(k, v)| Some((k, v.as_table()?))) {
            for (check, rule) in checks {
                // Tables of other shapes (image.dimensions, background.colour) are checked below.
                let Ok(range) = rule.clone().try_into::<Range>() else { continue };
                let id = format!("{family}.{check}");
                range.check_bounds().map_err(|e| invalid(&id, e))?;
                // Only the information whether glasses are worn is reported without a bound.
                if range.enabled && range.min.is_none() && range.max.is_none() && id != crate::ids::GLASSES_PRESENT {
                    return Err(invalid(&id, "neither `min` nor `max`: it would pass every photo".into()));
                }
            }
        }
        let not_negative = |rule: &str, name: &str, value: Option<f64>| match value {
            Some(v) if !(v.is_finite() && v >= 0.0) => {
                Err(invalid(rule, format!("`{name}` {v} is not a number of 0 or more")))
            }
            _ => Ok(()),
        };
        if let Some(dimensions) = &self.image.dimensions {
            if [dimensions.width, dimensions.height].contains(&Some(0)) {
                return Err(invalid("image.dimensions", "a width or height of 0 px".into()));
            }
            if dimensions.aspect_ratio.is_some_and(|ratio| !(ratio.is_finite() && ratio > 0.0)) {
                return Err(invalid("image.dimensions", "`aspect_ratio` is not a positive number".into()));
            }
            not_negative("image.dimensions", "aspect_tolerance", dimensions.aspect_tolerance)?;
        }
        if let Some(print) = &self.image.print_size {
            if ![print.width_mm, print.height_mm].iter().all(|mm| mm.is_finite() && *mm > 0.0) {
                return Err(invalid("image.print_size", "a width or height that is not a positive number".into()));
            }
            not_negative("image.print_size", "tolerance_mm", Some(print.tolerance_mm))?;
        }
        if let Some(white) = &self.exposure.white_level {
            white.range().check_bounds().map_err(|e| invalid("exposure.white_level", e))?;
            Range::new(white.min_with_crushed_pupils, white.max)
                .check_bounds()
                .map_err(|e| invalid("exposure.white_level", format!("where the pupils are crushed, {e}")))?;
            not_negative("exposure.white_level", "crushed_pupils_below", white.crushed_pupils_below)?;
        }
        if let Some(background) = &self.background.colour {
            background.range().check_bounds().map_err(|e| invalid("background.colour", e))?;
            not_negative("background.colour", "max_cast", background.max_cast)?;
        }
        Ok(self)
    }

    /// A user profile from a TOML file (see `from_toml`).
    /// Anything but a regular file is refused before it is opened, and at most
    /// `MAX_PROFILE_BYTES` are read, as for photos (`DecodeLimits::read_file`).
    pub fn from_toml_file(path: &std::path::Path) -> Result<Profile> {
        let limits = crate::DecodeLimits { max_input_bytes: MAX_PROFILE_BYTES, ..Default::default() };
        let bytes = limits.read_file(path)?;
        let text = String::from_utf8(bytes)
            .map_err(|_| Error::InvalidProfile(format!("{}: not UTF-8 text", path.display())))?;
        Profile::from_toml(&text)
    }

    /// A built-in name, or else a path to a TOML file.
    pub fn by_name_or_path(name_or_path: &str) -> Result<Profile> {
        match Profile::built_in(name_or_path) {
            Err(Error::UnknownProfile { .. }) if name_or_path.ends_with(".toml") => {
                Profile::from_toml_file(std::path::Path::new(name_or_path))
            }
            other => other,
        }
    }
}

/// The largest profile read: a complete profile with a comment on every rule is a few KiB.
pub const MAX_PROFILE_BYTES: usize = 256 << 10;

/// Recursively overlays `overrides` on `base`: tables merge, any other value replaces.
fn merge(base: &mut toml::Table, overrides: toml::Table) {
    for (key, value) in overrides {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(existing)), toml::Value::Table(table)) => merge(existing, table),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_ins_parse_and_hold_the_requirement_numbers() {
        let live = Profile::built_in("de-live").unwrap();
        assert_eq!(live.geometry.inter_eye_distance.unwrap().min, Some(300.0));
        assert_eq!(live.image.dimensions.unwrap().width, Some(1244));
        assert_eq!(Profile::built_in("de-scan").unwrap().geometry.inter_eye_distance.unwrap().min, Some(120.0));
        let icao = Profile::built_in("icao").unwrap();
        assert!(icao.geometry.chin_to_crown_de.is_none());
        assert_eq!(icao.pose.roll.unwrap().max, Some(8.0));
        assert!(matches!(Profile::built_in("de"), Err(Error::UnknownProfile { .. })));
    }

    #[test]
    fn overrides_change_only_what_they_name() {
        let profile = Profile::from_toml("base = \"de-live\"\nname = \"studio\"\n[pose.yaw]\nmax = 4\n").unwrap();
        assert_eq!(profile.name, "studio");
        assert_eq!(profile.pose.yaw.unwrap(), Range::new(Some(-5.0), Some(4.0)).with_reject(Some(-8.0), Some(8.0)));
        assert_eq!(profile.geometry, Profile::built_in("de-live").unwrap().geometry);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_errors() {
        for text in [
            "[pose.yaw]\nmaximum = 4\n",
            "[pose.yawn]\nmax = 4\n",
            "[colour]\nx = 1\n",
            "base = \"nope\"\n",
            "[pose.yaw]\nmax = \"four\"\n",
            "not toml at all [",
        ] {
            assert!(Profile::from_toml(text).is_err(), "{text:?} was accepted");
        }
    }

    #[test]
    fn a_profile_without_base_stands_alone() {
        let profile = Profile::from_toml("name = \"roll-only\"\n[pose.roll]\nmax = 8\n").unwrap();
        assert!(profile.pose.yaw.is_none() && profile.geometry.head_height.is_none());
        assert_eq!(profile.pose.roll.unwrap().max, Some(8.0));
        assert!(Profile::from_toml("[pose.roll]\nmax = 8\n").is_err(), "a stand-alone profile needs a name");
    }

    #[test]
    fn between_target_and_rejection_bound_is_a_warning() {
        let range = Range::new(Some(0.711), Some(0.8)).with_reject(Some(0.6), Some(0.889));
        let cases = [(0.75, Status::Pass), (0.65, Status::Warn), (0.85, Status::Warn), (0.59, Status::Fail)];
        for (value, status) in cases.into_iter().chain([(0.9, Status::Fail), (0.6, Status::Warn), (0.8, Status::Pass)])
        {
            assert_eq!(range.status_of(value), status, "{value}");
        }
        let one_sided = Range::new(Some(-5.0), Some(5.0)).with_reject(None, Some(10.0));
        assert_eq!(one_sided.status_of(-6.0), Status::Fail);
        assert_eq!(one_sided.status_of(6.0), Status::Warn);
        assert_eq!(one_sided.status_of(f64::NAN), Status::NotAssessed);
        assert_eq!(Range::new(None, None).status_of(f64::NAN), Status::NotAssessed);
        let de_live = Profile::built_in("de-live").unwrap();
        assert_eq!(de_live.geometry.chin_to_crown_de.unwrap().reject_min, Some(0.6));
    }

    /// docs/morphing.md sets two bounds per profile: a score between them is worth a look, not a
    /// rejection.
    #[test]
    fn every_built_in_profile_warns_before_it_rejects_a_morph() {
        for name in Profile::built_in_names() {
            let morph = Profile::built_in(name).unwrap().morph.single_image.unwrap();
            let (Some(warn), Some(fail)) = (morph.max, morph.reject_max) else { panic!("{name}: {morph:?}") };
            assert!(morph.enabled && warn < fail, "{name}: {morph:?}");
        }
    }

    #[test]
    fn the_childrens_profiles_follow_the_german_template() {
        let child = Profile::built_in("de-child-6-9").unwrap();
        assert_eq!(child.geometry.eye_line_height.unwrap(), Range::new(Some(0.289), Some(0.6)));
        let crown = child.geometry.chin_to_crown_de.unwrap();
        assert_eq!((crown.min, crown.max, crown.reject_min), (Some(0.378), Some(0.889), Some(0.333)));
        assert_eq!(child.image, Profile::built_in("de-live").unwrap().image, "otherwise as adults");
        let baby = Profile::built_in("de-child-under-6").unwrap();
        assert!(!baby.pose.pitch.unwrap().enabled && !baby.eyes.open.unwrap().enabled);
        assert!(!baby.expression.neutral.unwrap().enabled && !baby.mouth.closed.unwrap().enabled);
        assert!(!baby.expression.smile.unwrap().enabled);
        assert!(baby.focus.sharpness.unwrap().enabled && baby.face.count.unwrap().enabled);
        assert_eq!(baby.geometry, child.geometry);
    }

    #[test]
    fn head_height_fails_no_height_that_chin_to_crown_only_warns_on() {
        // Both judge the chin-to-crown height over the photo's height.
        for name in Profile::built_in_names() {
            let profile = Profile::built_in(name).unwrap();
            let (Some(head), Some(crown)) = (profile.geometry.head_height, profile.geometry.chin_to_crown_de) else {
                continue;
            };
            let fails_below = |r: Range| r.reject_min.or(r.min).unwrap_or(f64::MIN);
            let fails_above = |r: Range| r.reject_max.or(r.max).unwrap_or(f64::MAX);
            assert!(fails_below(head) <= fails_below(crown), "{name}: {head:?} {crown:?}");
            assert!(fails_above(head) >= fails_above(crown), "{name}: {head:?} {crown:?}");
        }
    }

    #[test]
    fn a_rejection_bound_inside_its_target_is_refused() {
        for text in [
            "base = \"icao\"\n[pose.pitch]\nreject_max = 4\n",
            "base = \"icao\"\n[pose.pitch]\nreject_min = -3\n",
            "name = \"x\"\n[pose.pitch]\nreject_max = 9\n",
        ] {
            let error = Profile::from_toml(text).unwrap_err().to_string();
            assert!(error.contains("[pose.pitch]"), "{text:?}: {error}");
        }
        assert!(Profile::from_toml("base = \"icao\"\n[pose.pitch]\nreject_max = 9\nreject_min = -9\n").is_ok());
    }

    #[test]
    fn bounds_that_are_not_numbers_or_out_of_order_and_empty_sizes_are_refused() {
        for (text, says) in [
            ("base = \"icao\"\n[pose.pitch]\nmax = nan\n", "[pose.pitch]"),
            ("base = \"icao\"\n[pose.pitch]\nmin = -inf\n", "[pose.pitch]"),
            ("base = \"icao\"\n[geometry.head_height]\nmin = 0.9\nmax = 0.6\n", "[geometry.head_height]"),
            ("base = \"de-live\"\n[image.dimensions]\nheight = 0\n", "[image.dimensions]"),
            ("base = \"icao\"\n[image.dimensions]\naspect_ratio = -0.78\n", "[image.dimensions]"),
            ("base = \"icao\"\n[image.dimensions]\naspect_tolerance = nan\n", "[image.dimensions]"),
            ("base = \"de-scan\"\n[image.print_size]\ntolerance_mm = -1\n", "[image.print_size]"),
            ("base = \"de-scan\"\n[image.print_size]\nwidth_mm = 0\n", "[image.print_size]"),
            ("base = \"de-live\"\n[exposure.white_level]\nmin = nan\n", "[exposure.white_level]"),
            ("base = \"de-live\"\n[exposure.white_level]\nmin_with_crushed_pupils = 300\n", "[exposure.white_level]"),
            ("base = \"de-live\"\n[background.colour]\nmin = 300\nmax = 100\n", "[background.colour]"),
            ("base = \"de-live\"\n[background.colour]\nmax_cast = nan\n", "[background.colour]"),
            // A check without a bound would pass every photo.
            ("name = \"x\"\n[pose.yaw]\n", "[pose.yaw]"),
            ("name = \"x\"\n[pose.yaw]\nenabled = true\n", "[pose.yaw]"),
        ] {
            let error = Profile::from_toml(text).unwrap_err().to_string();
            assert!(error.contains(says), "{text:?}: {error}");
        }
        // Whether glasses are worn is information, reported without a bound.
        assert!(Profile::from_toml("name = \"x\"\n[glasses.present]\n").is_ok());
    }

    #[test]
    fn profile_files_and_texts_are_read_with_bounds() {
        let dir = std::env::temp_dir().join(format!("passbild-profile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // A device behind a profile's name would be read until memory ran out.
        let device = dir.join("zero.toml");
        let _ = std::fs::remove_file(&device);
        std::os::unix::fs::symlink("/dev/zero", &device).unwrap();
        assert!(matches!(Profile::from_toml_file(&device), Err(Error::NotAFile { .. })));
        let large = dir.join("large.toml");
        std::fs::write(&large, "# ".repeat(MAX_PROFILE_BYTES)).unwrap();
        assert!(matches!(Profile::from_toml_file(&large), Err(Error::InputTooLarge { .. })));
        let text = "x".repeat(MAX_PROFILE_BYTES + 1);
        assert!(matches!(Profile::from_toml(&text), Err(Error::InputTooLarge { .. })));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_check_can_be_switched_off() {
        let profile = Profile::from_toml("base = \"icao\"\n[pose.pitch]\nenabled = false\n").unwrap();
        assert!(!profile.pose.pitch.unwrap().enabled);
    }
}
