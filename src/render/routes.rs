//! Routing from an alert, a detection rule or an ATT&CK technique to the run
//! books an edition shows (SPEC §11): `alerts.json`, the SOC's lookup page
//! (`alerts/index.html`), its ATT&CK coverage page (`attack/index.html`) and
//! `runbook lookup` all read these routes.
//!
//! An alert lands in **Identification**: that is the phase where an analyst
//! decides whether an attack is happening. Each route names the run book's
//! overview and its identification page, both relative to the edition
//! folder.

use crate::edition::Edition;
use crate::model::attack;
use crate::model::phase::Phase;
use serde::Serialize;

/// The phase an alert leads to.
pub(crate) const ROUTE_PHASE: Phase = Phase::Identification;

/// What kind of name a route is found by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Kind {
    /// A SIEM alert name or ID (`alerts:`).
    Alert,
    /// A detection rule ID or name (`detections:`).
    Detection,
    /// An ATT&CK technique ID (`attack:`).
    Attack,
}

impl Kind {
    /// The word shown on pages.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Kind::Alert => "Alert",
            Kind::Detection => "Detection rule",
            Kind::Attack => "ATT&CK technique",
        }
    }
}

/// One name that leads to one run book.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Route {
    /// The alert, rule or technique as written in the run book.
    pub id: String,
    /// Alert, detection or ATT&CK technique.
    pub kind: Kind,
    /// The ATT&CK technique's name (ATT&CK routes only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The run book's slug.
    pub runbook: String,
    /// The run book's title.
    pub title: String,
    /// The run book's overview, relative to the edition folder.
    pub url: String,
    /// The phase the alert lands in (`identification`).
    pub phase: &'static str,
    /// That phase's page, relative to the edition folder.
    pub phase_url: String,
}

/// `alerts.json`: every route of an edition.
#[derive(Serialize)]
struct RoutesFile<'a> {
    edition: &'a str,
    attack_version: &'static str,
    routes: &'a [Route],
}

/// The edition's routes, sorted by what they are found by (case ignored),
/// then kind, then run book.
pub(crate) fn routes(edition: &Edition<'_>) -> Vec<Route> {
    let mut out = Vec::new();
    for rb in &edition.runbooks {
        let lists = [
            (Kind::Alert, rb.alerts),
            (Kind::Detection, rb.detections),
            (Kind::Attack, rb.attack),
        ];
        for (kind, ids) in lists {
            for id in ids {
                out.push(Route {
                    id: id.clone(),
                    kind,
                    name: (kind == Kind::Attack)
                        .then(|| attack::technique(id).map(attack::Technique::full_name))
                        .flatten(),
                    runbook: rb.slug.to_string(),
                    title: rb.title.to_string(),
                    url: format!("{}/index.html", rb.slug),
                    phase: ROUTE_PHASE.slug(),
                    phase_url: format!("{}/{}/index.html", rb.slug, ROUTE_PHASE.slug()),
                });
            }
        }
    }
    out.sort_by(|a, b| {
        normalize(&a.id)
            .cmp(&normalize(&b.id))
            .then(a.kind.cmp(&b.kind))
            .then(a.runbook.cmp(&b.runbook))
    });
    out.dedup();
    out
}

