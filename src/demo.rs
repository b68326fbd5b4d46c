//! Demo data: the seven scenarios of the product brief as structured
//! records, and deterministic synthetic cases for benchmarks.
//!
//! [`scenarios`] builds every fact of the brief's scenarios (names with
//! katakana readings, sectors, dates, attendance by sector, cadences, the
//! salons of the network, Dr. K's move…) plus fictional clients and cases, so
//! each scenario has a case with a full triad, referrals in every state, trust
//! notes at every confidentiality level and consents. Scenario facts keep
//! their real dates; a few fictional dates are anchored to `today` so the
//! dashboard has something live: an overdue referral follow-up, a consent
//! expiring within 30 days, a board meeting within the next 14 days.
//!
//! [`seed_scale`] adds N synthetic cases, streamed into the store in batches.

mod builder;
mod gunma;
mod kumamoto;
mod mental_health;
mod nagasaki;
mod okinawa;
mod scale;
mod sendai;
mod supporters;
mod tokai;

use std::fmt;

use crate::model::{Date, Kind, Record};
use crate::store::{Store, StoreError};

pub use scale::{SURNAMES, seed_scale};

/// How many records of each kind were seeded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    counts: [usize; Kind::ALL.len()],
}

fn slot(kind: Kind) -> usize {
    Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

impl Summary {
    /// Counts the records of a set.
    pub fn of(records: &[Record]) -> Summary {
        let mut s = Summary::default();
        for r in records {
            s.add(r.kind(), 1);
        }
        s
    }

    pub fn add(&mut self, kind: Kind, n: usize) {
        self.counts[slot(kind)] += n;
    }

    /// Records of one kind.
    pub fn count(&self, kind: Kind) -> usize {
        self.counts[slot(kind)]
    }

    /// Records of every kind.
    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }

    /// `(kind, count)` in export order, kinds with no records included.
    pub fn counts(&self) -> Vec<(Kind, usize)> {
        Kind::ALL.iter().map(|k| (*k, self.count(*k))).collect()
    }
}

impl fmt::Display for Summary {
    /// `412 records: 120 bodies, 80 people, …` (kinds with none left out).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} records", self.total())?;
        let mut sep = ": ";
        for (kind, n) in self.counts() {
            if n > 0 {
                write!(f, "{sep}{n} {}", kind.plural())?;
                sep = ", ";
            }
        }
        Ok(())
    }
}

/// The seven scenarios of the brief, in order, with readable ids starting at
/// 1 for every kind (B-0001…, C-0001…). Deterministic for a given `today`.
///
/// Case titles start with the scenario's place (熊本, 長崎, 群馬, 仙台, 東海,
/// 沖縄, 横浜) so each can be found by search.
pub fn scenarios(today: Date) -> Vec<Record> {
    let mut b = builder::Builder::new(today);
    kumamoto::add(&mut b);
    nagasaki::add(&mut b);
    gunma::add(&mut b);
    sendai::add(&mut b);
    tokai::add(&mut b);
    okinawa::add(&mut b);
    mental_health::add(&mut b);
    supporters::add(&mut b);
    let mut records = b.finish();
    record_provisions(&mut records);
    records
}

/// What the store's consent gate would have written when each demo
/// referral was sent: a provision under the client's covering consent, or
/// (history kept as it happened: many demo referrals predate any consent
/// on record) a coordinator's override saying why.
pub fn record_provisions(records: &mut [Record]) {
    use crate::model::{Provision, ProvisionBasis, ReferralStatus, consent_basis};
    let consents: Vec<crate::model::Consent> = records
        .iter()
        .filter_map(|r| match r {
            Record::Consent(c) => Some(c.clone()),
            _ => None,
        })
        .collect();
    let clients: std::collections::HashMap<crate::model::Id, Option<crate::model::Id>> = records
        .iter()
        .filter_map(|r| match r {
            Record::Case(c) => Some((c.id, c.client)),
            _ => None,
        })
        .collect();
    for r in records.iter_mut() {
        let Record::Referral(r) = r else { continue };
        let client = clients.get(&r.case).copied().flatten();
        let to = r.to;
        for step in r.history.iter_mut() {
            if step.status != ReferralStatus::Sent || step.provision.is_some() {
                continue;
            }
            let (items, basis) = match consent_basis(&consents, r.case, client, to, step.on) {
                Ok(c) => (
                    c.scope.information.clone(),
                    ProvisionBasis::Consent { consent: c.id },
                ),
                Err(_) => (
                    Vec::new(),
                    ProvisionBasis::Override {
                        reason: "sent before consents were recorded in triad (historical record)"
                            .to_string(),
                    },
                ),
            };
            step.provision = Some(Provision {
                to,
                items,
                on: step.on,
                basis,
            });
        }
    }
}

/// Imports [`scenarios`] into the store, all or nothing. Fails with
/// [`StoreError::Duplicate`] (leaving the store untouched) if the store
/// already holds records with the demo's ids: seed an empty store.
pub fn seed(store: &dyn Store, today: Date) -> Result<Summary, StoreError> {
    let records = scenarios(today);
    let summary = Summary::of(&records);
    store.import(records, &mut |_, _| {})?;
    Ok(summary)
}
