//! Rendering: `render(&App, &mut Frame)` changes nothing but the scroll state's
//! note of the height each list was drawn with and its first row (`tui::scroll`),
//! which `update` pages by. One file per screen or widget.

pub mod backups;
pub mod detail;
pub mod domains;
pub mod findings;
pub mod footer;
pub mod gaps;
pub mod header;
pub mod help;
pub mod matrix;
pub mod paths;
pub mod runbook;
pub mod snapshots;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use super::app::{App, Screen};

/// Below this size the screen says so instead of drawing a garbled layout.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 12;

/// Where everything goes on the screen.
#[derive(Debug, Clone, Copy)]
pub struct Regions {
    pub area: Rect,
    pub header: Rect,
    pub body: Rect,
    pub footer: Rect,
}

impl Regions {
    pub fn of(area: Rect) -> Regions {
        let header_h = 3.min(area.height);
        let footer_h = 2.min(area.height.saturating_sub(header_h));
        let body_h = area.height.saturating_sub(header_h + footer_h);
        Regions {
            area,
            header: Rect::new(area.x, area.y, area.width, header_h),
            body: Rect::new(area.x, area.y + header_h, area.width, body_h),
            footer: Rect::new(area.x, area.y + header_h + body_h, area.width, footer_h),
        }
    }

    pub fn too_small(&self) -> bool {
        self.area.width < MIN_WIDTH || self.area.height < MIN_HEIGHT
    }
}

pub fn render(app: &App, frame: &mut Frame) {
    let regions = Regions::of(frame.area());
    if regions.too_small() {
        let text = format!(
            "blastmap needs at least {MIN_WIDTH}×{MIN_HEIGHT}; this terminal is {}×{}. Enlarge it, or press q to quit.",
            regions.area.width, regions.area.height
        );
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), regions.area);
        return;
    }
    header::render(app, frame, regions.header);
    match &app.engine {
        None => render_loading(app, frame, regions.body),
        Some(_) => match app.screen {
            Screen::Domains => domains::render(app, frame, regions.body),
            Screen::Paths if app.paths.detail.is_some() => detail::render(app, frame, regions.body),
            Screen::Paths => paths::render(app, frame, regions.body),
            Screen::Matrix => matrix::render(app, frame, regions.body),
            Screen::Findings => findings::render(app, frame, regions.body),
            Screen::Backups => backups::render(app, frame, regions.body),
        },
    }
    footer::render(app, frame, regions.footer);
    if app.help.open {
        help::render(app, frame, regions.area);
    }
    if app.gaps.open {
        gaps::render(app, frame, regions.area);
    }
    if app.runbook.open {
        runbook::render(app, frame, regions.area);
    }
    if app.snapshots.open {
        snapshots::render(app, frame, regions.area);
    }
}

/// While there is no estate: what is loading, the scan's progress, or why it failed.
fn render_loading(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let text = app.loading.as_deref().unwrap_or("loading…");
    let mut lines: Vec<Line> = text.lines().map(|l| Line::raw(l.to_string())).collect();
    if let Some(counts) = &app.scan_progress {
        lines.push(Line::raw(""));
        lines.push(line(vec![(
            crate::progress::summary_line(counts),
            t.header(),
        )]));
    }
    if !app.scan_units.is_empty() {
        let units = app.scan_units.values().flat_map(|m| m.values());
        let (mut read, mut failed, mut total) = (0, 0, 0);
        for u in units {
            total += 1;
            if u.is_read() {
                read += 1;
            } else if u.is_done() {
                failed += 1;
            }
        }
        let mut count = format!("{read} of {total} account/Region/service units read");
        if failed > 0 {
            count.push_str(&format!(", {failed} could not be"));
        }
        lines.push(Line::raw(""));
        lines.push(line(vec![(count, t.header())]));
        lines.extend(gaps::progress_lines(app));
    }
    if !app.scan_notes.is_empty() {
        lines.push(Line::raw(""));
        let shown = app.scan_notes.len().saturating_sub(5);
        for n in &app.scan_notes[shown..] {
            lines.push(line(vec![(format!("note: {n}"), t.dim())]));
        }
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// A live scan ended without an estate: its screen says why, and `r` scans again.
pub fn scan_failed(app: &App) -> bool {
    app.engine.is_none() && app.live && !app.scanning
}

/// The list row (index into the screen's list) under a click, if any.
pub fn row_at(app: &App, regions: &Regions, column: u16, row: u16) -> Option<usize> {
    let body = regions.body;
    if column < body.x
        || column >= body.x + body.width
        || row < body.y
        || row >= body.y + body.height
    {
        return None;
    }
    // The rows as they were last drawn: what the click landed on.
    let (top, offset, len) = match app.screen {
        Screen::Domains => (
            domains::first_row(body),
            app.domains.list.top(),
            app.domains.len(),
        ),
        Screen::Paths if app.paths.detail.is_some() => return None,
        Screen::Paths => (
            paths::first_row(body),
            app.paths.list.top(),
            app.paths.order.len(),
        ),
        Screen::Matrix => (
            matrix::first_row(body),
            app.matrix.list.top(),
            app.matrix.order.len(),
        ),
        Screen::Findings => (
            findings::first_row(body),
            app.findings.list.top(),
            app.findings.order.len(),
        ),
        Screen::Backups => (
            backups::first_row(body),
            app.backups.list.top(),
            app.backups.order.len(),
        ),
    };
    let i = offset + row.checked_sub(top)? as usize;
    (i < len).then_some(i)
}

/// Cuts `text` to `width` columns, with an ellipsis when cut.
pub fn fit(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for ch in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(ch);
    }
    out.push('…');
    out
}

/// "no path matches "…" (esc clears the filter)", a long filter cut short.
pub fn no_match(what: &str, filter: &str) -> String {
    format!(
        "no {what} matches \"{}\" (esc clears the filter)",
        fit(filter, 40)
    )
}

/// The end of `text` in `width` columns, an ellipsis first when cut. Looks at no
/// more of the text than fits.
pub fn fit_tail(text: &str, width: usize) -> String {
    if width == 0 {
        return String::new();
    }
    let mut tail: Vec<char> = Vec::new();
    let mut used = 0;
    let mut cut = false;
    for ch in text.chars().rev() {
        let w = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
        if used + w > width {
            cut = true;
            break;
        }
        used += w;
        tail.push(ch);
    }
    if cut {
        // Room for the ellipsis.
        while used + 1 > width {
            match tail.pop() {
                Some(ch) => used -= unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0),
                None => break,
            }
        }
        tail.push('…');
    }
    tail.into_iter().rev().collect()
}

