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

    /// Moves the matrix cursor onto the row of the path `lb → tg` with `j`.
    fn select_matrix_path(&mut self, lb: &str, tg: &str) {
        let engine = self.app.engine.clone().unwrap();
        let row = self
            .app
            .matrix
            .order
            .iter()
            .position(|&p| {
                let spec = &engine.topo.paths()[p];
                engine.estate.resource(spec.lb).name == lb
                    && engine.estate.resource(spec.tg).name == tg
            })
            .unwrap();
        self.press("home");
        while self.app.matrix.list.cursor() < row {
            self.press("j");
        }
    }

    /// Moves the paths cursor onto the path `lb → tg` with `j`.
    fn select_path(&mut self, lb: &str, tg: &str) {
        let engine = self.app.engine.clone().unwrap();
        let p = engine
            .topo
            .paths()
            .iter()
            .position(|p| {
                engine.estate.resource(p.lb).name == lb && engine.estate.resource(p.tg).name == tg
            })
            .unwrap();
        let row = self.app.paths.order.iter().position(|&q| q == p).unwrap();
        self.press("home");
        while self.app.paths.list.cursor() < row {
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
    // Each AZ ID with every account's own name for it (docs/demo-estate.md, §1).
    assert!(
        screen.contains("euw1-az1 (shop-prod: eu-west-1b, platform: eu-west-1a)"),
        "{screen}"
    );
    assert!(screen.contains("0 down, 0 degraded, 15 ok"), "{screen}");
    insta::assert_snapshot!(screen);
    h.select_az("use1-az1");
    assert!(h.screen().contains(
        "use1-az1 (shop-prod: us-east-1c, payments-prod: us-east-1a, platform: us-east-1d)"
    ));
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
    // The cache with automatic failover off (§11) and the Lambda in one AZ (§13).
    assert_eq!(h.status_of("cart-alb", "cart"), Status::Down);
    assert_eq!(h.status_of("media-alb", "thumbnails"), Status::Down);
    let domains = h.screen();
    assert!(domains.contains("lost: use1-az4 │ 3 down, 5 degraded, 7 ok"));
    assert!(domains.contains("LOST"));
    h.press("2");
    insta::assert_snapshot!(h.screen());
    // Space again restores it.
    h.press("1 space");
    assert!(h.app.lost_domains().is_empty());
    assert!(h.screen().contains("0 down, 0 degraded, 15 ok"));
}

#[test]
fn the_path_detail_shows_every_hop_and_capacity_per_az() {
    let mut h = Harness::demo(140, 40);
    h.command("lose use1-az4");
    h.press("2");
    h.select_path("checkout-alb", "checkout-web");
    h.press("enter");
    let screen = h.screen();
    assert!(screen.contains("Paths › checkout-alb → checkout-web"));
    assert!(screen.contains("egress via NAT gateway shop-use1-nat-a in use1-az4 (us-east-1a)"));
    assert!(screen.contains("Capacity per AZ (vCPU)"));
    insta::assert_snapshot!(screen);
    h.press("esc");
    assert!(h.app.paths.detail.is_none());
}

#[test]
fn the_matrix_shows_every_loss_enter_explains_a_cell_and_a_applies_it() {
    let mut h = Harness::demo(140, 32);
    h.press("3");
    let screen = h.screen();
    for d in ["euw1-az1", "use1-az6", "eu-west-1", "us-east-1"] {
        assert!(screen.contains(d), "{d} column");
    }
    insta::assert_snapshot!("matrix", screen);
    // Move to use1-az2: enter explains the cell in place and changes nothing.
    let engine = h.app.engine.clone().unwrap();
    let az2 = Domain::Az(engine.estate.az_by_id("use1-az2").unwrap());
    while h.app.matrix.selected_domain(&engine) != Some(az2) {
        h.press("l");
    }
    h.press("enter");
    assert!(h.app.lost_domains().is_empty(), "enter applies nothing");
    let screen = h.screen();
    assert!(
        screen.contains("── auth-eu-alb → auth-eu when use1-az2 is lost"),
        "{screen}"
    );
    assert!(
        screen.contains("✓ ok: 6/6 vCPU now, 6 after recovery"),
        "{screen}"
    );
    // Down a row: payments, down with its ledger (docs/demo-estate.md §3).
    h.select_matrix_path("payments-nlb", "payments-api");
    let screen = h.screen();
    assert!(
        screen.contains("✗ down: 0/16 vCPU now, 0 after recovery"),
        "{screen}"
    );
    assert!(
        screen.contains("ledger-db (single-AZ RDS instance) is lost in use1-az2"),
        "{screen}"
    );
    // a applies the loss alone.
    h.press("a");
    assert_eq!(h.app.lost_domains().to_vec(), vec![az2]);
    // payments (ledger-db), checkout through it, and both media paths (internal-api).
    assert!(h.screen().contains("lost: use1-az2 │ 4 down"));
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
    assert_eq!(h.app.paths.order.len(), 15);
    h.command("lose use1-az2");
    h.press("/");
    h.type_text("down");
    h.press("enter");
    assert_eq!(h.app.paths.order.len(), 4);
    h.press("esc");
    assert_eq!(h.app.paths.order.len(), 15);
    // The domains tree filters resources and opens what matches.
    h.press("1 /");
    h.type_text("ledger");
    h.press("enter");
    insta::assert_snapshot!("domains_filtered", h.screen());
}

#[test]
fn help_lists_the_keymap() {
    let mut h = Harness::demo(120, 72);
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
    h.press("2 home enter");
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
    // The first no-backups finding, as main orders them: the storefront's DynamoDB
    // table with no copy at all (docs/demo-estate.md).
    assert_eq!(engine.estate.resource(r).name, "storefront-recent");
    assert!(h.screen().contains("storefront-recent"));
}

#[test]
fn tab_and_number_keys_switch_screens_and_mouse_clicks_select() {
    let mut h = Harness::demo(120, 32);
    h.press("tab");
    assert_eq!(h.app.screen, Screen::Paths);
    h.press("backtab backtab");
    assert_eq!(h.app.screen, Screen::Backups, "wraps round to the last tab");
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
fn s_cycles_the_grouping_of_the_domains_tree_and_g_goes_to_the_top() {
    let mut h = Harness::demo(120, 32);
    h.press("j j g");
    assert_eq!(
        h.app.domains.list.cursor(),
        0,
        "g is top, as on every screen"
    );
    h.press("s");
    assert!(h.screen().contains("▸ shop-prod (111111111111)"));
    h.press("s");
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
    h.press("s");
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
    // The second row is a down path: its status cell is red.
    assert_eq!(buf[(0, 5)].symbol(), "✗");
    assert_eq!(buf[(0, 5)].fg, Color::Red);
    // The selected first row is a bar across the screen, whatever it holds.
    for x in [0, 40, 119] {
        assert_eq!(buf[(x, 4)].bg, Color::Cyan, "column {x}");
        assert_eq!(buf[(x, 4)].fg, Color::Black, "column {x}");
    }
    let mut plain = Harness::demo(120, 32);
    plain.command("lose use1-az4");
    plain.press("2");
    plain.draw();
    let buf = plain.term.backend().buffer();
    assert_eq!(buf[(0, 5)].symbol(), "✗");
    assert_eq!(buf[(0, 5)].fg, Color::Reset);
    // Without colour, the selection is reversed, across the screen.
    for x in [0, 40, 119] {
        assert!(
            buf[(x, 4)]
                .modifier
                .contains(ratatui::style::Modifier::REVERSED),
            "column {x}"
        );
        assert!(
            !buf[(x, 5)]
                .modifier
                .contains(ratatui::style::Modifier::REVERSED)
        );
    }
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
    assert!(h.screen().contains("lost: use1-az4 │ 3 down"));
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
    // The list starts at the top, on the first down path, and the pane under it says
    // why in full.
    assert_eq!(h.app.paths.list.cursor(), 0);
    assert!(screen.contains("── cart-alb → cart ──"), "{screen}");
    assert!(screen.contains("• "), "{screen}");
    // At 80 columns: the account (abbreviated), and how a degraded path is degraded.
    let row = |screen: &str, what: &str| {
        screen
            .lines()
            .find(|l| l.contains(what))
            .unwrap_or_else(|| panic!("{what} in {screen}"))
            .to_string()
    };
    assert!(row(&screen, "STATUS").contains("ACCOUNT"), "{screen}");
    assert!(
        row(&screen, "payments-nlb").contains("payme…prod"),
        "{screen}"
    );
    // search keeps all its capacity: its NAT egress is what it lost.
    assert!(
        row(&screen, "search-alb").starts_with("~ egress"),
        "{screen}"
    );
    assert!(
        row(&screen, "auth-alb → auth ").starts_with("~ capacity"),
        "{screen}"
    );
    assert!(row(&screen, "cart-alb").starts_with("✗ down"), "{screen}");
    // Moving the cursor changes the pane.
    h.press("j");
    assert!(h.screen().contains("── checkout-alb → checkout-web ──"));
    // Wide screens show the pane where the list leaves the rows free anyway,
    // and give every row to the list where it does not.
    let mut wide = Harness::demo(160, 40);
    wide.command("lose use1-az4");
    wide.press("2");
    assert!(wide.screen().contains("── cart-alb"));
    let mut short = Harness::demo(160, 16);
    short.command("lose use1-az4");
    short.press("2");
    let screen = short.screen();
    assert!(!screen.contains("── cart-alb"), "{screen}");
    // Ten rows under the heading: the tenth path shows, which the pane would hide.
    assert!(screen.contains("media-alb → media-origin"), "{screen}");
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
    // The change, with its answer (use1-az1: webhooks and search; use1-az4: cart,
    // checkout and thumbnails).
    assert_eq!(
        h.app.flash.as_ref().unwrap().text,
        "lost use1-az1; use1-az4 is already lost: 5 down, 5 degraded, 5 ok"
    );
    assert_eq!(h.app.lost_domains().len(), 2);
    h.command("restore use1-az1 eu-west-1");
    assert_eq!(
        h.app.flash.as_ref().unwrap().text,
        "restored use1-az1; eu-west-1 is not lost: 3 down, 5 degraded, 7 ok"
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
        "lost us-east-1; use1-az1 (with us-east-1) is already lost: 12 down, 2 degraded, 1 ok"
    );
    assert_eq!(h.app.lost_domains().len(), 1);
    h.command("restore us-east-1 use1-az1");
    assert_eq!(
        h.app.flash.as_ref().unwrap().text,
        "restored us-east-1; use1-az1 is not lost: 0 down, 0 degraded, 15 ok"
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
    assert_eq!(
        h.app.flash.as_ref().unwrap().text,
        "lost use1-az4: 3 down, 5 degraded, 7 ok"
    );
    h.press("space");
    assert_eq!(
        h.app.flash.as_ref().unwrap().text,
        "restored use1-az4: 0 down, 0 degraded, 15 ok"
    );
    assert!(h.app.lost_domains().is_empty());
}

#[test]
fn the_global_pseudo_region_of_entry_points_cannot_be_lost() {
    let mut h = Harness::demo(120, 32);
    let engine = h.app.engine.clone().unwrap();
    let global = engine.estate.region_by_name("global").unwrap();
    let rows = &h.app.domains.tree.as_ref().unwrap().rows;
    let target = rows
        .iter()
        .position(|r| r.kind == RowKind::Region(global))
        .expect("the tree shows the global pseudo-Region");
    // The Region row and the rows under it.
    for row in [target, target + 1] {
        h.press("home");
        while h.app.domains.list.cursor() < row {
            h.press("j");
        }
        h.press("space");
        assert!(h.app.lost_domains().is_empty(), "row {row}");
        let flash = &h.app.flash.as_ref().unwrap().text;
        assert!(flash.contains("global (Route 53"), "{flash}");
    }
    assert!(h.screen().contains("lost: nothing"));
}

#[test]
fn the_backups_screen_lists_the_data_worst_first_with_what_a_region_loss_restores() {
    let mut h = Harness::demo(120, 32);
    h.press("5");
    assert_eq!(h.app.screen, Screen::Backups);
    let engine = h.app.engine.clone().unwrap();
    let names: Vec<&str> = h
        .app
        .backups
        .order
        .iter()
        .map(|&i| engine.backups[i].name.as_str())
        .collect();
    // docs/demo-estate.md §16: no backup at all first (cart-sessions, search-db,
    // storefront-recent), then the stale events-aurora and the rest with no copy
    // outside us-east-1; the ledger's 3-hour-old copy in eu-west-1 before the replicas.
    assert_eq!(
        names[..4],
        [
            "cart-sessions",
            "search-db",
            "storefront-recent",
            "events-aurora"
        ]
    );
    let ledger = names.iter().position(|n| *n == "ledger-db").unwrap();
    let orders = names.iter().position(|n| *n == "orders-db").unwrap();
    let carts = names.iter().position(|n| *n == "carts").unwrap();
    assert!(orders < ledger && ledger < carts, "{names:?}");
    let screen = h.screen();
    assert!(screen.contains("› Backups › worst first"), "{screen}");
    let row = screen.lines().find(|l| l.contains("ledger-db")).unwrap();
    assert!(row.contains("2026-11-20 06:40"), "{row}");
    assert!(row.contains("eu-west-1, RPO 3 h"), "{row}");
    insta::assert_snapshot!("backups_120x32", screen);
    // The pane spells out the selected data.
    h.press("/");
    h.type_text("ledger");
    h.press("enter");
    let screen = h.screen();
    assert!(
        screen.contains(
            "if us-east-1 is lost: ledger-db can be restored in eu-west-1 from an AWS Backup copy (RPO 3 h)"
        ),
        "{screen}"
    );
    assert!(screen.contains("needed by: checkout, payments"), "{screen}");
    // enter shows it in the domains tree.
    h.press("enter");
    assert_eq!(h.app.screen, Screen::Domains);
    let row = h.app.domains.tree.as_ref().unwrap().rows[h.app.domains.list.cursor()];
    let RowKind::Resource(r) = row.kind else {
        panic!("a resource row is selected")
    };
    assert_eq!(engine.estate.resource(r).name, "ledger-db");
    // s orders by name.
    h.press("5 esc s");
    assert_eq!(h.app.backups.sort.label(), "name");
    let first = engine.backups[h.app.backups.order[0]].name.as_str();
    assert_eq!(first, "auth-tokens");
}

#[test]
fn the_backups_screen_fits_80_by_24_and_marks_the_lost_region() {
    let mut h = Harness::demo(80, 24);
    h.command("lose us-east-1");
    h.press("5");
    let screen = h.screen();
    assert!(
        screen
            .lines()
            .all(|l| unicode_width::UnicodeWidthStr::width(l) <= 80)
    );
    let row = screen.lines().find(|l| l.contains("orders-db")).unwrap();
    assert!(row.contains("us-east-1 LOST"), "{row}");
    assert!(row.contains("nothing: lost with it"), "{row}");
    // The selected data says what the loss means now.
    assert!(
        screen.contains("us-east-1 is lost: cart-sessions has no copy outside"),
        "{screen}"
    );
    insta::assert_snapshot!("backups_80x24_losing_us_east_1", screen);
    // Losing the copy's Region too leaves the ledger nothing to restore from.
    h.command("lose eu-west-1");
    h.press("/");
    h.type_text("ledger");
    h.press("enter");
    assert!(
        h.screen()
            .contains("us-east-1 is lost: ledger-db has no copy outside us-east-1"),
        "{}",
        h.screen()
    );
}

#[test]
fn a_region_loss_says_what_a_paths_data_restores_from_in_its_detail() {
    let mut h = Harness::demo(120, 40);
    h.command("lose us-east-1");
    h.press("2");
    h.select_path("payments-nlb", "payments-api");
    h.press("enter");
    let screen = h.screen();
    assert!(
        screen.contains("Data of payments in the lost Region"),
        "{screen}"
    );
    assert!(
        screen.contains("ledger-db can be restored in eu-west-1 from an AWS Backup copy"),
        "{screen}"
    );
    // The EU path of a multi-Region service: its entry point's answer and its data.
    h.press("esc");
    h.select_path("storefront-eu-alb", "storefront-eu-web");
    h.press("enter");
    let screen = h.screen();
    assert!(
        screen.contains("Service storefront: ~ degraded"),
        "{screen}"
    );
    assert!(screen.contains("40% of capacity"), "{screen}");
    assert!(
        screen.contains("✗ orders-db has no copy outside us-east-1: lost with it"),
        "{screen}"
    );
    // A path outside any service: its own data.
    h.press("esc");
    h.select_path("search-alb", "search");
    let screen = h.screen();
    assert!(
        screen.contains("search-db has no copy outside us-east-1: lost with it"),
        "{screen}"
    );
    // An AZ loss restores no data.
    h.command("clear");
    h.command("lose use1-az1");
    h.select_path("search-alb", "search");
    assert!(!h.screen().contains("no copy outside"), "{}", h.screen());
}

#[test]
fn a_megabyte_paste_costs_linear_time_and_the_input_line_is_bounded() {
    use blastmap::tui::app::MAX_INPUT;
    let mut h = Harness::demo(80, 24);
    h.press("/");
    let builds = h.app.domains.builds;
    let paste = "a".repeat(1 << 20);
    let start = std::time::Instant::now();
    h.dispatch(Action::Paste(paste.clone()));
    // Quadratic, this took minutes (100 KB: about 70 s).
    assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
    assert_eq!(h.app.input_text.len(), MAX_INPUT);
    assert_eq!(h.app.domains.builds, builds + 1, "filtered once");
    let flash = &h.app.flash.as_ref().unwrap().text;
    assert!(flash.contains("at most 4096 bytes"), "{flash}");
    // The prompt shows the end of the line, within the width.
    let screen = h.screen();
    assert!(
        screen
            .lines()
            .all(|l| unicode_width::UnicodeWidthStr::width(l) <= 80)
    );
    assert!(screen.contains("/…aaaa"), "{screen}");
    // Esc still clears it at once.
    h.press("esc");
    assert_eq!(h.app.input, InputMode::Normal);
    assert!(h.app.domains.filter.is_empty());
    // A paste the terminal sends as keys (no bracketed paste) is typed text too:
    // one filtering for the lot, not one per key.
    h.press("/");
    let builds = h.app.domains.builds;
    let keys: Vec<_> = paste
        .chars()
        .map(|c| {
            ratatui::crossterm::event::Event::Key(KeyEvent::new(
                KeyCode::Char(c),
                KeyModifiers::NONE,
            ))
        })
        .collect();
    let start = std::time::Instant::now();
    tui::batch_actions(&mut h.app, keys);
    assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
    assert_eq!(h.app.domains.builds, builds + 1, "filtered once");
    assert_eq!(h.app.input_text.len(), MAX_INPUT);
    // A newline in a paste does not run a command line.
    h.press("esc :");
    h.dispatch(Action::Paste("lose use1-az4\nq\n".into()));
    assert_eq!(h.app.input, InputMode::Command);
    assert!(!h.app.quit);
    assert_eq!(h.app.input_text, "lose use1-az4 q ");
    // Outside the prompts a paste is never read as keys.
    h.press("esc");
    h.dispatch(Action::Paste("xq".into()));
    assert!(!h.app.quit);
}

#[test]
fn open_refuses_a_fifo_and_esc_stops_an_open_under_way() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let mut h = Harness::demo(100, 30);
    let start = std::time::Instant::now();
    h.command(&format!("open {}", fifo.display()));
    // Opening a FIFO with no writer blocks forever: it is refused without opening it.
    assert!(start.elapsed().as_secs() < 5);
    let flash = &h.app.flash.as_ref().unwrap().text;
    assert!(
        flash.contains("it is a FIFO (named pipe), not a snapshot file"),
        "{flash}"
    );
    assert!(h.app.engine.is_some());
    // An open under way: esc stops it, and its result, when it comes, is dropped.
    let file = dir.path().join("e.json");
    std::fs::write(&file, blastmap::demo::DEMO_JSON).unwrap();
    h.press(":");
    h.type_text(&format!("open {}", file.display()));
    let effects = h.app.update(Action::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    assert!(h.app.opening.is_some());
    h.press("esc");
    assert!(h.app.opening.is_none());
    assert!(
        h.app
            .flash
            .as_ref()
            .unwrap()
            .text
            .starts_with("stopped opening")
    );
    for effect in effects {
        if let Some(a) = tui::perform(effect, h.app.engine.clone()) {
            h.dispatch(a);
        }
    }
    assert_eq!(h.app.engine.as_ref().unwrap().origin, tui::Origin::Demo);
}

// ---- issue 19: on-call at 3 a.m. ----

#[test]
fn lose_takes_an_account_and_its_az_name_as_aws_health_gives_them() {
    let mut h = Harness::demo(120, 32);
    // "AWS Health: power problems in us-east-1a, account shop-prod".
    h.command("lose shop-prod us-east-1a");
    let engine = h.app.engine.clone().unwrap();
    let az4 = Domain::Az(engine.estate.az_by_id("use1-az4").unwrap());
    assert_eq!(h.app.lost_domains().to_vec(), vec![az4]);
    assert_eq!(
        h.app.flash.as_ref().unwrap().text,
        "lost use1-az4 (us-east-1a in shop-prod): 3 down, 5 degraded, 7 ok"
    );
    // The same name in another account, by id, is another AZ; `:` form too.
    h.command("lose 222222222222:us-east-1a");
    assert!(
        h.app
            .flash
            .as_ref()
            .unwrap()
            .text
            .starts_with("lost use1-az1 (us-east-1a in payments-prod)"),
        "{}",
        h.app.flash.as_ref().unwrap().text
    );
    h.command("restore platform us-east-1a");
    assert!(
        h.app
            .flash
            .as_ref()
            .unwrap()
            .text
            .starts_with("use1-az2 is not lost"),
        "{}",
        h.app.flash.as_ref().unwrap().text
    );
    // Bad input lists what exists.
    h.command("lose shop-prd us-east-1a");
    let text = h.app.flash.as_ref().unwrap().text.clone();
    assert!(
        text.starts_with("\"shop-prd\" is not an account of this estate (name or id); its accounts: shop-prod (111111111111)"),
        "{text}"
    );
    h.command("lose shop-prod us-east-1f");
    let text = h.app.flash.as_ref().unwrap().text.clone();
    assert!(
        text.starts_with("account shop-prod has no AZ named \"us-east-1f\"; its AZ names: "),
        "{text}"
    );
    assert!(text.contains("us-east-1a (use1-az4)"), "{text}");
    assert_eq!(h.app.lost_domains().len(), 2, "bad input loses nothing");
}

#[test]
fn tab_completes_commands_domains_accounts_and_an_accounts_az_names() {
    let mut h = Harness::demo(120, 32);
    h.press(":");
    h.type_text("lo");
    h.press("tab");
    assert_eq!(h.app.input_text, "lose ");
    h.type_text("shop");
    h.press("tab");
    assert_eq!(h.app.input_text, "lose shop-prod ");
    h.type_text("us-east-1");
    h.press("tab");
    // shop-prod's four us-east-1 names: the choices show, and tab cycles them.
    let flash = h.app.flash.as_ref().unwrap().text.clone();
    assert_eq!(flash, "tab: us-east-1a  us-east-1b  us-east-1c  us-east-1d");
    assert_eq!(h.app.input_text, "lose shop-prod us-east-1a");
    h.press("tab");
    assert_eq!(h.app.input_text, "lose shop-prod us-east-1b");
    h.key_event(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT));
    assert_eq!(h.app.input_text, "lose shop-prod us-east-1a");
    h.press("enter");
    assert!(h.screen().contains("lost: use1-az4"));
    // AZ IDs and Regions: to the longest common prefix first.
    h.press(":");
    h.type_text("lose use1-");
    h.press("tab");
    assert_eq!(h.app.input_text, "lose use1-az");
    assert_eq!(
        h.app.flash.as_ref().unwrap().text,
        "tab: use1-az1  use1-az2  use1-az4  use1-az6"
    );
    h.press("tab");
    assert_eq!(h.app.input_text, "lose use1-az1");
    h.press("backspace backspace backspace backspace backspace backspace backspace backspace");
    h.type_text("eu-");
    h.press("tab");
    assert_eq!(h.app.input_text, "lose eu-west-1 ");
    h.press("esc");
    h.press(":");
    h.type_text("frob");
    h.press("tab");
    assert_eq!(
        h.app.flash.as_ref().unwrap().text,
        "no completion for \"frob\""
    );
}

#[test]
fn u_undoes_the_last_changes_to_what_is_lost() {
    let mut h = Harness::demo(120, 32);
    h.press("u");
    assert_eq!(h.app.flash.as_ref().unwrap().text, "nothing to undo");
    h.command("lose use1-az4");
    h.command("lose eu-west-1");
    h.press("x");
    assert!(h.app.lost_domains().is_empty());
    h.press("u");
    assert_eq!(h.app.lost_domains().len(), 2, "x undone");
    assert_eq!(
        h.app.flash.as_ref().unwrap().text,
        "undone: lost use1-az4, eu-west-1: 6 down, 5 degraded, 4 ok"
    );
    h.press("u");
    assert!(h.screen().contains("lost: use1-az4 │ 3 down"));
    h.press("u");
    assert!(h.screen().contains("lost: nothing"));
    h.press("u");
    assert_eq!(h.app.flash.as_ref().unwrap().text, "nothing to undo");
    // The matrix's a is undone too.
    h.press("3 l a");
    assert_eq!(h.app.lost_domains().len(), 1);
    h.press("u");
    assert!(h.app.lost_domains().is_empty());
    // The history is short: the oldest changes go.
    for _ in 0..30 {
        h.command("lose use1-az4");
        h.command("restore use1-az4");
    }
    assert_eq!(h.app.history.len(), blastmap::tui::app::HISTORY);
}

#[test]
fn the_header_announces_a_change_with_its_answer_and_the_summary_stands_out() {
    let mut h = Harness::with_theme(120, 32, Theme::new(false));
    h.command("lose use1-az2");
    assert_eq!(
        h.app.flash.as_ref().unwrap().text,
        "lost use1-az2: 4 down, 4 degraded, 7 ok"
    );
    h.draw();
    let summary_x = " lost: use1-az2 │ ".chars().count() as u16;
    let reversed = |h: &Harness| {
        h.term.backend().buffer()[(summary_x, 2)]
            .modifier
            .contains(ratatui::style::Modifier::REVERSED)
    };
    assert!(reversed(&h), "the new summary stands out");
    for _ in 0..12 {
        h.dispatch(Action::Tick);
    }
    assert!(!reversed(&h), "then it settles");
}

#[test]
fn every_word_the_domains_tree_shows_is_found_by_the_filter() {
    use blastmap::tui::screen::domains::domain_note;
    let mut h = Harness::demo(120, 32);
    h.command("lose use1-az4");
    let engine = h.app.engine.clone().unwrap();
    let verdict = h.app.verdict.clone();
    let lost = verdict.as_ref().map(|v| &v.lost);
    for grouping in 0..3 {
        // Every node open: every row the tree can show.
        loop {
            let closed = (h.app.domains.tree.as_ref().unwrap().rows.iter())
                .position(|r| !r.expanded && !matches!(r.kind, RowKind::Resource(_)));
            let Some(row) = closed else { break };
            h.app.domains.select(row);
            h.app.domains.open();
        }
        let tree = h.app.domains.tree.as_ref().unwrap();
        let rows: Vec<_> = (tree.rows.iter())
            .map(|r| {
                // What the row says: its label, and for an AZ or Region what losing it
                // does and LOST (`domain_note`).
                let mut text = blastmap::tui::tree::row_label(&engine.estate, tree, r);
                if let (RowKind::Az(_) | RowKind::Region(_), Some(d)) = (r.kind, r.domain) {
                    text.push(' ');
                    text.push_str(&domain_note(&engine, lost, d));
                }
                (*r, text)
            })
            .collect();
        // Filtering opens what matches (nodes opened by hand would flip closed).
        h.app.domains.toggled.clear();
        let mut checked = 0;
        for (row, text) in &rows {
            let words = text
                .split(|c: char| c.is_whitespace() || "(),:—".contains(c))
                .filter(|w| w.chars().any(|c| c.is_alphabetic()));
            for word in words {
                h.app.domains.set_filter(word.to_string(), &engine, lost);
                let found = (h.app.domains.tree.as_ref().unwrap().rows.iter())
                    .any(|r| r.kind == row.kind && r.account == row.account);
                assert!(found, "grouping {grouping}: /{word} loses the row {text:?}");
                checked += 1;
            }
        }
        assert!(checked > 300, "grouping {grouping}: {checked} words");
        h.app.domains.set_filter(String::new(), &engine, lost);
        h.press("s");
    }
    // The words of the issue: an AZ name, an account, a status, LOST.
    for (word, expect) in [
        ("us-east-1a", "use1-az4"),
        ("shop-prod", "euw1-az1 (shop-prod: eu-west-1b"),
        ("lost", "use1-az4"),
        ("3 down", "use1-az4"),
    ] {
        h.press("/");
        h.type_text(word);
        h.press("enter");
        assert!(h.screen().contains(expect), "/{word}: {}", h.screen());
        h.press("esc");
    }
}

#[test]
fn half_page_keys_move_half_a_page_even_before_the_list_was_drawn() {
    let mut h = Harness::demo(80, 24);
    // Switch and page in one burst, as a fast typist does: the list is not drawn yet.
    let keys: Vec<_> = [
        KeyEvent::new(KeyCode::Char('1'), KeyModifiers::NONE),
        KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL),
    ]
    .into_iter()
    .map(ratatui::crossterm::event::Event::Key)
    .collect();
    let mut fresh = Harness::demo(80, 24);
    fresh.app.domains.list = Default::default();
    tui::batch_actions(&mut fresh.app, keys);
    assert!(
        fresh.app.domains.list.cursor() > 1,
        "{}",
        fresh.app.domains.list.cursor()
    );
    // Drawn: ctrl-d is half the rows, pgdn all of them.
    h.press("1");
    h.key_event(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL));
    let half = h.app.domains.list.cursor();
    assert_eq!(half, 19 / 2, "19 rows drawn");
    h.press("home");
    h.key_event(KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE));
    assert_eq!(h.app.domains.list.cursor(), 19);
    h.key_event(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    assert_eq!(h.app.domains.list.cursor(), 19 - 9);
}

