//! The real binary in a real terminal (tmux): keys in, screen text out, and the
//! terminal restored on quit and on panic. Needs tmux: `scripts/test` installs it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

struct Tmux {
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl Tmux {
    /// A private tmux server running `sh` in a 100×30 window.
    fn start() -> Tmux {
        let found = Command::new("tmux").arg("-V").output();
        assert!(
            found.is_ok_and(|o| o.status.success()),
            "tmux is not installed: run scripts/test, which installs it"
        );
        let dir = tempfile::tempdir().unwrap();
        let t = Tmux {
            socket: dir.path().join("tmux.sock"),
            _dir: dir,
        };
        t.run(&[
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            "100",
            "-y",
            "30",
            "env",
            "PS1=$ ",
            "TERM=xterm-256color",
            "sh",
        ]);
        t
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn send(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    fn type_line(&self, text: &str) {
        self.send(&["-l", text]);
        self.send(&["Enter"]);
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "e2e"])
    }

    fn alternate_screen_on(&self) -> bool {
        self.run(&["display-message", "-p", "-t", "e2e", "#{alternate_on}"])
            .trim()
            == "1"
    }

    /// Waits until the screen satisfies `ok`, or fails with what it showed.
    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The terminal's line discipline, as `stty -a` prints it in the pane.
    fn stty(&self, dir: &Path) -> String {
        let file = dir.join("stty.txt");
        self.type_line("clear");
        self.type_line(&format!(
            "stty -a > {} 2>&1; echo stty-''done",
            file.display()
        ));
        self.wait_for("stty", |s| s.contains("stty-done"));
        std::fs::read_to_string(file).unwrap()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

fn assert_restored(t: &Tmux, dir: &Path) {
    assert!(
        !t.alternate_screen_on(),
        "left the alternate screen:\n{}",
        t.screen()
    );
    let stty = t.stty(dir);
    let words: Vec<&str> = stty
        .split_whitespace()
        .map(|w| w.trim_end_matches(';'))
        .collect();
    assert!(
        words.contains(&"icanon") && !words.contains(&"-icanon"),
        "canonical mode back: {stty}"
    );
    assert!(
        words.contains(&"echo") && !words.contains(&"-echo"),
        "echo back: {stty}"
    );
}

#[test]
fn the_tui_answers_keys_in_a_real_terminal_and_restores_it_on_quit() {
    let t = Tmux::start();
    let dir = tempfile::tempdir().unwrap();
    t.wait_for("a shell prompt", |s| s.contains('$'));
    t.type_line(&format!("{} demo", env!("CARGO_BIN_EXE_blastmap")));
    let s = t.wait_for("the domains screen", |s| {
        s.contains("1 Fault domains") && s.contains("euw1-az1")
    });
    assert!(s.contains("lost: nothing"), "{s}");
    assert!(t.alternate_screen_on());

    t.send(&[":"]);
    t.type_line("lose use1-az4");
    t.send(&["2"]);
    let s = t.wait_for("the paths screen after losing use1-az4", |s| {
        s.contains("lost: use1-az4 │ 3 down, 5 degraded, 7 ok") && s.contains("STATUS")
    });
    let first_row = s
        .lines()
        .find(|l| l.contains("checkout-alb → checkout-web"))
        .unwrap_or_else(|| panic!("{s}"));
    assert!(first_row.contains("✗ down"), "{first_row}");
    t.send(&["Enter"]);
    // The first row, the worst path: the cart's (docs/demo-estate.md, §11).
    t.wait_for("the path detail", |s| {
        s.contains("› Paths › cart-alb → cart") && s.contains("Hops")
    });
    t.send(&["Escape"]);
    // A key right after Esc would read as Alt+key.
    std::thread::sleep(Duration::from_millis(200));
    t.send(&["3"]);
    t.wait_for("the matrix", |s| s.contains("PATH × LOSS"));
    t.send(&["?"]);
    // The help starts with the keys of the screen in use.
    t.wait_for("the help", |s| {
        s.contains("help (") && s.contains("previous loss (column)")
    });
    t.send(&["Escape"]);
    std::thread::sleep(Duration::from_millis(200));
    t.send(&["q"]);
    t.wait_for("the shell again", |s| !s.contains("PATH × LOSS"));
    assert_restored(&t, dir.path());
}

#[test]
fn a_panic_restores_the_terminal_and_still_reports() {
    let t = Tmux::start();
    let dir = tempfile::tempdir().unwrap();
    t.wait_for("a shell prompt", |s| s.contains('$'));
    t.type_line(&format!(
        "BLASTMAP_TEST_PANIC=1 RUST_BACKTRACE=0 {} demo; echo exit=$?",
        env!("CARGO_BIN_EXE_blastmap")
    ));
    // The typed line says "exit=$?"; the shell's answer has digits.
    let s = t.wait_for("the panic report", |s| {
        s.match_indices("exit=")
            .any(|(i, _)| s[i + 5..].starts_with(|c: char| c.is_ascii_digit()))
    });
    assert!(
        s.contains("BLASTMAP_TEST_PANIC"),
        "the panic message is shown: {s}"
    );
    assert!(!s.contains("exit=0"), "{s}");
    assert_restored(&t, dir.path());
}

#[test]
fn the_tui_refuses_to_start_without_a_terminal() {
    let out = Command::new(env!("CARGO_BIN_EXE_blastmap"))
        .arg("demo")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the TUI needs a terminal"), "{err}");
    assert!(
        err.contains("blastmap what-if | matrix | check | findings"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

/// Starts `blastmap ARGS` in the pane with its pid written to `dir/pid` and, when it
/// ends, `exit=N` on the screen; waits for the domains screen.
fn start_blastmap(t: &Tmux, dir: &Path, env: &str, args: &str) {
    t.wait_for("a shell prompt", |s| s.contains('$'));
    let pid = dir.join("pid");
    t.type_line(&format!(
        "sh -c 'echo $$ > {}; exec env {env} {} {args}'; echo exit=$?",
        pid.display(),
        env!("CARGO_BIN_EXE_blastmap")
    ));
}

/// The pid `start_blastmap` wrote.
fn pid_of(dir: &Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(p) = std::fs::read_to_string(dir.join("pid"))
            && !p.trim().is_empty()
        {
            return p.trim().to_string();
        }
        assert!(Instant::now() < deadline, "no pid file");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits for the shell's `exit=N` line and returns N.
fn exit_code(t: &Tmux) -> String {
    let s = t.wait_for("the exit code", |s| {
        s.match_indices("exit=")
            .any(|(i, _)| s[i + 5..].starts_with(|c: char| c.is_ascii_digit()))
    });
    let (i, _) = s
        .match_indices("exit=")
        .find(|(i, _)| s[i + 5..].starts_with(|c: char| c.is_ascii_digit()))
        .unwrap();
    s[i + 5..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect()
}

impl Tmux {
    fn mouse_tracking_on(&self) -> bool {
        self.run(&["display-message", "-p", "-t", "e2e", "#{mouse_any_flag}"])
            .trim()
            == "1"
    }
}

#[test]
fn every_signal_that_ends_the_tui_restores_the_terminal_and_exits_128_plus_its_number() {
    for (signal, code) in [
        ("TERM", "143"),
        ("INT", "130"),
        ("QUIT", "131"),
        ("HUP", "129"),
    ] {
        let t = Tmux::start();
        let dir = tempfile::tempdir().unwrap();
        start_blastmap(&t, dir.path(), "", "demo");
        t.wait_for("the domains screen", |s| s.contains("euw1-az1"));
        assert!(t.alternate_screen_on());
        assert!(t.mouse_tracking_on(), "the TUI tracks the mouse");
        let pid = pid_of(dir.path());
        let killed = Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .unwrap();
        assert!(killed.success());
        assert_eq!(exit_code(&t), code, "SIG{signal}");
        assert!(
            !t.mouse_tracking_on(),
            "mouse tracking off after SIG{signal}"
        );
        assert_restored(&t, dir.path());
    }
}

#[test]
fn a_100_kb_paste_into_the_filter_is_taken_at_once_and_esc_and_q_still_answer() {
    let t = Tmux::start();
    let dir = tempfile::tempdir().unwrap();
    start_blastmap(&t, dir.path(), "", "demo");
    t.wait_for("the domains screen", |s| s.contains("euw1-az1"));
    let text = dir.path().join("paste.txt");
    std::fs::write(&text, "x".repeat(100 * 1024)).unwrap();
    t.run(&["load-buffer", "-b", "big", text.to_str().unwrap()]);
    // Bracketed (as a terminal pastes), then as plain keys (as a terminal without it).
    for bracketed in [true, false] {
        t.send(&["/"]);
        t.wait_for("the filter prompt", |s| {
            s.contains("(enter keeps, esc clears)")
        });
        let started = Instant::now();
        let mut args = vec!["paste-buffer", "-b", "big", "-t", "e2e"];
        if bracketed {
            args.push("-p");
        }
        t.run(&args);
        t.wait_for("the bounded input", |s| s.contains("at most 4096 bytes"));
        t.send(&["Escape"]);
        t.wait_for("the filter cleared", |s| {
            !s.contains("(enter keeps, esc clears)") && s.contains("euw1-az1")
        });
        // Quadratic, this took about 70 s.
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "bracketed {bracketed}: {:?}",
            started.elapsed()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    t.send(&["q"]);
    assert_eq!(exit_code(&t), "0");
    assert_restored(&t, dir.path());
}

#[test]
fn open_of_a_fifo_is_refused_and_quitting_never_waits_for_a_read() {
    let t = Tmux::start();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.json");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    start_blastmap(&t, dir.path(), "", "demo");
    t.wait_for("the domains screen", |s| s.contains("euw1-az1"));
    t.send(&[":"]);
    t.type_line(&format!("open {}", fifo.display()));
    t.wait_for("the refusal", |s| s.contains("FIFO (named pipe)"));
    t.send(&["q"]);
    assert_eq!(exit_code(&t), "0");
    // A read that does not end (here made so on purpose, in a debug build): q quits.
    let snapshot = dir.path().join("e.json");
    std::fs::write(&snapshot, blastmap::demo::DEMO_JSON).unwrap();
    t.type_line("clear");
    std::fs::remove_file(dir.path().join("pid")).unwrap();
    start_blastmap(
        &t,
        dir.path(),
        "BLASTMAP_TEST_SLOW_LOAD=600",
        &format!("open {}", snapshot.display()),
    );
    t.wait_for("the loading screen", |s| s.contains("loading"));
    let started = Instant::now();
    t.send(&["q"]);
    assert_eq!(exit_code(&t), "0");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_restored(&t, dir.path());
}

#[test]
fn on_call_words_tab_completion_undo_and_the_brief_in_a_real_terminal() {
    let t = Tmux::start();
    let dir = tempfile::tempdir().unwrap();
    // OSC 52 from the application reaches tmux's clipboard (a paste buffer).
    t.run(&["set-option", "-g", "set-clipboard", "on"]);
    start_blastmap(&t, dir.path(), "", "demo");
    t.wait_for("the domains screen", |s| s.contains("euw1-az1"));
    // "AWS Health: power problems in us-east-1a, account shop-prod", with tab.
    t.send(&[":"]);
    t.send(&["-l", "lose shop"]);
    t.send(&["Tab"]);
    t.wait_for("the account completed", |s| s.contains(":lose shop-prod ▏"));
    t.send(&["-l", "us-east-1"]);
    t.send(&["Tab"]);
    t.wait_for("the choices", |s| {
        s.contains("tab: us-east-1a  us-east-1b  us-east-1c  us-east-1d")
            && s.contains(":lose shop-prod us-east-1a▏")
    });
    t.send(&["Enter"]);
    let s = t.wait_for("the AZ lost, by its ID", |s| {
        s.contains("lost: use1-az4 │ 3 down, 5 degraded, 7 ok")
    });
    assert!(
        s.contains("lost use1-az4 (us-east-1a in shop-prod): 3 down, 5 degraded, 7 ok"),
        "{s}"
    );
    // Marked in the tree (the filter finds what is lost).
    t.send(&["/"]);
    t.type_line("lost");
    t.wait_for("the lost AZ marked", |s| {
        s.contains("▾ LOST use1-az4 (shop-prod: us-east-1a")
    });
    t.send(&["Escape"]);
    std::thread::sleep(Duration::from_millis(200));
    // Lose another by mistake, and undo it.
    t.send(&[":"]);
    t.type_line("lose use1-az2");
    t.wait_for("the second loss", |s| {
        s.contains("lost: use1-az4, use1-az2")
    });
    t.send(&["u"]);
    t.wait_for("the undo", |s| {
        s.contains("lost: use1-az4 │ 3 down") && s.contains("undone: lost use1-az4")
    });
    // The brief, copied through the terminal.
    t.send(&[":"]);
    t.type_line("brief");
    t.wait_for("the copy", |s| s.contains("copied the brief"));
    let buffer = t.run(&["show-buffer"]);
    assert!(
        buffer.starts_with("### blastmap brief: losing use1-az4"),
        "{buffer}"
    );
    assert!(
        buffer.contains(
            "- checkout-alb → checkout-web (shop-prod, us-east-1): 0/8 vCPU now → 0 after recovery."
        ),
        "{buffer}"
    );
    t.send(&["q"]);
    assert_eq!(exit_code(&t), "0");
    assert_restored(&t, dir.path());
}
