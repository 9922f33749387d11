//! Generates a realistic, deterministic handbook corpus for benchmarks and
//! scale tests: `cargo run --release --example corpus -- OUT --runbooks 40 --clients 50`.
//!
//! Writes `OUT/runbooks/` (handbook.yaml, glossary.yaml, clients/, run books of
//! about 1,200 words each with all six phases, step markers, checklists,
//! placeholders and SOC-only notes). The same arguments always give the same
//! bytes: a small linear congruential generator drives every choice.

#![allow(clippy::unwrap_used, missing_docs)]

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }
}

const SUBJECTS: &[&str] = &[
    "The team",
    "Your IT lead",
    "The person who noticed it",
    "Our analysts",
    "The office manager",
    "Everyone involved",
    "The SOC",
    "The service desk",
];
const VERBS: &[&str] = &[
    "checks",
    "writes down",
    "confirms",
    "looks at",
    "reports",
    "keeps a copy of",
    "changes",
    "turns off",
    "reviews",
    "agrees",
];
const OBJECTS: &[&str] = &[
    "the affected computer",
    "the email account",
    "the list of recent sign-ins",
    "the backup",
    "the shared folder",
    "the firewall rules",
    "the time it started",
    "the message that arrived",
    "the user's password",
    "the supplier's details",
    "the payment request",
    "the website",
];
const ENDINGS: &[&str] = &[
    "before anything else.",
    "as soon as possible.",
    "and tells the SOC.",
    "so nothing is lost.",
    "with a second person.",
    "and notes the time.",
    "without deleting anything.",
    "from a different device.",
];
const TOPICS: &[&str] = &[
    "Phishing",
    "Account takeover",
    "Ransomware",
    "Malware",
    "Data leak",
    "Invoice fraud",
    "Lost laptop",
    "Stolen phone",
    "Website change",
    "Insider misuse",
    "Supplier breach",
    "Password guessing",
    "Denial of service",
    "Fake login page",
    "USB infection",
    "Cloud sharing mistake",
];
const CATEGORIES: &[&str] = &[
    "Email and accounts",
    "Computers and devices",
    "Data and systems",
    "People and suppliers",
];
const SEVERITIES: &[&str] = &["low", "medium", "high", "critical"];
const PHASES: &[&str] = &[
    "Preparation",
    "Identification",
    "Containment",
    "Eradication",
    "Recovery",
    "Lessons Learned",
];
const MARKERS: &[&str] = &["[SOC] ", "[Client] ", "[Shared] ", "", ""];
const PLANS: &[&str] = &["essentials", "managed", "complete"];

fn sentence(rng: &mut Rng) -> String {
    format!(
        "{} {} {} {}",
        rng.pick(SUBJECTS),
        rng.pick(VERBS),
        rng.pick(OBJECTS),
        rng.pick(ENDINGS)
    )
}

fn paragraph(rng: &mut Rng, n: usize) -> String {
    (0..n).map(|_| sentence(rng)).collect::<Vec<_>>().join(" ")
}

fn runbook(i: usize, rng: &mut Rng) -> String {
    let topic = TOPICS[i % TOPICS.len()];
    let mut s = String::new();
    let _ = writeln!(s, "---");
    let _ = writeln!(s, "title: \"{topic} {}\"", i + 1);
    let _ = writeln!(s, "summary: \"{}\"", sentence(rng));
    let _ = writeln!(s, "category: \"{}\"", CATEGORIES[i % CATEGORIES.len()]);
    let _ = writeln!(s, "severity: {}", rng.pick(SEVERITIES));
    let _ = writeln!(
        s,
        "aliases: [\"{} problem {i}\", \"help with {}\"]",
        topic.to_lowercase(),
        rng.pick(OBJECTS)
    );
    let _ = writeln!(
        s,
        "alerts: [\"SIEM-{:04}\", \"EDR {topic} alert {i}\"]",
        1000 + i
    );
    let _ = writeln!(s, "attack: [T{}]", 1000 + (i * 37) % 600);
    let _ = writeln!(s, "owner: Corpus SOC");
    let _ = writeln!(s, "reviewed: 2026-{:02}-{:02}", 1 + i % 10, 1 + i % 28);
    if i.is_multiple_of(5) {
        let _ = writeln!(s, "responsibility:\n  identification: shared");
    }
    let _ = writeln!(s, "---\n");
    let _ = writeln!(s, "{}\n", paragraph(rng, 3));
    for (p, phase) in PHASES.iter().enumerate() {
        let _ = writeln!(s, "## {phase}\n");
        let _ = writeln!(s, "{}\n", paragraph(rng, 3));
        for _ in 0..rng.range(5, 7) {
            let _ = writeln!(s, "- {}{}", rng.pick(MARKERS), sentence(rng));
        }
        let _ = writeln!(s, "- Call {{{{ contacts.it_lead }}}} or the SOC on {{{{ contacts.soc.phone }}}} for {{{{ client.name }}}}.\n");
        let _ = writeln!(s, "### Checklist\n");
        for _ in 0..rng.range(3, 4) {
            let _ = writeln!(s, "- [ ] {}{}", rng.pick(MARKERS), sentence(rng));
        }
        let _ = writeln!(s);
        if p.is_multiple_of(2) {
            let _ = writeln!(s, "### Analyst notes {{.internal}}\n");
            let _ = writeln!(
                s,
                "Query `index=edr host=* | stats count by user` and check {}. {}\n",
                rng.pick(OBJECTS),
                paragraph(rng, 2)
            );
        }
        let _ = writeln!(s, "### What good looks like\n\n{}\n", paragraph(rng, 3));
    }
    s
}

