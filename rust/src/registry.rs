//! The built-in competition registry: the YAML text of every
//! `competitions/<id>/config.yaml`, compiled in by `build.rs`.

include!(concat!(env!("OUT_DIR"), "/builtin_configs.rs"));

/// The YAML config of a competition, if it is built in.
pub fn builtin_config(id: &str) -> Option<&'static str> {
    BUILTIN_CONFIGS.iter().find(|(i, _)| *i == id).map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    #[test]
    fn all_competitions_are_built_in() {
        assert_eq!(super::BUILTIN_CONFIGS.len(), 82);
        assert!(super::builtin_config("spaceship-titanic").unwrap().contains("Transported"));
    }
}