#[test]
fn the_footer_always_keeps_help_filter_and_command_however_narrow() {
    let mut h = Harness::demo(60, 12);
    for screen in ["1", "2", "3", "4", "5"] {
        h.press(screen);
        let footer = h.screen().lines().nth(10).unwrap().to_string();
        for hint in [" / filter", " : command", " ? help"] {
            assert!(footer.contains(hint), "{screen}: {hint} in {footer:?}");
        }
    }
    h.press("2 enter");
    let footer = h.screen().lines().nth(10).unwrap().to_string();
    assert!(
        footer.contains(" ? help") && footer.contains(" / filter"),
        "{footer}"
    );
}

#[test]
fn brief_copies_the_incident_brief_through_the_terminal_or_writes_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::demo(80, 24);
    h.command("lose shop-prod us-east-1a");
    // :brief asks for the brief of the scenario; when it is ready, it is copied.
    h.press(":");
    h.type_text("brief");
    let effects = h.app.update(Action::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    let [effect @ tui::Effect::Brief { path: None, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let Some(Action::BriefReady(text)) = tui::perform(effect.clone(), h.app.engine.clone()) else {
        panic!("the brief")
    };
    insta::assert_snapshot!("brief_losing_use1_az4", text);
    let copied = h.app.update(Action::BriefReady(text.clone()));
    assert_eq!(copied, vec![tui::Effect::Clipboard(text.clone())]);
    let screen = h.screen();
    assert!(
        screen.contains("copied the brief (19 lines) through the terminal (OSC 52)"),
        "{screen}"
    );
    assert!(
        screen.contains(":brief FILE writes it to a file"),
        "{screen}"
    );
    insta::assert_snapshot!("brief_copied_80x24", screen);
    // :brief FILE writes it.
    let file = dir.path().join("brief.md");
    h.command(&format!("brief {}", file.display()));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    assert!(h.screen().contains("wrote the brief (19 lines)"));
}

#[test]
fn impact_at_a_glance_totals_worst_columns_first_and_counts_in_the_tree() {
    for (w, hgt) in [(80, 24), (120, 32)] {
        let mut h = Harness::demo(w, hgt);
        h.press("3");
        let screen = h.screen();
        let totals = screen.lines().find(|l| l.starts_with("TOTAL")).unwrap();
        assert!(totals.contains("1✗ 2~"), "euw1-az1: {totals}");
        // s: worst loss first. us-east-1 takes 12 paths down; use1-az2 is the worst AZ.
        h.press("s");
        let engine = h.app.engine.clone().unwrap();
        let names: Vec<&str> = h
            .app
            .matrix
            .columns
            .iter()
            .map(|&c| engine.estate.domain_name(engine.matrix.domains[c]))
            .collect();
        assert_eq!(names[..3], ["us-east-1", "use1-az2", "use1-az4"]);
        assert_eq!(h.app.matrix.col, 0, "the worst is selected");
        let screen = h.screen();
        assert!(screen.contains("› Matrix"), "{screen}");
        insta::assert_snapshot!(format!("matrix_worst_first_{w}x{hgt}"), screen);
        // enter explains the selected cell in place.
        h.press("l enter");
        let screen = h.screen();
        assert!(
            screen.contains("auth-eu-alb → auth-eu when use1-az2 is lost"),
            "{screen}"
        );
        assert!(h.app.lost_domains().is_empty());
        insta::assert_snapshot!(format!("matrix_explained_cell_{w}x{hgt}"), screen);
        // The tree says the same beside each AZ and Region.
        h.press("1");
        let screen = h.screen();
        let eu = screen.lines().find(|l| l.contains("▾ eu-west-1")).unwrap();
        assert!(eu.contains("— 3 down"), "{eu}");
    }
}

#[test]
fn lost_domains_are_marked_first_in_the_tree() {
    for (w, hgt) in [(80, 24), (120, 32)] {
        let mut h = Harness::demo(w, hgt);
        h.command("lose euw1-az1");
        let screen = h.screen();
        let row = (screen.lines().skip(3))
            .find(|l| l.contains("euw1-az1"))
            .unwrap_or_else(|| panic!("{screen}"));
        assert!(row.starts_with("  ▾ LOST euw1-az1"), "{row}");
        insta::assert_snapshot!(format!("domains_lost_euw1_az1_{w}x{hgt}"), screen);
    }
}

#[test]
fn r_shows_the_runbook_of_the_domains_lost_and_esc_closes_it() {
    let mut h = Harness::demo(80, 24);
    h.press("R");
    assert!(!h.app.runbook.open, "nothing lost, nothing to do");
    assert!(
        (h.app.flash.as_ref().unwrap().text).starts_with("nothing is lost: the runbook says"),
        "{}",
        h.app.flash.as_ref().unwrap().text
    );
    h.command("lose shop-prod us-east-1a");
    h.press("R");
    assert!(h.app.runbook.open);
    let screen = h.screen();
    assert!(screen.contains(" runbook 1–"), "{screen}");
    assert!(
        screen.contains("Runbook: losing use1-az4 (us-east-1a in shop-prod"),
        "{screen}"
    );
    assert!(screen.contains("1. Shift traffic away now"), "{screen}");
    assert!(screen.contains("start-zonal-shift"), "{screen}");
    // Every line of the popup stays inside the screen.
    assert!(screen.lines().all(|l| l.chars().count() <= 80), "{screen}");
    insta::assert_snapshot!("runbook_losing_use1_az4_80x24", screen);
    // It scrolls a line at a time, and `:runbook` is the same.
    h.press("j");
    assert!(h.screen().contains(" runbook 2–"), "{}", h.screen());
    h.press("esc");
    assert!(!h.app.runbook.open);
    h.command("runbook");
    assert!(h.app.runbook.open);
    assert!(h.screen().contains(" runbook 1–"));
}

#[test]
fn the_tree_says_whether_a_load_balancer_can_be_zonally_shifted() {
    let mut h = Harness::demo(120, 32);
    h.press("/");
    h.type_text("zonal shift off");
    h.press("enter");
    let screen = h.screen();
    // docs/demo-estate.md: cart-alb and search-alb have zonal shift off.
    let rows: Vec<&str> = (screen.lines().skip(3))
        .filter(|l| l.contains("zonal shift"))
        .collect();
    assert_eq!(rows.len(), 2, "{screen}");
    assert!(rows.iter().any(|l| l.contains("cart-alb")), "{screen}");
    assert!(rows.iter().any(|l| l.contains("search-alb")), "{screen}");
    h.press("esc");
    h.press("/");
    h.type_text("autoshift on");
    h.press("enter");
    let screen = h.screen();
    assert!(
        screen.contains("media-alb") && screen.contains("zonal shift on, autoshift on"),
        "{screen}"
    );
    assert!(!screen.contains("checkout-alb"), "{screen}");
}

#[test]
fn lose_on_the_fault_domains_puts_the_cursor_on_what_was_lost() {
    for grouping in ["", "s"] {
        let mut h = Harness::demo(80, 24);
        h.press(grouping);
        h.command("lose shop-prod us-east-1a");
        let engine = h.app.engine.clone().unwrap();
        let az4 = Domain::Az(engine.estate.az_by_id("use1-az4").unwrap());
        assert_eq!(h.app.domains.selected_domain(), Some(az4), "{grouping:?}");
        let row = h.app.domains.selected().unwrap();
        if grouping == "s" {
            // Under the account named.
            let shop = engine.estate.account_by_name_or_id("shop-prod");
            assert_eq!(row.account, shop);
        }
        let screen = h.screen();
        assert!(screen.contains("LOST use1-az4"), "{screen}");
    }
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

#[test]
fn health_replays_a_saved_event_by_its_accounts_az_name() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("event.json");
    std::fs::write(
        &file,
        r#"{"successfulSet": [{"event": {"arn": "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/X",
            "service": "EC2", "eventTypeCode": "AWS_EC2_OPERATIONAL_ISSUE", "region": "us-east-1",
            "availabilityZone": "us-east-1a"}}], "entities": [{"awsAccountId": "111111111111"}]}"#,
    )
    .unwrap();
    let mut h = Harness::demo(80, 24);
    h.command(&format!("health {}", file.display()));
    let engine = h.app.engine.clone().unwrap();
    let az4 = Domain::Az(engine.estate.az_by_id("use1-az4").unwrap());
    assert_eq!(h.app.lost_domains(), vec![az4]);
    let flash = &h.app.flash.as_ref().unwrap().text;
    assert!(
        flash.contains("use1-az4 (us-east-1a in shop-prod)"),
        "{flash}"
    );
    assert!(flash.contains("3 down, 5 degraded"), "{flash}");
    // A file that is not an event changes nothing and says why.
    h.command("clear");
    h.command(&format!("health {}", dir.path().display()));
    assert!(h.app.lost_domains().is_empty());
    assert!(h.app.flash.as_ref().unwrap().error);
}
