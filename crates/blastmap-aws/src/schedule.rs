//! When a call may go: concurrency shaped like AWS's own limits.
//!
//! AWS throttles each account in each Region per service (often per operation),
//! with token buckets: a burst, then a steady refill. A scan therefore limits each
//! (account, Region, service) *unit* on its own: a few requests in flight, and a
//! client-side token bucket with the documented burst and refill, so that one busy
//! unit never slows another and a large unit waits for its own bucket rather than
//! being throttled. Over all units, a global cap sized for one machine bounds the
//! sockets and the CPU spent signing and parsing.
//!
//! The global cap serves calls by priority, not in arrival order: a call that other
//! calls wait on goes first, deeper in the dependency chain first (`DescribeRules`
//! before `DescribeListeners` before `DescribeLoadBalancers` before `AssumeRole`).
//! Started accounts and Regions therefore finish before new ones start, which keeps
//! the tail short and the number of half-read units (and their memory) bounded. The
//! organization's account list goes first of all: every account waits on it.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

/// The service whose limits apply to Organizations calls (not a [`Service`] of the model).
///
/// [`Service`]: blastmap_core::model::Service
pub const ORGANIZATIONS: &str = "organizations";

/// The limits one (account, Region, service) unit keeps to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Requests of the unit in flight at once.
    pub in_flight: usize,
    /// Tokens in a full bucket: requests that may go at once after a quiet spell.
    pub burst: f64,
    /// Tokens added per second: the sustained request rate.
    pub per_second: f64,
    /// Each operation has a bucket of its own (EC2), else one for the whole unit.
    pub per_operation: bool,
}

impl Limits {
    const fn new(in_flight: usize, burst: f64, per_second: f64, per_operation: bool) -> Limits {
        Limits {
            in_flight,
            burst,
            per_second,
            per_operation,
        }
    }
}

/// The default limits of a service's unit, from AWS's throttling documentation where it
/// publishes numbers (docs/performance.md has the table and its sources); conservative
/// where it does not. The in-flight limit lets a unit use its burst at a ~100 ms round
/// trip without queueing behind itself.
pub fn limits(service: &str) -> Limits {
    match service {
        // ec2-api-throttling.html: non-mutating actions, 100 tokens, 20 a second, per action.
        "ec2" => Limits::new(10, 100.0, 20.0, true),
        // elb-api-throttling.html: Describe* actions, 40 tokens, 10 a second.
        "elbv2" => Limits::new(10, 40.0, 10.0, false),
        // rds-api-throttling.html: 300 requests in a burst, 12 a second sustained.
        "rds" => Limits::new(10, 300.0, 12.0, false),
        // ECS request-throttling.html: cluster read actions, a burst of 50.
        "ecs" => Limits::new(10, 50.0, 20.0, false),
        // Lambda quotas: 15 control-plane requests a second besides GetFunction/GetPolicy.
        "lambda" => Limits::new(5, 15.0, 15.0, false),
        // Organizations is hosted in us-east-1 for the whole organization: gentle.
        ORGANIZATIONS => Limits::new(4, 10.0, 5.0, false),
        // STS: every AssumeRole of a scan goes to the scanning account's quota.
        "sts" => Limits::new(20, 100.0, 50.0, false),
        // Not published per action (Auto Scaling, EKS, ElastiCache, DynamoDB's control
        // plane, and services added later): a burst and rate well inside what they serve.
        _ => Limits::new(5, 20.0, 5.0, false),
    }
}

