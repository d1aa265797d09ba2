//! Hostile shapes for budget tests and benchmarks: declared dependencies that chain,
//! loop, fan out and layer, the estates a careless or hostile overlay can describe.
//! Every load balancer is internet-facing, so each is a user-facing path too.

use crate::model::*;

const ACCOUNT: &str = "111111111111";
const REGION: &str = "us-east-1";
const AZS: [(&str, &str); 3] = [
    ("us-east-1a", "use1-az1"),
    ("us-east-1b", "use1-az2"),
    ("us-east-1c", "use1-az3"),
];

struct Shape {
    b: EstateBuilder,
}

impl Shape {
    fn new(what: &str) -> Shape {
        let mut b = EstateBuilder::new(Meta {
            source: "synthetic".into(),
            description: Some(what.to_string()),
            ..Default::default()
        });
        let account = b.account(ACCOUNT, "hostile");
        for (name, id) in AZS {
            b.az_name(account, REGION, name, id)
                .expect("fixed AZ mapping");
        }
        let mut s = Shape { b };
        s.add("vpc-1", None, Facts::Vpc(Vpc::default()));
        for (i, (_, az)) in AZS.iter().enumerate() {
            s.add(
                &format!("subnet-{i}"),
                Some(az),
                Facts::Subnet(Subnet {
                    vpc: "vpc-1".into(),
                    cidr: None,
                }),
            );
        }
        s
    }

    fn add(&mut self, id: &str, az: Option<&str>, facts: Facts) {
        self.b
            .add(id, id, ACCOUNT, REGION, az, facts)
            .expect("shapes are consistent");
    }

    /// `lb-{i}` over `tgs` target groups of one instance in every AZ each.
    fn lb(&mut self, i: usize, tgs: usize) -> String {
        let lb = format!("lb-{i}");
        let mut groups = Vec::new();
        for t in 0..tgs {
            let tg = format!("lb-{i}-tg-{t}");
            let mut targets = Vec::new();
            for (k, (_, az)) in AZS.iter().enumerate() {
                let inst = format!("i-{i}-{t}-{k}");
                self.add(
                    &inst,
                    Some(az),
                    Facts::Instance(Instance {
                        subnet: Some(format!("subnet-{k}")),
                        instance_type: "m5.large".into(),
                        vcpus: Some(2),
                        state: "running".into(),
                        ..Default::default()
                    }),
                );
                targets.push(Target {
                    id: inst,
                    ..Default::default()
                });
            }
            self.add(
                &tg,
                None,
                Facts::TargetGroup(TargetGroup {
                    target_type: TargetType::Instance,
                    targets,
                    ..Default::default()
                }),
            );
            groups.push(tg);
        }
        let zones = (AZS.iter().enumerate())
            .map(|(k, (_, az))| LbZone {
                az: az.to_string(),
                subnet: Some(format!("subnet-{k}")),
            })
            .collect();
        self.add(
            &lb,
            None,
            Facts::LoadBalancer(LoadBalancer {
                lb_type: LbType::Application,
                scheme: Scheme::InternetFacing,
                zones,
                listeners: vec![Listener {
                    port: Some(443),
                    protocol: Some("HTTPS".into()),
                    target_groups: groups,
                }],
                ..Default::default()
            }),
        );
        lb
    }

    fn depends(&mut self, from: &str, to: &str) {
        self.b.declared_mut().dependencies.push(DeclaredDependency {
            from: from.to_string(),
            to: to.to_string(),
            hard: true,
            note: None,
        });
    }

    fn build(self) -> Estate {
        self.b.build().expect("shapes are consistent")
    }
}

/// `n` load balancers, each declaring a dependency on the next (`lb-0 → lb-1 → …`),
/// with `tgs` target groups each; with `cycle`, the last depends on the first.
pub fn lb_chain(n: usize, tgs: usize, cycle: bool) -> Estate {
    let mut s = Shape::new(&format!("a chain of {n} load balancers"));
    for i in 0..n {
        s.lb(i, tgs);
    }
    for i in 0..n.saturating_sub(1) {
        s.depends(&format!("lb-{i}"), &format!("lb-{}", i + 1));
    }
    if cycle && n > 1 {
        s.depends(&format!("lb-{}", n - 1), "lb-0");
    }
    s.build()
}

/// [`lb_chain`] where every load balancer is its own service and needs its own
/// DynamoDB table: service `i` reaches the `n - i` tables down the chain, so listing
/// each service's data naively costs n² / 2.
pub fn services_on_a_chain(n: usize) -> Estate {
    let mut s = Shape::new(&format!("{n} services on a chain, a table each"));
    for i in 0..n {
        let lb = s.lb(i, 1);
        s.b.declared_mut()
            .services
            .insert(lb.clone(), format!("svc-{i}"));
        let table = format!("table-{i}");
        s.add(&table, None, Facts::DynamodbTable(DynamodbTable::default()));
        s.depends(&lb, &table);
    }
    for i in 0..n.saturating_sub(1) {
        s.depends(&format!("lb-{i}"), &format!("lb-{}", i + 1));
    }
    s.build()
}

/// `layers` layers of `width` load balancers; each depends on `fanout` load balancers
/// of the next layer (two target groups each).
pub fn layered(layers: usize, width: usize, fanout: usize) -> Estate {
    let mut s = Shape::new(&format!("{layers} layers of {width} load balancers"));
    for l in 0..layers {
        for w in 0..width {
            s.lb(l * width + w, 2);
        }
    }
    for l in 0..layers.saturating_sub(1) {
        for w in 0..width {
            for f in 0..fanout.min(width) {
                let to = (l + 1) * width + (w + f) % width;
                s.depends(&format!("lb-{}", l * width + w), &format!("lb-{to}"));
            }
        }
    }
    s.build()
}

/// `lb-0 → lb-1 → lb-0`, and `lb-1 → lb-2`, whose only targets are in use1-az3.
pub fn cycle_with_a_tail() -> Estate {
    let mut s = Shape::new("a cycle of two load balancers with a tail");
    s.lb(0, 1);
    s.lb(1, 1);
    s.lb(2, 1);
    for k in 0..2 {
        // lb-2's targets outside use1-az3 are stopped: only use1-az3 serves.
        let r = s.b.find_mut(&format!("i-2-0-{k}")).expect("built above");
        if let Facts::Instance(i) = &mut r.facts {
            i.state = "stopped".into();
        }
    }
    s.depends("lb-0", "lb-1");
    s.depends("lb-1", "lb-0");
    s.depends("lb-1", "lb-2");
    s.build()
}

/// Fan-out both ways: `hub` forwards to `n` target groups, and `n` load balancers
/// (one target group each) declare a dependency on it.
pub fn fan(n: usize) -> Estate {
    let mut s = Shape::new(&format!(
        "a hub of {n} target groups that {n} load balancers need"
    ));
    s.lb(0, n);
    for i in 1..=n {
        s.lb(i, 1);
        s.depends(&format!("lb-{i}"), "lb-0");
    }
    s.build()
}
