//! The Backups listing (`blastmap backups`, the report's Backups section): every
//! stateful resource user-facing paths depend on, where its copies are, its newest
//! recovery point, and what a loss of its Region would restore from
//! (`../shared/domain.md` §11).

use serde::Serialize;

use crate::sim::backups::{DataCopy, Rpo};
use crate::sim::{DataProtection, backup_inventory};

use super::markdown::{cell, table as md_table};
use super::table::{Paint, Style, Table, plain};
use super::{Format, Report};
use crate::text::count;

/// Renders the listing in the chosen format.
pub fn render(r: &Report, format: Format, color: bool) -> String {
    let rows = backup_inventory(r.estate, r.topo);
    match format {
        Format::Table => text(&rows, color),
        Format::Markdown => markdown(&rows),
        Format::Json => super::json::to_string(&BackupsJson {
            schema: "blastmap.backups/v1",
            data: rows,
        }),
    }
}

#[derive(Serialize)]
pub struct BackupsJson {
    pub schema: &'static str,
    pub data: Vec<DataProtection>,
}

/// `us-east-1: automated backups; eu-west-1: an AWS Backup copy`
fn copies(d: &DataProtection) -> String {
    if d.copies.is_empty() {
        return "none".to_string();
    }
    let list: Vec<String> = (d.copies.iter())
        .map(|c| format!("{}: {}", c.region, c.how.label()))
        .collect();
    list.join("; ")
}

/// What a loss of the data's Region would restore from: `eu-west-1, RPO 3 h`.
fn after_loss(d: &DataProtection) -> String {
    match &d.after_region_loss {
        Some(DataCopy { region, rpo, .. }) => format!("{region}, RPO {}", rpo.describe()),
        None => "nothing: lost with it".to_string(),
    }
}

/// Worst first: nothing outside the Region, then the oldest copies.
fn order(rows: &[DataProtection]) -> Vec<&DataProtection> {
    let mut out: Vec<&DataProtection> = rows.iter().collect();
    out.sort_by_key(|d| {
        let rpo = d.after_region_loss.as_ref().map(|c| c.rpo);
        (
            rpo.is_some(),
            std::cmp::Reverse(rpo.unwrap_or(Rpo::Seconds)),
        )
    });
    out
}

fn text(rows: &[DataProtection], color: bool) -> String {
    let paint = Paint { enabled: color };
    if rows.is_empty() {
        return "No user-facing path depends on a database, table or cache.\n".to_string();
    }
    let lost = rows
        .iter()
        .filter(|d| d.after_region_loss.is_none())
        .count();
    let mut t = Table::new(&[
        "DATA",
        "KIND",
        "REGION",
        "NEWEST POINT",
        "IF ITS REGION IS LOST, RESTORE FROM",
    ]);
    for d in order(rows) {
        let style = if d.after_region_loss.is_none() {
            Style::Down
        } else {
            Style::Ok
        };
        let below = t.row(vec![
            plain(d.name.clone()),
            plain(d.kind.label()),
            plain(d.region.clone()),
            plain(
                d.newest_recovery_point
                    .clone()
                    .unwrap_or_else(|| "-".into()),
            ),
            (after_loss(d), Some(style)),
        ]);
        below.push(format!("copies: {}", copies(d)));
        if !d.services.is_empty() {
            below.push(format!("needed by: {}", d.services.join(", ")));
        }
        if let Some(stale) = &d.stale {
            below.push(format!(
                "stale: newest recovery point {}, plan runs every {} h",
                stale.newest_recovery_point, stale.every_hours
            ));
        }
    }
    format!(
        "{} {} of {} with no copy outside its Region\n\n{}",
        paint.paint(Style::Bold, "Backups:"),
        lost,
        count(rows.len(), "piece of data", "pieces of data"),
        t.render(paint)
    )
}

/// The Markdown section (a level-2 heading and a table).
pub fn markdown(rows: &[DataProtection]) -> String {
    if rows.is_empty() {
        return "## Backups\n\nNo user-facing path depends on a database, table or cache.\n"
            .to_string();
    }
    let table_rows: Vec<Vec<String>> = order(rows)
        .into_iter()
        .map(|d| {
            let mut after = cell(&after_loss(d));
            if d.after_region_loss.is_none() {
                after = format!("**{after}**");
            }
            let mut newest = d.newest_recovery_point.clone().unwrap_or_default();
            if let Some(stale) = &d.stale {
                newest.push_str(&format!(
                    " (stale: plan runs every {} h)",
                    stale.every_hours
                ));
            }
            vec![
                cell(&d.name),
                cell(d.kind.label()),
                cell(&d.region),
                cell(&d.services.join(", ")),
                cell(&copies(d)),
                cell(&newest),
                after,
            ]
        })
        .collect();
    format!(
        "## Backups\n\n{}",
        md_table(
            &[
                "Data",
                "Kind",
                "Region",
                "Needed by",
                "Copies",
                "Newest recovery point",
                "If its Region is lost, restore from",
            ],
            &table_rows,
        )
    )
}
