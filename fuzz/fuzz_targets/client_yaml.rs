//! Fuzz target `client_yaml`: the body is `runbook::fuzz_entry::client_yaml` (run on stable
//! by the unit tests there); an `Err` is an invariant broken, a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(problem) = runbook::fuzz_entry::client_yaml(data) {
        panic!("{problem}");
    }
});
