//! A case as Markdown, for a meeting's minutes, as its reader may see it
//! (notes they may not read are left out, and the report says so).

use std::fmt::Write;

use crate::model::{Case, Consent, Event, Id, Referral, Sector, TrustNote};
use crate::store::{Scope, Store, StoreError, StoreExt};

fn name(store: &dyn Store, id: Id) -> String {
    match store.get(id) {
        Ok(Some(r)) => format!("{} ({id})", inline(&r.label())),
        _ => id.to_string(),
    }
}

/// Stored text as inline Markdown on one line: line breaks become spaces
/// (a break could start a heading, list, table or quote), Markdown's own
/// punctuation is backslash-escaped so text cannot format itself, and
/// hostile characters become visible escapes.
pub(crate) fn inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}' => out.push(' '),
            // Text never starts a line (it follows "- " or "# "), so the
            // marks that only count there (- + 1.) are left as they are.
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    crate::model::escape(&out).into_owned()
}

/// The case report of `case`, as `scope`'s reader may see it.
pub fn case_report(store: &dyn Store, case: Id, scope: &Scope) -> Result<String, StoreError> {
    if !scope.sees_case(case) {
        return Err(StoreError::NotFound(case));
    }
    let c: Case = store.get_as(case)?.ok_or(StoreError::NotFound(case))?;
    let today = chrono::Local::now().date_naive();
    let mut md = String::new();
    let _ = writeln!(md, "# {} ({})\n", inline(&c.title), c.id);
    let _ = writeln!(md, "- status: {:?}", c.status);
    if !c.condition.is_empty() {
        let _ = writeln!(md, "- condition: {}", inline(&c.condition));
    }
    if let Some(coord) = c.coordinator {
        let _ = writeln!(md, "- coordinator: {}", name(store, coord));
    }
    let _ = writeln!(md, "\n## Triad\n");
    for sector in Sector::ALL {
        let _ = writeln!(md, "### {sector:?}\n");
        for p in c.parties.iter().filter(|p| p.sector == sector) {
            let ended = p.until.map(|u| format!(" (ended {u})")).unwrap_or_default();
            let _ = writeln!(
                md,
                "- {} — {}, from {}{ended}",
                name(store, p.party),
                inline(&p.role),
                p.from
            );
        }
        md.push('\n');
    }
    let mut referrals: Vec<Referral> = store.referring(case)?;
    referrals.sort_by_key(|r| r.history.first().map(|t| t.on));
    let _ = writeln!(md, "## Referrals\n");
    for r in &referrals {
        let since = r
            .history
            .first()
            .map(|t| t.on.to_string())
            .unwrap_or_default();
        let _ = writeln!(
            md,
            "- {since} {} → {} [{:?}] {:?}: {}",
            name(store, r.from),
            name(store, r.to),
            r.category,
            r.status(),
            inline(&r.reason)
        );
    }
    let mut notes: Vec<TrustNote> = store.referring(case)?;
    let all = notes.len();
    notes.retain(|n| scope.reader.may_read_note(n));
    if notes.len() < all {
        let _ = writeln!(
            md,
            "\n> Filtered for {}: {} notes left out.",
            inline(&scope.reader.label()),
            all - notes.len()
        );
    }
    notes.sort_by_key(|n| std::cmp::Reverse(n.at));
    let _ = writeln!(md, "\n## Trust notes\n");
    for n in &notes {
        let _ = writeln!(
            md,
            "- {} {} [{:?}]: {}",
            n.at.date_naive(),
            inline(&n.author),
            n.confidentiality,
            inline(&n.text)
        );
    }
    let consents: Vec<Consent> = store.referring(case)?;
    let _ = writeln!(md, "\n## Consents\n");
    for k in &consents {
        let _ = writeln!(
            md,
            "- {} given {} [{:?}]",
            k.id,
            k.given_on,
            k.status(today)
        );
    }
    let mut events: Vec<Event> = store.referring(case)?;
    events.sort_by_key(|e| e.date);
    let _ = writeln!(md, "\n## Events\n");
    for e in &events {
        let _ = writeln!(md, "- {} {:?}: {}", e.date, e.kind, inline(&e.title));
    }
    Ok(md)
}

#[cfg(test)]
mod tests {
    use super::inline;

    #[test]
    fn text_cannot_format_itself_or_break_its_line() {
        assert_eq!(inline("仙台ポリオの会"), "仙台ポリオの会");
        let injected = inline("ok\n# Heading\n- item\n| a | b |\n> quote\n1. one");
        assert!(!injected.contains('\n'), "{injected}");
        // One line, starting where the report puts it; marks escaped.
        assert!(injected.starts_with("ok "), "{injected}");
        for escaped in ["\\# Heading", "\\| a \\|", "\\> quote"] {
            assert!(injected.contains(escaped), "{escaped} not in {injected}");
        }
        assert_eq!(inline("a*b*"), "a\\*b\\*");
        assert_eq!(inline("x\u{202E}y"), "x\\u{202E}y");
    }
}