/// `alerts.json` for an edition: pretty-printed, so a diff of two builds
/// reads line by line.
pub(crate) fn json(edition: &Edition<'_>) -> Vec<u8> {
    let routes = routes(edition);
    let file = RoutesFile {
        edition: &edition.slug,
        attack_version: attack::VERSION,
        routes: &routes,
    };
    let mut bytes = serde_json::to_vec_pretty(&file).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// A name as the lookup compares it: lowercase, without the spaces and
/// punctuation around it (a pasted `"EDR-RANSOM-001",` finds
/// `EDR-RANSOM-001`). The lookup page's script does the same.
pub(crate) fn normalize(s: &str) -> String {
    s.trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// How well a route matched a query.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Match {
    /// The whole name, or its first word (the ID in "EDR-RANSOM-001 Mass
    /// file encryption"), equals the query.
    Exact,
    /// The query is part of the name, the technique's name or the run
    /// book's title.
    Partial,
}

/// The routes a query finds: exact matches first, then partial ones, each
/// in route order. An empty query finds nothing.
pub(crate) fn lookup<'r>(routes: &'r [Route], query: &str) -> Vec<(Match, &'r Route)> {
    let q = normalize(query);
    if q.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<(Match, &Route)> = routes
        .iter()
        .filter_map(|r| {
            let id = normalize(&r.id);
            let first = r.id.split_whitespace().next().map(normalize);
            if id == q || first.as_deref() == Some(q.as_str()) {
                return Some((Match::Exact, r));
            }
            let partial = id.contains(&q)
                || r.name
                    .as_deref()
                    .is_some_and(|n| n.to_lowercase().contains(&q))
                || r.title.to_lowercase().contains(&q);
            partial.then_some((Match::Partial, r))
        })
        .collect();
    out.sort_by_key(|(m, _)| *m);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(id: &str, kind: Kind, runbook: &str) -> Route {
        Route {
            id: id.into(),
            kind,
            name: None,
            runbook: runbook.into(),
            title: format!("{runbook} title"),
            url: format!("{runbook}/index.html"),
            phase: "identification",
            phase_url: format!("{runbook}/identification/index.html"),
        }
    }

    #[test]
    fn exact_ids_come_before_partial_matches() {
        let routes = [
            route("EDR-RANSOM-0011", Kind::Alert, "a"),
            route("EDR-RANSOM-001 Mass file encryption", Kind::Alert, "b"),
            route("Other", Kind::Detection, "c"),
        ];
        let found = lookup(&routes, "  'edr-ransom-001', ");
        let got: Vec<_> = found
            .iter()
            .map(|(m, r)| (*m, r.runbook.as_str()))
            .collect();
        assert_eq!(got, [(Match::Exact, "b"), (Match::Partial, "a")]);
        assert!(lookup(&routes, " ,; ").is_empty());
        assert_eq!(lookup(&routes, "c TITLE")[0].1.runbook, "c");
    }

    #[test]
    fn normalize_trims_punctuation_only_at_the_ends() {
        assert_eq!(normalize(" \"T1566.002\", "), "t1566.002");
        assert_eq!(normalize("a-b c"), "a-b c");
    }
}

/// A run book linked from the coverage page.
#[derive(Serialize)]
struct RunbookLink {
    slug: String,
    title: String,
}

/// One technique on the coverage page.
#[derive(Serialize)]
struct TechniqueRow {
    id: &'static str,
    name: String,
    runbooks: Vec<RunbookLink>,
}

/// One tactic on the coverage page.
#[derive(Serialize)]
struct TacticView {
    slug: &'static str,
    name: &'static str,
    techniques: Vec<TechniqueRow>,
}

/// The coverage page's content: every tactic in kill-chain order with the
/// techniques the edition's run books name (a technique under each of its
/// tactics) and, per technique, the run books naming it. IDs not on the
/// shipped list (`check` reports them) are left out. Also the tactics no
/// run book covers, as `(slug, name)` maps.
pub(super) fn coverage(routes: &[Route]) -> (tera::Value, tera::Value) {
    let tactics: Vec<TacticView> = attack::TACTICS
        .iter()
        .map(|(slug, name)| {
            let mut rows: Vec<TechniqueRow> = Vec::new();
            for r in routes.iter().filter(|r| r.kind == Kind::Attack) {
                let Some(t) = attack::technique(&r.id) else {
                    continue;
                };
                if !t.tactics.contains(slug) {
                    continue;
                }
                let link = RunbookLink {
                    slug: r.runbook.clone(),
                    title: r.title.clone(),
                };
                match rows.iter_mut().find(|row| row.id == t.id) {
                    Some(row) => row.runbooks.push(link),
                    None => rows.push(TechniqueRow {
                        id: t.id,
                        name: t.full_name(),
                        runbooks: vec![link],
                    }),
                }
            }
            rows.sort_by(|a, b| a.id.cmp(b.id));
            for row in &mut rows {
                row.runbooks
                    .sort_by(|a, b| a.title.cmp(&b.title).then(a.slug.cmp(&b.slug)));
                row.runbooks.dedup_by(|a, b| a.slug == b.slug);
            }
            TacticView {
                slug,
                name,
                techniques: rows,
            }
        })
        .collect();
    let uncovered: Vec<&TacticView> = tactics.iter().filter(|t| t.techniques.is_empty()).collect();
    (
        tera::Value::from_serializable(&uncovered),
        tera::Value::from_serializable(&tactics),
    )
}

/// One row of the lookup page's table.
#[derive(Serialize)]
struct LookupRow<'a> {
    /// Compared with the query by the page's script (see [`normalize`]).
    key: String,
    /// The first word, for exact matches on "ID Name" alerts.
    first: String,
    kind: &'static str,
    route: &'a Route,
}

/// The lookup page's rows: every route, in route order.
pub(super) fn lookup_rows(routes: &[Route]) -> tera::Value {
    let rows: Vec<LookupRow<'_>> = routes
        .iter()
        .map(|r| LookupRow {
            key: normalize(&r.id),
            first: r
                .id
                .split_whitespace()
                .next()
                .map(normalize)
                .unwrap_or_default(),
            kind: r.kind.label(),
            route: r,
        })
        .collect();
    tera::Value::from_serializable(&rows)
}
