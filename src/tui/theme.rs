//! Styles, with colour or (NO_COLOR) without: then status is told by glyphs and modifiers.

use ratatui::style::{Color, Modifier, Style};

use crate::findings::Severity;
use crate::sim::Status;

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    pub fn new(color: bool) -> Self {
        Theme { color }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn status(&self, s: Status) -> Style {
        match s {
            Status::Ok => self.fg(Color::Green),
            Status::Degraded => self.fg(Color::Yellow),
            Status::Down => self.fg(Color::Red).add_modifier(Modifier::BOLD),
        }
    }

    /// A filled cell of the matrix heatmap.
    pub fn heat(&self, s: Status) -> Style {
        if !self.color {
            return match s {
                Status::Down => Style::new().add_modifier(Modifier::BOLD),
                _ => Style::new(),
            };
        }
        let bg = match s {
            Status::Ok => Color::Green,
            Status::Degraded => Color::Yellow,
            Status::Down => Color::Red,
        };
        Style::new().bg(bg).fg(Color::Black)
    }

    pub fn severity(&self, s: Severity) -> Style {
        match s {
            Severity::High => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Severity::Medium => self.fg(Color::Yellow),
            Severity::Low => self.fg(Color::Blue),
        }
    }

    /// A lost AZ or Region: struck through and red, everywhere.
    pub fn lost(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::CROSSED_OUT)
    }

    /// The selected row: a bar no one can miss at 3 a.m. (a dark grey background
    /// was missed, and the wrong AZ lost). Black on cyan in colour, every piece of
    /// the row alike; reversed without colour.
    pub fn selected(&self) -> Style {
        if self.color {
            Style::new()
                .bg(Color::Cyan)
                .fg(Color::Black)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Indexed(244))
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn info(&self) -> Style {
        self.fg(Color::Green)
    }

    pub fn active_tab(&self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    pub fn header(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
}
