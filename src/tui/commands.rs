//! The `:` commands, in one table: what `:` runs and what the `?` help lists.

use std::path::PathBuf;

use crate::model::{Domain, ModelError, NamedDomain};

use super::action::{Action, Effect};
use super::app::App;
use super::keymap::Command;
use super::screen::Screen;

/// A typed command line, split.
pub struct Args<'a> {
    /// The words after the command's name.
    pub words: Vec<&'a str>,
    /// The rest of the line after the name, spaces and all (a file name).
    pub rest: &'a str,
}

/// A `:` command.
pub struct LineCommand {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    /// How the help writes it.
    pub usage: &'static str,
    /// What the help says it does.
    pub does: &'static str,
    /// Whether the help lists it: `:paths` speaks for every screen, `?` for `:help`.
    pub in_help: bool,
    pub run: fn(&mut App, &Args) -> Vec<Effect>,
}

const fn cmd(
    name: &'static str,
    aliases: &'static [&'static str],
    usage: &'static str,
    does: &'static str,
    run: fn(&mut App, &Args) -> Vec<Effect>,
) -> LineCommand {
    LineCommand {
        name,
        aliases,
        usage,
        does,
        in_help: true,
        run,
    }
}

impl LineCommand {
    /// The same command, left out of the help.
    const fn unlisted(self) -> LineCommand {
        LineCommand {
            in_help: false,
            ..self
        }
    }

    fn is_called(&self, verb: &str) -> bool {
        self.name == verb || self.aliases.contains(&verb)
    }
}

/// Every `:` command, in the order the help lists them.
pub const COMMANDS: &[LineCommand] = &[
    cmd(
        "lose",
        &[],
        ":lose D…",
        "lose AZ IDs, Regions, or an account's AZ name (shop-prod us-east-1a)",
        lose,
    ),
    cmd(
        "restore",
        &[],
        ":restore [D…]",
        "restore them (no argument: the last lost)",
        restore,
    ),
    cmd("clear", &[], ":clear", "restore everything", clear),
    cmd(
        "undo",
        &["u"],
        ":undo",
        "undo the last change to what is lost (as u)",
        |app, _| app.undo(),
    ),
    cmd(
        "runbook",
        &[],
        ":runbook",
        "what to do now for the domains lost (as R)",
        |app, _| app.open_runbook(),
    ),
    cmd(
        "health",
        &[],
        ":health FILE",
        "lose what a saved AWS Health event took",
        health,
    ),
    cmd(
        "brief",
        &[],
        ":brief [FILE]",
        "the incident brief: copied (OSC 52), or written to FILE",
        brief,
    ),
    cmd(
        "open",
        &["e"],
        ":open FILE",
        "open a snapshot (~ is your home)",
        open,
    ),
    cmd(
        "export",
        &["w"],
        ":export FILE",
        "write the current what-if as Markdown",
        export,
    ),
    cmd(
        "gaps",
        &[],
        ":gaps",
        "what a live scan could not read",
        gaps,
    ),
    cmd(
        "rescan",
        &[],
        ":rescan",
        "scan again (live estates only, as r)",
        |app, _| app.rescan(),
    ),
    cmd(
        "paths",
        &[],
        ":paths",
        "go to a screen (:domains :matrix :findings :backups)",
        |app, _| go(app, Screen::Paths),
    ),
    cmd(
        "domains",
        &[],
        ":domains",
        "go to Fault domains",
        |app, _| go(app, Screen::Domains),
    )
    .unlisted(),
    cmd("matrix", &[], ":matrix", "go to the Matrix", |app, _| {
        go(app, Screen::Matrix)
    })
    .unlisted(),
    cmd("findings", &[], ":findings", "go to Findings", |app, _| {
        go(app, Screen::Findings)
    })
    .unlisted(),
    cmd("backups", &[], ":backups", "go to Backups", |app, _| {
        go(app, Screen::Backups)
    })
    .unlisted(),
    cmd("q", &["quit", "q!"], ":q", "quit", |app, _| {
        app.quit = true;
        Vec::new()
    }),
    cmd("help", &["h"], ":help", "this help", |app, _| {
        app.help.open = true;
        Vec::new()
    })
    .unlisted(),
];

