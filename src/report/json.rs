//! The JSON contract (`docs/json.md`): schemas `blastmap.what-if/v1`,
//! `blastmap.matrix/v1`, `blastmap.findings/v1`, `blastmap.check/v1`.

use serde::Serialize;
use serde::ser::SerializeMap;

use crate::findings::{Finding, Severity};
use crate::sim::{Capacity, CheckResult, Matrix, Status, Subject, Verdict};

use super::Report;

pub fn to_string<T: Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("reports always serialize");
    s.push('\n');
    s
}

#[derive(Serialize)]
pub struct WhatIf {
    pub schema: &'static str,
    pub lost: Vec<String>,
    pub summary: Summary,
    pub paths: Vec<PathJson>,
    pub services: Vec<ServiceJson>,
    pub findings: Vec<FindingJson>,
}

#[derive(Serialize)]
pub struct Summary {
    pub ok: usize,
    pub degraded: usize,
    pub down: usize,
}

#[derive(Serialize)]
pub struct PathJson {
    pub id: String,
    pub load_balancer: String,
    pub target_group: String,
    pub account: String,
    pub account_name: String,
    pub region: String,
    pub service: Option<String>,
    pub status: Status,
    pub capacity: Capacity,
    pub reasons: Vec<String>,
}

#[derive(Serialize)]
pub struct ServiceJson {
    pub name: String,
    pub status: Status,
    pub paths: Vec<String>,
}

#[derive(Serialize)]
pub struct FindingJson {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub resources: Vec<ResourceRef>,
}

#[derive(Serialize)]
pub struct ResourceRef {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
}

pub fn what_if(r: &Report, verdict: &Verdict, findings: &[Finding]) -> WhatIf {
    let (ok, degraded, down) = verdict.counts();
    WhatIf {
        schema: "blastmap.what-if/v1",
        lost: verdict
            .lost
            .domains()
            .iter()
            .map(|d| r.estate.domain_name(*d).to_string())
            .collect(),
        summary: Summary { ok, degraded, down },
        paths: verdict
            .paths
            .iter()
            .map(|pv| {
                let p = pv.path;
                let (id, lb, tg, account, account_name, region, service) = path_fields(r, p);
                PathJson {
                    id,
                    load_balancer: lb,
                    target_group: tg,
                    account,
                    account_name,
                    region,
                    service,
                    status: pv.status,
                    capacity: pv.capacity,
                    reasons: pv.reasons.iter().map(|x| x.describe(r.estate)).collect(),
                }
            })
            .collect(),
        services: verdict
            .services
            .iter()
            .map(|s| {
                let spec = &r.topo.services()[s.service];
                ServiceJson {
                    name: spec.name.clone(),
                    status: s.status,
                    paths: spec.paths.iter().map(|&p| r.path(p).id.clone()).collect(),
                }
            })
            .collect(),
        findings: finding_list(r, findings),
    }
}

type PathFields = (
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
);

fn path_fields(r: &Report, p: usize) -> PathFields {
    let spec = r.path(p);
    (
        spec.id.clone(),
        r.estate.resource(spec.lb).name.clone(),
        r.estate.resource(spec.tg).name.clone(),
        r.estate.account(spec.account).id.clone(),
        r.estate.account(spec.account).name.clone(),
        r.region(p).to_string(),
        spec.service.map(|s| r.topo.services()[s].name.clone()),
    )
}

fn finding_list(r: &Report, findings: &[Finding]) -> Vec<FindingJson> {
    findings
        .iter()
        .map(|f| FindingJson {
            code: f.code,
            severity: f.severity,
            message: f.message.clone(),
            resources: f
                .resources
                .iter()
                .map(|&i| {
                    let res = r.estate.resource(i);
                    ResourceRef {
                        id: res.id.clone(),
                        name: res.name.clone(),
                        kind: res.kind().key(),
                    }
                })
                .collect(),
        })
        .collect()
}

/// Domain → status, in the matrix's domain order.
pub struct StatusByDomain(pub Vec<(String, Status)>);

impl Serialize for StatusByDomain {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (d, st) in &self.0 {
            m.serialize_entry(d, st)?;
        }
        m.end()
    }
}

#[derive(Serialize)]
pub struct MatrixJson {
    pub schema: &'static str,
    pub domains: Vec<String>,
    pub paths: Vec<MatrixPath>,
    pub services: Vec<MatrixService>,
}

#[derive(Serialize)]
pub struct MatrixPath {
    pub id: String,
    pub load_balancer: String,
    pub target_group: String,
    pub account: String,
    pub region: String,
    pub service: Option<String>,
    pub status: StatusByDomain,
}

#[derive(Serialize)]
pub struct MatrixService {
    pub name: String,
    pub status: StatusByDomain,
}

pub fn matrix(r: &Report, m: &Matrix) -> MatrixJson {
    let domains: Vec<String> = m
        .domains
        .iter()
        .map(|d| r.estate.domain_name(*d).to_string())
        .collect();
    let by_domain = |status: &dyn Fn(usize) -> Status| {
        StatusByDomain(
            domains
                .iter()
                .enumerate()
                .map(|(c, d)| (d.clone(), status(c)))
                .collect(),
        )
    };
    MatrixJson {
        schema: "blastmap.matrix/v1",
        paths: (0..r.topo.paths().len())
            .map(|p| {
                let (id, lb, tg, account, _, region, service) = path_fields(r, p);
                MatrixPath {
                    id,
                    load_balancer: lb,
                    target_group: tg,
                    account,
                    region,
                    service,
                    status: by_domain(&|c| m.cell(p, c).status),
                }
            })
            .collect(),
        services: r
            .topo
            .services()
            .iter()
            .enumerate()
            .map(|(s, spec)| MatrixService {
                name: spec.name.clone(),
                status: by_domain(&|c| m.service_status(s, c)),
            })
            .collect(),
        domains,
    }
}

#[derive(Serialize)]
pub struct FindingsJson {
    pub schema: &'static str,
    pub findings: Vec<FindingJson>,
}

pub fn findings(r: &Report, findings: &[Finding]) -> FindingsJson {
    FindingsJson {
        schema: "blastmap.findings/v1",
        findings: finding_list(r, findings),
    }
}

#[derive(Serialize)]
pub struct CheckJson {
    pub schema: &'static str,
    pub tolerate: &'static str,
    pub passed: bool,
    pub offenders: Vec<OffenderJson>,
}

#[derive(Serialize)]
pub struct OffenderJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    pub domain: String,
    pub reasons: Vec<String>,
}

pub fn check(r: &Report, result: &CheckResult) -> CheckJson {
    CheckJson {
        schema: "blastmap.check/v1",
        tolerate: result.tolerate.as_str(),
        passed: result.passed(),
        offenders: result
            .offenders
            .iter()
            .map(|o| OffenderJson {
                path: match o.subject {
                    Subject::Path(p) => Some(r.path(p).id.clone()),
                    Subject::Service(_) => None,
                },
                service: match o.subject {
                    Subject::Service(s) => Some(r.topo.services()[s].name.clone()),
                    Subject::Path(_) => None,
                },
                domain: r.estate.domain_name(o.domain).to_string(),
                reasons: o.reasons.iter().map(|x| x.describe(r.estate)).collect(),
            })
            .collect(),
    }
}
