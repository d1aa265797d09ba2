//! The TUI driven by keys against ratatui's TestBackend: the real app, update and
//! render; effects run inline. Screens are compared with insta snapshots.

use blastmap::model::Domain;
use blastmap::sim::Status;
use blastmap::tui::app::{App, InputMode, Screen};
use blastmap::tui::theme::Theme;
use blastmap::tui::tree::RowKind;
use blastmap::tui::{self, Action, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;
use ratatui::style::Color;

struct Harness {
    app: App,
    term: Terminal<TestBackend>,
}

impl Harness {
    fn demo(w: u16, h: u16) -> Harness {
        Self::with_theme(w, h, Theme::new(false))
    }

    fn with_theme(w: u16, h: u16, theme: Theme) -> Harness {
        let mut hx = Harness {
            app: App::new(theme, Rect::new(0, 0, w, h)),
            term: Terminal::new(TestBackend::new(w, h)).unwrap(),
        };
        let loaded = tui::load(None, 0).expect("the demo estate loads");
        hx.dispatch(loaded);
        hx
    }

    /// Applies an action and runs the effects it asks for, as the runtime would;
    /// like the runtime, draws after it (the lists scroll by the height they drew).
    fn dispatch(&mut self, action: Action) {
        let effects = self.app.update(action);
        self.draw();
        for effect in effects {
            let follow = tui::perform(effect, self.app.engine.clone());
            if let Some(a) = follow {
                self.dispatch(a);
            }
        }
    }

    fn key_event(&mut self, ev: KeyEvent) {
        if let Some(a) = self.app.on_key(ev) {
            self.dispatch(a);
        }
    }

    /// Presses keys: space-separated names (`j`, `space`, `enter`, `esc`, `tab`, `backtab`,
    /// `down`, `ctrl-c`), or any single character.
    fn press(&mut self, keys: &str) {
        for k in keys.split(' ').filter(|k| !k.is_empty()) {
            let (code, mods) = match k {
                "space" => (KeyCode::Char(' '), KeyModifiers::NONE),
                "enter" => (KeyCode::Enter, KeyModifiers::NONE),
                "esc" => (KeyCode::Esc, KeyModifiers::NONE),
                "tab" => (KeyCode::Tab, KeyModifiers::NONE),
                "backtab" => (KeyCode::BackTab, KeyModifiers::SHIFT),
                "down" => (KeyCode::Down, KeyModifiers::NONE),
                "up" => (KeyCode::Up, KeyModifiers::NONE),
                "backspace" => (KeyCode::Backspace, KeyModifiers::NONE),
                "home" => (KeyCode::Home, KeyModifiers::NONE),
                "ctrl-c" => (KeyCode::Char('c'), KeyModifiers::CONTROL),
                other => {
                    let mut chars = other.chars();
                    let c = chars.next().unwrap();
                    assert!(chars.next().is_none(), "unknown key name {other}");
                    (KeyCode::Char(c), KeyModifiers::NONE)
                }
            };
            self.key_event(KeyEvent::new(code, mods));
        }
    }

    /// Types text into the filter or command prompt.
    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key_event(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
    }

    fn command(&mut self, text: &str) {
        self.press(":");
        self.type_text(text);
        self.press("enter");
    }

    fn draw(&mut self) {
        let app = &self.app;
        self.term.draw(|f| view::render(app, f)).unwrap();
    }

    fn screen(&mut self) -> String {
        self.draw();
        let buf = self.term.backend().buffer();
        let mut out = String::new();
        for y in 0..buf.area.height {
            let mut line = String::new();
            for x in 0..buf.area.width {
                line.push_str(buf[(x, y)].symbol());
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    /// Moves the domains cursor onto the row of `az_id` with `j`.
    fn select_az(&mut self, az_id: &str) {
        let engine = self.app.engine.clone().unwrap();
        let az = engine.estate.az_by_id(az_id).unwrap();
        let target = self
            .app
            .domains
            .tree
            .as_ref()
            .unwrap()
            .rows
            .iter()
            .position(|r| r.kind == RowKind::Az(az))
            .unwrap();
        self.press("home");
        while self.app.domains.list.cursor() < target {
            self.press("j");
        }
    }

    fn status_of(&self, lb: &str, tg: &str) -> Status {
        let engine = self.app.engine.as_ref().unwrap();
        let p = engine
            .topo
            .paths()
            .iter()
            .position(|p| {
                engine.estate.resource(p.lb).name == lb && engine.estate.resource(p.tg).name == tg
            })
            .unwrap();
        self.app.path_status(p)
    }
}

#[test]
fn starts_on_the_fault_domains_of_the_demo_estate() {
    let mut h = Harness::demo(120, 32);
    let screen = h.screen();
    assert!(screen.contains(
        "use1-az1 (shop-prod: us-east-1c, payments-prod: us-east-1a, platform: us-east-1d)"
    ));
    insta::assert_snapshot!(screen);
}

#[test]
fn marking_an_az_lost_turns_paths_down_and_degraded() {
    let mut h = Harness::demo(120, 32);
    h.select_az("use1-az4");
    h.press("space");
    assert_eq!(h.app.lost_domains().len(), 1);
    assert_eq!(h.status_of("checkout-alb", "checkout-web"), Status::Down);
    assert_eq!(
        h.status_of("storefront-alb", "storefront-web"),
        Status::Degraded
    );
    assert_eq!(h.status_of("auth-eu-alb", "auth-eu"), Status::Ok);
    let domains = h.screen();
    assert!(domains.contains("lost: use1-az4 │ 1 down, 4 degraded, 5 ok"));
    assert!(domains.contains("LOST"));
    h.press("2");
    insta::assert_snapshot!(h.screen());
    // Space again restores it.
    h.press("1 space");
    assert!(h.app.lost_domains().is_empty());
    assert!(h.screen().contains("0 down, 0 degraded, 10 ok"));
}

#[test]
fn the_path_detail_shows_every_hop_and_capacity_per_az() {
    let mut h = Harness::demo(140, 40);
    h.command("lose use1-az4");
    h.press("2");
    // Sorted by status, the down path is first.
    h.press("g enter");
    let screen = h.screen();
    assert!(screen.contains("Paths › checkout-alb → checkout-web"));
    assert!(screen.contains("egress via NAT gateway shop-use1-nat-a in use1-az4 (us-east-1a)"));
    assert!(screen.contains("Capacity per AZ (vCPU)"));
    insta::assert_snapshot!(screen);
    h.press("esc");
    assert!(h.app.paths.detail.is_none());
}

#[test]
fn the_matrix_shows_every_loss_and_enter_applies_one() {
    let mut h = Harness::demo(140, 32);
    h.press("3");
    let screen = h.screen();
    for d in ["euw1-az1", "use1-az6", "eu-west-1", "us-east-1"] {
        assert!(screen.contains(d), "{d} column");
    }
    insta::assert_snapshot!("matrix", screen);
    // Move to use1-az2 and apply it.
    let engine = h.app.engine.clone().unwrap();
    let az2 = Domain::Az(engine.estate.az_by_id("use1-az2").unwrap());
    while engine.matrix.domains[h.app.matrix.col] != az2 {
        h.press("l");
    }
    h.press("enter");
    assert_eq!(h.app.lost_domains().to_vec(), vec![az2]);
    assert!(h.screen().contains("lost: use1-az2 │ 3 down"));
}

#[test]
fn slash_filters_the_current_list_and_esc_clears_it() {
    let mut h = Harness::demo(120, 32);
    h.press("2 /");
    h.type_text("payments-nlb");
    assert_eq!(h.app.input, InputMode::Filter);
    h.press("enter");
    assert_eq!(h.app.paths.order.len(), 1);
    let screen = h.screen();
    assert!(screen.contains("payments-nlb → payments-api"));
    assert!(!screen.contains("storefront-alb"));
    assert!(screen.contains("filter \"payments-nlb\""));
    // A status is a filter too.
    h.press("/");
    for _ in 0.."payments-nlb".len() {
        h.press("backspace");
    }
    h.press("enter");
    assert_eq!(h.app.paths.order.len(), 10);
    h.command("lose use1-az2");
    h.press("/");
    h.type_text("down");
    h.press("enter");
    assert_eq!(h.app.paths.order.len(), 3);
    h.press("esc");
    assert_eq!(h.app.paths.order.len(), 10);
    // The domains tree filters resources and opens what matches.
    h.press("1 /");
    h.type_text("ledger");
    h.press("enter");
    insta::assert_snapshot!("domains_filtered", h.screen());
}

#[test]
fn help_lists_the_keymap() {
    let mut h = Harness::demo(120, 66);
    h.press("?");
    let screen = h.screen();
    assert!(screen.contains("lose the AZ or Region, or restore it"));
    assert!(screen.contains(":export FILE"));
    assert!(screen.contains(":gaps"));
    assert!(screen.contains("wheel"));
    insta::assert_snapshot!(screen);
    h.press("esc");
    assert!(!h.app.help.open);
}

#[test]
fn command_mode_reports_errors_in_the_flash_line() {
    let mut h = Harness::demo(120, 32);
    h.command("lose us-east-1a");
    let screen = h.screen();
    assert!(
        screen.contains(
            "us-east-1a is an AZ name: use the AZ ID, which differs per account: use1-az4 in shop-prod, use1-az1 in payments-prod"
        ),
        "{screen}"
    );
    h.command("lose mars-1");
    assert!(
        h.screen()
            .contains("mars-1 is not an AZ ID or Region of this estate (such as"),
        "{}",
        h.screen()
    );
    assert!(h.app.lost_domains().is_empty());
    h.command("frobnicate");
    assert!(h.screen().contains("unknown command :frobnicate"));
    h.command("open /nonexistent/estate.json");
    assert!(h.screen().contains("cannot read /nonexistent/estate.json"));
    // The flash fades after a few seconds of ticks.
    for _ in 0..12 {
        h.dispatch(Action::Tick);
    }
    assert!(h.app.flash.is_none());
    h.command("lose use1-az1 eu-west-1");
    assert!(h.screen().contains("lost: use1-az1, eu-west-1"));
    h.command("restore");
    assert!(h.screen().contains("lost: use1-az1 │"));
    h.command("clear");
    assert!(h.screen().contains("lost: nothing"));
}

#[test]
fn every_screen_fits_80_by_24() {
    let mut h = Harness::demo(80, 24);
    h.command("lose use1-az4");
    let mut all = String::new();
    for (key, name) in [
        ("1", "domains"),
        ("2", "paths"),
        ("3", "matrix"),
        ("4", "findings"),
    ] {
        h.press(key);
        let screen = h.screen();
        assert_eq!(screen.lines().count(), 24);
        assert!(
            screen
                .lines()
                .all(|l| unicode_width::UnicodeWidthStr::width(l) <= 80)
        );
        all.push_str(&format!("==== {name}\n{screen}"));
    }
    h.press("2 g enter");
    all.push_str(&format!("==== detail\n{}", h.screen()));
    insta::assert_snapshot!(all);
}

#[test]
fn a_tiny_terminal_gets_a_message_instead_of_garbage() {
    let mut h = Harness::demo(40, 10);
    let screen = h.screen();
    assert!(screen.contains("blastmap needs at least 60×12"), "{screen}");
    h.dispatch(Action::Resize(100, 30));
    h.term.backend_mut().resize(100, 30);
    assert!(h.screen().contains("Fault domains"));
}

#[test]
fn enter_on_a_finding_jumps_to_its_resource_in_the_tree() {
    let mut h = Harness::demo(120, 32);
    h.press("4 /");
    h.type_text("no-backups");
    h.press("enter enter");
    assert_eq!(h.app.screen, Screen::Domains);
    let engine = h.app.engine.clone().unwrap();
    let row = h.app.domains.tree.as_ref().unwrap().rows[h.app.domains.list.cursor()];
    let RowKind::Resource(r) = row.kind else {
        panic!("a resource row is selected")
    };
    assert_eq!(engine.estate.resource(r).name, "search-db");
    assert!(h.screen().contains("search-db"));
}

#[test]
fn tab_and_number_keys_switch_screens_and_mouse_clicks_select() {
    let mut h = Harness::demo(120, 32);
    h.press("tab");
    assert_eq!(h.app.screen, Screen::Paths);
    h.press("backtab backtab");
    assert_eq!(h.app.screen, Screen::Findings);
    let click = |column, row| {
        Action::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    // " 1 Fault domains   2 Paths …": the Paths tab starts at column 18.
    h.dispatch(click(20, 1));
    assert_eq!(h.app.screen, Screen::Paths);
    // The third path row (header at row 3, rows from 4).
    h.dispatch(click(30, 6));
    assert_eq!(h.app.paths.list.cursor(), 2);
}

#[test]
fn g_cycles_the_grouping_of_the_domains_tree() {
    let mut h = Harness::demo(120, 32);
    h.press("g");
    assert!(h.screen().contains("▸ shop-prod (111111111111)"));
    h.press("g");
    let screen = h.screen();
    assert!(screen.contains("› service › Region › AZ"));
    // Services start closed: the list of services first.
    for s in ["▸ auth", "▸ storefront", "▸ search-alb (no service tag)"] {
        assert!(screen.contains(s), "{s} in {screen}");
    }
    h.press("home enter");
    assert!(h.screen().contains("▾ auth"));
    assert!(
        h.screen()
            .contains("euw1-az1 (shop-prod: eu-west-1b, platform: eu-west-1a)")
    );
    h.press("g");
    assert!(h.screen().contains("› Region › AZ"));
}

#[test]
fn export_writes_the_what_if_as_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("retro.md");
    let mut h = Harness::demo(120, 32);
    h.command("lose use1-az4");
    h.command(&format!("export {}", file.display()));
    assert!(h.screen().contains("exported the what-if to"));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("# blastmap report: losing use1-az4"));
    assert!(text.contains("| **down** | checkout-alb → checkout-web |"));
    assert!(text.contains("## Matrix"));
}

#[test]
fn colours_mark_status_and_no_color_uses_glyphs_and_style_only() {
    let mut h = Harness::with_theme(120, 32, Theme::new(true));
    h.command("lose use1-az4");
    h.press("2");
    h.draw();
    let buf = h.term.backend().buffer();
    // The first row is the down path: its status cell is red.
    assert_eq!(buf[(0, 4)].symbol(), "✗");
    assert_eq!(buf[(0, 4)].fg, Color::Red);
    let mut plain = Harness::demo(120, 32);
    plain.command("lose use1-az4");
    plain.press("2");
    plain.draw();
    let buf = plain.term.backend().buffer();
    assert_eq!(buf[(0, 4)].symbol(), "✗");
    assert_eq!(buf[(0, 4)].fg, Color::Reset);
}

#[test]
fn quitting_works_with_q_and_ctrl_c() {
    let mut h = Harness::demo(80, 24);
    h.press("q");
    assert!(h.app.quit);
    let mut h = Harness::demo(80, 24);
    h.press(":");
    h.press("ctrl-c");
    assert!(h.app.quit, "ctrl-c quits even in command mode");
}

#[test]
fn a_live_scan_shows_progress_then_the_estate_with_its_gaps() {
    use blastmap::discover::{ScanEvent, UnitState};
    use blastmap::model::{CoverageStatus, Service};
    let mut h = Harness {
        app: App::live(Theme::new(false), Rect::new(0, 0, 100, 30)),
        term: Terminal::new(TestBackend::new(100, 30)).unwrap(),
    };
    let unit = |service, state| {
        Action::Scan(ScanEvent::Unit {
            account: "111111111111".into(),
            region: "us-east-1".into(),
            service,
            state,
        })
    };
    h.dispatch(unit(Service::Ec2, UnitState::Done(CoverageStatus::Ok)));
    h.dispatch(unit(Service::Rds, UnitState::Done(CoverageStatus::Denied)));
    h.dispatch(unit(Service::Elbv2, UnitState::Running));
    h.dispatch(Action::Scan(ScanEvent::Note(
        "assuming role arn:aws:iam::2:role/scan".into(),
    )));
    let screen = h.screen();
    assert!(screen.contains("scanning AWS (read-only)"), "{screen}");
    assert!(
        screen.contains("1 of 3 account/Region/service units read, 1 could not be"),
        "{screen}"
    );
    assert!(screen.lines().nth(2) == Some(" scanning…"), "{screen}");
    // Only keys that work before there is an estate; r waits for the scan to end.
    assert!(screen.lines().any(|l| l == " q quit │ ? help"), "{screen}");
    assert!(
        screen.contains("ec2 ✓") && screen.contains("rds ✗ denied"),
        "{screen}"
    );
    assert!(screen.contains("note: assuming role"), "{screen}");
    // The scan lands: an estate that could not read RDS in one account and Region.
    let text = blastmap::demo::DEMO_JSON.replacen(
        r#"{"account": "111111111111", "region": "us-east-1", "service": "rds", "status": "ok"}"#,
        r#"{"account": "111111111111", "region": "us-east-1", "service": "rds", "status": "denied", "message": "AccessDenied"}"#,
        1,
    );
    let estate = blastmap::snapshot::from_slice(text.as_bytes(), "scan").unwrap();
    let origin = tui::Origin::Live {
        scanned_at: "14:02:11".into(),
    };
    h.dispatch(Action::Loaded {
        generation: 0,
        result: Ok(Box::new(tui::Loaded::new(estate, origin))),
    });
    let screen = h.screen();
    assert!(
        screen.contains("live, scanned 14:02:11") || screen.contains("live 14:02:11"),
        "{screen}"
    );
    assert!(screen.contains("INCOMPLETE: 1 gap, :gaps"), "{screen}");
    h.command("gaps");
    let screen = h.screen();
    assert!(
        screen.contains("111111111111 us-east-1 rds: denied — AccessDenied"),
        "{screen}"
    );
    h.press("esc");
    assert!(!h.app.gaps.open);
    // r rescans (the runtime scans); the scenario is kept across the new estate.
    h.command("lose use1-az4");
    let effects = h
        .app
        .update(Action::Command(blastmap::tui::keymap::Command::Rescan));
    assert_eq!(effects, vec![tui::Effect::Rescan { generation: 1 }]);
    assert!(h.app.scanning);
    let estate = blastmap::demo::estate().unwrap();
    let origin = tui::Origin::Live {
        scanned_at: "14:05:00".into(),
    };
    h.dispatch(Action::Loaded {
        generation: 1,
        result: Ok(Box::new(tui::Loaded::new(estate, origin))),
    });
    assert!(!h.app.scanning);
    assert!(h.screen().contains("lost: use1-az4 │ 1 down"));
}

#[test]
fn a_scan_without_credentials_says_so_and_offers_only_the_keys_that_work() {
    use blastmap::discover::{DiscoverError, ScanEvent, UnitFailure, UnitState};
    use blastmap::model::Service;
    let mut h = Harness {
        app: App::live(Theme::new(false), Rect::new(0, 0, 100, 30)),
        term: Terminal::new(TestBackend::new(100, 30)).unwrap(),
    };
    h.dispatch(Action::Scan(ScanEvent::Unit {
        account: "default".into(),
        region: "us-east-1".into(),
        service: Service::Sts,
        state: UnitState::Failed(UnitFailure::NoCredentials),
    }));
    let why = DiscoverError::NoCredentials {
        who: "the default credential chain".into(),
    };
    // As the runtime words a failed scan.
    h.dispatch(Action::Loaded {
        generation: 0,
        result: Err(format!(
            "{why}\n\nPress r to scan again or q to quit. `blastmap demo` runs without AWS."
        )),
    });
    let screen = h.screen();
    assert!(!screen.contains("loading…"), "{screen}");
    assert!(!screen.contains("denied"), "{screen}");
    assert!(!screen.contains("space"), "{screen}");
    insta::assert_snapshot!("live_scan_without_credentials", screen);
    // Keys that need an estate say what works instead.
    h.press("space");
    assert!(
        h.screen()
            .contains("the scan failed: r scans again, q quits"),
        "{}",
        h.screen()
    );
    // r scans again (the runtime scans; here the effect is left undone).
    let effects = h
        .app
        .update(Action::Command(blastmap::tui::keymap::Command::Rescan));
    assert_eq!(effects, vec![tui::Effect::Rescan { generation: 1 }]);
    assert!(h.app.scanning);
    let screen = h.screen();
    assert!(screen.lines().nth(2) == Some(" scanning…"), "{screen}");
    assert!(!screen.contains("r rescan"), "{screen}");
}

#[test]
fn rescan_on_a_snapshot_says_it_needs_a_live_estate() {
    let mut h = Harness::demo(100, 30);
    h.press("r");
    assert!(h.screen().contains("r rescans live estates only"));
}

#[test]
fn a_superseded_load_is_dropped() {
    let mut h = Harness::demo(100, 30);
    h.command("lose use1-az4");
    // A load is asked for (:open), then an older load lands late: it is ignored.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("e.json");
    std::fs::write(&file, blastmap::demo::DEMO_JSON).unwrap();
    let effects = h
        .app
        .update(Action::Command(blastmap::tui::keymap::Command::CommandMode));
    assert!(effects.is_empty());
    h.type_text(&format!("open {}", file.display()));
    let effects = h.app.update(Action::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    let [tui::Effect::LoadSnapshot { generation, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let stale = tui::Loaded::new(blastmap::demo::estate().unwrap(), tui::Origin::Demo);
    h.dispatch(Action::Loaded {
        generation: generation - 1,
        result: Ok(Box::new(stale)),
    });
    assert!(
        h.screen().contains("lost: use1-az4"),
        "the stale load changed nothing"
    );
    let fresh = tui::load(Some(file.clone()), *generation).unwrap();
    h.dispatch(fresh);
    assert!(h.screen().contains("snapshot e.json"));
}

#[test]
fn export_writes_the_scenario_asked_for_even_mid_simulation() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("retro.md");
    let mut h = Harness::demo(120, 32);
    // :lose asks for a simulation; the export comes before its result.
    h.press(":");
    h.type_text("lose use1-az2");
    let sim = h.app.update(Action::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    assert!(h.app.simulating);
    h.command(&format!("export {}", file.display()));
    drop(sim);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.starts_with("# blastmap report: losing use1-az2"),
        "{}",
        &text[..80]
    );
    assert!(text.contains("| **down** | payments-nlb → payments-api |"));
}

#[test]
fn scrolling_stops_at_the_end_of_the_content() {
    let mut h = Harness::demo(80, 24);
    h.command("lose use1-az4");
    h.press("2 home enter G");
    let bottom = h.app.paths.detail_scroll.top();
    assert!(bottom > 0, "the detail is longer than 80×24");
    let end = h.screen();
    h.press("G j j j");
    assert_eq!(h.app.paths.detail_scroll.top(), bottom);
    h.press("k");
    assert_eq!(
        h.app.paths.detail_scroll.top(),
        bottom - 1,
        "one k scrolls back at once"
    );
    assert_ne!(h.screen(), end);
    h.press("esc ?");
    for _ in 0..100 {
        h.press("j");
    }
    let at_end = h.app.help.scroll.top();
    h.press("k");
    assert_eq!(h.app.help.scroll.top(), at_end - 1);
}

#[test]
fn a_narrow_paths_screen_shows_the_selected_paths_reasons_below() {
    let mut h = Harness::demo(80, 24);
    h.command("lose use1-az4");
    h.press("2");
    let screen = h.screen();
    // The list starts at the top, on the down path, and the pane under it says why in full.
    assert_eq!(h.app.paths.list.cursor(), 0);
    assert!(
        screen.contains("── checkout-alb → checkout-web ──"),
        "{screen}"
    );
    assert!(screen.contains("• "), "{screen}");
    // Cut labels keep the target group, which tells rows of one load balancer apart.
    assert!(
        screen.contains("storefront-a… → storefront-api"),
        "{screen}"
    );
    // Moving the cursor changes the pane.
    h.press("j");
    assert!(h.screen().contains("── auth-alb → auth ──"));
    // Wide screens show the pane where the list leaves the rows free anyway,
    // and give every row to the list where it does not.
    let mut wide = Harness::demo(160, 40);
    wide.command("lose use1-az4");
    wide.press("2");
    assert!(wide.screen().contains("── checkout-alb"));
    let mut short = Harness::demo(160, 16);
    short.command("lose use1-az4");
    short.press("2");
    let screen = short.screen();
    assert!(!screen.contains("── checkout-alb"), "{screen}");
    assert!(screen.contains("webhooks-alb"), "{screen}");
}

#[test]
fn a_new_scenario_puts_the_paths_cursor_back_on_top() {
    let mut h = Harness::demo(120, 32);
    h.press("2 j j j");
    assert_eq!(h.app.paths.list.cursor(), 3);
    h.command("lose use1-az4");
    assert_eq!(h.app.paths.list.cursor(), 0);
    let first = h.app.paths.order[0];
    assert_eq!(h.app.path_status(first), Status::Down);
    // With the detail open, the scenario changes under it and the cursor stays on its path.
    h.press("j j enter");
    let open = h.app.paths.detail;
    h.command("lose use1-az6");
    assert_eq!(h.app.paths.detail, open);
    assert_eq!(Some(h.app.paths.order[h.app.paths.list.cursor()]), open);
}

#[test]
fn paths_of_one_status_sort_by_the_label_shown() {
    let mut h = Harness::demo(120, 32);
    h.press("2");
    let engine = h.app.engine.clone().unwrap();
    let labels: Vec<&str> = h
        .app
        .paths
        .order
        .iter()
        .map(|&p| engine.path_label[p].as_str())
        .collect();
    let mut sorted = labels.clone();
    sorted.sort();
    assert_eq!(labels, sorted, "all ok: by label");
    // By name too.
    h.press("s s");
    assert_eq!(h.app.paths.sort.label(), "name");
    let by_name: Vec<&str> = h
        .app
        .paths
        .order
        .iter()
        .map(|&p| engine.path_label[p].as_str())
        .collect();
    assert_eq!(by_name, sorted);
}

#[test]
fn keys_before_an_estate_is_loaded_say_why_nothing_happens() {
    let mut app = App::new(Theme::new(false), Rect::new(0, 0, 100, 30));
    let effects = app.update(Action::Command(blastmap::tui::keymap::Command::Screen(1)));
    assert!(effects.is_empty());
    assert_eq!(app.screen, Screen::Domains);
    let flash = app.flash.as_ref().expect("a flash");
    assert!(
        flash.text.contains("still loading the estate"),
        "{}",
        flash.text
    );
}

#[test]
fn an_estate_from_the_command_line_that_cannot_be_read_ends_the_tui_with_the_error() {
    let mut app = App::new(Theme::new(false), Rect::new(0, 0, 100, 30));
    let failed = tui::load(Some("/nonexistent/estate.json".into()), 0).unwrap();
    app.update(failed);
    assert!(app.quit);
    let fatal = app
        .fatal
        .as_deref()
        .expect("the error is kept for the terminal");
    assert!(
        fatal.contains("cannot read /nonexistent/estate.json"),
        "{fatal}"
    );
    // A later :open that fails keeps the TUI and the estate it has.
    let mut h = Harness::demo(100, 30);
    h.command("open /nonexistent/other.json");
    assert!(!h.app.quit);
    assert!(h.app.fatal.is_none());
    assert!(h.app.engine.is_some());
}

#[test]
fn open_and_export_take_file_names_with_spaces_and_a_home_tilde() {
    let home = tempfile::tempdir().unwrap();
    // SAFETY: this test binary's tests read HOME only here.
    unsafe { std::env::set_var("HOME", home.path()) };
    let mut h = Harness::demo(100, 30);
    h.command("lose use1-az4");
    h.command("export ~/retro notes.md");
    let text = std::fs::read_to_string(home.path().join("retro notes.md")).unwrap();
    assert!(text.starts_with("# blastmap report: losing use1-az4"));
    std::fs::write(
        home.path().join("my estate.json"),
        blastmap::demo::DEMO_JSON,
    )
    .unwrap();
    h.command("open ~/my estate.json");
    assert!(
        h.screen().contains("snapshot my estate.json"),
        "{}",
        h.screen()
    );
}

#[test]
fn lose_and_restore_say_what_they_did_not_do() {
    let mut h = Harness::demo(120, 32);
    h.command("restore use1-az6");
    assert_eq!(h.app.flash.as_ref().unwrap().text, "use1-az6 is not lost");
    assert!(h.app.lost_domains().is_empty());
    h.command("lose use1-az4");
    h.command("lose use1-az4,use1-az1");
    assert_eq!(
        h.app.flash.as_ref().unwrap().text,
        "lost use1-az1; use1-az4 is already lost"
    );
    assert_eq!(h.app.lost_domains().len(), 2);
    h.command("restore use1-az1 eu-west-1");
    assert_eq!(
        h.app.flash.as_ref().unwrap().text,
        "restored use1-az1; eu-west-1 is not lost"
    );
    assert_eq!(h.app.lost_domains().len(), 1);
}

#[test]
fn thousands_of_coverage_gaps_scroll_in_their_popup() {
    // ~400 accounts × 17 Regions × 5 services, all denied: a realistic failed scan.
    let gaps: Vec<String> = (0..40_000)
        .map(|i| {
            format!(
                r#"{{"account": "{:012}", "region": "us-east-1", "service": "rds", "status": "denied", "message": "AccessDenied {i}"}}"#,
                i
            )
        })
        .collect();
    let text = blastmap::demo::DEMO_JSON.replacen(
        r#""coverage": ["#,
        &format!(r#""coverage": [{},"#, gaps.join(",")),
        1,
    );
    let estate = blastmap::snapshot::from_slice(text.as_bytes(), "scan").unwrap();
    let mut h = Harness::demo(80, 24);
    h.dispatch(Action::Loaded {
        generation: h.app.load_generation,
        result: Ok(Box::new(tui::Loaded::new(
            estate,
            tui::Origin::Live {
                scanned_at: "14:02:11".into(),
            },
        ))),
    });
    h.command("gaps");
    let screen = h.screen();
    assert!(screen.contains("coverage gaps 1–21 of 40000"), "{screen}");
    assert!(screen.contains("AccessDenied 0"), "{screen}");
    h.press("G");
    let screen = h.screen();
    assert!(screen.contains("AccessDenied 39999"), "{screen}");
    h.press("home");
    assert_eq!(h.app.gaps.scroll.top(), 0);
    h.press("esc");
    assert!(!h.app.gaps.open);
}

#[test]
fn end_and_home_scroll_the_help_to_its_ends() {
    let mut h = Harness::demo(80, 24);
    h.press("?");
    h.press("G");
    assert!(h.app.help.scroll.top() > 0, "the help is longer than 80×24");
    let screen = h.screen();
    assert!(screen.contains("Mouse"), "{screen}");
    h.press("home");
    assert_eq!(h.app.help.scroll.top(), 0);
}

#[test]
fn an_az_lost_with_its_region_is_said_so() {
    let mut h = Harness::demo(120, 32);
    h.command("lose us-east-1");
    h.command("lose use1-az2");
    assert_eq!(
        h.app.flash.as_ref().unwrap().text,
        "use1-az2 (with us-east-1) is already lost"
    );
    assert_eq!(h.app.lost_domains().len(), 1);
    h.command("restore use1-az4");
    assert_eq!(
        h.app.flash.as_ref().unwrap().text,
        "use1-az4 is lost with us-east-1: :restore us-east-1 brings it back"
    );
    assert_eq!(h.app.lost_domains().len(), 1);
}

#[test]
fn a_long_message_takes_both_footer_lines_so_its_end_shows() {
    let mut h = Harness::demo(80, 24);
    h.command("lose us-east-1a");
    let screen = h.screen();
    assert!(screen.contains("use1-az1 in payments-prod"), "{screen}");
    assert!(screen.contains("us-east-1a is an AZ name"), "{screen}");
    // Once it fades, the key hints are back.
    for _ in 0..12 {
        h.dispatch(Action::Tick);
    }
    assert!(h.screen().contains("? help"));
}

#[test]
fn paths_of_one_label_say_where_they_are_in_the_matrix() {
    use blastmap_core::synth::{SynthConfig, generate};
    // Services that run in two Regions have the same names in both.
    let estate = generate(&SynthConfig {
        resources: 4_000,
        seed: 7,
        ..Default::default()
    });
    let mut h = Harness::demo(200, 50);
    h.dispatch(Action::Loaded {
        generation: h.app.load_generation,
        result: Ok(Box::new(tui::Loaded::new(estate, tui::Origin::Demo))),
    });
    let engine = h.app.engine.clone().unwrap();
    let shared: Vec<usize> = (0..engine.path_label.len())
        .filter(|&p| engine.path_where[p].is_some())
        .collect();
    assert!(
        shared.len() >= 2,
        "the synthetic estate has multi-Region services"
    );
    let p = shared[0];
    let twin = shared
        .iter()
        .copied()
        .find(|&q| q != p && engine.path_label[q] == engine.path_label[p])
        .unwrap();
    assert_ne!(engine.path_label_placed(p), engine.path_label_placed(twin));
    h.press("3");
    h.command(&format!(
        "lose {}",
        engine.estate.region_name(engine.topo.paths()[p].region)
    ));
    h.press("3");
    let screen = h.screen();
    let placed = format!(
        "{} {}",
        engine.path_label[p],
        engine.path_where[p].as_deref().unwrap()
    );
    assert!(screen.contains(&placed), "{placed}\n{screen}");
}

#[test]
fn an_az_named_with_its_region_in_one_command_is_lost_with_it() {
    let mut h = Harness::demo(120, 32);
    h.command("lose use1-az1 us-east-1 us-east-1");
    assert_eq!(
        h.app.flash.as_ref().unwrap().text,
        "lost us-east-1; use1-az1 (with us-east-1) is already lost"
    );
    assert_eq!(h.app.lost_domains().len(), 1);
    h.command("restore us-east-1 use1-az1");
    assert_eq!(
        h.app.flash.as_ref().unwrap().text,
        "restored us-east-1; use1-az1 is not lost"
    );
    assert!(h.app.lost_domains().is_empty());
}

#[test]
fn space_on_an_az_lost_with_its_region_says_how_to_bring_it_back() {
    let mut h = Harness::demo(120, 32);
    h.command("lose us-east-1");
    h.select_az("use1-az4");
    h.press("space");
    assert_eq!(
        h.app.flash.as_ref().unwrap().text,
        "use1-az4 is lost with us-east-1: :restore us-east-1 brings it back"
    );
    assert_eq!(h.app.lost_domains().len(), 1);
    // An AZ lost by name is restored by name, as before.
    h.command("clear");
    h.select_az("use1-az4");
    h.press("space");
    assert_eq!(h.app.flash.as_ref().unwrap().text, "lost use1-az4");
    h.press("space");
    assert_eq!(h.app.flash.as_ref().unwrap().text, "restored use1-az4");
    assert!(h.app.lost_domains().is_empty());
}

#[test]
fn open_on_an_s3_prefix_lists_its_snapshots_newest_first_to_pick_from() {
    use blastmap::discover::snapshots::{Listed, parse_time};
    let prefix = "s3://team-bucket/blastmap/";
    let mut h = Harness::demo(100, 30);
    h.press(":");
    h.type_text(&format!("open {prefix}"));
    // Not dispatched: the harness would list the real S3.
    let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    let effects = h.app.update(Action::Key(enter));
    assert_eq!(
        effects,
        [tui::Effect::ListSnapshots {
            prefix: prefix.into()
        }]
    );
    let listed = |time: &str, stamp: &str| Listed {
        key: format!("blastmap/snapshots/{stamp}.json"),
        url: format!("{prefix}snapshots/{stamp}.json"),
        taken: parse_time(time).unwrap(),
        size: 48_213,
    };
    h.dispatch(Action::SnapshotsListed {
        prefix: prefix.into(),
        result: Ok(vec![
            listed("2026-11-20T08:30Z", "20261120T083000.000Z"),
            listed("2026-11-20T09:30Z", "20261120T093000.000Z"),
            listed("2026-11-20T10:30Z", "20261120T103000.000Z"),
        ]),
    });
    let screen = h.screen();
    assert!(
        screen.contains("3 snapshots in s3://team-bucket/blastmap/"),
        "{screen}"
    );
    let newest = screen.find("2026-11-20T10:30:00Z").expect("the newest");
    let oldest = screen.find("2026-11-20T08:30:00Z").expect("the oldest");
    assert!(newest < oldest, "newest first:\n{screen}");
    assert!(screen.contains("48.2 kB  (newest)"), "{screen}");
    // j moves to the second newest; enter opens it (not dispatched: it reads S3).
    h.press("j");
    let action = h.app.on_key(enter).expect("enter does something");
    let effects = h.app.update(action);
    let [tui::Effect::LoadSnapshot { path, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(
        path.display().to_string(),
        format!("{prefix}snapshots/20261120T093000.000Z.json")
    );
    assert!(!h.app.snapshots.open);

    // esc closes without opening; an empty prefix says how to fill it.
    h.dispatch(Action::SnapshotsListed {
        prefix: prefix.into(),
        result: Ok(vec![listed("2026-11-20T08:30Z", "20261120T083000.000Z")]),
    });
    assert!(h.app.snapshots.open);
    h.press("esc");
    assert!(!h.app.snapshots.open);
    h.dispatch(Action::SnapshotsListed {
        prefix: prefix.into(),
        result: Ok(Vec::new()),
    });
    assert!(!h.app.snapshots.open);
    assert!(
        h.screen().contains("no blastmap snapshot in"),
        "{}",
        h.screen()
    );
}
