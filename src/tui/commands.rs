//! The `:` commands, in one table: what `:` runs and what the `?` help lists.

use std::path::PathBuf;

use crate::model::{Domain, ModelError};

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
        "lose AZ IDs or Regions (use1-az1 eu-west-1)",
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
        "go to a screen (:domains :matrix :findings)",
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
                    "unknown command :{verb} (try :lose, :restore, :clear, :open, :export, :gaps, :q; ? lists them)"
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

fn restore(app: &mut App, args: &Args) -> Vec<Effect> {
    if args.words.is_empty() {
        return app.restore_last();
    }
    match parse_domains(app, &args.words) {
        Ok(ds) => app.restore(ds),
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
    app.flash(format!("opening {}…", path.display()), false);
    let generation = app.next_load();
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

/// `use1-az1 eu-west-1`, `use1-az1,use1-az2`: the domains named, as the estate has them.
fn parse_domains(app: &App, words: &[&str]) -> Result<Vec<Domain>, String> {
    let engine = app.engine.as_ref().ok_or("no estate is loaded yet")?;
    words
        .iter()
        .flat_map(|a| a.split(','))
        .filter(|a| !a.is_empty())
        .map(|a| {
            engine
                .estate
                .parse_domain(a)
                .map_err(|e| short_domain_error(&e))
        })
        .collect()
}

/// A domain the estate does not have, said in one flash line.
fn short_domain_error(e: &ModelError) -> String {
    match e {
        ModelError::UnknownDomain {
            given,
            az_name_meanings,
            ..
        } if !az_name_meanings.is_empty() => format!(
            "{given} is an AZ name: use the AZ ID, which differs per account: {}",
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
