//! A case as Markdown, for a meeting's minutes, as its reader may see it
//! (notes they may not read are left out, and the report says so).

use std::fmt::Write;

use crate::model::{
    Case, Consent, Event, Id, Provision, ProvisionBasis, Referral, Sector, TrustNote,
};
use crate::store::{Scope, Store, StoreError, StoreExt};

fn name(store: &dyn Store, id: Id) -> String {
    match store.get(id) {
        Ok(Some(r)) => format!("{} ({id})", r.label()),
        _ => id.to_string(),
    }
}

/// The case report of `case`, as `scope`'s reader may see it.
pub fn case_report(store: &dyn Store, case: Id, scope: &Scope) -> Result<String, StoreError> {
    if !scope.sees_case(case) {
        return Err(StoreError::NotFound(case));
    }
    let c: Case = store.get_as(case)?.ok_or(StoreError::NotFound(case))?;
    let today = chrono::Local::now().date_naive();
    let mut md = String::new();
    let _ = writeln!(md, "# {} ({})\n", c.title, c.id);
    let _ = writeln!(md, "- status: {:?}", c.status);
    if !c.condition.is_empty() {
        let _ = writeln!(md, "- condition: {}", c.condition);
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
                p.role,
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
            r.reason
        );
        if let Some(p) = r.provision() {
            let _ = writeln!(md, "  - {}", provision_line(store, p));
        }
    }
    let mut notes: Vec<TrustNote> = store.referring(case)?;
    let all = notes.len();
    notes.retain(|n| scope.reader.may_read_note(n));
    if notes.len() < all {
        let _ = writeln!(
            md,
            "\n> Filtered for {}: {} notes left out.",
            scope.reader.label(),
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
            n.author,
            n.confidentiality,
            n.text.replace('\n', " ")
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
        // The provisions made under it (APPI's record of third-party provision).
        for p in referrals
            .iter()
            .filter_map(Referral::provision)
            .filter(|p| matches!(p.basis, ProvisionBasis::Consent { consent } if consent == k.id))
        {
            let _ = writeln!(md, "  - {}", provision_line(store, p));
        }
    }
    let mut events: Vec<Event> = store.referring(case)?;
    events.sort_by_key(|e| e.date);
    let _ = writeln!(md, "\n## Events\n");
    for e in &events {
        let _ = writeln!(md, "- {} {:?}: {}", e.date, e.kind, e.title);
    }
    Ok(md)
}

/// "provided to X on D (items) under K-0001" or "… by override: why".
fn provision_line(store: &dyn Store, p: &Provision) -> String {
    let items = if p.items.is_empty() {
        String::new()
    } else {
        format!(" ({})", p.items.join(", "))
    };
    let basis = match &p.basis {
        ProvisionBasis::Consent { consent } => format!("under consent {consent}"),
        ProvisionBasis::Override { reason } => {
            format!("by override without consent: {}", reason.replace('\n', " "))
        }
    };
    format!(
        "provided to {} on {}{items} {basis}",
        name(store, p.to),
        p.on
    )
}
