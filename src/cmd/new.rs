//! `runbook new DIR`: a working handbook project with sample content.

use super::{EXIT_CONTENT, EXIT_OK};
use crate::cli::NewArgs;
use std::fs;
use std::path::Path;

/// The files of a new project, relative to its folder.
pub(crate) const FILES: &[(&str, &str)] = &[
    (
        "runbooks/handbook.yaml",
        include_str!("../../runbooks/handbook.yaml"),
    ),
    (
        "runbooks/glossary.yaml",
        include_str!("../../runbooks/glossary.yaml"),
    ),
    ("runbooks/clients/example-client.yaml", STARTER_CLIENT),
    (
        "runbooks/phishing.md",
        include_str!("../../runbooks/phishing.md"),
    ),
    (
        "runbooks/lost-device.md",
        include_str!("../../runbooks/lost-device.md"),
    ),
    (
        "runbooks/ransomware.md",
        include_str!("../../runbooks/ransomware.md"),
    ),
    // Linked from the run books above, so the new project has no dangling links.
    (
        "runbooks/account-compromise.md",
        include_str!("../../runbooks/account-compromise.md"),
    ),
    (
        "runbooks/data-breach.md",
        include_str!("../../runbooks/data-breach.md"),
    ),
    ("themes/README.md", THEMES_README),
    (".github/workflows/handbook.yml", WORKFLOW),
    ("README.md", PROJECT_README),
];

const STARTER_CLIENT: &str =
    "# One file per client. The file name (without .yaml) becomes the edition's folder.
name: Example Client Ltd
plan: essentials
colour: \"#1d4f91\"
contacts:
  it_lead:
    label: IT lead
    name: Sam Carter
    phone: \"+44 20 7946 0999\"
    email: it@client.example.com
    hours: Weekdays 8:00-18:00
  manager:
    label: Manager on duty
    name: Alex Morgan
    phone: \"+44 20 7946 0998\"
    email: manager@client.example.com
    hours: Every day 7:00-22:00
";

const THEMES_README: &str = "# Themes\n\nTo change how the handbook looks, create `themes/<name>/templates/` and/or `themes/<name>/static/`\nand set `theme: <name>` in `runbooks/handbook.yaml`. Any file you add replaces the built-in file of the\nsame name; everything else keeps the built-in look.\n\nMost changes need no copy: `static/custom.css` is linked after the built-in stylesheets, so\n`:root { --accent: #0b6e4f; }` recolours every page, and a template that starts with\n`{% extends \"default/base.html\" %}` replaces only the blocks it names (`{% block footer %}…`).\nrunbook's docs/theming.md lists every template, block and variable.\n";

const WORKFLOW: &str = "name: handbook
on: [push, pull_request]
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: cargo install --locked --git https://example.invalid/runbook.git runbook
      - run: runbook check --strict --format github
      - run: runbook build --strict
      - uses: actions/upload-artifact@v4
        with:
          name: handbooks
          path: site/
";

const PROJECT_README: &str = "# Incident handbook sources\n\n- `runbooks/` holds the run books (`*.md`), `handbook.yaml`, `glossary.yaml` and `clients/`.\n- Preview: `runbook build` then open `site/<client>/index.html`.\n- Check before publishing: `runbook check --strict`.\n";

/// Runs `runbook new`.
pub(crate) fn run(args: &NewArgs) -> u8 {
    match scaffold(&args.dir) {
        Ok(()) => {
            println!("Created a handbook project in {}", args.dir.display());
            println!(
                "Next: cd {} && runbook build --source runbooks --out site",
                args.dir.display()
            );
            EXIT_OK
        }
        Err(message) => {
            eprintln!("error: {message}");
            EXIT_CONTENT
        }
    }
}

/// Writes the project files into `dir`, which must not exist or be empty.
pub(crate) fn scaffold(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        let empty = fs::read_dir(dir)
            .map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?
            .next()
            .is_none();
        if !empty {
            return Err(format!(
                "`{}` already exists and is not empty; choose a new folder name",
                dir.display()
            ));
        }
    }
    for (path, text) in FILES {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create `{}`: {e}", parent.display()))?;
        }
        fs::write(&target, text)
            .map_err(|e| format!("cannot write `{}`: {e}", target.display()))?;
    }
    Ok(())
}
