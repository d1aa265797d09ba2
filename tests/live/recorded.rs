//! Hand-written AWS responses for what moto 5.2.5 never returns (domain.md §7),
//! written from the AWS API reference and filled in with the fixture's ids. The
//! proxy answers with them, so the scan parses them with the SDK's own
//! deserializers and the same conversion code as any other answer.

use serde_json::{Value, json};

use crate::proxy::Canned;

/// The access key moto maps to the first account (the second one's come from AssumeRole).
const FIRST_ACCOUNT_KEY: &str = "testing";

fn s(manifest: &Value, path: &str) -> String {
    let mut v = manifest;
    for key in path.split('/') {
        v = match key.parse::<usize>() {
            Ok(i) => &v[i],
            Err(_) => &v[key],
        };
    }
    v.as_str()
        .unwrap_or_else(|| panic!("manifest has no string at {path}"))
        .to_string()
}

/// A canned answer in the first account's us-east-1.
fn shop(operation: &'static str, body: String) -> Canned {
    Canned {
        operation,
        region: Some("us-east-1"),
        access_key: Some(FIRST_ACCOUNT_KEY),
        body_contains: None,
        body,
    }
}

/// ElastiCache's query-protocol answer around `result`.
fn elasticache_answer(operation: &str, result: &str) -> String {
    format!(
        "<{operation}Response xmlns=\"http://elasticache.amazonaws.com/doc/2015-02-02/\">\
         <{operation}Result>{result}</{operation}Result>\
         <ResponseMetadata><RequestId>8f3e6b2a-0c1d-4e5f-9a7b-2c3d4e5f6a7b</RequestId>\
         </ResponseMetadata></{operation}Response>"
    )
}

/// `DescribeServerlessCaches` (moto has no such operation): one Valkey serverless cache
/// in the shop's private subnets, behind the cache security group; none anywhere else.
pub fn serverless_caches(manifest: &Value) -> Vec<Canned> {
    let account = s(manifest, "accounts/first");
    let subnets: String = (0..3)
        .map(|i| {
            format!(
                "<SubnetId>{}</SubnetId>",
                s(manifest, &format!("shop/private_subnets/{i}"))
            )
        })
        .collect();
    let cache = format!(
        "<ServerlessCaches><member>\
         <ServerlessCacheName>carts-cache</ServerlessCacheName>\
         <Description>cart sessions</Description>\
         <CreateTime>2026-03-02T10:15:00.000Z</CreateTime>\
         <Status>available</Status>\
         <Engine>valkey</Engine>\
         <MajorEngineVersion>8</MajorEngineVersion>\
         <FullEngineVersion>8.0</FullEngineVersion>\
         <SecurityGroupIds><SecurityGroupId>{sg}</SecurityGroupId></SecurityGroupIds>\
         <Endpoint><Address>carts-cache-abc123.serverless.use1.cache.amazonaws.com</Address>\
         <Port>6379</Port></Endpoint>\
         <ARN>arn:aws:elasticache:us-east-1:{account}:serverlesscache:carts-cache</ARN>\
         <SubnetIds>{subnets}</SubnetIds>\
         <SnapshotRetentionLimit>1</SnapshotRetentionLimit>\
         </member></ServerlessCaches>",
        sg = s(manifest, "shop/modern/cache_sg"),
    );
    vec![
        shop(
            "DescribeServerlessCaches",
            elasticache_answer("DescribeServerlessCaches", &cache),
        ),
        Canned::everywhere(
            "DescribeServerlessCaches",
            elasticache_answer("DescribeServerlessCaches", "<ServerlessCaches/>"),
        ),
    ]
}

/// The private subnet in `zone` (a, b, c) of the shop.
fn subnet(manifest: &Value, zone: usize) -> String {
    s(manifest, &format!("shop/private_subnets/{zone}"))
}

