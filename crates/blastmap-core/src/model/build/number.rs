//! Numbering accounts, Regions and AZs by their ids (a child of `build`, so that it
//! reaches the builder's fields without widening them).

use rayon::prelude::*;

use super::EstateBuilder;
use crate::model::{AccountIdx, Az, AzIdx, RegionIdx};

impl EstateBuilder {
    /// Numbers accounts, Regions and AZs in the order of their ids, whatever order the
    /// file (or the scan) met them in: what lists or sorts them by number (the AZs a
    /// reason names, the order of lost domains) does not depend on the order of keys
    /// or resources in a file.
    pub(super) fn number_by_name(&mut self) {
        if let Some(new_of) = renumbering(&self.regions, |r| r.as_str()) {
            self.regions = reordered(std::mem::take(&mut self.regions), &new_of);
            for az in &mut self.azs {
                az.region = RegionIdx(new_of[az.region.index()] as u16);
            }
            (self.resources.par_iter_mut())
                .for_each(|r| r.region = RegionIdx(new_of[r.region.index()] as u16));
            self.region_by_name = (self.regions.iter().enumerate())
                .map(|(i, r)| (r.clone(), RegionIdx(i as u16)))
                .collect();
        }
        let regions = &self.regions;
        let az_key = |az: &Az| (regions[az.region.index()].clone(), az.id.clone());
        let keys: Vec<(String, String)> = self.azs.iter().map(az_key).collect();
        if let Some(new_of) = renumbering(&keys, |k| k) {
            self.azs = reordered(std::mem::take(&mut self.azs), &new_of);
            let new_az = |az: AzIdx| AzIdx(new_of[az.index()] as u16);
            (self.resources.par_iter_mut()).for_each(|r| r.az = r.az.map(new_az));
            for a in &mut self.accounts {
                a.az_names = std::mem::take(&mut a.az_names)
                    .into_iter()
                    .map(|(az, name)| (new_az(az), name))
                    .collect();
            }
            self.az_by_id = (self.azs.iter().enumerate())
                .map(|(i, az)| (az.id.clone(), AzIdx(i as u16)))
                .collect();
        }
        if let Some(new_of) = renumbering(&self.accounts, |a| a.id.as_str()) {
            self.accounts = reordered(std::mem::take(&mut self.accounts), &new_of);
            (self.resources.par_iter_mut())
                .for_each(|r| r.account = AccountIdx(new_of[r.account.index()] as u32));
            self.account_by_id = (self.accounts.iter().enumerate())
                .map(|(i, a)| (a.id.clone(), AccountIdx(i as u32)))
                .collect();
        }
    }
}

/// The new number of each item once sorted by `key`, or `None` when they are in order.
fn renumbering<T, K: Ord + ?Sized>(items: &[T], key: impl Fn(&T) -> &K) -> Option<Vec<usize>> {
    if items.is_sorted_by(|a, b| key(a) <= key(b)) {
        return None;
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| key(&items[a]).cmp(key(&items[b])));
    let mut new_of = vec![0; items.len()];
    for (new, &old) in order.iter().enumerate() {
        new_of[old] = new;
    }
    Some(new_of)
}

/// `items` moved to their new numbers.
fn reordered<T>(items: Vec<T>, new_of: &[usize]) -> Vec<T> {
    let mut slots: Vec<Option<T>> = (0..items.len()).map(|_| None).collect();
    for (old, item) in items.into_iter().enumerate() {
        slots[new_of[old]] = Some(item);
    }
    slots.into_iter().flatten().collect()
}
