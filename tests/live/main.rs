//! Live discovery against moto_server: the real binary scans a two-account,
//! two-Region estate created through the AWS API (`tests/fixtures/moto_estate.py`).
//! `scripts/test` installs and starts moto; without it these tests fail.

mod cbor;
mod entry;
mod faults;
mod fis;
mod guard;
mod harness;
mod health;
mod logs;
mod org;
mod policy;
mod proxy;
mod recorded;
mod s3;
mod scan;
mod unreachable;
