#!/usr/bin/env python3
"""Writes assets/demo-estate.json, the embedded demo estate.

The estate's story is in docs/demo-estate.md; keep the two in step. Run from the
repository root:  python3 scripts/gen-demo-estate.py
The tests load the output and check that every status and finding occurs in it.
"""

import hashlib
import json
import os

CAPTURED_AT = "2026-11-20T09:30:00Z"

VCPUS = {
    "t3.medium": 2,
    "m5.large": 2,
    "m5.xlarge": 4,
    "c5.large": 2,
    "c5.xlarge": 4,
    "m6i.large": 2,
}


def hexid(label, n=17):
    return hashlib.sha256(label.encode()).hexdigest()[:n]


class Estate:
    def __init__(self):
        self.accounts = []
        self.resources = []
        self.coverage = []
        self.declared = {"dependencies": [], "services": {}, "hard_egress": []}
        self.az_of_subnet = {}

    def account(self, acct_id, name, zones):
        self.accounts.append({"id": acct_id, "name": name, "zones": zones})
        for svc in ["route53", "globalaccelerator", "cloudfront"]:
            self.coverage.append(
                {"account": acct_id, "region": "global", "service": svc, "status": "ok"})
        for region in zones:
            for svc in ["ec2", "elbv2", "autoscaling", "rds", "ecs", "eks", "lambda",
                        "elasticache", "dynamodb", "backup"]:
                self.coverage.append(
                    {"account": acct_id, "region": region, "service": svc, "status": "ok"}
                )

    def add(self, kind, rid, name, acct, region, facts, az=None, tags=None):
        r = {"kind": kind, "id": rid, "name": name, "account": acct, "region": region}
        if az:
            r["az"] = az
        t = {"Name": name}
        t.update(tags or {})
        r["tags"] = t
        r[kind] = facts
        self.resources.append(r)
        return rid

    def vpc(self, acct, region, name, cidr):
        return self.add("vpc", "vpc-" + hexid(name), name, acct, region, {"cidr": cidr})

    def subnet(self, acct, region, vpc, name, az, cidr):
        sid = "subnet-" + hexid(name)
        self.az_of_subnet[sid] = az
        return self.add("subnet", sid, name, acct, region, {"vpc": vpc, "cidr": cidr}, az=az)

    def igw(self, name):
        return "igw-" + hexid(name)

    def route_table(self, acct, region, vpc, name, subnets, default_target, main=False):
        facts = {"vpc": vpc, "subnets": subnets, "routes": [
            {"destination": "10.0.0.0/8", "target": "local"},
            {"destination": "0.0.0.0/0", "target": default_target},
        ]}
        if main:
            facts["main"] = True
        return self.add("route_table", "rtb-" + hexid(name), name, acct, region, facts)

    def nat(self, acct, region, vpc, name, subnet=None, regional=False):
        facts = {"vpc": vpc, "mode": "regional" if regional else "zonal"}
        az = None
        if subnet:
            facts["subnet"] = subnet
            az = self.az_of_subnet[subnet]
        return self.add("nat_gateway", "nat-" + hexid(name), name, acct, region, facts, az=az)

    def sg(self, acct, region, vpc, name, ingress_from=(), group_name=None):
        sid = "sg-" + hexid(name)
        facts = {"vpc": vpc, "group_name": group_name or name, "ingress_from": list(ingress_from)}
        return self.add("security_group", sid, name, acct, region, facts)

    def instance(self, acct, region, name, subnet, itype, sgs, state="running", tags=None):
        facts = {
            "subnet": subnet,
            "instance_type": itype,
            "vcpus": VCPUS[itype],
            "security_groups": list(sgs),
            "state": state,
        }
        return self.add("instance", "i-" + hexid(name), name, acct, region, facts,
                        az=self.az_of_subnet[subnet], tags=tags)

    def target_group(self, acct, region, name, target_type, targets, cross_zone="inherit",
                     protocol="HTTP", port=8080):
        arn = f"arn:aws:elasticloadbalancing:{region}:{acct}:targetgroup/{name}/{hexid(name, 16)}"
        facts = {"target_type": target_type, "protocol": protocol, "port": port,
                 "cross_zone": cross_zone, "targets": targets}
        return self.add("target_group", arn, name, acct, region, facts)

    def load_balancer(self, acct, region, name, lb_type, scheme, subnets, listeners, sgs=(),
                      cross_zone=None, service=None):
        short = {"application": "app", "network": "net"}[lb_type]
        arn = f"arn:aws:elasticloadbalancing:{region}:{acct}:loadbalancer/{short}/{name}/{hexid(name, 16)}"
        facts = {
            "type": lb_type,
            "scheme": scheme,
            "dns_name": f"{name}-{hexid(name, 10)}.{region}.elb.amazonaws.com",
            "zones": [{"az": self.az_of_subnet[s], "subnet": s} for s in subnets],
            "security_groups": list(sgs),
            "listeners": listeners,
        }
        if cross_zone is not None:
            facts["cross_zone"] = cross_zone
        tags = {"blastmap:service": service} if service else {}
        return self.add("load_balancer", arn, name, acct, region, facts, tags=tags)

    def asg(self, acct, region, name, subnets, desired, minimum, maximum, instances, tgs):
        arn = (f"arn:aws:autoscaling:{region}:{acct}:autoScalingGroup:"
               f"{hexid(name, 8)}-{hexid(name + 'x', 4)}-{hexid(name + 'y', 4)}:autoScalingGroupName/{name}")
        azs = []
        for s in subnets:
            if self.az_of_subnet[s] not in azs:
                azs.append(self.az_of_subnet[s])
        facts = {"subnets": subnets, "azs": azs, "min": minimum, "desired": desired,
                 "max": maximum, "instances": instances, "target_groups": tgs}
        return self.add("auto_scaling_group", arn, name, acct, region, facts)

    def db_instance(self, acct, region, name, engine, az, multi_az=False, standby=None,
                    backups=7, deletion_protection=True, sgs=(), cluster=None, replica_of=None,
                    instance_class="db.r6g.large"):
        arn = f"arn:aws:rds:{region}:{acct}:db:{name}"
        facts = {"engine": engine, "instance_class": instance_class, "multi_az": multi_az,
                 "backup_retention_days": backups, "deletion_protection": deletion_protection,
                 "security_groups": list(sgs)}
        if standby:
            facts["secondary_az"] = standby
        if cluster:
            facts["cluster"] = cluster
        if replica_of:
            facts["read_replica_source"] = replica_of
        return self.add("db_instance", arn, name, acct, region, facts, az=az)

    def db_cluster(self, acct, region, name, engine, members, backups=7,
                   deletion_protection=True, sgs=(), global_cluster=None):
        """members: list of (instance name, az, writer)."""
        arn = f"arn:aws:rds:{region}:{acct}:cluster:{name}"
        member_refs = []
        for (inst, az, writer) in members:
            iarn = self.db_instance(acct, region, inst, engine, az, backups=backups,
                                    deletion_protection=deletion_protection, sgs=sgs, cluster=arn)
            member_refs.append({"instance": iarn, "writer": writer})
        facts = {"engine": engine, "members": member_refs, "backup_retention_days": backups,
                 "deletion_protection": deletion_protection, "security_groups": list(sgs)}
        if global_cluster:
            facts["global_cluster"] = global_cluster
        return self.add("db_cluster", arn, name, acct, region, facts)

    def ecs_cluster(self, acct, region, name):
        arn = f"arn:aws:ecs:{region}:{acct}:cluster/{name}"
        return self.add("ecs_cluster", arn, name, acct, region, {})

    def ecs_service(self, acct, region, cluster, name, subnets, desired, tasks, sgs=(), tgs=(),
                    launch="fargate"):
        """tasks: list of (subnet, private ip). Returns the tasks' ARNs."""
        cname = cluster.rsplit("/", 1)[-1]
        arn = f"arn:aws:ecs:{region}:{acct}:service/{cname}/{name}"
        azs = []
        for s in subnets:
            if self.az_of_subnet[s] not in azs:
                azs.append(self.az_of_subnet[s])
        facts = {"cluster": cluster, "launch_type": launch, "desired": desired,
                 "running": len(tasks), "subnets": subnets, "azs": azs,
                 "security_groups": list(sgs), "target_groups": list(tgs)}
        self.add("ecs_service", arn, name, acct, region, facts)
        out = []
        for k, (subnet, ip) in enumerate(tasks):
            tid = hexid(f"{name}-task-{k}", 32)
            tarn = f"arn:aws:ecs:{region}:{acct}:task/{cname}/{tid}"
            self.add("ecs_task", tarn, f"{name}-task-{k + 1}", acct, region,
                     {"cluster": cluster, "service": arn, "subnet": subnet, "ips": [ip]},
                     az=self.az_of_subnet[subnet])
            out.append(tarn)
        return arn

    def lambda_function(self, acct, region, name, subnets=(), sgs=(), runtime="python3.12"):
        arn = f"arn:aws:lambda:{region}:{acct}:function:{name}"
        azs = []
        for s in subnets:
            if self.az_of_subnet[s] not in azs:
                azs.append(self.az_of_subnet[s])
        facts = {"runtime": runtime, "subnets": list(subnets), "azs": azs,
                 "security_groups": list(sgs)}
        return self.add("lambda_function", arn, name, acct, region, facts)

    def redis(self, acct, region, name, shards, automatic_failover, sgs=(), snapshots=0):
        """shards: list of lists of (az, primary)."""
        arn = f"arn:aws:elasticache:{region}:{acct}:replicationgroup:{name}"
        facts = {"engine": "redis", "automatic_failover": automatic_failover,
                 "multi_az": automatic_failover, "cluster_mode": len(shards) > 1,
                 "shards": [{"id": f"{i + 1:04}", "members": [
                     {"node": f"{name}-{i + 1:04}-{k + 1:03}", "az": az, "primary": primary}
                     for k, (az, primary) in enumerate(members)]}
                     for i, members in enumerate(shards)],
                 "security_groups": list(sgs), "snapshot_retention_days": snapshots}
        return self.add("cache_replication_group", arn, name, acct, region, facts)

    def table(self, acct, region, name, replicas=(), pitr=False, deletion_protection=False):
        arn = f"arn:aws:dynamodb:{region}:{acct}:table/{name}"
        facts = {"replicas": list(replicas), "point_in_time_recovery": pitr,
                 "deletion_protection": deletion_protection}
        return self.add("dynamodb_table", arn, name, acct, region, facts)

    def eks_cluster(self, acct, region, name, subnets):
        arn = f"arn:aws:eks:{region}:{acct}:cluster/{name}"
        return self.add("eks_cluster", arn, name, acct, region,
                        {"version": "1.31", "subnets": list(subnets)})

    def eks_nodegroup(self, acct, region, cluster, name, asgs, subnets):
        cname = cluster.rsplit("/", 1)[-1]
        arn = f"arn:aws:eks:{region}:{acct}:nodegroup/{cname}/{name}/{hexid(name, 8)}"
        return self.add("eks_nodegroup", arn, f"{cname}/{name}", acct, region,
                        {"cluster": cluster, "auto_scaling_groups": list(asgs),
                         "subnets": list(subnets)})

    def backup_plan(self, acct, region, name, schedule, copy_regions, resources):
        """An AWS Backup plan with one rule, selecting `resources` (ARNs)."""
        arn = f"arn:aws:backup:{region}:{acct}:backup-plan:{hexid(name, 36)}"
        facts = {"rules": [{"name": name, "schedule": schedule,
                            "copy_regions": list(copy_regions)}],
                 "resources": list(resources)}
        return self.add("backup_plan", arn, name, acct, region, facts)

    def protected(self, acct, region, resource, points, plan=None):
        """What AWS Backup holds of `resource`: the newest recovery point per Region."""
        rid = f"arn:aws:backup:{region}:{acct}:protected-resource/{hexid(resource, 12)}"
        name = resource.rsplit(":", 1)[-1]
        facts = {"resource": resource,
                 "recovery_points": [{"region": r, "created_at": at, "plan": plan}
                                     for r, at in points]}
        return self.add("protected_resource", rid, name, acct, region, facts)

    def dns_of(self, lb_arn):
        return next(r["load_balancer"]["dns_name"] for r in self.resources if r["id"] == lb_arn)

    def records(self, acct, zone, name, routing, members):
        """members: list of dicts (DnsMember facts)."""
        rid = f"{zone}/{name}/A"
        facts = {"zone": zone, "record_name": name, "record_type": "A", "routing": routing,
                 "members": members}
        return self.add("dns_records", rid, name, acct, "global", facts)

    def accelerator(self, acct, name, groups):
        """groups: list of (region, dial, [lb arns])."""
        arn = f"arn:aws:globalaccelerator::{acct}:accelerator/{hexid(name, 36)}"
        facts = {"dns_name": f"a{hexid(name, 16)}.awsglobalaccelerator.com",
                 "endpoint_groups": [{"region": r, "traffic_dial": d,
                                      "endpoints": [{"id": lb, "weight": 128} for lb in lbs]}
                                     for r, d, lbs in groups]}
        return self.add("accelerator", arn, name, acct, "global", facts)

    def target(self, rid, health="healthy", az=None):
        t = {"id": rid, "health": health}
        if az:
            t["az"] = az
        return t

    def listener(self, port, protocol, tgs):
        return {"port": port, "protocol": protocol, "target_groups": tgs}