/// `tab` in the command line: completes the word being typed (a command; after
/// `:lose` or `:restore` an AZ ID, a Region, an account, or after an account its
/// AZ names), to the longest prefix the choices share; again, cycles through them
/// (`shift-tab` backwards). The choices show in the message line.
pub fn complete(app: &mut App, backwards: bool) {
    if let Some(c) = app.completion.as_mut() {
        let n = c.options.len();
        let i = match (c.next, backwards) {
            (i, false) => i % n,
            (i, true) => (i + n - 2) % n,
        };
        c.next = i + 1;
        app.input_text = format!("{}{}", c.stem, c.options[i]);
        return;
    }
    let text = app.input_text.clone();
    let (stem, word) = match text.rfind(char::is_whitespace) {
        Some(i) => (&text[..=i], &text[i + 1..]),
        None => ("", text.as_str()),
    };
    let options = candidates(app, stem, word);
    let lower = word.to_lowercase();
    let mut options: Vec<String> = options
        .into_iter()
        .filter(|o| o.to_lowercase().starts_with(&lower))
        .collect();
    options.dedup();
    match options.len() {
        0 => app.flash(format!("no completion for \"{word}\""), false),
        1 => app.input_text = format!("{stem}{} ", options[0]),
        _ => {
            let common = common_prefix(&options);
            app.flash(format!("tab: {}", options.join("  ")), false);
            if common.chars().count() > word.chars().count() {
                app.input_text = format!("{stem}{common}");
                app.completion = Some(super::app::Completion {
                    stem: stem.to_string(),
                    options,
                    next: 0,
                });
            } else {
                app.input_text = format!("{stem}{}", options[0]);
                app.completion = Some(super::app::Completion {
                    stem: stem.to_string(),
                    options,
                    next: 1,
                });
            }
        }
    }
}

/// What may come at this point of a command line, before filtering by what is typed.
fn candidates(app: &App, stem: &str, word: &str) -> Vec<String> {
    let words: Vec<&str> = stem.split_whitespace().collect();
    let Some(&verb) = words.first() else {
        let mut names: Vec<String> = COMMANDS.iter().map(|c| c.name.to_string()).collect();
        names.sort();
        return names;
    };
    let Some(engine) = &app.engine else {
        return Vec::new();
    };
    let e = &engine.estate;
    if !["lose", "restore"].contains(&verb) {
        return Vec::new();
    }
    let az_names = |a: crate::model::AccountIdx| -> Vec<String> {
        let mut names: Vec<String> = e.account(a).az_names.values().cloned().collect();
        names.sort();
        names
    };
    // `shop-prod:us-e…`: that account's AZ names.
    if let Some((account, _)) = word.split_once(':') {
        return e.account_by_name_or_id(account).map_or(Vec::new(), |a| {
            az_names(a)
                .into_iter()
                .map(|n| format!("{account}:{n}"))
                .collect()
        });
    }
    // After an account: its AZ names.
    if words.len() > 1
        && let Some(a) = words.last().and_then(|w| e.account_by_name_or_id(w))
    {
        return az_names(a);
    }
    let mut out: Vec<String> = e
        .domains()
        .into_iter()
        .map(|d| e.domain_name(d).to_string())
        .collect();
    out.extend(e.accounts().iter().map(|a| a.name.clone()));
    out
}

/// The longest prefix every option shares (by characters, compared in lower case).
fn common_prefix(options: &[String]) -> String {
    let first: Vec<char> = options[0].chars().collect();
    let mut len = first.len();
    for o in &options[1..] {
        len = len.min(
            first
                .iter()
                .zip(o.chars())
                .take_while(|(a, b)| a.eq_ignore_ascii_case(b))
                .count(),
        );
    }
    first[..len].iter().collect()
}

/// Runs a typed line: `lose use1-az1`, `open ~/estate.json`, `q`, ….
pub fn run(app: &mut App, text: &str) -> Vec<Effect> {
    let mut words = text.split_whitespace();
    let Some(verb) = words.next() else {
        return Vec::new();
    };
    let args = Args {
        words: words.collect(),
        rest: text.trim_start()[verb.len()..].trim(),
    };
    match COMMANDS.iter().find(|c| c.is_called(verb)) {
        Some(c) => (c.run)(app, &args),
        None => {
            app.flash(
                format!(
                    "unknown command :{verb} (try :lose, :restore, :clear, :undo, :brief, :open, :export, :gaps, :q; tab completes, ? lists them)"
                ),
                true,
            );
            Vec::new()
        }
    }
}

