//! Defaults a team sets once (`~/.config/blastmap/config.toml`, or the file
//! `BLASTMAP_CONFIG` names): where the snapshot lives, the overlay, and what a live
//! scan reads. Precedence: the file, then environment variables (`BLASTMAP_*`), then
//! flags. `blastmap config` shows the effective settings and where each comes from.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};
use serde::Deserialize;

use crate::cli::{Command, LiveArgs, SourceArgs};

/// Built-in defaults of the numbers a scan takes.
pub const MAX_REQUESTS: u32 = crate::discover::DEFAULT_MAX_IN_FLIGHT as u32;
pub const MAX_ATTEMPTS: u32 = 5;
pub const CALL_TIMEOUT: u64 = 20;

/// The config file's contents. Unknown keys are errors: a typo must not be ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    /// The snapshot commands read by default, and `scan` writes.
    pub snapshot: Option<String>,
    /// The overlay a live scan applies.
    pub overlay: Option<String>,
    #[serde(default)]
    pub scan: ScanFile,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanFile {
    pub profiles: Option<Vec<String>>,
    pub role_arns: Option<Vec<String>>,
    pub regions: Option<Vec<String>>,
    pub all_regions: Option<bool>,
    pub organization: Option<bool>,
    pub org_role: Option<String>,
    pub ous: Option<Vec<String>>,
    pub exclude_accounts: Option<Vec<String>>,
    pub max_requests: Option<u32>,
    pub max_attempts: Option<u32>,
    pub call_timeout: Option<u64>,
    /// The KMS key `scan --out s3://…` encrypts with (else SSE-S3).
    pub kms_key: Option<String>,
}

/// Where a setting's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Flag,
    Env(&'static str),
    File,
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag => write!(f, "flag"),
            Source::Env(var) => write!(f, "environment ({var})"),
            Source::File => write!(f, "config file"),
            Source::Default => write!(f, "default"),
        }
    }
}

/// The settings from the file and the environment (flags come later, per command).
#[derive(Debug)]
pub struct Config {
    /// The file read, if one was.
    pub path: Option<PathBuf>,
    pub snapshot: Setting<PathBuf>,
    pub overlay: Setting<PathBuf>,
    pub profiles: Setting<Vec<String>>,
    pub role_arns: Setting<Vec<String>>,
    pub regions: Setting<Vec<String>>,
    pub all_regions: Setting<bool>,
    pub organization: Setting<bool>,
    pub org_role: Setting<String>,
    pub ous: Setting<Vec<String>>,
    pub exclude_accounts: Setting<Vec<String>>,
    pub max_requests: Setting<u32>,
    pub max_attempts: Setting<u32>,
    pub call_timeout: Setting<u64>,
    pub kms_key: Setting<String>,
}

#[derive(Debug, Clone)]
pub struct Setting<T> {
    pub value: Option<T>,
    pub source: Source,
}

impl<T> Setting<T> {
    fn unset() -> Self {
        Setting {
            value: None,
            source: Source::Default,
        }
    }
}

/// The config file's path: `BLASTMAP_CONFIG`, else `$XDG_CONFIG_HOME/blastmap/config.toml`,
/// else `~/.config/blastmap/config.toml`; with whether it was named explicitly.
pub fn file_path() -> Option<(PathBuf, bool)> {
    if let Some(p) = std::env::var_os("BLASTMAP_CONFIG").filter(|p| !p.is_empty()) {
        return Some((PathBuf::from(p), true));
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".config")))?;
    Some((base.join("blastmap").join("config.toml"), false))
}

/// Reads the file (when there is one) and the environment.
pub fn load() -> Result<Config> {
    let (file, path) = match file_path() {
        Some((path, named)) => match read_file(&path)? {
            Some(f) => (f, Some(path)),
            None if named => bail!(
                "BLASTMAP_CONFIG names {}, which does not exist: create it or unset BLASTMAP_CONFIG",
                path.display()
            ),
            None => (File::default(), None),
        },
        None => (File::default(), None),
    };
    Ok(Config {
        path,
        snapshot: pick(env_path("BLASTMAP_SNAPSHOT"), file.snapshot.map(expand)),
        overlay: pick(env_path("BLASTMAP_OVERLAY"), file.overlay.map(expand)),
        profiles: pick(env_list("BLASTMAP_PROFILES"), file.scan.profiles),
        role_arns: pick(env_list("BLASTMAP_ROLE_ARNS"), file.scan.role_arns),
        regions: pick(env_list("BLASTMAP_REGIONS"), file.scan.regions),
        all_regions: pick(env_parse("BLASTMAP_ALL_REGIONS")?, file.scan.all_regions),
        organization: pick(env_parse("BLASTMAP_ORGANIZATION")?, file.scan.organization),
        org_role: pick(
            env_var("BLASTMAP_ORG_ROLE").map(|v| (v, "BLASTMAP_ORG_ROLE")),
            file.scan.org_role,
        ),
        ous: pick(env_list("BLASTMAP_OUS"), file.scan.ous),
        exclude_accounts: pick(
            env_list("BLASTMAP_EXCLUDE_ACCOUNTS"),
            file.scan.exclude_accounts,
        ),
        max_requests: pick(env_parse("BLASTMAP_MAX_REQUESTS")?, file.scan.max_requests),
        max_attempts: pick(env_parse("BLASTMAP_MAX_ATTEMPTS")?, file.scan.max_attempts),
        call_timeout: pick(env_parse("BLASTMAP_CALL_TIMEOUT")?, file.scan.call_timeout),
        kms_key: pick(
            env_var("BLASTMAP_KMS_KEY").map(|v| (v, "BLASTMAP_KMS_KEY")),
            file.scan.kms_key,
        ),
    })
}