def build():
    e = Estate()
    SHOP, PAY, PLAT = "111111111111", "222222222222", "333333333333"
    USE1, EUW1 = "us-east-1", "eu-west-1"

    # The same AZ *names* point at different buildings in each account.
    e.account(SHOP, "shop-prod", {
        USE1: {"us-east-1a": "use1-az4", "us-east-1b": "use1-az6", "us-east-1c": "use1-az1",
               "us-east-1d": "use1-az2"},
        EUW1: {"eu-west-1a": "euw1-az3", "eu-west-1b": "euw1-az1", "eu-west-1c": "euw1-az2"},
    })
    e.account(PAY, "payments-prod", {
        USE1: {"us-east-1a": "use1-az1", "us-east-1b": "use1-az2", "us-east-1c": "use1-az4",
               "us-east-1d": "use1-az6"},
    })
    e.account(PLAT, "platform", {
        USE1: {"us-east-1a": "use1-az2", "us-east-1b": "use1-az4", "us-east-1c": "use1-az6",
               "us-east-1d": "use1-az1"},
        EUW1: {"eu-west-1a": "euw1-az1", "eu-west-1b": "euw1-az2", "eu-west-1c": "euw1-az3"},
    })

    # ---------------- shop-prod, us-east-1 ----------------
    vpc = e.vpc(SHOP, USE1, "shop-use1", "10.10.0.0/16")
    pub = {az: e.subnet(SHOP, USE1, vpc, f"shop-use1-public-{n}", az, f"10.10.{i}.0/24")
           for i, (n, az) in enumerate([("a", "use1-az4"), ("b", "use1-az6"), ("c", "use1-az1")])}
    app = {az: e.subnet(SHOP, USE1, vpc, f"shop-use1-app-{n}", az, f"10.10.{10 + i}.0/24")
           for i, (n, az) in enumerate([("a", "use1-az4"), ("b", "use1-az6"), ("c", "use1-az1")])}
    # One NAT gateway, in us-east-1a (use1-az4), for every private subnet: shared fate.
    nat = e.nat(SHOP, USE1, vpc, "shop-use1-nat-a", subnet=pub["use1-az4"])
    e.route_table(SHOP, USE1, vpc, "shop-use1-public", list(pub.values()), e.igw("shop-use1"))
    # The app subnets have no explicit association: they use the VPC's main table.
    e.route_table(SHOP, USE1, vpc, "shop-use1-private", [], nat, main=True)

    default = e.sg(SHOP, USE1, vpc, "shop-use1-default", group_name="default")
    e.resources[-1]["security_group"]["ingress_from"] = [default]
    sg_alb = e.sg(SHOP, USE1, vpc, "storefront-alb-sg")
    sg_web = e.sg(SHOP, USE1, vpc, "storefront-web-sg", [sg_alb])
    sg_api = e.sg(SHOP, USE1, vpc, "storefront-api-sg", [sg_alb])
    sg_checkout = e.sg(SHOP, USE1, vpc, "checkout-web-sg")
    sg_search = e.sg(SHOP, USE1, vpc, "search-sg")
    sg_catalog = e.sg(SHOP, USE1, vpc, "catalog-db-sg", [sg_web])
    sg_orders = e.sg(SHOP, USE1, vpc, "orders-db-sg", [sg_api, sg_checkout])
    sg_search_db = e.sg(SHOP, USE1, vpc, "search-db-sg", [sg_search])
    sg_reporting = e.sg(SHOP, USE1, vpc, "reporting-sg")
    sg_replica = e.sg(SHOP, USE1, vpc, "orders-replica-sg", [sg_reporting])
    # Admits the default group, which every instance carries: says nothing about use.
    sg_reports = e.sg(SHOP, USE1, vpc, "reports-db-sg", [default])

    # storefront-web: an Auto Scaling group, two m5.xlarge per AZ.
    web = []
    for az in ["use1-az4", "use1-az6", "use1-az1"]:
        for k in range(2):
            web.append(e.instance(SHOP, USE1, f"storefront-web-{az[-1]}{k + 1}", app[az],
                                  "m5.xlarge", [sg_web, default]))
    tg_web = e.target_group(SHOP, USE1, "storefront-web", "instance",
                            [e.target(i) for i in web])
    e.asg(SHOP, USE1, "storefront-web-asg", list(app.values()), 6, 3, 9, web, [tg_web])

    # storefront-api: three plain instances, two of them in use1-az6.
    api = [e.instance(SHOP, USE1, "storefront-api-1", app["use1-az6"], "c5.large", [sg_api, default]),
           e.instance(SHOP, USE1, "storefront-api-2", app["use1-az6"], "c5.large", [sg_api, default]),
           e.instance(SHOP, USE1, "storefront-api-3", app["use1-az4"], "c5.large", [sg_api, default])]
    tg_api = e.target_group(SHOP, USE1, "storefront-api", "instance", [e.target(i) for i in api])
    storefront_us = e.load_balancer(SHOP, USE1, "storefront-alb", "application", "internet-facing",
                    list(pub.values()),
                    [e.listener(443, "HTTPS", [tg_web, tg_api]), e.listener(80, "HTTP", [tg_web])],
                    sgs=[sg_alb], service="storefront")

    # checkout: three of four instances in use1-az4, and it needs the internet (card network).
    co = [e.instance(SHOP, USE1, f"checkout-{n}", app[az], "m5.large", [sg_checkout, default])
          for n, az in [("1", "use1-az4"), ("2", "use1-az4"), ("3", "use1-az4"), ("4", "use1-az6")]]
    tg_co = e.target_group(SHOP, USE1, "checkout-web", "instance", [e.target(i) for i in co])
    e.asg(SHOP, USE1, "checkout-asg", [app["use1-az4"], app["use1-az6"]], 4, 2, 6, co, [tg_co])
    checkout_alb = e.load_balancer(SHOP, USE1, "checkout-alb", "application", "internet-facing",
                                   [pub["use1-az4"], pub["use1-az6"]],
                                   [e.listener(443, "HTTPS", [tg_co])], service="checkout")
    e.declared["hard_egress"].append(checkout_alb)

    # search: no service tag, one of its two targets failing health checks.
    se = [e.instance(SHOP, USE1, "search-1", app["use1-az4"], "m5.large", [sg_search, default]),
          e.instance(SHOP, USE1, "search-2", app["use1-az1"], "m5.large", [sg_search, default])]
    tg_se = e.target_group(SHOP, USE1, "search", "instance",
                           [e.target(se[0], "unhealthy"), e.target(se[1])])
    e.load_balancer(SHOP, USE1, "search-alb", "application", "internet-facing", list(pub.values()),
                    [e.listener(443, "HTTPS", [tg_se])])

    # cart: Fargate tasks behind cart-alb. Sessions live in Redis, whose primary sits in
    # use1-az4 with automatic failover off (the surprise); carts in a DynamoDB global table.
    sg_cart = e.sg(SHOP, USE1, vpc, "cart-sg")
    sg_cart_cache = e.sg(SHOP, USE1, vpc, "cart-sessions-sg", [sg_cart])
    shop_ecs = e.ecs_cluster(SHOP, USE1, "shop")
    cart_tasks = [(app["use1-az4"], "10.10.10.41"), (app["use1-az4"], "10.10.10.42"),
                  (app["use1-az6"], "10.10.11.41"), (app["use1-az6"], "10.10.11.42"),
                  (app["use1-az1"], "10.10.12.41"), (app["use1-az1"], "10.10.12.42")]
    tg_cart = e.target_group(SHOP, USE1, "cart", "ip",
                             [e.target(ip, az=e.az_of_subnet[sn]) for sn, ip in cart_tasks])
    e.ecs_service(SHOP, USE1, shop_ecs, "cart", list(app.values()), 6, cart_tasks,
                  sgs=[sg_cart], tgs=[tg_cart])
    e.load_balancer(SHOP, USE1, "cart-alb", "application", "internet-facing", list(pub.values()),
                    [e.listener(443, "HTTPS", [tg_cart])], service="cart")
    e.redis(SHOP, USE1, "cart-sessions", [[("use1-az4", True), ("use1-az6", False)]],
            automatic_failover=False, sgs=[sg_cart_cache])
    carts = e.table(SHOP, USE1, "carts", replicas=[EUW1], pitr=True, deletion_protection=True)
    e.declared["dependencies"].append(
        {"from": tg_cart, "to": carts, "hard": True,
         "note": "tables have no security groups: declared"})

    # "Recently viewed": a DynamoDB table only in us-east-1, a soft dependency of the
    # storefront in both Regions.
    recent = e.table(SHOP, USE1, "storefront-recent")
    e.declared["dependencies"].append({"from": tg_web, "to": recent, "hard": False})

    # Databases.
    e.db_cluster(SHOP, USE1, "catalog-aurora", "aurora-postgresql",
                           [("catalog-aurora-1", "use1-az4", True),
                            ("catalog-aurora-2", "use1-az6", False)],
                           sgs=[sg_catalog], global_cluster="catalog-global")
    orders = e.db_instance(SHOP, USE1, "orders-db", "postgres", "use1-az6", multi_az=True,
                           standby="use1-az1", sgs=[sg_orders])
    e.db_instance(SHOP, USE1, "orders-db-replica", "postgres", "use1-az4", backups=0,
                  deletion_protection=False, sgs=[sg_replica], replica_of=orders)
    e.db_instance(SHOP, USE1, "search-db", "mysql", "use1-az1", backups=0,
                  deletion_protection=False, sgs=[sg_search_db], instance_class="db.m6g.large")
    e.db_instance(SHOP, USE1, "reports-db", "mysql", "use1-az2", sgs=[sg_reports],
                  instance_class="db.t4g.medium")

    # ---------------- shop-prod, eu-west-1 ----------------
    vpc = e.vpc(SHOP, EUW1, "shop-euw1", "10.11.0.0/16")
    pub = {az: e.subnet(SHOP, EUW1, vpc, f"shop-euw1-public-{n}", az, f"10.11.{i}.0/24")
           for i, (n, az) in enumerate([("a", "euw1-az3"), ("b", "euw1-az1"), ("c", "euw1-az2")])}
    app = {az: e.subnet(SHOP, EUW1, vpc, f"shop-euw1-app-{n}", az, f"10.11.{10 + i}.0/24")
           for i, (n, az) in enumerate([("a", "euw1-az3"), ("b", "euw1-az1"), ("c", "euw1-az2")])}
    e.route_table(SHOP, EUW1, vpc, "shop-euw1-public", list(pub.values()), e.igw("shop-euw1"),
                  main=True)
    for n, az in [("a", "euw1-az3"), ("b", "euw1-az1"), ("c", "euw1-az2")]:
        n_gw = e.nat(SHOP, EUW1, vpc, f"shop-euw1-nat-{n}", subnet=pub[az])
        e.route_table(SHOP, EUW1, vpc, f"shop-euw1-private-{n}", [app[az]], n_gw)
    sg_alb = e.sg(SHOP, EUW1, vpc, "storefront-eu-alb-sg")
    sg_web = e.sg(SHOP, EUW1, vpc, "storefront-eu-web-sg", [sg_alb])
    sg_cat = e.sg(SHOP, EUW1, vpc, "catalog-eu-db-sg", [sg_web])
    # All three instances landed in euw1-az1 (eu-west-1b) after a capacity shortage.
    web = [e.instance(SHOP, EUW1, f"storefront-eu-web-{k}", app["euw1-az1"], "m5.xlarge", [sg_web])
           for k in range(1, 4)]
    tg = e.target_group(SHOP, EUW1, "storefront-eu-web", "instance", [e.target(i) for i in web])
    e.declared["dependencies"].append({"from": tg, "to": recent, "hard": False})
    e.asg(SHOP, EUW1, "storefront-eu-asg", list(app.values()), 3, 3, 6, web, [tg])
    storefront_eu = e.load_balancer(SHOP, EUW1, "storefront-eu-alb", "application", "internet-facing",
                    list(pub.values()), [e.listener(443, "HTTPS", [tg])], sgs=[sg_alb],
                    service="storefront")
    e.db_cluster(SHOP, EUW1, "catalog-eu", "aurora-postgresql",
                 [("catalog-eu-1", "euw1-az1", False), ("catalog-eu-2", "euw1-az2", False)],
                 sgs=[sg_cat], global_cluster="catalog-global")

    # ---------------- payments-prod, us-east-1 ----------------
    vpc = e.vpc(PAY, USE1, "payments-use1", "10.20.0.0/16")
    zones = [("a", "use1-az1"), ("b", "use1-az2"), ("c", "use1-az4")]
    pub = {az: e.subnet(PAY, USE1, vpc, f"payments-public-{n}", az, f"10.20.{i}.0/24")
           for i, (n, az) in enumerate(zones)}
    app = {az: e.subnet(PAY, USE1, vpc, f"payments-app-{n}", az, f"10.20.{10 + i}.0/24")
           for i, (n, az) in enumerate(zones)}
    e.route_table(PAY, USE1, vpc, "payments-public", list(pub.values()), e.igw("payments"),
                  main=True)
    for n, az in zones:
        n_gw = e.nat(PAY, USE1, vpc, f"payments-nat-{n}", subnet=pub[az])
        e.route_table(PAY, USE1, vpc, f"payments-private-{n}", [app[az]], n_gw)
    sg_papi = e.sg(PAY, USE1, vpc, "payments-api-sg")
    sg_ledger = e.sg(PAY, USE1, vpc, "ledger-db-sg", [sg_papi])
    papi = [e.instance(PAY, USE1, f"payments-api-{k}", app[az], "c5.xlarge", [sg_papi])
            for k, az in [(1, "use1-az1"), (2, "use1-az1"), (3, "use1-az2"), (4, "use1-az2")]]
    tg = e.target_group(PAY, USE1, "payments-api", "instance", [e.target(i) for i in papi],
                        protocol="TCP", port=8443)
    # Cross-zone off (the NLB default), and nothing in use1-az4 (us-east-1c here).
    payments_nlb = e.load_balancer(PAY, USE1, "payments-nlb", "network", "internet-facing",
                                   list(pub.values()), [e.listener(443, "TLS", [tg])],
                                   cross_zone=False, service="payments")
    ledger = e.db_instance(PAY, USE1, "ledger-db", "postgres", "use1-az2", backups=7,
                           deletion_protection=False, sgs=[sg_ledger])
    # Backups first (§11): the ledger's nightly AWS Backup copies to eu-west-1, so a
    # Region loss costs the hours since last night's copy.
    plan = e.backup_plan(PAY, USE1, "ledger-nightly", "cron(0 5 ? * * *)", [EUW1], [ledger])
    e.protected(PAY, USE1, ledger, [(USE1, "2026-11-20T05:12:00Z"),
                                    (EUW1, "2026-11-20T06:40:00Z")], plan=plan)

    # Webhook receivers: Fargate tasks registered by IP, writing to a writer-only Aurora.
    ips = [e.target("10.20.10.21", az="use1-az1"), e.target("10.20.10.22", az="use1-az1"),
           e.target("10.20.11.31", az="use1-az2"), e.target("10.20.11.32", az="use1-az2")]
    tg_hooks = e.target_group(PAY, USE1, "webhooks", "ip", ips)
    e.load_balancer(PAY, USE1, "webhooks-alb", "application", "internet-facing",
                    [pub["use1-az1"], pub["use1-az2"]], [e.listener(443, "HTTPS", [tg_hooks])],
                    service="payments-webhooks")
    # The receipts worker: an ECS service with no load balancer, its subnets in one AZ.
    pay_ecs = e.ecs_cluster(PAY, USE1, "payments")
    e.ecs_service(PAY, USE1, pay_ecs, "receipts-worker", [app["use1-az1"]], 2,
                  [(app["use1-az1"], "10.20.10.61"), (app["use1-az1"], "10.20.10.62")])
    events = e.db_cluster(PAY, USE1, "events-aurora", "aurora-mysql",
                          [("events-aurora-1", "use1-az1", True)], backups=1)
    # The webhook events' daily plan stopped running on 11 November (its role lost a
    # permission): backup-stale.
    plan = e.backup_plan(PAY, USE1, "events-daily", "cron(0 3 ? * * *)", [], [events])
    e.protected(PAY, USE1, events, [(USE1, "2026-11-11T03:05:00Z")], plan=plan)
    e.declared["dependencies"].append(
        {"from": tg_hooks, "to": events, "hard": True,
         "note": "Fargate tasks have no instance security groups to infer from"})

    # ---------------- platform, us-east-1 ----------------
    vpc = e.vpc(PLAT, USE1, "platform-use1", "10.30.0.0/16")
    zones = [("a", "use1-az2"), ("b", "use1-az4"), ("c", "use1-az6"), ("d", "use1-az1")]
    pub = {az: e.subnet(PLAT, USE1, vpc, f"platform-public-{n}", az, f"10.30.{i}.0/24")
           for i, (n, az) in enumerate(zones)}
    app = {az: e.subnet(PLAT, USE1, vpc, f"platform-app-{n}", az, f"10.30.{10 + i}.0/24")
           for i, (n, az) in enumerate(zones)}
    # A regional NAT gateway spans the AZs: no zonal shared fate.
    rnat = e.nat(PLAT, USE1, vpc, "platform-nat", regional=True)
    e.route_table(PLAT, USE1, vpc, "platform-public", list(pub.values()), e.igw("platform"))
    e.route_table(PLAT, USE1, vpc, "platform-private", [], rnat, main=True)
    sg_auth = e.sg(PLAT, USE1, vpc, "auth-sg")
    sg_sessions = e.sg(PLAT, USE1, vpc, "sessions-db-sg", [sg_auth])
    sg_media = e.sg(PLAT, USE1, vpc, "media-sg")
    sg_internal = e.sg(PLAT, USE1, vpc, "internal-api-alb-sg", [sg_media])
    sg_internal_t = e.sg(PLAT, USE1, vpc, "internal-api-sg", [sg_internal])

    auth = [e.instance(PLAT, USE1, f"auth-{az[-1]}{k}", app[az], "m6i.large", [sg_auth])
            for az in ["use1-az2", "use1-az4", "use1-az6"] for k in (1, 2)]
    tg = e.target_group(PLAT, USE1, "auth", "instance", [e.target(i) for i in auth])
    e.asg(PLAT, USE1, "auth-asg", [app["use1-az2"], app["use1-az4"], app["use1-az6"]], 6, 6, 12,
          auth, [tg])
    auth_us = e.load_balancer(PLAT, USE1, "auth-alb", "application", "internet-facing",
                    [pub["use1-az2"], pub["use1-az4"], pub["use1-az6"]],
                    [e.listener(443, "HTTPS", [tg])], service="auth")
    # auth's tokens: a DynamoDB global table, replicated to eu-west-1, which auth-eu reads too.
    tokens = e.table(PLAT, USE1, "auth-tokens", replicas=[EUW1], pitr=True,
                     deletion_protection=True)
    e.declared["dependencies"].append({"from": tg, "to": tokens, "hard": True})
    # graphql: pods of the platform EKS cluster, registered by IP by the load balancer
    # controller; the managed node group's nodes are in use1-az2, use1-az4 and use1-az6.
    eks = e.eks_cluster(PLAT, USE1, "platform-eks", list(app.values()))
    nodes = [e.instance(PLAT, USE1, f"eks-node-{az[-1]}", app[az], "m5.xlarge", [sg_auth],
                        tags={"eks:nodegroup-name": "general"})
             for az in ["use1-az2", "use1-az4", "use1-az6"]]
    ng_asg = e.asg(PLAT, USE1, "eks-general-asg",
                   [app["use1-az2"], app["use1-az4"], app["use1-az6"]], 3, 3, 6, nodes, [])
    e.eks_nodegroup(PLAT, USE1, eks, "general", [ng_asg],
                    [app["use1-az2"], app["use1-az4"], app["use1-az6"]])
    pods = [e.target(ip, az=az) for ip, az in [("10.30.10.71", "use1-az2"), ("10.30.10.72", "use1-az2"),
                                              ("10.30.11.71", "use1-az4"), ("10.30.11.72", "use1-az4"),
                                              ("10.30.12.71", "use1-az6"), ("10.30.12.72", "use1-az6")]]
    tg_gql = e.target_group(PLAT, USE1, "graphql", "ip", pods)
    e.resources[-1]["tags"]["elbv2.k8s.aws/cluster"] = "platform-eks"
    e.load_balancer(PLAT, USE1, "graphql-alb", "application", "internet-facing",
                    [pub["use1-az2"], pub["use1-az4"], pub["use1-az6"]],
                    [e.listener(443, "HTTPS", [tg_gql])], service="graphql")
    e.db_cluster(PLAT, USE1, "sessions-cluster", "postgres",
                 [("sessions-cluster-1", "use1-az2", True), ("sessions-cluster-2", "use1-az4", False),
                  ("sessions-cluster-3", "use1-az6", False)], sgs=[sg_sessions])

    # media: one origin sits in use1-az1, where media-alb has no node.
    media = [e.instance(PLAT, USE1, f"media-origin-{k}", app[az], "c5.large", [sg_media])
             for k, az in [(1, "use1-az2"), (2, "use1-az2"), (3, "use1-az6"), (4, "use1-az6"),
                           (5, "use1-az1")]]
    tg = e.target_group(PLAT, USE1, "media-origin", "instance", [e.target(i) for i in media[:4]]
                        + [e.target(media[4], "unused")])
    # thumbnails: media-alb's second target group is a Lambda function whose VPC subnets
    # are all in use1-az4.
    thumbs = e.lambda_function(PLAT, USE1, "make-thumbnails", [app["use1-az4"]], [sg_media])
    tg_thumbs = e.target_group(PLAT, USE1, "thumbnails", "lambda", [e.target(thumbs, az="all")])
    del e.resources[-1]["target_group"]["protocol"], e.resources[-1]["target_group"]["port"]
    e.load_balancer(PLAT, USE1, "media-alb", "application", "internet-facing",
                    [pub["use1-az2"], pub["use1-az6"]],
                    [e.listener(443, "HTTPS", [tg]), e.listener(8443, "HTTPS", [tg_thumbs])])
    # The internal API both origins call: an internal ALB whose targets all sit in use1-az2.
    ia = [e.instance(PLAT, USE1, f"internal-api-{k}", app["use1-az2"], "m5.large", [sg_internal_t])
          for k in (1, 2)]
    tg = e.target_group(PLAT, USE1, "internal-api", "instance", [e.target(i) for i in ia])
    e.load_balancer(PLAT, USE1, "internal-api", "application", "internal",
                    [app["use1-az2"], app["use1-az4"]], [e.listener(80, "HTTP", [tg])],
                    sgs=[sg_internal])

    # ---------------- platform, eu-west-1 ----------------
    vpc = e.vpc(PLAT, EUW1, "platform-euw1", "10.31.0.0/16")
    zones = [("a", "euw1-az1"), ("b", "euw1-az2"), ("c", "euw1-az3")]
    pub = {az: e.subnet(PLAT, EUW1, vpc, f"platform-eu-public-{n}", az, f"10.31.{i}.0/24")
           for i, (n, az) in enumerate(zones)}
    app = {az: e.subnet(PLAT, EUW1, vpc, f"platform-eu-app-{n}", az, f"10.31.{10 + i}.0/24")
           for i, (n, az) in enumerate(zones)}
    e.route_table(PLAT, EUW1, vpc, "platform-eu-public", list(pub.values()), e.igw("platform-eu"),
                  main=True)
    sg_auth = e.sg(PLAT, EUW1, vpc, "auth-eu-sg")
    sg_sess = e.sg(PLAT, EUW1, vpc, "sessions-eu-db-sg", [sg_auth])
    auth = [e.instance(PLAT, EUW1, f"auth-eu-{az[-1]}", app[az], "m6i.large", [sg_auth])
            for _, az in zones]
    tg = e.target_group(PLAT, EUW1, "auth-eu", "instance", [e.target(i) for i in auth])
    e.declared["dependencies"].append({"from": tg, "to": tokens, "hard": True,
                                       "note": "reads the global table's us-east-1 ARN"})
    e.asg(PLAT, EUW1, "auth-eu-asg", list(app.values()), 3, 3, 6, auth, [tg])
    auth_eu = e.load_balancer(PLAT, EUW1, "auth-eu-alb", "application", "internet-facing",
                    list(pub.values()), [e.listener(443, "HTTPS", [tg])], service="auth")
    e.db_instance(PLAT, EUW1, "sessions-eu-db", "postgres", "euw1-az1", multi_az=True,
                  standby="euw1-az2", sgs=[sg_sess])

    # statuspage: a small status page in both Regions behind a Global Accelerator.
    status_lbs = []
    for region, acct_vpc, zone_list in [(USE1, "platform-use1", ["use1-az2", "use1-az6"]),
                                        (EUW1, "platform-euw1", ["euw1-az1", "euw1-az2"])]:
        suffix = "" if region == USE1 else "-eu"
        subnets = [s_["id"] for s_ in e.resources
                   if s_["kind"] == "subnet" and s_["region"] == region and s_["account"] == PLAT
                   and "-app-" in s_["name"] and s_["az"] in zone_list]
        pubs = [s_["id"] for s_ in e.resources
                if s_["kind"] == "subnet" and s_["region"] == region and s_["account"] == PLAT
                and "-public-" in s_["name"] and s_["az"] in zone_list]
        st = [e.instance(PLAT, region, f"statuspage{suffix}-{k + 1}", sn, "t3.medium", [])
              for k, sn in enumerate(subnets)]
        tg_st = e.target_group(PLAT, region, f"statuspage{suffix}", "instance",
                               [e.target(i) for i in st])
        status_lbs.append((region, e.load_balancer(PLAT, region, f"statuspage{suffix}-alb", "application",
                                                   "internet-facing", pubs,
                                                   [e.listener(443, "HTTPS", [tg_st])])))
    e.accelerator(PLAT, "statuspage", [(r, 100, [lb]) for r, lb in status_lbs])

    # Route 53 in front of the two-Region services. storefront: failover records with
    # health evaluation (us-east-1 primary). auth: latency records without any.
    e.records(SHOP, "Z0SHOP", "shop.example.com", "failover", [
        {"set_identifier": "us-east-1", "target": "dualstack." + e.dns_of(storefront_us) + ".",
         "evaluate_target_health": True, "failover": "primary"},
        {"set_identifier": "eu-west-1", "target": "dualstack." + e.dns_of(storefront_eu) + ".",
         "evaluate_target_health": True, "failover": "secondary"},
    ])
    e.records(PLAT, "Z0PLAT", "auth.example.com", "latency", [
        {"set_identifier": "us-east-1", "target": e.dns_of(auth_us), "region": USE1},
        {"set_identifier": "eu-west-1", "target": e.dns_of(auth_eu), "region": EUW1},
    ])
    # The design doc says storefront is active/active.
    e.declared["dr_tiers"] = {"storefront": "active-active"}

    # checkout calls the payments API in another account: declared, it cannot be inferred.
    e.declared["dependencies"].append(
        {"from": checkout_alb, "to": payments_nlb, "hard": True,
         "note": "checkout authorises every order with payments"})

    # ARC zonal shift (§10): the platform team enabled zonal autoshift everywhere;
    # shop-prod and payments can shift by hand; nobody turned it on for cart and
    # search. Two Auto Scaling groups stop launching into an AZ shifted away from.
    shift = {"cart-alb": (False, False), "search-alb": (False, False)}
    for r in e.resources:
        if r["kind"] == "load_balancer" and r["load_balancer"]["scheme"] == "internet-facing":
            enabled, autoshift = shift.get(r["name"], (True, r["account"] == PLAT))
            r["load_balancer"]["zonal_shift"] = {"enabled": enabled, "autoshift": autoshift,
                                                 "practice_runs": autoshift}
        if r["kind"] == "auto_scaling_group" and r["name"] in ("storefront-web-asg", "auth-asg"):
            r["auto_scaling_group"]["az_impairment"] = {"zonal_shift": True,
                                                        "replace_unhealthy": False}
    return e


def main():
    e = build()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = os.path.join(root, "assets", "demo-estate.json")
    doc = [
        "{",
        '"schema": "blastmap.snapshot",',
        '"version": 2,',
        '"source": "demo",',
        f'"captured_at": {json.dumps(CAPTURED_AT)},',
        '"description": "blastmap demo estate: three accounts, two Regions (docs/demo-estate.md)",',
        '"accounts": [',
        ",\n".join(json.dumps(a) for a in e.accounts),
        "],",
        '"coverage": [',
        ",\n".join(json.dumps(c) for c in e.coverage),
        "],",
        f'"declared": {json.dumps(e.declared)},',
        '"resources": [',
        ",\n".join(json.dumps(r) for r in e.resources),
        "]",
        "}",
    ]
    with open(out + ".tmp", "w") as f:
        f.write("\n".join(doc) + "\n")
    os.replace(out + ".tmp", out)
    print(f"wrote {out}: {len(e.resources)} resources")


if __name__ == "__main__":
    main()