fn go(app: &mut App, screen: Screen) -> Vec<Effect> {
    app.switch_to(screen);
    Vec::new()
}

fn lose(app: &mut App, args: &Args) -> Vec<Effect> {
    if args.words.is_empty() {
        app.flash(
            "usage: :lose DOMAIN… (an AZ ID such as use1-az1, or a Region)",
            true,
        );
        return Vec::new();
    }
    match parse_domains(app, &args.words) {
        Ok(ds) => app.lose(ds),
        Err(e) => {
            app.flash(e, true);
            Vec::new()
        }
    }
}

/// `:health FILE`: the event file read like the CLI's `--health-event FILE`; a FIFO or a
/// device is refused before it could hold the screen up.
fn health(app: &mut App, args: &Args) -> Vec<Effect> {
    if args.rest.trim().is_empty() {
        app.flash(
            "usage: :health FILE (saved with aws health describe-event-details)",
            true,
        );
        return Vec::new();
    }
    let Some(engine) = app.engine.clone() else {
        app.flash("no estate is loaded yet", true);
        return Vec::new();
    };
    let path = expand_home(args.rest.trim());
    let read = match crate::tui::not_a_snapshot_file(&path) {
        Some(why) => Err(why),
        None => blastmap_core::health::load(&path).and_then(|event| {
            blastmap_core::health::replay(&engine.estate, &event).map(|r| (event, r))
        }),
    };
    let (event, replay) = match read {
        Ok(read) => read,
        Err(e) => {
            app.flash(e, true);
            return Vec::new();
        }
    };
    // Each AZ with the affected account's name for it, so the flash says the mapping.
    let e = &engine.estate;
    let name_in = |az| {
        let name = event.az_name.as_deref()?.to_ascii_lowercase();
        let account = (0..e.accounts().len()).find(|&i| {
            let a = &e.accounts()[i];
            (event.accounts.is_empty() || event.accounts.contains(&a.id))
                && a.az_names.get(&az) == Some(&name)
        })?;
        Some((crate::model::AccountIdx(account as u32), name))
    };
    let named = (replay.domains.into_iter())
        .map(|domain| NamedDomain {
            domain,
            az_name: match domain {
                Domain::Az(az) => name_in(az),
                Domain::Region(_) => None,
            },
        })
        .collect();
    app.lose(named)
}

fn brief(app: &mut App, args: &Args) -> Vec<Effect> {
    match (&app.engine, &app.lost) {
        // The scenario as asked for, even if its simulation is still running.
        (Some(_), Some(lost)) => vec![Effect::Brief {
            lost: lost.clone(),
            path: (!args.rest.is_empty()).then(|| expand_home(args.rest)),
        }],
        _ => {
            app.flash("no estate is loaded yet", true);
            Vec::new()
        }
    }
}

fn restore(app: &mut App, args: &Args) -> Vec<Effect> {
    if args.words.is_empty() {
        return app.restore_last();
    }
    match parse_domains(app, &args.words) {
        Ok(ds) => app.restore(ds.into_iter().map(|d| d.domain).collect()),
        Err(e) => {
            app.flash(e, true);
            Vec::new()
        }
    }
}

fn clear(app: &mut App, _: &Args) -> Vec<Effect> {
    // As `x`, with what it says when there is no estate yet.
    app.update(Action::Command(Command::ClearLosses))
}

fn open(app: &mut App, args: &Args) -> Vec<Effect> {
    if args.rest.is_empty() {
        app.flash(
            "usage: :open FILE or :open s3://BUCKET/PREFIX/ (a snapshot written by blastmap scan)",
            true,
        );
        return Vec::new();
    }
    let path = expand_home(args.rest);
    // A prefix lists its snapshots to pick from; a snapshot object opens.
    let prefix = crate::store::is_s3(&path)
        && crate::discover::snapshots::S3Location::parse(args.rest.trim())
            .is_ok_and(|l| l.object.is_none());
    if prefix {
        app.flash(
            format!("listing the snapshots in {}…", path.display()),
            false,
        );
        return vec![Effect::ListSnapshots { prefix: path }];
    }
    app.flash(format!("opening {}… (esc stops)", path.display()), false);
    let generation = app.next_load();
    app.opening = Some((generation, path.clone()));
    vec![Effect::LoadSnapshot { path, generation }]
}

