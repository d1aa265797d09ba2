//! DynamoDB: tables, their global-table replicas, point-in-time recovery and
//! deletion protection.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{PointInTimeRecoveryStatus, TableDescription};
use tokio::task::JoinSet;

use super::call::{CallFailure, Caller, Outcome, or_record};
use super::region::{Found, Named};
use blastmap_core::model::{DynamodbTable, Facts};

/// A table, and whether point-in-time recovery is on (`None`: not read).
#[derive(Debug)]
pub struct TableRead {
    pub table: TableDescription,
    pub point_in_time_recovery: Option<bool>,
}

/// Lists the tables, then describes each and reads its continuous backups at once.
pub async fn read(caller: Arc<Caller>, client: Client) -> Outcome<Vec<TableRead>> {
    let mut out = Outcome::<Vec<TableRead>>::default();
    let pages = caller
        .pages("ListTables", client.list_tables().into_paginator().send())
        .await;
    let names: Vec<String> = or_record(&mut out.failures, pages)
        .into_iter()
        .flat_map(|p| p.table_names.unwrap_or_default())
        .collect();
    let mut tables: JoinSet<(Option<TableRead>, Vec<CallFailure>)> = JoinSet::new();
    for name in names {
        let (caller, client) = (caller.clone(), client.clone());
        tables.spawn(async move {
            let (described, backups) = tokio::join!(
                caller.call(
                    "DescribeTable",
                    client.describe_table().table_name(&name).send()
                ),
                caller.call(
                    "DescribeContinuousBackups",
                    client
                        .describe_continuous_backups()
                        .table_name(&name)
                        .send()
                ),
            );
            let mut failures = Vec::new();
            let point_in_time_recovery = or_record(&mut failures, backups.map(Some)).map(|b| {
                b.continuous_backups_description()
                    .and_then(|d| d.point_in_time_recovery_description())
                    .and_then(|p| p.point_in_time_recovery_status())
                    == Some(&PointInTimeRecoveryStatus::Enabled)
            });
            let table =
                or_record(&mut failures, described.map(|d| d.table)).map(|table| TableRead {
                    table,
                    point_in_time_recovery,
                });
            (table, failures)
        });
    }
    while let Some(joined) = tables.join_next().await {
        match joined {
            Ok((table, failures)) => {
                out.data.extend(table);
                out.failures.extend(failures);
            }
            Err(e) => out.failures.push(CallFailure::unplaced(
                "DescribeTable",
                format!("a reading task failed: {e}"),
            )),
        }
    }
    out
}

/// Tables are regional; a global table's replicas are the other Regions it lives in.
pub fn resources(tables: Vec<TableRead>, region: &str) -> Vec<Found> {
    let mut out = Vec::new();
    for t in &tables {
        let (Some(arn), Some(name)) = (t.table.table_arn(), t.table.table_name()) else {
            continue;
        };
        let mut replicas: Vec<String> = Vec::new();
        for r in t.table.replicas().iter().filter_map(|r| r.region_name()) {
            if r != region && !replicas.iter().any(|x| x == r) {
                replicas.push(r.to_string());
            }
        }
        out.push(
            Named::new(arn, Some(name.to_string()), None, BTreeMap::new()).facts(
                Facts::DynamodbTable(DynamodbTable {
                    replicas,
                    point_in_time_recovery: t.point_in_time_recovery.unwrap_or(false),
                    deletion_protection: t.table.deletion_protection_enabled().unwrap_or(false),
                }),
            ),
        );
    }
    out
}
