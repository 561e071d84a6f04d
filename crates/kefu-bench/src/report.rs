//! Results: figures with their unit and, where the issue sets one, a target;
//! printed as a table per backend and written as JSON.
//!
//! Targets on speed and memory are reported (ok / MISSED) and never fail the
//! run; checks of correctness (nothing lost, nobody over capacity, every
//! customer answered) do.

use std::path::Path;

use serde_json::{json, Map, Value};

/// What a figure should be.
#[derive(Clone, Copy, Debug)]
pub enum Goal {
    /// A target of the issue: at least this much.
    AtLeast(f64),
    /// A target of the issue: at most this much.
    AtMost(f64),
    /// A correctness check: must be exactly 0.
    Zero,
}

#[derive(Clone, Debug)]
pub struct Figure {
    pub key: String,
    /// `None`: not measured (e.g. memory of a server given by `--url` without `--pid`).
    pub value: Option<f64>,
    pub unit: &'static str,
    pub goal: Option<Goal>,
}

impl Figure {
    pub fn new(key: impl Into<String>, value: f64, unit: &'static str) -> Figure {
        Figure {
            key: key.into(),
            value: Some(value),
            unit,
            goal: None,
        }
    }

    pub fn maybe(key: impl Into<String>, value: Option<f64>, unit: &'static str) -> Figure {
        Figure {
            value,
            ..Figure::new(key, 0.0, unit)
        }
    }

    /// A count that must be 0 for the run to be correct.
    pub fn check(key: impl Into<String>, value: u64) -> Figure {
        Figure::new(key, value as f64, "").goal(Goal::Zero)
    }

    pub fn goal(mut self, goal: Goal) -> Figure {
        self.goal = Some(goal);
        self
    }

    pub fn ok(&self) -> Option<bool> {
        let value = self.value?;
        Some(match self.goal? {
            Goal::AtLeast(bound) => value >= bound,
            Goal::AtMost(bound) => value <= bound,
            Goal::Zero => value == 0.0,
        })
    }

    fn target_text(&self) -> Option<String> {
        self.goal.map(|goal| match goal {
            Goal::AtLeast(bound) => format!(">= {}", plain(bound)),
            Goal::AtMost(bound) => format!("<= {}", plain(bound)),
            Goal::Zero => "= 0".to_owned(),
        })
    }

    fn value_text(&self) -> String {
        match self.value {
            None => "not measured".to_owned(),
            Some(v) => match self.unit {
                "ms" => format!("{v:.3}"),
                "MiB" | "KiB" | "s" => format!("{v:.1}"),
                _ => format!("{v:.0}"),
            },
        }
    }

    fn is_failed_check(&self) -> bool {
        matches!(self.goal, Some(Goal::Zero)) && self.ok() == Some(false)
    }
}

