//! Profiles: named sets of thresholds. The built-in ones are the TOML files in `profiles/`, compiled
//! in; a user's TOML names a built-in `base` and overrides any threshold. Unknown keys are errors,
//! so a misspelt threshold can never be silently ignored.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

const BUILT_IN: &[(&str, &str)] = &[
    ("icao", include_str!("../profiles/icao.toml")),
    ("de-live", include_str!("../profiles/de-live.toml")),
    ("de-scan", include_str!("../profiles/de-scan.toml")),
];

/// A pass range for one measured value. A missing bound is open. `enabled = false` switches the
/// check off, so an override can drop a check of its base.
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
        Range { enabled: true, min, max }
    }

    /// Whether `value` passes.
    pub fn contains(&self, value: f64) -> bool {
        self.min.is_none_or(|min| value >= min) && self.max.is_none_or(|max| value <= max)
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
    /// The JPEG quality the file was saved at (estimated from its quantisation table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression: Option<Range>,
    /// `image.compression_artefacts`: JPEG blocking over the face.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression_artefacts: Option<Range>,
}

/// A table of ranges, one per check of a family (`[pose]` holds `yaw`, `pitch`, `roll`); a
/// missing table or key means the check is off.
macro_rules! range_rules {
    ($name:ident $family:literal { $($field:ident),* $(,)? }) => {
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
        }
    };
}

range_rules!(FaceRules "face" { count, occlusion });
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
});
range_rules!(FocusRules "focus" { sharpness });
range_rules!(ColourRules "colour" { natural_skin, red_eye });
range_rules!(EyesRules "eyes" { open, gaze, visible });
range_rules!(GlassesRules "glasses" { tinted, reflection, frame_over_eyes });
range_rules!(HeadRules "head" { covering });
range_rules!(MouthRules "mouth" { closed });
range_rules!(ExpressionRules "expression" { neutral });
range_rules!(IdentityRules "identity" { same_person });
range_rules!(MorphRules "morph" { single_image, differential });

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
    /// `background.objects`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objects: Option<Range>,
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
        let profile: Profile =
            toml::from_str(text).map_err(|e| Error::InvalidProfile(format!("built-in {name}: {e}")))?;
        profile.validated()
    }

    /// A user profile in TOML. With `base = "<built-in name>"` its tables override the base's
    /// thresholds key by key; without `base` it is a complete profile on its own (a check it does
    /// not name is not run).
    pub fn from_toml(text: &str) -> Result<Profile> {
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
    fn validated(self) -> Result<Profile> {
        let known =
            |id: &str| crate::report::ids::ALL.contains(&id) || crate::report::ids::WITH_REFERENCE.contains(&id);
        match self.optional.iter().find(|id| !known(id)) {
            Some(unknown) => Err(Error::InvalidProfile(format!("`optional` names an unknown check {unknown:?}"))),
            None => Ok(self),
        }
    }

    /// A user profile from a TOML file (see `from_toml`).
    pub fn from_toml_file(path: &std::path::Path) -> Result<Profile> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
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
        assert_eq!(profile.pose.yaw.unwrap(), Range::new(Some(-5.0), Some(4.0)));
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
    fn a_check_can_be_switched_off() {
        let profile = Profile::from_toml("base = \"icao\"\n[pose.pitch]\nenabled = false\n").unwrap();
        assert!(!profile.pose.pitch.unwrap().enabled);
    }
}