/// `left → right` in `width` columns, cutting `left` first: the right side (a
/// target group) is what tells rows of one load balancer apart.
pub fn fit_pair(left: &str, right: &str, width: usize) -> String {
    let full = left.width() + right.width() + 3;
    if full <= width {
        return format!("{left} → {right}");
    }
    // Keep at least a few columns of the left side, else cut the whole.
    let right_w = right.width().min(width.saturating_sub(3 + 6));
    let left_w = width.saturating_sub(3 + right_w);
    if left_w < 6 {
        return fit(&format!("{left} → {right}"), width);
    }
    format!("{} → {}", fit(left, left_w), fit_middle(right, right_w))
}

/// `text` cut to `width` columns in the middle, keeping its start and its end:
/// target groups often differ only at the end (`storefront-api`, `storefront-web`).
pub fn fit_middle(text: &str, width: usize) -> String {
    if text.width() <= width || width < 5 {
        return fit(text, width);
    }
    let tail_w = (width - 1) / 2;
    let mut tail: Vec<char> = Vec::new();
    let mut used = 0;
    for ch in text.chars().rev() {
        let w = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
        if used + w > tail_w {
            break;
        }
        used += w;
        tail.push(ch);
    }
    let tail: String = tail.into_iter().rev().collect();
    // `fit` leaves room for its own ellipsis: the head takes what the tail does not.
    format!("{}{tail}", fit(text, width - used))
}

/// Splits text into lines of at most `width` columns at spaces.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(10);
    let mut out = Vec::new();
    let mut cur = String::new();
    for word in text.split(' ') {
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `text` padded (or cut) to exactly `width` columns.
pub fn pad(text: &str, width: usize) -> String {
    let t = fit(text, width);
    let w = t.width();
    format!("{t}{}", " ".repeat(width.saturating_sub(w)))
}

/// A horizontal bar of `width` cells, `value / max` full.
pub fn bar(value: u64, max: u64, width: usize) -> String {
    if width == 0 {
        return String::new();
    }
    let filled = if max == 0 {
        0
    } else {
        ((value as f64 / max as f64) * width as f64).round() as usize
    }
    .min(width);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

/// A selected row: every piece in the selection's style, the row filled to `width`
/// so the bar shows across the screen whatever the theme.
pub fn selected_row(
    t: &super::theme::Theme,
    mut spans: Vec<(String, Style)>,
    width: usize,
) -> Vec<(String, Style)> {
    let used: usize = spans.iter().map(|(s, _)| s.width()).sum();
    spans.push((" ".repeat(width.saturating_sub(used)), Style::new()));
    spans
        .into_iter()
        .map(|(s, st)| (s, st.patch(t.selected())))
        .collect()
}

/// A line made of styled pieces.
pub fn line(spans: Vec<(String, Style)>) -> Line<'static> {
    Line::from(
        spans
            .into_iter()
            .map(|(t, s)| Span::styled(t, s))
            .collect::<Vec<_>>(),
    )
}

#[cfg(test)]
mod tests {
    use super::{fit_middle, fit_pair};
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn cut_labels_keep_what_tells_target_groups_apart() {
        assert_eq!(fit_middle("storefront-api", 10), "store…-api");
        assert_eq!(fit_middle("storefront-web", 10), "store…-web");
        assert_eq!(fit_middle("short", 10), "short");
        let a = fit_pair("storefront-alb", "storefront-api", 19);
        let b = fit_pair("storefront-alb", "storefront-web", 19);
        assert_ne!(a, b);
        assert!(a.width() <= 19 && b.width() <= 19, "{a} {b}");
        for w in 0..40 {
            assert!(fit_middle("storefront-api", w).width() <= w.max(1), "{w}");
            assert!(
                fit_pair("storefront-alb", "storefront-api", w).width() <= w.max(1),
                "{w}"
            );
        }
    }
}
