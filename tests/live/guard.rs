//! The read-only guard on a client built by blastmap: a mutating operation is
//! refused before anything is sent; a read goes through.

use std::error::Error as _;
use std::sync::Arc;

use aws_config::BehaviorVersion;
use aws_sdk_ec2::config::Credentials;

use blastmap::discover::clients;
use blastmap::discover::readonly::{ReadOnly, ReadOnlyViolation, Tally};

use crate::harness::moto;
use crate::proxy::Proxy;

/// Whether the error, or anything it wraps, is the guard's refusal.
fn refused_by_guard(err: &(dyn std::error::Error + 'static)) -> Option<ReadOnlyViolation> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(v) = e.downcast_ref::<ReadOnlyViolation>() {
            return Some(v.clone());
        }
        current = e.source();
    }
    None
}

#[tokio::test]
async fn mutating_operations_are_refused_before_any_request_is_sent() {
    let proxy = Proxy::start(&moto().url);
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region("us-east-1")
        .endpoint_url(&proxy.url)
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .load()
        .await;
    let calls = Arc::new(Tally::default());
    let ec2 = clients::ec2(
        &config,
        "123456789012",
        "us-east-1",
        &ReadOnly::new(calls.clone()),
    );

    let err = ec2
        .terminate_instances()
        .instance_ids(crate::harness::id("shop/checkout_instances/0"))
        .send()
        .await
        .expect_err("TerminateInstances must be refused");
    assert_eq!(
        refused_by_guard(&err),
        Some(ReadOnlyViolation::Refused {
            service: "EC2".into(),
            operation: "TerminateInstances".into()
        }),
        "{err:?}"
    );
    let err = ec2
        .create_tags()
        .resources(crate::harness::id("shop/vpc"))
        .send()
        .await
        .expect_err("CreateTags must be refused");
    assert!(refused_by_guard(&err).is_some(), "{:?}", err.source());
    // The same guard on the services read since: a JSON protocol and a REST one.
    let guard = ReadOnly::new(calls.clone());
    let err = clients::ecs(&config, "123456789012", "us-east-1", &guard)
        .delete_cluster()
        .cluster(crate::harness::id("shop/modern/ecs_cluster"))
        .send()
        .await
        .expect_err("ECS DeleteCluster must be refused");
    assert_eq!(
        refused_by_guard(&err),
        Some(ReadOnlyViolation::Refused {
            service: "ECS".into(),
            operation: "DeleteCluster".into()
        }),
        "{err:?}"
    );
    let err = clients::lambda(&config, "123456789012", "us-east-1", &guard)
        .delete_function()
        .function_name("thumbs")
        .send()
        .await
        .expect_err("Lambda DeleteFunction must be refused");
    assert!(refused_by_guard(&err).is_some(), "{:?}", err.source());
    let err = clients::dynamodb(&config, "123456789012", "us-east-1", &guard)
        .delete_table()
        .table_name("orders")
        .send()
        .await
        .expect_err("DynamoDB DeleteTable must be refused");
    assert!(refused_by_guard(&err).is_some(), "{:?}", err.source());
    // And on the entry-point, zonal shift, backup and Health clients (REST XML, REST
    // JSON, JSON and CBOR protocols): nothing that moves traffic or data is sent.
    let err = clients::route53(&config, "123456789012", "us-east-1", &guard)
        .change_resource_record_sets()
        .hosted_zone_id(crate::harness::id("entry/zone"))
        .send()
        .await
        .expect_err("Route 53 ChangeResourceRecordSets must be refused");
    assert_eq!(
        refused_by_guard(&err),
        Some(ReadOnlyViolation::Refused {
            service: "Route 53".into(),
            operation: "ChangeResourceRecordSets".into()
        }),
        "{err:?}"
    );
    let err = clients::arczonalshift(&config, "123456789012", "us-east-1", &guard)
        .start_zonal_shift()
        .resource_identifier(crate::harness::id("shop/storefront_alb"))
        .away_from(crate::harness::az("us-east-1a"))
        .expires_in("1h")
        .comment("test")
        .send()
        .await
        .expect_err("ARC StartZonalShift must be refused");
    assert!(refused_by_guard(&err).is_some(), "{:?}", err.source());
    let err = clients::globalaccelerator(&config, "123456789012", "us-west-2", &guard)
        .update_endpoint_group()
        .endpoint_group_arn(
            "arn:aws:globalaccelerator::123456789012:accelerator/a/listener/l/endpoint-group/g",
        )
        .traffic_dial_percentage(0.0)
        .send()
        .await
        .expect_err("Global Accelerator UpdateEndpointGroup must be refused");
    assert!(refused_by_guard(&err).is_some(), "{:?}", err.source());
    let err = clients::backup(&config, "123456789012", "us-east-1", &guard)
        .delete_backup_vault()
        .backup_vault_name("shop-vault")
        .send()
        .await
        .expect_err("AWS Backup DeleteBackupVault must be refused");
    assert!(refused_by_guard(&err).is_some(), "{:?}", err.source());
    let err = clients::health(&config, "123456789012", "us-east-1", &guard)
        .enable_health_service_access_for_organization()
        .send()
        .await
        .expect_err("Health EnableHealthServiceAccessForOrganization must be refused");
    assert!(refused_by_guard(&err).is_some(), "{:?}", err.source());
    assert!(proxy.operations().is_empty(), "{:?}", proxy.operations());
    assert_eq!(calls.calls(), 0);

    // The same client reads: the proxy would have seen the refused calls.
    ec2.describe_vpcs()
        .send()
        .await
        .expect("DescribeVpcs is allowed");
    assert_eq!(proxy.operations(), ["ec2:DescribeVpcs"]);
    assert_eq!(calls.calls(), 1);
    assert_eq!(calls.retries(), 0);
    assert_eq!(calls.throttled(), 0);
}