/// Bounded, and only a regular file: a config is small text.
fn read_file(path: &Path) -> Result<Option<File>> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    if !meta.is_file() || meta.len() > 1_000_000 {
        bail!(
            "{} is not a config file (a regular file of at most 1 MB expected)",
            path.display()
        );
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {} (UTF-8 text expected)", path.display()))?;
    let file: File = toml::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{} is not a valid blastmap config: {} (docs/config.md lists the keys)",
            path.display(),
            e.to_string().trim()
        )
    })?;
    Ok(Some(file))
}

fn pick<T>(env: Option<(T, &'static str)>, file: Option<T>) -> Setting<T> {
    match (env, file) {
        (Some((v, var)), _) => Setting {
            value: Some(v),
            source: Source::Env(var),
        },
        (None, Some(v)) => Setting {
            value: Some(v),
            source: Source::File,
        },
        (None, None) => Setting::unset(),
    }
}

fn env_var(var: &'static str) -> Option<String> {
    std::env::var(var).ok().filter(|v| !v.trim().is_empty())
}

fn env_path(var: &'static str) -> Option<(PathBuf, &'static str)> {
    env_var(var).map(|v| (expand(v), var))
}

/// A comma-separated list.
fn env_list(var: &'static str) -> Option<(Vec<String>, &'static str)> {
    env_var(var).map(|v| {
        let items = v
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        (items, var)
    })
}

fn env_parse<T: std::str::FromStr>(var: &'static str) -> Result<Option<(T, &'static str)>> {
    match env_var(var) {
        None => Ok(None),
        Some(v) => match v.trim().parse() {
            Ok(x) => Ok(Some((x, var))),
            Err(_) => bail!("{var}={v:?} is not a valid value: unset it or fix it"),
        },
    }
}

/// `~/x` as `$HOME/x`.
fn expand(p: String) -> PathBuf {
    match (p.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(p),
    }
}

impl Config {
    /// Fills what the command's flags left unset. A command given no estate reads the
    /// configured snapshot, else scans live with the configured settings.
    pub fn apply(&self, command: &mut Option<Command>, top: &mut LiveArgs) -> Result<()> {
        match command {
            None => self.fill_live(top)?,
            Some(Command::Scan(args)) => {
                self.fill_live(&mut args.live)?;
                if args.out.is_none() {
                    args.out = self.snapshot.value.clone();
                }
                // The key only means something for an S3 --out.
                if args.kms_key.is_none() && args.out.as_deref().is_some_and(crate::store::is_s3) {
                    args.kms_key = self.kms_key.value.clone();
                }
            }
            Some(Command::Open { file, .. }) => {
                if file.is_none() {
                    *file = self.snapshot.value.clone();
                }
            }
            Some(other) => {
                if let Some(source) = source_of(other) {
                    self.fill_source(source)?;
                }
            }
        }
        Ok(())
    }

    fn fill_source(&self, s: &mut SourceArgs) -> Result<()> {
        if s.demo || s.snapshot.is_some() {
            return Ok(());
        }
        if !s.live.is_given() && self.snapshot.value.is_some() {
            s.snapshot = self.snapshot.value.clone();
            return Ok(());
        }
        self.fill_live(&mut s.live)
    }

    fn fill_live(&self, live: &mut LiveArgs) -> Result<()> {
        let fill = |v: &mut Vec<String>, s: &Setting<Vec<String>>| {
            if v.is_empty()
                && let Some(x) = &s.value
            {
                v.clone_from(x);
            }
        };
        fill(&mut live.profiles, &self.profiles);
        fill(&mut live.role_arns, &self.role_arns);
        if !live.all_regions {
            fill(&mut live.regions, &self.regions);
        }
        if live.regions.is_empty() && self.all_regions.value == Some(true) {
            live.all_regions = true;
        }
        if live.overlay.is_none() {
            live.overlay = self.overlay.value.clone();
        }
        if self.organization.value == Some(true) {
            live.organization = true;
        }
        if live.org_role.is_none() {
            live.org_role = self.org_role.value.clone();
        }
        fill(&mut live.ous, &self.ous);
        fill(&mut live.exclude_accounts, &self.exclude_accounts);
        self.fill_numbers(live);
        // Checked here rather than by clap: `organization = true` may come from the file.
        if !live.organization {
            let given = [
                ("--org-role", live.org_role.is_some()),
                ("--ou", !live.ous.is_empty()),
                ("--exclude-account", !live.exclude_accounts.is_empty()),
            ];
            if let Some((flag, _)) = given.iter().find(|(_, on)| *on) {
                bail!(
                    "{flag} only applies to an organization scan: add --organization \
                     (or organization = true in the config file's [scan] table)"
                );
            }
        }
        Ok(())
    }

    fn fill_numbers(&self, live: &mut LiveArgs) {
        live.max_requests = live
            .max_requests
            .or(self.max_requests.value)
            .or(Some(MAX_REQUESTS));
        live.max_attempts = live
            .max_attempts
            .or(self.max_attempts.value)
            .or(Some(MAX_ATTEMPTS));
        live.call_timeout = live
            .call_timeout
            .or(self.call_timeout.value)
            .or(Some(CALL_TIMEOUT));
    }

    /// `blastmap config`: each setting, its value and where it comes from.
    pub fn describe(&self) -> String {
        let mut out = match &self.path {
            Some(p) => format!("config file: {}\n", p.display()),
            None => match file_path() {
                Some((p, _)) => format!("config file: none ({} does not exist)\n", p.display()),
                None => "config file: none (no HOME to look under)\n".to_string(),
            },
        };
        out.push_str("flags given to a command override everything below\n\n");
        let list = |v: &Option<Vec<String>>| match v {
            Some(v) if !v.is_empty() => v.join(", "),
            _ => "-".to_string(),
        };
        let path = |v: &Option<PathBuf>| {
            v.as_ref()
                .map_or("-".to_string(), |p| p.display().to_string())
        };
        let rows: Vec<(&str, String, &Source, &str)> = vec![
            (
                "snapshot",
                path(&self.snapshot.value),
                &self.snapshot.source,
                "",
            ),
            (
                "overlay",
                path(&self.overlay.value),
                &self.overlay.source,
                "",
            ),
            (
                "scan.profiles",
                list(&self.profiles.value),
                &self.profiles.source,
                " (default: the standard credential chain)",
            ),
            (
                "scan.role_arns",
                list(&self.role_arns.value),
                &self.role_arns.source,
                "",
            ),
            (
                "scan.regions",
                list(&self.regions.value),
                &self.regions.source,
                " (default: the profile's Region)",
            ),
            (
                "scan.all_regions",
                self.all_regions.value.unwrap_or(false).to_string(),
                &self.all_regions.source,
                "",
            ),
            (
                "scan.organization",
                self.organization.value.unwrap_or(false).to_string(),
                &self.organization.source,
                "",
            ),
            (
                "scan.org_role",
                self.org_role
                    .value
                    .clone()
                    .unwrap_or_else(|| crate::discover::DEFAULT_ORG_ROLE.to_string()),
                &self.org_role.source,
                "",
            ),
            ("scan.ous", list(&self.ous.value), &self.ous.source, ""),
            (
                "scan.exclude_accounts",
                list(&self.exclude_accounts.value),
                &self.exclude_accounts.source,
                "",
            ),
            (
                "scan.max_requests",
                self.max_requests.value.unwrap_or(MAX_REQUESTS).to_string(),
                &self.max_requests.source,
                "",
            ),
            (
                "scan.max_attempts",
                self.max_attempts.value.unwrap_or(MAX_ATTEMPTS).to_string(),
                &self.max_attempts.source,
                "",
            ),
            (
                "scan.call_timeout",
                self.call_timeout.value.unwrap_or(CALL_TIMEOUT).to_string(),
                &self.call_timeout.source,
                " seconds",
            ),
            (
                "scan.kms_key",
                self.kms_key
                    .value
                    .clone()
                    .unwrap_or_else(|| "-".to_string()),
                &self.kms_key.source,
                " (default: SSE-S3 for --out s3://…)",
            ),
        ];
        let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
        let vwidth = rows
            .iter()
            .map(|r| r.1.chars().count() + r.3.len())
            .max()
            .unwrap_or(0);
        for (key, value, source, note) in rows {
            let note = if *source == Source::Default { note } else { "" };
            let value = format!("{value}{note}");
            out.push_str(&format!("{key:<width$}  {value:<vwidth$}  {source}\n"));
        }
        out
    }
}

/// The estate arguments of a command that reads one.
fn source_of(command: &mut Command) -> Option<&mut SourceArgs> {
    match command {
        Command::WhatIf(a) | Command::Runbook(a) => Some(&mut a.source),
        Command::Matrix(a) => Some(&mut a.source),
        Command::Check(a) => Some(&mut a.source),
        Command::Findings(a) => Some(&mut a.source),
        Command::Backups(a) => Some(&mut a.source),
        Command::Export(a) => Some(&mut a.source),
        _ => None,
    }
}