fn client(c: usize, runbooks: usize, rng: &mut Rng) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "name: Corpus Client {c}");
    let _ = writeln!(s, "plan: {}", PLANS[c % PLANS.len()]);
    let _ = writeln!(
        s,
        "colour: \"#{:02x}{:02x}{:02x}\"",
        20 + c % 60,
        40 + c % 50,
        90 + c % 60
    );
    let _ = writeln!(s, "contacts:");
    let _ = writeln!(s, "  it_lead: {{label: IT lead, name: Person {c}, phone: \"+44 20 7946 {:04}\", email: it{c}@client.example.com, hours: Weekdays}}", c % 10_000);
    let _ = writeln!(
        s,
        "  manager: {{label: Manager, name: Manager {c}, phone: \"+44 20 7946 {:04}\"}}",
        (c + 5000) % 10_000
    );
    if c % 4 == 1 && runbooks > 3 {
        let _ = writeln!(
            s,
            "runbooks:\n  exclude: [{}]",
            slug(rng.range(0, runbooks - 1))
        );
    }
    if c.is_multiple_of(3) {
        let _ = writeln!(
            s,
            "responsibility:\n  recovery: {{lead: client, advisor: soc}}"
        );
    }
    if runbooks > 0 {
        let _ = writeln!(
            s,
            "overrides:\n  {}:\n    responsibility:\n      containment: shared",
            slug(c % runbooks)
        );
    }
    s
}

fn slug(i: usize) -> String {
    format!(
        "{}-{}",
        TOPICS[i % TOPICS.len()].to_lowercase().replace(' ', "-"),
        i + 1
    )
}

const HANDBOOK: &str = "title: Corpus Handbook
provider: Corpus Security
contacts:
  soc: {label: 24/7 SOC line, name: Corpus SOC, phone: \"+44 20 7946 0100\", email: soc@corpus.example.com, hours: Always}
roles:
  it_lead: IT lead
  manager: manager
plans:
  essentials: {}
  managed:
    containment: {lead: soc, advisor: client}
  complete:
    containment: {lead: soc, advisor: client}
    eradication: {lead: soc, advisor: client}
";

const GLOSSARY: &str = "backup:\n  definition: A spare copy of your files.\nfirewall:\n  definition: A filter between your network and the internet.\nphishing:\n  definition: A message that tries to trick you.\n";

/// Writes a corpus into `out`.
pub fn generate(out: &Path, runbooks: usize, clients: usize) -> std::io::Result<()> {
    let src = out.join("runbooks");
    if src.exists() {
        fs::remove_dir_all(&src)?;
    }
    fs::create_dir_all(src.join("clients"))?;
    fs::write(src.join("handbook.yaml"), HANDBOOK)?;
    fs::write(src.join("glossary.yaml"), GLOSSARY)?;
    let mut rng = Rng(42);
    for i in 0..runbooks {
        fs::write(src.join(format!("{}.md", slug(i))), runbook(i, &mut rng))?;
    }
    for c in 0..clients {
        fs::write(
            src.join("clients").join(format!("client-{c:03}.yaml")),
            client(c, runbooks, &mut rng),
        )?;
    }
    Ok(())
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut out: Option<PathBuf> = None;
    let (mut runbooks, mut clients) = (40usize, 50usize);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runbooks" => runbooks = args.next().and_then(|v| v.parse().ok()).unwrap_or(runbooks),
            "--clients" => clients = args.next().and_then(|v| v.parse().ok()).unwrap_or(clients),
            other => out = Some(PathBuf::from(other)),
        }
    }
    let Some(out) = out else {
        eprintln!("usage: corpus OUT [--runbooks N] [--clients N]");
        std::process::exit(2);
    };
    generate(&out, runbooks, clients).unwrap();
    println!(
        "wrote {runbooks} run books and {clients} clients into {}",
        out.join("runbooks").display()
    );
}
