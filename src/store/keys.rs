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

pub const SCHEMA_KEY: &[u8] = b"schema";
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
