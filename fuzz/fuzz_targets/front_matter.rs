//! Fuzz target `front_matter`: the body is `runbook::fuzz_entry::front_matter` (run on stable
//! by the unit tests there); an `Err` is an invariant broken, a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(problem) = runbook::fuzz_entry::front_matter(data) {
        panic!("{problem}");
    }
});