/// An S3 client against the proxy with `guard`, as the snapshot store builds one.
fn s3_with(guard: ReadOnly, url: &str) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .region(aws_sdk_s3::config::Region::new("us-east-1"))
        .endpoint_url(url)
        .force_path_style(true)
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .interceptor(guard)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

#[tokio::test]
async fn only_the_snapshot_writer_may_put_and_it_may_not_delete() {
    let proxy = Proxy::start(&moto().url);
    let calls = Arc::new(Tally::default());
    let scan = s3_with(ReadOnly::new(calls.clone()), &proxy.url);
    let err = scan
        .put_object()
        .bucket("any")
        .key("k")
        .send()
        .await
        .expect_err("a scan's client must not put");
    assert_eq!(
        refused_by_guard(&err),
        Some(ReadOnlyViolation::Refused {
            service: "S3".into(),
            operation: "PutObject".into()
        }),
        "{err:?}"
    );
    let writer = s3_with(ReadOnly::snapshot_writer(calls.clone()), &proxy.url);
    let err = writer
        .delete_object()
        .bucket("any")
        .key("k")
        .send()
        .await
        .expect_err("the writer must not delete");
    assert!(refused_by_guard(&err).is_some(), "{err:?}");
    let err = writer
        .put_object_acl()
        .bucket("any")
        .key("k")
        .acl(aws_sdk_s3::types::ObjectCannedAcl::PublicRead)
        .send()
        .await
        .expect_err("the writer must not set an ACL");
    assert!(refused_by_guard(&err).is_some(), "{err:?}");
    assert!(proxy.operations().is_empty(), "{:?}", proxy.operations());
    // The writer's put is let through (moto answers that the bucket does not exist).
    let _ = writer
        .put_object()
        .bucket("no-such-bucket-x")
        .key("k")
        .send()
        .await;
    assert_eq!(proxy.operations(), ["s3:PutObject"]);
}
