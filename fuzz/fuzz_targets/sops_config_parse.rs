#![no_main]
//! `.sops.yaml` is hostile input (anyone who can push a commit writes it): reading it and choosing the creation rule
//! for a path must return a typed error, never panic or allocate without bound.
use libfuzzer_sys::fuzz_target;
use secretctl_gitops::sops_config::recipients_for;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for rel in ["hosts/web1/vars.yaml", "hosts/_shared/vars.yaml", "apps/x.json", ""] {
        if let Ok(Some(recipients)) = recipients_for(text, rel) {
            // A recipient read from the file is printed back as the age1... string it parsed from.
            for r in recipients {
                assert!(r.to_string().starts_with("age1"));
            }
        }
    }
});
