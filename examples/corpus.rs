//! Generates a realistic, deterministic handbook corpus for benchmarks and
//! scale tests: `cargo run --release --example corpus -- OUT --runbooks 40 --clients 50`.
//!
//! Writes `OUT/runbooks/` (handbook.yaml, glossary.yaml, clients/, run books of
//! about 1,200 words each with all six phases, step markers, checklists,
//! placeholders and SOC-only notes) and `OUT/hugo/`: the same run book pages
//! (one page per client × run book × phase, plus an overview per client and
//! run book, placeholders already filled, SOC-only notes left out) as a Hugo
//! site with a minimal layout, so both generators can be timed on the same
//! work. The same arguments always give the same bytes: a small linear
//! congruential generator drives every choice.

#![allow(clippy::unwrap_used, missing_docs)]
#![allow(dead_code)]

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

/// Current ATT&CK Enterprise technique IDs the corpus's run books name.
const TECHNIQUES: &[&str] = &[
    "T1566",
    "T1566.001",
    "T1566.002",
    "T1486",
    "T1490",
    "T1078",
    "T1110.003",
    "T1190",
    "T1021.001",
    "T1059.001",
    "T1204.002",
    "T1567.002",
    "T1498",
    "T1530",
    "T1656",
    "T1195",
];

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
    // Real technique IDs: `check` validates them against ATT&CK (RB037).
    let _ = writeln!(s, "attack: [{}]", TECHNIQUES[(i * 37) % TECHNIQUES.len()]);
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
pub(crate) fn generate(out: &Path, runbooks: usize, clients: usize) -> std::io::Result<()> {
    let src = out.join("runbooks");
    if src.exists() {
        fs::remove_dir_all(&src)?;
    }
    fs::create_dir_all(src.join("clients"))?;
    fs::write(src.join("handbook.yaml"), HANDBOOK)?;
    fs::write(src.join("glossary.yaml"), GLOSSARY)?;
    let mut rng = Rng(42);
    let mut texts = Vec::with_capacity(runbooks);
    for i in 0..runbooks {
        let text = runbook(i, &mut rng);
        fs::write(src.join(format!("{}.md", slug(i))), &text)?;
        texts.push((slug(i), text));
    }
    for c in 0..clients {
        fs::write(
            src.join("clients").join(format!("client-{c:03}.yaml")),
            client(c, runbooks, &mut rng),
        )?;
    }
    generate_hugo(out, &texts, clients)
}

const HUGO_CONFIG: &str = "baseURL = '/'\ntitle = 'Corpus Handbook'\ndisableKinds = ['taxonomy', 'term', 'RSS', 'sitemap', 'robotsTXT', '404']\nuglyURLs = false\n[markup.goldmark.renderer]\nunsafe = false\n";
const HUGO_BASEOF: &str = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex\"><title>{{ .Title }}</title></head>\n<body><header><a href=\"/\">Corpus Handbook</a></header><main>{{ block \"main\" . }}{{ end }}</main></body></html>\n";
const HUGO_SINGLE: &str = "{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}\n";
const HUGO_LIST: &str = "{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n";

/// The Hugo version of one run book for one client: overview and six phase pages.
fn hugo_pages(dir: &Path, client: usize, slug: &str, text: &str) -> std::io::Result<()> {
    let (front, body) = text
        .trim_start_matches("---\n")
        .split_once("\n---\n")
        .unwrap_or(("", text));
    let title = front
        .lines()
        .find_map(|l| l.strip_prefix("title: "))
        .unwrap_or("\"Run book\"");
    let summary = front
        .lines()
        .find_map(|l| l.strip_prefix("summary: "))
        .unwrap_or("\"\"");
    let fill = |s: &str| {
        s.replace("{{ contacts.it_lead }}", &format!("IT lead (Person {client}): +44 20 7946 {:04}, it{client}@client.example.com, Weekdays", client % 10_000))
            .replace("{{ contacts.soc.phone }}", "+44 20 7946 0100")
            .replace("{{ client.name }}", &format!("Corpus Client {client}"))
            .replace("[SOC] ", "**Our SOC team:** ")
            .replace("[Client] ", "**Your team:** ")
            .replace("[Shared] ", "**Together:** ")
    };
    let rb_dir = dir.join(format!("client-{client:03}")).join(slug);
    fs::create_dir_all(&rb_dir)?;
    let mut sections = body.split("\n## ");
    let intro = sections.next().unwrap_or("");
    fs::write(
        rb_dir.join("_index.md"),
        format!(
            "---\ntitle: {title}\n---\n\n{summary}\n\n{}\n",
            fill(intro.trim())
        ),
    )?;
    for (n, section) in sections.enumerate() {
        let (name, content) = section.split_once('\n').unwrap_or((section, ""));
        // Leave out SOC-only notes, as a client edition does.
        let mut public = String::new();
        let mut internal = false;
        for line in content.lines() {
            if line.starts_with("### ") {
                internal = line.contains("{.internal}");
            }
            if !internal {
                public.push_str(line);
                public.push('\n');
            }
        }
        let file = format!(
            "{}-{}.md",
            n + 1,
            name.trim().to_lowercase().replace(' ', "-")
        );
        fs::write(
            rb_dir.join(file),
            format!(
                "---\ntitle: \"{}\"\nweight: {}\n---\n{}",
                name.trim(),
                n + 1,
                fill(&public)
            ),
        )?;
    }
    Ok(())
}

/// Writes the Hugo site for the same corpus into `out/hugo`.
fn generate_hugo(out: &Path, runbooks: &[(String, String)], clients: usize) -> std::io::Result<()> {
    let hugo = out.join("hugo");
    if hugo.exists() {
        fs::remove_dir_all(&hugo)?;
    }
    fs::create_dir_all(hugo.join("layouts/_default"))?;
    fs::write(hugo.join("hugo.toml"), HUGO_CONFIG)?;
    fs::write(hugo.join("layouts/_default/baseof.html"), HUGO_BASEOF)?;
    fs::write(hugo.join("layouts/_default/single.html"), HUGO_SINGLE)?;
    fs::write(hugo.join("layouts/_default/list.html"), HUGO_LIST)?;
    let content = hugo.join("content");
    for c in 0..clients {
        let dir = content.join(format!("client-{c:03}"));
        fs::create_dir_all(&dir)?;
        fs::write(
            dir.join("_index.md"),
            format!("---\ntitle: Corpus Client {c}\n---\n"),
        )?;
        for (slug, text) in runbooks {
            hugo_pages(&content, c, slug, text)?;
        }
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