/// Larger is served first. Calls that others wait on rank higher; within an account,
/// the deeper a call sits in its chain, the higher. Services read later that are not
/// listed here get [`FIRST_READS`] for every call: correct, only less well ordered.
pub fn priority(service: &str, operation: &str) -> u8 {
    match (service, operation) {
        // Every account waits on the organization's account list.
        (ORGANIZATIONS, _) => 250,
        // An account starts with its credentials, then its Regions.
        ("sts", _) => 10,
        ("ec2", "DescribeRegions") => 20,
        // Third in the chain: each answers a first read.
        ("ec2", "DescribeInstanceTypes")
        | (
            "elbv2",
            "DescribeListeners"
            | "DescribeLoadBalancerAttributes"
            | "DescribeTags"
            | "DescribeTargetGroupAttributes"
            | "DescribeTargetHealth",
        )
        | ("ecs", "DescribeClusters" | "ListServices" | "ListTasks")
        | ("eks", "DescribeCluster" | "ListNodegroups")
        | ("dynamodb", "DescribeTable" | "DescribeContinuousBackups") => FIRST_READS + 10,
        // Fourth: rules per listener, services and tasks per page, node groups.
        ("elbv2", "DescribeRules")
        | ("ecs", "DescribeServices" | "DescribeTasks" | "DescribeCapacityProviders")
        | ("eks", "DescribeNodegroup") => FIRST_READS + 20,
        // Fifth: the container instances tasks run on.
        ("ecs", "DescribeContainerInstances") => FIRST_READS + 30,
        _ => FIRST_READS,
    }
}

/// The priority of the first calls of every service in a Region.
pub const FIRST_READS: u8 = 30;

/// A semaphore that hands its permits to the highest-priority waiter, arrival order
/// breaking ties. Dropping a waiting future gives up its place (and a permit it was
/// handed in the meantime).
#[derive(Debug)]
pub struct PriorityGate {
    state: Mutex<GateState>,
}

#[derive(Debug)]
struct GateState {
    free: usize,
    next: u64,
    waiting: BinaryHeap<Waiter>,
}

#[derive(Debug)]
struct Waiter {
    priority: u8,
    seq: u64,
    wake: oneshot::Sender<()>,
}

impl PartialEq for Waiter {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Waiter {}
impl PartialOrd for Waiter {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Waiter {
    // The heap pops the greatest: the highest priority, then the earliest arrival.
    fn cmp(&self, other: &Self) -> Ordering {
        self.priority
            .cmp(&other.priority)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

/// A permit of a [`PriorityGate`], returned when dropped.
#[derive(Debug)]
pub struct GatePermit {
    gate: Arc<PriorityGate>,
}

impl Drop for GatePermit {
    fn drop(&mut self) {
        self.gate.release();
    }
}

impl PriorityGate {
    pub fn new(permits: usize) -> Arc<PriorityGate> {
        Arc::new(PriorityGate {
            state: Mutex::new(GateState {
                free: permits.max(1),
                next: 0,
                waiting: BinaryHeap::new(),
            }),
        })
    }

    fn lock(&self) -> MutexGuard<'_, GateState> {
        // A panic while holding this lock leaves consistent counters: keep going.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits for a permit. Released permits go to waiters first, so a free permit
    /// means nobody (alive) is waiting.
    pub async fn acquire(self: &Arc<Self>, priority: u8) -> GatePermit {
        let wake = {
            let mut s = self.lock();
            if s.free > 0 {
                s.free -= 1;
                return GatePermit { gate: self.clone() };
            }
            let (tx, rx) = oneshot::channel();
            let seq = s.next;
            s.next += 1;
            s.waiting.push(Waiter {
                priority,
                seq,
                wake: tx,
            });
            rx
        };
        let mut waiting = Waiting {
            gate: self.clone(),
            wake: Some(wake),
        };
        if let Some(rx) = waiting.wake.as_mut() {
            // The sender lives in the heap until it is used: an error cannot happen,
            // and would only mean "proceed".
            let _ = rx.await;
        }
        waiting.wake = None;
        GatePermit { gate: self.clone() }
    }

    fn release(&self) {
        let mut s = self.lock();
        while let Some(w) = s.waiting.pop() {
            if w.wake.send(()).is_ok() {
                return;
            }
        }
        s.free += 1;
    }

    /// Waiters, alive or given up (for tests).
    #[cfg(test)]
    fn queued(&self) -> usize {
        self.lock().waiting.len()
    }
}

/// A place in the queue; gives back a permit handed to it after it was dropped.
struct Waiting {
    gate: Arc<PriorityGate>,
    wake: Option<oneshot::Receiver<()>>,
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if let Some(mut rx) = self.wake.take() {
            rx.close();
            if rx.try_recv().is_ok() {
                self.gate.release();
            }
        }
    }
}

/// A client-side token bucket: `take` waits until a token is there. Tokens are taken
/// ahead (the count goes negative) so that waiters queue in order without a loop.
#[derive(Debug)]
pub struct TokenBucket {
    state: Mutex<(f64, Instant)>,
    burst: f64,
    per_second: f64,
}

impl TokenBucket {
    pub fn new(burst: f64, per_second: f64) -> TokenBucket {
        TokenBucket {
            state: Mutex::new((burst, Instant::now())),
            burst: burst.max(1.0),
            per_second: per_second.max(0.001),
        }
    }

