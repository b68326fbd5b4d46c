//! A case as Markdown, for a meeting's minutes, as its reader may see it
//! (notes they may not read are left out, and the report says so), in the
//! language of the UI.
//!
//! Every text a person typed goes through [`user`], once, so what the
//! report does to such text (today: one line) is decided in one place.

use std::collections::HashSet;
use std::fmt::Write;

use crate::i18n::Lang;
use crate::model::{
    Case, Consent, Date, Event, Id, Provision, ProvisionBasis, Record, Referral, Relationship,
    Sector, TrustNote,
};
use crate::store::{Scope, Store, StoreError, StoreExt};

/// Text a person typed, as it goes into the report: inline Markdown on
/// one line. Line breaks become spaces (a break could start a heading,
/// list, table or quote), Markdown's own punctuation is backslash-escaped
/// so text cannot format itself, and hostile characters become visible
/// escapes.
pub(crate) fn user(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
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

/// A record's name and id, `大学病院 (B-0002)`.
fn name(store: &dyn Store, id: Id) -> String {
    match store.get(id) {
        Ok(Some(r)) => format!("{} ({id})", user(&r.label())),
        _ => id.to_string(),
    }
}

/// The case report of `case`, as `scope`'s reader may see it, in `lang`.
/// For a meeting, only shared notes, and the client and family by
/// initials wherever their names appear.
pub fn case_report(
    store: &dyn Store,
    case: Id,
    scope: &Scope,
    lang: Lang,
    meeting: bool,
) -> Result<String, StoreError> {
    if !scope.sees_case(case) {
        return Err(StoreError::NotFound(case));
    }
    let c: Case = store.get_as(case)?.ok_or(StoreError::NotFound(case))?;
    let today = chrono::Local::now().date_naive();
    let l = lang;
    let mut md = String::new();
    summary(&mut md, store, &c, l);
    triad(&mut md, store, &c, l);
    trust(&mut md, store, &relationships(store, &c, scope)?, l);
    let mut referrals: Vec<Referral> = store.referring(case)?;
    referrals.sort_by_key(|r| (r.history.first().map(|t| t.on), r.id));
    let _ = writeln!(md, "## {}\n", l.t("Referrals", "紹介"));
    for r in &referrals {
        referral(&mut md, store, r, l);
    }
    notes(&mut md, store, scope, case, meeting, l)?;
    let consents: Vec<Consent> = store.referring(case)?;
    let _ = writeln!(md, "## {}\n", l.t("Consents", "同意"));
    for k in &consents {
        consent(&mut md, store, k, today, l);
    }
    let mut events: Vec<Event> = store.referring(case)?;
    events.sort_by_key(|e| (e.date, e.id));
    let _ = writeln!(md, "## {}\n", l.t("Events", "行事"));
    for e in &events {
        let _ = writeln!(
            md,
            "- {} {}: {}",
            e.date,
            l.event_kind(e.kind),
            user(&e.title)
        );
    }
    if meeting {
        let people: Vec<crate::model::Person> = c
            .client
            .into_iter()
            .chain(c.parties.iter().map(|p| p.party))
            .filter_map(|id| store.get_as(id).ok().flatten())
            .collect();
        return Ok(crate::model::Masker::new(&people)
            .mask(&md, None)
            .into_owned());
    }
    Ok(md)
}

fn summary(md: &mut String, store: &dyn Store, c: &Case, l: Lang) {
    let _ = writeln!(md, "# {} ({})\n", user(&c.title), c.id);
    let _ = writeln!(
        md,
        "- {}: {}",
        l.t("Status", "状態"),
        l.case_status(c.status)
    );
    if !c.condition.is_empty() {
        let _ = writeln!(
            md,
            "- {}: {}",
            l.t("Condition", "疾患・状態"),
            user(&c.condition)
        );
    }
    if let Some(client) = c.client {
        let _ = writeln!(md, "- {}: {}", l.t("Client", "本人"), name(store, client));
    }
    if let Some(coord) = c.coordinator {
        let _ = writeln!(
            md,
            "- {}: {}",
            l.t("Coordinator", "担当"),
            name(store, coord)
        );
    }
    md.push('\n');
}

fn triad(md: &mut String, store: &dyn Store, c: &Case, l: Lang) {
    let _ = writeln!(md, "## {}\n", l.t("Triad", "三者"));
    for sector in Sector::ALL {
        let _ = writeln!(md, "### {}\n", l.sector(sector));
        for p in c.parties.iter().filter(|p| p.sector == sector) {
            let ended = p
                .until
                .map(|u| format!(" ({} {u})", l.t("ended", "終了")))
                .unwrap_or_default();
            let _ = writeln!(
                md,
                "- {}: {}, {} {}{ended}",
                name(store, p.party),
                user(&p.role),
                l.t("from", "開始"),
                p.from
            );
        }
        md.push('\n');
    }
}

/// The case's relationships, and those between its parties made outside
/// it, as the reader may see them (as the case view lists them).
fn relationships(
    store: &dyn Store,
    c: &Case,
    scope: &Scope,
) -> Result<Vec<Relationship>, StoreError> {
    let parties: HashSet<Id> = c.parties.iter().map(|p| p.party).chain(c.client).collect();
    let mut found: Vec<Relationship> = store.referring(c.id)?;
    for &p in &parties {
        for r in store.referring::<Relationship>(p)? {
            if parties.contains(&r.a)
                && parties.contains(&r.b)
                && found.iter().all(|f| f.id != r.id)
                && scope.sees(store, &Record::Relationship(r.clone()))?
            {
                found.push(r);
            }
        }
    }
    found.sort_by_key(|r| r.id);
    Ok(found)
}

/// Each relationship's trust level now, then its history.
fn trust(md: &mut String, store: &dyn Store, relationships: &[Relationship], l: Lang) {
    let _ = writeln!(md, "## {}\n", l.t("Trust", "信頼関係"));
    if relationships.is_empty() {
        let _ = writeln!(md, "- {}", l.t("none recorded", "記録なし"));
    }
    for r in relationships {
        let level = |n: u8| format!("{n} {}", l.trust_level(n));
        let now = r.level().map_or_else(|| "?".into(), |t| level(t.get()));
        let _ = writeln!(md, "- {} / {}: {now}", name(store, r.a), name(store, r.b));
        for t in &r.trust {
            let _ = writeln!(
                md,
                "  - {} {} ({})",
                t.on,
                level(t.level.get()),
                user(&t.by)
            );
        }
    }
    md.push('\n');
}

/// A referral: its route and status, reason, every dated step, who
/// declined and why, the follow-up and the outcome.
fn referral(md: &mut String, store: &dyn Store, r: &Referral, l: Lang) {
    let since = r
        .history
        .first()
        .map(|t| t.on.to_string())
        .unwrap_or_default();
    let _ = writeln!(
        md,
        "### {} {since} {} → {}\n",
        r.id,
        name(store, r.from),
        name(store, r.to)
    );
    let _ = writeln!(
        md,
        "- {}: {}; {}: {}",
        l.t("Category", "分野"),
        l.category(r.category),
        l.t("status", "状態"),
        l.referral_status(r.status())
    );
    if !r.reason.is_empty() {
        let _ = writeln!(md, "- {}: {}", l.t("Reason", "理由"), user(&r.reason));
    }
    let _ = writeln!(md, "- {}:", l.t("Steps", "経過"));
    for t in &r.history {
        let note = if t.note.is_empty() {
            String::new()
        } else {
            format!(": {}", user(&t.note))
        };
        let _ = writeln!(
            md,
            "  - {} {} ({}){note}",
            t.on,
            l.referral_status(t.status),
            user(&t.by)
        );
        if let Some(p) = &t.provision {
            let _ = writeln!(md, "    - {}", provision_line(store, p, l));
        }
    }
    if let Some(by) = r.declined_by {
        let _ = writeln!(
            md,
            "- {}: {}; {}",
            l.t("Declined by", "辞退"),
            l.declined_by(by),
            user(&r.decline_reason)
        );
    }
    if let Some(f) = r.follow_up {
        let _ = writeln!(md, "- {}: {f}", l.t("Follow-up", "確認予定日"));
    }
    if !r.outcome.is_empty() {
        let _ = writeln!(md, "- {}: {}", l.t("Outcome", "結果"), user(&r.outcome));
    }
    md.push('\n');
}

/// The notes the reader may read, newest first, and how many were left out.
fn notes(
    md: &mut String,
    store: &dyn Store,
    scope: &Scope,
    case: Id,
    meeting: bool,
    l: Lang,
) -> Result<(), StoreError> {
    let mut notes: Vec<TrustNote> = store.referring(case)?;
    let all = notes.len();
    notes.retain(|n| scope.reader.may_read_note(n));
    if meeting {
        notes.retain(|n| n.confidentiality == crate::model::Confidentiality::Shared);
    }
    let _ = writeln!(md, "## {}\n", l.t("Trust notes", "メモ"));
    if notes.len() < all {
        let _ = writeln!(
            md,
            "> {} {}: {} {}\n",
            l.t("Filtered for", "閲覧者"),
            scope.reader.label(),
            all - notes.len(),
            l.t("notes left out.", "件のメモを除外。")
        );
    }
    notes.sort_by_key(|n| std::cmp::Reverse(n.at));
    for n in &notes {
        let _ = writeln!(
            md,
            "- {} {} [{}]: {}",
            n.at.date_naive(),
            user(&n.author),
            l.confidentiality(n.confidentiality),
            user(&n.text)
        );
    }
    md.push('\n');
    Ok(())
}

/// A consent: its status, dates, scope, who may receive and how it was
/// obtained.
fn consent(md: &mut String, store: &dyn Store, k: &Consent, today: Date, l: Lang) {
    let _ = writeln!(md, "### {} {}\n", k.id, name(store, k.client));
    let mut dates = format!(
        "{}; {} {}",
        l.consent_status(k.status(today)),
        l.t("given", "取得"),
        k.given_on
    );
    if let Some(e) = k.expires_on {
        let _ = write!(dates, "; {} {e}", l.t("expires", "期限"));
    }
    if let Some(w) = k.withdrawn_on {
        let _ = write!(dates, "; {} {w}", l.t("withdrawn", "撤回"));
    }
    let _ = writeln!(md, "- {}: {dates}", l.t("Status", "状態"));
    let yes_no = |b: bool| {
        if b {
            l.t("yes", "可")
        } else {
            l.t("no", "不可")
        }
    };
    let mut scope = format!(
        "{} {}; {} {}",
        l.t("intervention", "介入"),
        yes_no(k.scope.intervention),
        l.t("information sharing", "情報共有"),
        yes_no(k.scope.information_sharing)
    );
    if !k.scope.information.is_empty() {
        let what: Vec<String> = k.scope.information.iter().map(|i| user(i)).collect();
        let _ = write!(scope, " ({})", what.join(", "));
    }
    let _ = writeln!(md, "- {}: {scope}", l.t("Scope", "範囲"));
    if !k.granted_to.is_empty() {
        let to: Vec<String> = k.granted_to.iter().map(|&id| name(store, id)).collect();
        let _ = writeln!(md, "- {}: {}", l.t("Granted to", "共有先"), to.join(", "));
    }
    if !k.obtained_how.is_empty() {
        let _ = writeln!(
            md,
            "- {}: {}",
            l.t("Obtained", "取得方法"),
            user(&k.obtained_how)
        );
    }
    // The provisions made under it (APPI's record of third-party provision).
    let referrals: Vec<Referral> = store.referring(k.case).unwrap_or_default();
    for p in referrals
        .iter()
        .filter_map(Referral::provision)
        .filter(|p| matches!(p.basis, ProvisionBasis::Consent { consent } if consent == k.id))
    {
        let _ = writeln!(md, "- {}", provision_line(store, p, l));
    }
    md.push('\n');
}

/// "provided to X on D (items) under K-0001" or "… by override: why".
fn provision_line(store: &dyn Store, p: &Provision, l: Lang) -> String {
    let items = if p.items.is_empty() {
        String::new()
    } else {
        let what: Vec<String> = p.items.iter().map(|i| user(i)).collect();
        format!(" ({})", what.join(", "))
    };
    let basis = match &p.basis {
        ProvisionBasis::Consent { consent } => {
            format!("{} {consent}", l.t("under consent", "同意"))
        }
        ProvisionBasis::Override { reason } => format!(
            "{}: {}",
            l.t("sent without consent", "同意なしで送付"),
            user(reason)
        ),
    };
    format!(
        "{} {} {}{items} {basis}",
        l.t("provided to", "提供先"),
        name(store, p.to),
        p.on
    )
}

#[cfg(test)]
mod tests {
    use super::user;

    #[test]
    fn text_cannot_format_itself_or_break_its_line() {
        assert_eq!(user("仙台ポリオの会"), "仙台ポリオの会");
        let injected = user("ok\n# Heading\n- item\n| a | b |\n> quote\n1. one");
        assert!(!injected.contains('\n'), "{injected}");
        // One line, starting where the report puts it; marks escaped.
        assert!(injected.starts_with("ok "), "{injected}");
        for escaped in ["\\# Heading", "\\| a \\|", "\\> quote"] {
            assert!(injected.contains(escaped), "{escaped} not in {injected}");
        }
        assert_eq!(user("a*b*"), "a\\*b\\*");
        assert_eq!(user("x\u{202E}y"), "x\\u{202E}y");
    }
}