fn export(app: &mut App, args: &Args) -> Vec<Effect> {
    if args.rest.is_empty() {
        app.flash(
            "usage: :export FILE (writes the current what-if as Markdown)",
            true,
        );
        return Vec::new();
    }
    match (&app.engine, &app.lost) {
        // The scenario as asked for, even if its simulation is still running.
        (Some(_), Some(lost)) => vec![Effect::Export {
            path: expand_home(args.rest),
            lost: lost.clone(),
        }],
        _ => {
            app.flash("no estate is loaded yet", true);
            Vec::new()
        }
    }
}

fn gaps(app: &mut App, _: &Args) -> Vec<Effect> {
    match &app.engine {
        Some(e) if e.estate.coverage_gaps().next().is_some() => app.gaps.show(),
        Some(_) => app.flash(
            "no coverage gaps: every account, Region and service was read",
            false,
        ),
        None => app.flash("no estate is loaded yet", true),
    }
    Vec::new()
}

/// `use1-az1 eu-west-1`, `use1-az1,use1-az2`: the domains named, as the estate has
/// them; and as AWS Health names an AZ, an account (name or id) and its AZ name:
/// `shop-prod us-east-1a` or `shop-prod:us-east-1a`.
fn parse_domains(app: &App, words: &[&str]) -> Result<Vec<NamedDomain>, String> {
    let engine = app.engine.as_ref().ok_or("no estate is loaded yet")?;
    let e = &engine.estate;
    let words: Vec<&str> = words
        .iter()
        .flat_map(|a| a.split(','))
        .filter(|a| !a.is_empty())
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        let next = words.get(i + 1).copied();
        let is_az_name = |w: &str| {
            let w = w.to_ascii_lowercase();
            e.accounts()
                .iter()
                .any(|a| a.az_names.values().any(|n| *n == w))
        };
        let named = if e.parse_domain(word).is_ok() || word.contains(':') {
            e.parse_named_domain(word)
        } else if let Some(az_name) =
            next.filter(|n| e.account_by_name_or_id(word).is_some() || is_az_name(n))
        {
            // An account and its AZ name (an unknown account is said as one).
            i += 1;
            e.resolve_az_name(word, az_name).map(|(a, az)| NamedDomain {
                domain: Domain::Az(az),
                az_name: Some((a, az_name.to_ascii_lowercase())),
            })
        } else {
            e.parse_named_domain(word)
        };
        out.push(named.map_err(|err| short_domain_error(&err))?);
        i += 1;
    }
    Ok(out)
}

/// A domain the estate does not have, said in one flash line.
fn short_domain_error(e: &ModelError) -> String {
    match e {
        ModelError::UnknownDomain {
            given,
            az_name_meanings,
            ..
        } if !az_name_meanings.is_empty() => format!(
            "{given} is an AZ name: use the AZ ID, which differs per account: {}; or name the account: :lose ACCOUNT {given}",
            az_name_meanings.join(", ")
        ),
        ModelError::UnknownDomain { given, known, .. } => {
            let some: Vec<&str> = known.iter().take(4).map(String::as_str).collect();
            let more = if known.len() > some.len() {
                ", …"
            } else {
                ""
            };
            format!(
                "{given} is not an AZ ID or Region of this estate (such as {}{more})",
                some.join(", ")
            )
        }
        other => super::app::first_line(&other.to_string()),
    }
}

/// `~` and `~/…` mean the home directory, as in a shell.
fn expand_home(path: &str) -> PathBuf {
    let home = || std::env::var_os("HOME").filter(|h| !h.is_empty());
    match (path, home()) {
        ("~", Some(h)) => PathBuf::from(h),
        (p, Some(h)) if p.starts_with("~/") => PathBuf::from(h).join(&p[2..]),
        (p, _) => PathBuf::from(p),
    }
}
