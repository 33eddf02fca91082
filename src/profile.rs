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
pub struct Range {
    #[serde(default = "enabled", skip_serializing_if = "is_enabled")]
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
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
    pub fn new(min: Option<f64>, max: Option<f64>) -> Self {
        Range { enabled: true, min, max }
    }

    pub fn contains(&self, value: f64) -> bool {
        self.min.is_none_or(|min| value >= min) && self.max.is_none_or(|max| value <= max)
    }
}

/// Image size: either an exact size (German profiles) or an aspect ratio with a tolerance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DimensionsRule {
    #[serde(default = "enabled", skip_serializing_if = "is_enabled")]
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Width divided by height.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect_ratio: Option<f64>,
    /// Relative tolerance on the aspect ratio (0.02 = 2 %).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect_tolerance: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_height: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageRules {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<DimensionsRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour_depth: Option<Range>,
    /// The JPEG quality the file was saved at (estimated from its quantisation table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression: Option<Range>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression_artefacts: Option<Range>,
}

/// A table of ranges, one per check of a family; a missing table or key means the check is off.
macro_rules! range_rules {
    ($(#[$doc:meta])* $name:ident { $($field:ident),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $(
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<Range>,
            )*
        }
    };
}

range_rules!(ExposureRules {
    luminance_mean,
    luminance_variance,
    under,
    over,
    dynamic_range,
    illumination_uniformity,
    face_shadows,
    hot_spots,
});
range_rules!(FocusRules { sharpness });
range_rules!(ColourRules { natural_skin, red_eye });
range_rules!(EyesRules { open, gaze, visible });
range_rules!(GlassesRules { tinted, reflection, frame_over_eyes });
range_rules!(HeadRules { covering });
range_rules!(MouthRules { closed });
range_rules!(ExpressionRules { neutral });
range_rules!(IdentityRules { same_person });
range_rules!(MorphRules { single_image, differential });

/// The background's mean level as a range, and how far its colour channels may drift apart
/// (`max_cast`, sRGB levels) for a neutral grey.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackgroundColourRule {
    #[serde(default = "enabled", skip_serializing_if = "is_enabled")]
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_cast: Option<f64>,
}

impl BackgroundColourRule {
    pub fn range(&self) -> Range {
        Range::new(self.min, self.max)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackgroundRules {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uniformity: Option<Range>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<BackgroundColourRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shadow: Option<Range>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objects: Option<Range>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaceRules {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<Range>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occlusion: Option<Range>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeometryRules {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inter_eye_distance: Option<Range>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizontal_centring: Option<Range>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eye_line_height: Option<Range>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_width: Option<Range>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_height: Option<Range>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chin_to_crown_de: Option<Range>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoseRules {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yaw: Option<Range>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pitch: Option<Range>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roll: Option<Range>,
}

/// The thresholds of every check, grouped as the check IDs are (`[pose.yaw]` holds `pose.yaw`).
/// A check whose table is absent or disabled is not run and does not appear in the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Check IDs that are optional criteria: best-capture selection (`passbild::capture`) counts
    /// them only after the mandatory ones, which are all the others.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub optional: Vec<String>,
    #[serde(default)]
    pub image: ImageRules,
    #[serde(default)]
    pub face: FaceRules,
    #[serde(default)]
    pub geometry: GeometryRules,
    #[serde(default)]
    pub pose: PoseRules,
    #[serde(default)]
    pub exposure: ExposureRules,
    #[serde(default)]
    pub focus: FocusRules,
    #[serde(default)]
    pub colour: ColourRules,
    #[serde(default)]
    pub background: BackgroundRules,
    #[serde(default)]
    pub eyes: EyesRules,
    #[serde(default)]
    pub mouth: MouthRules,
    #[serde(default)]
    pub expression: ExpressionRules,
    #[serde(default)]
    pub glasses: GlassesRules,
    #[serde(default)]
    pub head: HeadRules,
    /// Checks against a live capture (`Checker::check_with_reference`).
    #[serde(default)]
    pub identity: IdentityRules,
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
