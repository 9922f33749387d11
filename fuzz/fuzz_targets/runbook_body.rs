//! Fuzz target `runbook_body`: the body is `runbook::fuzz_entry::runbook_body` (run on stable
//! by the unit tests there); an `Err` is an invariant broken, a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(problem) = runbook::fuzz_entry::runbook_body(data) {
        panic!("{problem}");
    }
});
