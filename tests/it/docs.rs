//! The README's claims that code can check.

use runbook::model::phase::Phase;
use runbook::model::responsibility::Responsibility;

#[test]
fn readme_names_the_built_in_lead_of_each_phase() {
    let readme = std::fs::read_to_string(crate::root().join("README.md")).unwrap();
    for phase in Phase::ALL {
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| {} | ", phase.name())))
            .unwrap_or_else(|| panic!("README has no built-in lead row for {}", phase.name()));
        let r = Responsibility::default_for(phase);
        let lead = match r.advisor {
            Some(a) => format!("{}, advised by {}", r.lead.as_str(), a.as_str()),
            None => r.lead.as_str().to_string(),
        };
        // Written as readers say it: "SOC", not "soc".
        let cell = row.split('|').nth(2).unwrap().trim();
        assert_eq!(cell.replace("SOC", "soc"), lead, "{row}");
    }
}