    /// How long to wait before the next request may go, taking its token now.
    pub fn reserve(&self, now: Instant) -> Duration {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (tokens, last) = &mut *s;
        let refilled = now.saturating_duration_since(*last).as_secs_f64() * self.per_second;
        *tokens = (*tokens + refilled).min(self.burst) - 1.0;
        *last = now.max(*last);
        if *tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-*tokens / self.per_second)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn the_gate_serves_the_deepest_waiting_call_first() {
        let gate = PriorityGate::new(1);
        let held = gate.acquire(0).await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for (name, priority) in [
            ("shallow", 10u8),
            ("deep", 50),
            ("deep-later", 50),
            ("mid", 30),
        ] {
            let (gate, order) = (gate.clone(), order.clone());
            tasks.push(tokio::spawn(async move {
                let _permit = gate.acquire(priority).await;
                order.lock().unwrap().push(name);
            }));
            // Each queues before the next arrives.
            tokio::task::yield_now().await;
        }
        drop(held);
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(
            *order.lock().unwrap(),
            ["deep", "deep-later", "mid", "shallow"]
        );
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_waiter_that_gives_up_loses_no_permit() {
        let gate = PriorityGate::new(1);
        let held = gate.acquire(0).await;
        let gave_up = tokio::time::timeout(Duration::from_millis(10), gate.acquire(5)).await;
        assert!(gave_up.is_err());
        assert_eq!(gate.queued(), 1, "the dead waiter is still queued");
        drop(held);
        // The dead waiter is skipped: the permit is free again, and then taken.
        let _again = tokio::time::timeout(Duration::from_millis(100), gate.acquire(0))
            .await
            .expect("the permit came back");
        assert_eq!(gate.queued(), 0);
    }

    #[test]
    fn the_bucket_spends_its_burst_then_paces_at_its_rate() {
        let bucket = TokenBucket::new(3.0, 10.0);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(bucket.reserve(t0), Duration::ZERO);
        }
        // Empty: the fourth waits one refill (100 ms), the fifth two.
        let fourth = bucket.reserve(t0).as_secs_f64();
        let fifth = bucket.reserve(t0).as_secs_f64();
        assert!((fourth - 0.1).abs() < 1e-6, "{fourth}");
        assert!((fifth - 0.2).abs() < 1e-6, "{fifth}");
        // A quiet second refills at most to the burst.
        let later = t0 + Duration::from_secs(10);
        for _ in 0..3 {
            assert_eq!(bucket.reserve(later), Duration::ZERO);
        }
        assert!(bucket.reserve(later) > Duration::ZERO);
    }

    #[test]
    fn every_chain_ranks_deeper_calls_higher_and_the_account_list_first() {
        let chain = [
            ("sts", "AssumeRole"),
            ("ec2", "DescribeRegions"),
            ("elbv2", "DescribeLoadBalancers"),
            ("elbv2", "DescribeListeners"),
            ("elbv2", "DescribeRules"),
        ];
        for pair in chain.windows(2) {
            assert!(
                priority(pair[0].0, pair[0].1) < priority(pair[1].0, pair[1].1),
                "{pair:?}"
            );
        }
        assert!(priority(ORGANIZATIONS, "ListAccounts") > priority("elbv2", "DescribeRules"));
        assert_eq!(priority("route53", "ListHostedZones"), FIRST_READS);
    }
}