/// A number without a useless ".0".
fn plain(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

/// One scenario of one run: its figures, or why it could not run.
pub struct ScenarioResult {
    pub name: &'static str,
    pub outcome: Result<Vec<Figure>, String>,
}

/// Everything measured on one server.
pub struct Run {
    pub backend: String,
    pub durability: String,
    /// How the server was reached: started by the bench, or `--url`.
    pub server: String,
    pub scenarios: Vec<ScenarioResult>,
    /// Anything worth a line: server warnings, a missing flag, ...
    pub notes: Vec<String>,
}

impl Run {
    /// A run that could not start or set up its tenant.
    pub fn failed(backend: &str, durability: &str, error: crate::Error) -> Run {
        Run {
            backend: backend.to_owned(),
            durability: durability.to_owned(),
            server: "started by kefu-bench".to_owned(),
            scenarios: vec![ScenarioResult {
                name: "setup",
                outcome: Err(error.to_string()),
            }],
            notes: Vec::new(),
        }
    }

    /// Scenarios that could not run plus correctness checks that failed.
    pub fn failures(&self) -> usize {
        self.scenarios
            .iter()
            .map(|s| match &s.outcome {
                Err(_) => 1,
                Ok(figures) => figures.iter().filter(|f| f.is_failed_check()).count(),
            })
            .sum()
    }

    /// The table of this run.
    pub fn table(&self) -> String {
        let mut out = format!(
            "\n== {} (durability {}; {}) ==\n{:<12} {:<26} {:>14} {:<6} {:<10}\n",
            self.backend,
            self.durability,
            self.server,
            "scenario",
            "figure",
            "value",
            "unit",
            "target"
        );
        for scenario in &self.scenarios {
            match &scenario.outcome {
                Err(e) => out.push_str(&format!("{:<12} ERROR: {e}\n", scenario.name)),
                Ok(figures) => {
                    for f in figures {
                        let verdict = match (f.ok(), f.goal) {
                            (Some(true), _) => "ok",
                            (Some(false), Some(Goal::Zero)) => "FAILED",
                            (Some(false), _) => "MISSED",
                            (None, _) => "",
                        };
                        out.push_str(
                            format!(
                                "{:<12} {:<26} {:>14} {:<6} {:<10} {verdict}",
                                scenario.name,
                                f.key,
                                f.value_text(),
                                f.unit,
                                f.target_text().unwrap_or_default()
                            )
                            .trim_end(),
                        );
                        out.push('\n');
                    }
                }
            }
        }
        for note in &self.notes {
            out.push_str(&format!("note: {note}\n"));
        }
        out
    }

    fn json(&self) -> Value {
        let mut scenarios = Map::new();
        for scenario in &self.scenarios {
            let value = match &scenario.outcome {
                Err(e) => json!({ "error": e }),
                Ok(figures) => Value::Object(
                    figures
                        .iter()
                        .map(|f| {
                            let figure = json!({
                                "value": f.value,
                                "unit": f.unit,
                                "target": f.target_text(),
                                "ok": f.ok(),
                            });
                            (f.key.clone(), figure)
                        })
                        .collect(),
                ),
            };
            scenarios.insert(scenario.name.to_owned(), value);
        }
        json!({
            "backend": self.backend,
            "durability": self.durability,
            "server": self.server,
            "scenarios": scenarios,
            "notes": self.notes,
        })
    }
}

/// The whole output of one invocation.
pub struct Report {
    pub machine: Value,
    pub kefu_version: String,
    pub started_at: String,
    pub runs: Vec<Run>,
    /// Backends not run, and why.
    pub skipped: Vec<(String, String)>,
}

impl Report {
    pub fn json(&self) -> Value {
        json!({
            "machine": self.machine,
            "kefu_version": self.kefu_version,
            "started_at": self.started_at,
            "runs": self.runs.iter().map(Run::json).collect::<Vec<_>>(),
            "skipped": self.skipped.iter()
                .map(|(backend, why)| json!({ "backend": backend, "reason": why }))
                .collect::<Vec<_>>(),
        })
    }

    pub fn write_json(&self, path: &Path) -> std::io::Result<()> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let text = serde_json::to_string_pretty(&self.json()).map_err(std::io::Error::other)?;
        std::fs::write(path, text + "\n")
    }
}

/// Now as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    utc(secs)
}

/// A Unix time as an ISO 8601 UTC date and time (the civil-from-days
/// algorithm of Howard Hinnant).
fn utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_times_print_as_utc() {
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc(1_732_887_000), "2024-11-29T13:30:00Z");
    }

    #[test]
    fn goals_judge_values() {
        let f = Figure::new("x", 10.0, "msg/s").goal(Goal::AtLeast(20.0));
        assert_eq!(f.ok(), Some(false));
        assert!(!f.is_failed_check());
        let f = Figure::check("lost", 1);
        assert!(f.is_failed_check());
        assert_eq!(Figure::check("lost", 0).ok(), Some(true));
        assert_eq!(Figure::maybe("rss", None, "MiB").ok(), None);
    }
}
