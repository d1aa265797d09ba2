//! AWS Organizations: the accounts of the organization (ListAccounts), or of some
//! organizational units and everything below them (ListAccountsForParent and
//! ListOrganizationalUnitsForParent, walked at once). Accounts are handed on page by
//! page, so that their scans start while the list is still being read. Asked from the
//! management account or a delegated administrator.

use std::sync::Arc;

use aws_sdk_organizations::Client;
use aws_sdk_organizations::types::{Account, AccountState, AccountStatus};
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinSet;

use super::call::{CallFailure, Caller};

/// The role name assumed in every member account unless `--org-role` names another.
pub const DEFAULT_ORG_ROLE: &str = "blastmap-read";

/// One account of the organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAccount {
    pub id: String,
    /// The name the organization gives it.
    pub name: String,
    /// `aws`, `aws-cn`, `aws-us-gov`: from the account's ARN.
    pub partition: String,
    /// Only ACTIVE accounts can be read; the others are listed to be said so.
    pub active: bool,
}

impl OrgAccount {
    fn of(a: &Account) -> Option<OrgAccount> {
        let id = a.id()?.to_string();
        // `State` replaces `Status`; an older answer carries only the latter.
        let active = match (a.state(), a.status()) {
            (Some(state), _) => *state == AccountState::Active,
            (None, Some(status)) => *status == AccountStatus::Active,
            (None, None) => false,
        };
        Some(OrgAccount {
            name: a.name().map_or_else(|| id.clone(), str::to_string),
            partition: a
                .arn()
                .and_then(|arn| arn.split(':').nth(1))
                .filter(|p| !p.is_empty())
                .unwrap_or("aws")
                .to_string(),
            id,
            active,
        })
    }

    /// The ARN of `role` in this account.
    pub fn role_arn(&self, role: &str) -> String {
        format!("arn:{}:iam::{}:role/{}", self.partition, self.id, role)
    }
}

/// The Region Organizations is asked in: it lives in us-east-1 for the `aws`
/// partition (organizations/latest/userguide/orgs_reference_limits.html); other
/// partitions have their own.
pub fn home_region(region: &str) -> &str {
    if region.starts_with("cn-") || region.starts_with("us-gov-") || region.starts_with("us-iso") {
        region
    } else {
        "us-east-1"
    }
}

/// Sends every account of the organization (or of `ous` and below) to `found`, as the
/// pages arrive. A failed call ends the listing: a partial list would look complete.
pub async fn list(
    caller: Arc<Caller>,
    client: Client,
    ous: Vec<String>,
    found: UnboundedSender<OrgAccount>,
) -> Result<(), CallFailure> {
    if ous.is_empty() {
        let mut pages = client.list_accounts().into_paginator().send();
        while let Some(page) = caller.page("ListAccounts", &mut pages).await {
            send(&found, page?.accounts());
        }
        return Ok(());
    }
    let mut walks: JoinSet<Result<Vec<String>, CallFailure>> = JoinSet::new();
    for ou in ous {
        walks.spawn(walk(caller.clone(), client.clone(), ou, found.clone()));
    }
    while let Some(joined) = walks.join_next().await {
        let children = match joined {
            Ok(children) => children?,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => {
                return Err(CallFailure::unplaced(
                    "ListAccountsForParent",
                    format!("a listing task failed: {e}"),
                ));
            }
        };
        for child in children {
            walks.spawn(walk(caller.clone(), client.clone(), child, found.clone()));
        }
    }
    Ok(())
}

/// The accounts directly in `parent` (sent on) and its child OUs (returned).
async fn walk(
    caller: Arc<Caller>,
    client: Client,
    parent: String,
    found: UnboundedSender<OrgAccount>,
) -> Result<Vec<String>, CallFailure> {
    let accounts = async {
        let mut pages = client
            .list_accounts_for_parent()
            .parent_id(&parent)
            .into_paginator()
            .send();
        while let Some(page) = caller.page("ListAccountsForParent", &mut pages).await {
            send(&found, page?.accounts());
        }
        Ok::<(), CallFailure>(())
    };
    let children = async {
        let mut children = Vec::new();
        let mut pages = client
            .list_organizational_units_for_parent()
            .parent_id(&parent)
            .into_paginator()
            .send();
        while let Some(page) = caller
            .page("ListOrganizationalUnitsForParent", &mut pages)
            .await
        {
            children.extend(
                page?
                    .organizational_units()
                    .iter()
                    .filter_map(|ou| ou.id().map(str::to_string)),
            );
        }
        Ok::<Vec<String>, CallFailure>(children)
    };
    let (accounts, children) = tokio::join!(accounts, children);
    accounts?;
    children
}

fn send(found: &UnboundedSender<OrgAccount>, accounts: &[Account]) {
    for a in accounts.iter().filter_map(OrgAccount::of) {
        // Nobody listening any more: the scan was cancelled.
        let _ = found.send(a);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(id: &str, state: Option<AccountState>, status: Option<AccountStatus>) -> Account {
        Account::builder()
            .id(id)
            .name(format!("name-{id}"))
            .arn(format!(
                "arn:aws-us-gov:organizations::111111111111:account/o-x/{id}"
            ))
            .set_state(state)
            .set_status(status)
            .build()
    }

    #[test]
    fn an_account_is_active_by_its_state_else_its_status() {
        let a = OrgAccount::of(&account("1", Some(AccountState::Active), None)).unwrap();
        assert!(a.active);
        assert_eq!(a.name, "name-1");
        assert_eq!(a.role_arn("r"), "arn:aws-us-gov:iam::1:role/r");
        let closed = account("2", Some(AccountState::Closed), Some(AccountStatus::Active));
        assert!(!OrgAccount::of(&closed).unwrap().active);
        let old = account("3", None, Some(AccountStatus::Suspended));
        assert!(!OrgAccount::of(&old).unwrap().active);
        assert!(
            OrgAccount::of(&account("4", None, Some(AccountStatus::Active)))
                .unwrap()
                .active
        );
    }

    #[test]
    fn organizations_is_asked_in_its_partitions_home() {
        assert_eq!(home_region("eu-west-1"), "us-east-1");
        assert_eq!(home_region("cn-north-1"), "cn-north-1");
        assert_eq!(home_region("us-gov-west-1"), "us-gov-west-1");
    }
}
