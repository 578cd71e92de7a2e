#![no_main]
//! Versioned and Docker Swarm name parsing on hostile input: an error, never a panic; any name that parses
//! displays back byte-identical, its next version parses, and a Swarm name built from it is valid or rejected with
//! its exact length.
use libfuzzer_sys::fuzz_target;
use secretctl_naming::{
    parse_version_tag, stack_from_domain, swarm_budget, swarm_name, validate_swarm_name, Error,
    VersionedName, SWARM_NAME_MAX,
};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_version_tag(text);
    if let Ok(remaining) = validate_swarm_name(text) {
        assert_eq!(remaining, SWARM_NAME_MAX - text.len());
    }
    let stack = stack_from_domain(text).unwrap_or_else(|_| "s".to_owned());
    assert!(stack.len() <= secretctl_naming::ABRA_STACK_NAME_MAX);
    if let Ok(name) = text.parse::<VersionedName>() {
        assert_eq!(name.to_string(), text);
        if let Ok(next) = name.next() {
            assert_eq!(
                next.to_string().parse::<VersionedName>().ok().as_ref(),
                Some(&next)
            );
            assert_eq!(next.version(), name.version() + 1);
        }
        match swarm_name(&stack, &name) {
            Ok(full) => {
                assert!(full.len() <= SWARM_NAME_MAX);
                assert!(swarm_budget(&stack, &name) >= 0);
            }
            Err(Error::SwarmTooLong { length, limit, .. }) => {
                assert!(length > limit);
                assert_eq!(
                    i64::try_from(length).ok(),
                    Some(64 - swarm_budget(&stack, &name))
                );
            }
            Err(_) => {}
        }
    }
});
