//! The key layout. Ids are a kind letter and a big-endian number, so keys
//! sort in id order; index keys are `target ++ source`.
//!
//! | tree                | key                         | value        |
//! |---------------------|-----------------------------|--------------|
//! | `bodies`, `cases`…  | id number (8 bytes)         | record JSON  |
//! | `refs`              | referenced id ++ referrer id| empty        |
//! | `dates`             | day (4 bytes) ++ record id  | empty        |
//! | `audit`             | sequence (8 bytes)          | entry JSON   |
//! | `meta`              | name                        | value        |
//! | `pending_import`    | id (9 bytes)                | empty        |
//! | `revisions`         | id (9 bytes)                | u64 (BE)     |
//! | `requests`          | request id (16 bytes)       | stored JSON  |
//! | `request_log`       | sequence (8 bytes)          | request id   |

use chrono::Datelike;

use crate::model::{Date, Id, Kind};

pub const ID_LEN: usize = 9;

pub fn record_key(id: Id) -> [u8; 8] {
    id.num.to_be_bytes()
}

pub fn id_bytes(id: Id) -> [u8; ID_LEN] {
    let mut out = [0u8; ID_LEN];
    out[0] = id.kind.letter() as u8;
    out[1..].copy_from_slice(&id.num.to_be_bytes());
    out
}

pub fn id_from_bytes(b: &[u8]) -> Option<Id> {
    if b.len() != ID_LEN {
        return None;
    }
    let kind = Kind::from_letter(b[0] as char)?;
    let num = u64::from_be_bytes(b[1..].try_into().ok()?);
    Some(Id::new(kind, num))
}

pub fn ref_key(target: Id, source: Id) -> Vec<u8> {
    [id_bytes(target), id_bytes(source)].concat()
}

pub fn day_bytes(d: Date) -> [u8; 4] {
    // Days from the common era are positive for every date we hold.
    (d.num_days_from_ce().max(0) as u32).to_be_bytes()
}

pub fn day_from_bytes(b: &[u8]) -> Option<Date> {
    let days = u32::from_be_bytes(b.get(..4)?.try_into().ok()?);
    Date::from_num_days_from_ce_opt(i32::try_from(days).ok()?)
}

pub fn date_key(d: Date, source: Id) -> Vec<u8> {
    [&day_bytes(d)[..], &id_bytes(source)[..]].concat()
}

/// The meta key holding the last number given to a kind.
pub fn counter_key(kind: Kind) -> Vec<u8> {
    format!("next/{}", kind.letter()).into_bytes()
}

/// The meta key holding the days of `user`'s last two briefs (see
/// [`BriefDays`]).
pub fn brief_key(user: &str) -> Vec<u8> {
    format!("brief/{user}").into_bytes()
}

/// The day of a user's latest brief and of the one on an earlier day
/// before it: a brief made again the same day still looks back to the
/// earlier one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BriefDays {
    pub latest: Option<Date>,
    pub before: Option<Date>,
}

impl BriefDays {
    pub fn from_bytes(b: Option<&[u8]>) -> BriefDays {
        // Four zero bytes: no day.
        let day = |i: usize| {
            b.and_then(|b| b.get(i..i + 4))
                .filter(|d| d.iter().any(|&x| x != 0))
                .and_then(day_from_bytes)
        };
        BriefDays {
            latest: day(0),
            before: day(4),
        }
    }

    pub fn to_bytes(self) -> Vec<u8> {
        let day = |d: Option<Date>| d.map_or([0; 4], day_bytes);
        [day(self.latest), day(self.before)].concat()
    }

    /// The brief of `today` is made: the latest moves back unless it is today.
    pub fn made(self, today: Date) -> BriefDays {
        match self.latest {
            Some(l) if l >= today => self,
            latest => BriefDays {
                latest: Some(today),
                before: latest,
            },
        }
    }

    /// The last brief before `today`: where a brief of today looks back to.
    pub fn last_before(self, today: Date) -> Option<Date> {
        match self.latest {
            Some(l) if l >= today => self.before,
            latest => latest,
        }
    }
}

pub const SCHEMA_KEY: &[u8] = b"schema";
/// The layout (which tree holds what) the store was last written in.
pub const LAYOUT_KEY: &[u8] = b"layout";
/// The store's random identity, and the directory it was given in.
pub const STORE_ID_KEY: &[u8] = b"store_id";
pub const STORE_HOME_KEY: &[u8] = b"store_home";
pub const AUDIT_SEQ_KEY: &[u8] = b"audit_seq";
pub const IMPORT_PENDING_KEY: &[u8] = b"import_pending";
pub const REQUEST_SEQ_KEY: &[u8] = b"request_seq";

pub fn u64_from(b: Option<&[u8]>) -> u64 {
    b.and_then(|b| b.try_into().ok())
        .map(u64::from_be_bytes)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_brief_looks_back_to_the_last_one_before_today() {
        let d = |n: u32| Date::from_ymd_opt(2024, 6, n).unwrap();
        let none = BriefDays::from_bytes(None);
        assert_eq!(none.last_before(d(10)), None);
        let first = none.made(d(10));
        let back = BriefDays::from_bytes(Some(&first.to_bytes()));
        assert_eq!(back, first);
        assert_eq!(back.last_before(d(10)), None, "the same day: none before");
        assert_eq!(back.last_before(d(12)), Some(d(10)));
        let second = back.made(d(12)).made(d(12));
        assert_eq!(second.last_before(d(12)), Some(d(10)));
        assert_eq!(second.last_before(d(13)), Some(d(12)));
    }

    #[test]
    fn keys_sort_in_id_and_date_order() {
        let a = Id::new(Kind::Case, 999);
        let b = Id::new(Kind::Case, 10_000);
        assert!(record_key(a) < record_key(b));
        assert!(id_bytes(a) < id_bytes(b));
        assert_eq!(id_from_bytes(&id_bytes(b)), Some(b));
        let d1 = Date::from_ymd_opt(2007, 4, 1).unwrap();
        let d2 = Date::from_ymd_opt(2023, 12, 9).unwrap();
        assert!(date_key(d1, b) < date_key(d2, a));
        assert_eq!(day_from_bytes(&day_bytes(d2)), Some(d2));
    }
}
