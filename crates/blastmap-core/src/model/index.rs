//! Resource ids → indices, without a second copy of every id: the table holds
//! indices and hashes the ids where they already live, in the resources.

use std::hash::BuildHasher;

use hashbrown::HashTable;

use super::{ResIdx, Resource};

#[derive(Debug, Clone, Default)]
pub(crate) struct IdIndex {
    table: HashTable<u32>,
    hasher: foldhash::fast::FixedState,
}

impl IdIndex {
    /// Indexes every resource; on a repeated id, returns that id.
    pub(crate) fn build(resources: &[Resource]) -> Result<IdIndex, &str> {
        let mut index = IdIndex {
            table: HashTable::with_capacity(resources.len()),
            hasher: foldhash::fast::FixedState::default(),
        };
        let IdIndex { table, hasher } = &mut index;
        for (i, r) in resources.iter().enumerate() {
            let hash = hasher.hash_one(r.id.as_str());
            if table
                .find(hash, |&j| resources[j as usize].id == r.id)
                .is_some()
            {
                return Err(&r.id);
            }
            table.insert_unique(hash, i as u32, |&j| {
                hasher.hash_one(resources[j as usize].id.as_str())
            });
        }
        Ok(index)
    }

    pub(crate) fn get(&self, resources: &[Resource], id: &str) -> Option<ResIdx> {
        let hash = self.hasher.hash_one(id);
        self.table
            .find(hash, |&j| resources[j as usize].id == id)
            .map(|&j| ResIdx(j))
    }
}