/// Fields moto never fills in, answered for the shop (and moto's own answers elsewhere):
/// ECS tasks with `availabilityZone` (and a Fargate task, which moto never starts),
/// ElastiCache groups with every member and its role (and a cluster-mode group of two
/// shards), cache clusters with nodes and security groups, a DynamoDB global table.
pub fn moto_gaps(manifest: &Value) -> Vec<Canned> {
    let account = s(manifest, "accounts/first");
    let m = |path: &str| s(manifest, &format!("shop/modern/{path}"));
    let cluster = m("ecs_cluster");
    let eni = |subnet: &str, ip: &str, eni: &str| {
        json!({
            "id": format!("{eni}-attachment"),
            "type": "ElasticNetworkInterface",
            "status": "ATTACHED",
            "details": [
                {"name": "subnetId", "value": subnet},
                {"name": "networkInterfaceId", "value": eni},
                {"name": "macAddress", "value": "0a:1b:2c:3d:4e:5f"},
                {"name": "privateDnsName", "value": format!("ip-{}.ec2.internal", ip.replace('.', "-"))},
                {"name": "privateIPv4Address", "value": ip},
            ],
        })
    };
    let tasks = json!({
        "tasks": [
            {
                "taskArn": m("ecs_task"),
                "clusterArn": cluster,
                "taskDefinitionArn": format!("arn:aws:ecs:us-east-1:{account}:task-definition/checkout-api:1"),
                "containerInstanceArn": m("container_instance"),
                "availabilityZone": "us-east-1a",
                "group": "service:checkout-api",
                "startedBy": "ecs-svc/1234567890123456789",
                "launchType": "EC2",
                "lastStatus": "RUNNING",
                "desiredStatus": "RUNNING",
                "connectivity": "CONNECTED",
                "attachments": [eni(&subnet(manifest, 0), &m("ecs_task_ip"), "eni-0a1b2c3d4e5f60001")],
                "containers": [],
                "tags": [],
                "version": 3,
            },
            {
                "taskArn": format!("arn:aws:ecs:us-east-1:{account}:task/shop-ecs/5d2c9b7e8f6a4c3b9e1d0f2a3b4c5d6e"),
                "clusterArn": cluster,
                "taskDefinitionArn": format!("arn:aws:ecs:us-east-1:{account}:task-definition/checkout-api:1"),
                "availabilityZone": "us-east-1b",
                "group": "service:checkout-api",
                "launchType": "FARGATE",
                "capacityProviderName": "FARGATE",
                "platformVersion": "1.4.0",
                "lastStatus": "RUNNING",
                "desiredStatus": "RUNNING",
                "attachments": [eni(&subnet(manifest, 1), "10.0.101.57", "eni-0a1b2c3d4e5f60002")],
                "containers": [{
                    "name": "api",
                    "lastStatus": "RUNNING",
                    "networkInterfaces": [{"attachmentId": "eni-0a1b2c3d4e5f60002-attachment", "privateIpv4Address": "10.0.101.57"}],
                }],
                "tags": [],
                "version": 2,
            },
        ],
        "failures": [],
    });

    let sg = m("cache_sg");
    let member = |cluster: &str, node: &str, zone: &str, role: Option<&str>| {
        let role = role
            .map(|r| format!("<CurrentRole>{r}</CurrentRole>"))
            .unwrap_or_default();
        format!(
            "<NodeGroupMember><CacheClusterId>{cluster}</CacheClusterId>\
             <CacheNodeId>{node}</CacheNodeId>\
             <PreferredAvailabilityZone>{zone}</PreferredAvailabilityZone>{role}</NodeGroupMember>"
        )
    };
    let groups = format!(
        "<ReplicationGroups>\
         <ReplicationGroup><ReplicationGroupId>sessions</ReplicationGroupId>\
         <Description>sessions</Description><Status>available</Status>\
         <MemberClusters><ClusterId>sessions-001</ClusterId><ClusterId>sessions-002</ClusterId></MemberClusters>\
         <NodeGroups><NodeGroup><NodeGroupId>0001</NodeGroupId><Status>available</Status>\
         <NodeGroupMembers>{}{}</NodeGroupMembers></NodeGroup></NodeGroups>\
         <AutomaticFailover>enabled</AutomaticFailover><MultiAZ>enabled</MultiAZ>\
         <SnapshotRetentionLimit>3</SnapshotRetentionLimit><ClusterEnabled>false</ClusterEnabled>\
         <CacheNodeType>cache.t3.micro</CacheNodeType>\
         <ARN>{}</ARN><Engine>redis</Engine></ReplicationGroup>\
         <ReplicationGroup><ReplicationGroupId>catalog-cache</ReplicationGroupId>\
         <Description>catalog</Description><Status>available</Status>\
         <NodeGroups>\
         <NodeGroup><NodeGroupId>0001</NodeGroupId><Status>available</Status>\
         <NodeGroupMembers>{}{}</NodeGroupMembers></NodeGroup>\
         <NodeGroup><NodeGroupId>0002</NodeGroupId><Status>available</Status>\
         <NodeGroupMembers>{}{}</NodeGroupMembers></NodeGroup>\
         </NodeGroups>\
         <AutomaticFailover>enabled</AutomaticFailover><MultiAZ>disabled</MultiAZ>\
         <ConfigurationEndpoint><Address>clustercfg.catalog-cache.abc123.use1.cache.amazonaws.com</Address>\
         <Port>6379</Port></ConfigurationEndpoint>\
         <SnapshotRetentionLimit>0</SnapshotRetentionLimit><ClusterEnabled>true</ClusterEnabled>\
         <CacheNodeType>cache.r7g.large</CacheNodeType>\
         <ARN>arn:aws:elasticache:us-east-1:{account}:replicationgroup:catalog-cache</ARN>\
         <Engine>valkey</Engine></ReplicationGroup>\
         </ReplicationGroups>",
        member("sessions-001", "0001", "us-east-1a", Some("primary")),
        member("sessions-002", "0001", "us-east-1b", Some("replica")),
        m("sessions"),
        // Cluster mode enabled: AWS reports no CurrentRole.
        member("catalog-cache-0001-001", "0001", "us-east-1a", None),
        member("catalog-cache-0001-002", "0001", "us-east-1b", None),
        member("catalog-cache-0002-001", "0001", "us-east-1b", None),
        member("catalog-cache-0002-002", "0001", "us-east-1c", None),
    );
    let cache_cluster = |id: &str, engine: &str, group: Option<&str>, nodes: &[(&str, &str)]| {
        let group = group
            .map(|g| format!("<ReplicationGroupId>{g}</ReplicationGroupId>"))
            .unwrap_or_default();
        let nodes: String = nodes
            .iter()
            .map(|(node, zone)| {
                format!(
                    "<CacheNode><CacheNodeId>{node}</CacheNodeId><CacheNodeStatus>available</CacheNodeStatus>\
                     <CustomerAvailabilityZone>{zone}</CustomerAvailabilityZone></CacheNode>"
                )
            })
            .collect();
        format!(
            "<CacheCluster><CacheClusterId>{id}</CacheClusterId>\
             <CacheNodeType>cache.t3.micro</CacheNodeType><Engine>{engine}</Engine>\
             <CacheClusterStatus>available</CacheClusterStatus><NumCacheNodes>{n}</NumCacheNodes>\
             <PreferredAvailabilityZone>{first}</PreferredAvailabilityZone>\
             <CacheNodes>{nodes}</CacheNodes>\
             <SecurityGroups><member><SecurityGroupId>{sg}</SecurityGroupId><Status>active</Status></member></SecurityGroups>\
             {group}<SnapshotRetentionLimit>0</SnapshotRetentionLimit>\
             <ARN>arn:aws:elasticache:us-east-1:{account}:cluster:{id}</ARN></CacheCluster>",
            n = nodes.len(),
            first = "us-east-1a",
        )
    };
    let clusters = format!(
        "<CacheClusters>{}{}{}{}</CacheClusters>",
        cache_cluster(
            "sessions-001",
            "redis",
            Some("sessions"),
            &[("0001", "us-east-1a")]
        ),
        cache_cluster(
            "sessions-002",
            "redis",
            Some("sessions"),
            &[("0001", "us-east-1b")]
        ),
        cache_cluster(
            "catalog-cache-0001-001",
            "valkey",
            Some("catalog-cache"),
            &[("0001", "us-east-1a")]
        ),
        cache_cluster(
            "fragments",
            "memcached",
            None,
            &[("0001", "us-east-1a"), ("0002", "us-east-1b")]
        ),
    );

    let table = json!({
        "Table": {
            "TableName": "orders",
            "TableArn": m("tables/orders"),
            "TableId": "4d9a6f3c-1b2e-4c5d-8e7f-0a1b2c3d4e5f",
            "TableStatus": "ACTIVE",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
            "DeletionProtectionEnabled": true,
            "GlobalTableVersion": "2019.11.21",
            "Replicas": [
                {"RegionName": "eu-west-1", "ReplicaStatus": "ACTIVE"},
                {"RegionName": "ap-southeast-2", "ReplicaStatus": "ACTIVE"},
            ],
        }
    });

    let mut answers = vec![
        shop("DescribeTasks", tasks.to_string()),
        shop(
            "DescribeReplicationGroups",
            elasticache_answer("DescribeReplicationGroups", &groups),
        ),
        shop(
            "DescribeCacheClusters",
            elasticache_answer("DescribeCacheClusters", &clusters),
        ),
        Canned {
            body_contains: Some("\"orders\"".to_string()),
            ..shop("DescribeTable", table.to_string())
        },
    ];
    answers.extend(serverless_caches(manifest));
    answers
}
