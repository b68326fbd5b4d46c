//! What makes the audit trail trustworthy: every entry holds the previous
//! entry's hash, and every record a seal (the audit entry that last wrote
//! it and the hash of its bytes). An entry holds the XOR of the seals it
//! wrote, so a record and its seal rewritten together still do not add up.
//! Writing costs one hash per record and per entry: nothing is rehashed.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::keys;
use crate::model::Id;

/// The last entry's hash (hex): the next entry's `prev`.
pub const HEAD_KEY: &[u8] = b"audit_head";
/// The first chained entry; older ones were written before the chain.
pub const CHAIN_START_KEY: &[u8] = b"audit_chain_start";

pub type Hash = [u8; 32];

pub fn record_hash(bytes: &[u8]) -> Hash {
    Sha256::digest(bytes).into()
}

/// What one record's seal adds to its entry's `sealed`.
pub fn contribution(id: Id, record: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update(keys::id_bytes(id));
    h.update(record);
    h.finalize().into()
}

pub fn xor_into(acc: &mut Hash, part: &Hash) {
    for (a, b) in acc.iter_mut().zip(part) {
        *a ^= b;
    }
}

pub fn seal_value(seq: u64, record: &Hash) -> Vec<u8> {
    [&seq.to_be_bytes()[..], &record[..]].concat()
}

pub fn parse_seal(v: &[u8]) -> Option<(u64, Hash)> {
    if v.len() != 40 {
        return None;
    }
    Some((keys::u64_from(Some(&v[..8])), v[8..].try_into().ok()?))
}

pub fn from_hex(s: &str) -> Option<Hash> {
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// The seals one audit entry writes and takes over, gathered while its
/// transaction runs.
#[derive(Default)]
pub struct Sealing {
    pub sealed: Option<Hash>,
    pub released: HashMap<u64, Hash>,
    /// The number of the entry about to be written, once looked up.
    pub next: Option<u64>,
}

impl Sealing {
    /// A seal of `next` (the entry about to be written) replaced or removed
    /// the seal `old`: it leaves the entry that wrote it.
    pub fn release(&mut self, next: u64, id: Id, old: (u64, Hash)) {
        let part = contribution(id, &old.1);
        if old.0 == next {
            xor_into(self.sealed.get_or_insert([0; 32]), &part);
        } else {
            xor_into(self.released.entry(old.0).or_insert([0; 32]), &part);
        }
    }

    pub fn seal(&mut self, id: Id, record: &Hash) {
        xor_into(
            self.sealed.get_or_insert([0; 32]),
            &contribution(id, record),
        );
    }
}
