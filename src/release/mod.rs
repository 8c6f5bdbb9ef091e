//! What each OpenStack release calls each setting glha manages.

use serde::{Serialize, Serializer};

macro_rules! releases {
    ($( $v:ident = $name:literal, $glance:literal; )*) => {
        /// An OpenStack release (series), oldest first.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Release { $( #[doc = $name] $v, )* }

        impl Release {
            /// Every supported release, oldest first.
            pub const ALL: &'static [Release] = &[$(Release::$v),*];
            /// The series name as written in a spec (`ocata`, `2024.1`).
            pub fn name(self) -> &'static str {
                match self { $(Release::$v => $name,)* }
            }
            /// glance's major version in this release.
            pub fn glance_major(self) -> u32 {
                match self { $(Release::$v => $glance,)* }
            }
        }
    };
}

releases! {
    Ocata = "ocata", 14;
    Pike = "pike", 15;
    Queens = "queens", 16;
    Rocky = "rocky", 17;
    Stein = "stein", 18;
    Train = "train", 19;
    Ussuri = "ussuri", 20;
    Victoria = "victoria", 21;
    Wallaby = "wallaby", 22;
    Xena = "xena", 23;
    Yoga = "yoga", 24;
    Zed = "zed", 25;
    R2023_1 = "2023.1", 26;
    R2023_2 = "2023.2", 27;
    R2024_1 = "2024.1", 28;
    R2024_2 = "2024.2", 29;
    R2025_1 = "2025.1", 30;
    R2025_2 = "2025.2", 31;
    R2026_1 = "2026.1", 32;
    R2026_2 = "2026.2", 33;
}

impl Release {
    /// The newest release glha knows; a spec without `release` gets it.
    pub const NEWEST: Release = Release::R2026_2;

    /// Parses a series name, case-insensitively; also accepts the
    /// 2023.1+ code names (antelope … gazpacho), which operators use too.
    pub fn parse(s: &str) -> Option<Release> {
        let lower = s.trim().to_ascii_lowercase();
        let alias = match lower.as_str() {
            "antelope" => "2023.1",
            "bobcat" => "2023.2",
            "caracal" => "2024.1",
            "dalmatian" => "2024.2",
            "epoxy" => "2025.1",
            "flamingo" => "2025.2",
            "gazpacho" => "2026.1",
            other => other,
        };
        Release::ALL.iter().copied().find(|r| r.name() == alias)
    }
}

impl std::fmt::Display for Release {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Release {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

mod generated;
pub mod guess;
mod known;
pub mod settings;
pub mod stale;
pub mod store;
