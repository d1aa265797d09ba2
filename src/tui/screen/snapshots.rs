//! The S3 snapshot picker (`:open s3://bucket/prefix/`): the snapshots stored
//! under a prefix, newest first; `enter` opens the one under the cursor.

use crate::discover::snapshots::Listed;
use crate::tui::scroll::{ListScroll, Move};

#[derive(Default)]
pub struct SnapshotPicker {
    pub open: bool,
    /// The prefix listed (`s3://bucket/prefix/`).
    pub prefix: String,
    /// Newest first.
    pub items: Vec<Listed>,
    pub scroll: ListScroll,
}

impl SnapshotPicker {
    /// Shows `listed` (oldest first, as listed) newest first, the cursor on the newest.
    pub fn show(&mut self, prefix: String, mut listed: Vec<Listed>) {
        listed.reverse();
        self.prefix = prefix;
        self.items = listed;
        self.open = true;
        self.scroll.reset();
    }

    pub fn apply(&mut self, m: Move) {
        self.scroll.apply(m, self.items.len());
    }

    pub fn selected(&self) -> Option<&Listed> {
        self.items.get(self.scroll.cursor())
    }
}
