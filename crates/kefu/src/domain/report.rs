//! Reports: the figures of the conversations a range of days started, per
//! day, per agent and per department, and how many agents were online each
//! hour. Computed from facts storage gathers (one row per conversation, the
//! agents' status changes); nothing here does I/O.
//!
//! A conversation counts on the day it started (in the tenant's time zone),
//! with everything that happened to it since: so a day's figures do not
//! change shape as the conversation goes on, only grow complete.

use std::collections::{BTreeMap, BTreeSet};

use super::calendar::{Date, LocalDateTime, UtcOffset};

/// The longest range one report covers, in days.
pub const MAX_DAYS: i64 = 92;
/// The days a report covers when the caller names none.
const DEFAULT_DAYS: i64 = 7;

/// What storage knows about one conversation started in the range.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConversationFacts {
    pub started_at: f64,
    /// The agent who served it last (None: nobody did).
    pub agent_id: Option<i64>,
    pub department_id: Option<i64>,
    /// The first time an agent took it.
    pub assigned_at: Option<f64>,
    /// The first chat message an agent sent in it.
    pub first_reply_at: Option<f64>,
    /// When it was finished (by anyone).
    pub finished_at: Option<f64>,
    /// It waited in the queue until it timed out.
    pub timed_out: bool,
    pub customer_messages: i64,
    pub agent_messages: i64,
    /// The customer's score, 1 to 5.
    pub rating: Option<i64>,
}

/// Median and 90th percentile of some durations, in seconds.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Spread {
    pub median: Option<f64>,
    pub p90: Option<f64>,
}

/// Customer satisfaction: how many rated, the average, and how many gave
/// each score (index 0 is 1 star).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Csat {
    pub count: i64,
    pub average: Option<f64>,
    pub distribution: [i64; 5],
}

/// The figures of a set of conversations.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figures {
    pub started: i64,
    pub served: i64,
    pub finished: i64,
    pub timed_out: i64,
    pub customer_messages: i64,
    pub agent_messages: i64,
    pub first_response: Spread,
    pub resolution: Spread,
    pub queue_wait: Spread,
    pub csat: Csat,
}

impl Figures {
    pub fn messages(&self) -> i64 {
        self.customer_messages + self.agent_messages
    }

    fn of<'a>(conversations: impl IntoIterator<Item = &'a ConversationFacts>) -> Figures {
        let mut f = Figures::default();
        let (mut first_response, mut resolution, mut queue_wait) = (vec![], vec![], vec![]);
        let mut scores = 0;
        for c in conversations {
            f.started += 1;
            f.served += i64::from(c.assigned_at.is_some());
            f.finished += i64::from(c.finished_at.is_some());
            f.timed_out += i64::from(c.timed_out);
            f.customer_messages += c.customer_messages;
            f.agent_messages += c.agent_messages;
            let since_start = |t: Option<f64>| t.map(|t| (t - c.started_at).max(0.0));
            first_response.extend(since_start(c.first_reply_at));
            queue_wait.extend(since_start(c.assigned_at));
            if c.assigned_at.is_some() {
                resolution.extend(since_start(c.finished_at));
            }
            if let Some(score @ 1..=5) = c.rating {
                f.csat.count += 1;
                f.csat.distribution[(score - 1) as usize] += 1;
                scores += score;
            }
        }
        f.first_response = spread(first_response);
        f.resolution = spread(resolution);
        f.queue_wait = spread(queue_wait);
        if f.csat.count > 0 {
            f.csat.average = Some(round2(scores as f64 / f.csat.count as f64));
        }
        f
    }
}

/// A report's days: `from` to `to`, both included, in a time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub from: Date,
    pub to: Date,
    pub offset: UtcOffset,
}

impl Range {
    /// At most [`MAX_DAYS`] days, `from` not after `to`. Err names the field.
    pub fn new(
        from: Date,
        to: Date,
        offset: UtcOffset,
    ) -> Result<Range, (&'static str, &'static str)> {
        if from > to {
            return Err(("from", "from must not be after to"));
        }
        if to.days_since_epoch() - from.days_since_epoch() >= MAX_DAYS {
            return Err(("to", "a report covers at most 92 days"));
        }
        Ok(Range { from, to, offset })
    }

    /// The days a caller asked for: `to` defaults to today (at `now`),
    /// `from` to the 7 days ending on `to`.
    pub fn requested(
        from: Option<Date>,
        to: Option<Date>,
        offset: UtcOffset,
        now: f64,
    ) -> Result<Range, (&'static str, &'static str)> {
        let today = || LocalDateTime::from_unix(now, offset).map(|t| t.date);
        let to = to
            .or_else(today)
            .ok_or(("to", "the server's clock is out of range"))?;
        let from = from.unwrap_or_else(|| to.add_days(1 - DEFAULT_DAYS).unwrap_or(to));
        Range::new(from, to, offset)
    }

    /// The Unix seconds of its first instant and of the instant after it.
    pub fn bounds(&self) -> (f64, f64) {
        let midnight = |date: Date| LocalDateTime { date, seconds: 0 }.to_unix(self.offset);
        let after = self.to.add_days(1).map_or(f64::MAX, midnight);
        (midnight(self.from), after)
    }

    pub fn days(&self) -> impl Iterator<Item = Date> + '_ {
        let first = self.from.days_since_epoch();
        (first..=self.to.days_since_epoch()).filter_map(Date::from_days_since_epoch)
    }

    fn day_of(&self, unix: f64) -> Option<Date> {
        LocalDateTime::from_unix(unix, self.offset).map(|t| t.date)
    }
}

/// One change of an agent's online-chat status: accepting work or not.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StatusChange {
    pub agent_id: i64,
    pub accepting: bool,
    pub at: f64,
}

/// How many agents accepted work at some moment of one hour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OnlineHour {
    pub date: Date,
    pub hour: u32,
    pub agents: i64,
}

/// The whole report.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub range: Range,
    pub totals: Figures,
    pub days: Vec<(Date, Figures)>,
    /// By agent id, ascending.
    pub agents: Vec<(i64, Figures)>,
    /// By department id, ascending; conversations of no department are
    /// in no row.
    pub departments: Vec<(i64, Figures)>,
    pub online: Vec<OnlineHour>,
}

/// The report of `conversations` (those the range started) and of the
/// agents' status: `initially_accepting` at the range's start, then
/// `changes` in time order; hours after `now` are left out.
pub fn compute(
    range: Range,
    conversations: &[ConversationFacts],
    initially_accepting: &[i64],
    changes: &[StatusChange],
    now: f64,
) -> Report {
    let mut by_day: BTreeMap<Date, Vec<&ConversationFacts>> = BTreeMap::new();
    let mut by_agent: BTreeMap<i64, Vec<&ConversationFacts>> = BTreeMap::new();
    let mut by_department: BTreeMap<i64, Vec<&ConversationFacts>> = BTreeMap::new();
    for c in conversations {
        if let Some(day) = range.day_of(c.started_at) {
            by_day.entry(day).or_default().push(c);
        }
        if let Some(agent) = c.agent_id {
            by_agent.entry(agent).or_default().push(c);
        }
        if let Some(department) = c.department_id {
            by_department.entry(department).or_default().push(c);
        }
    }
    let group = |m: BTreeMap<i64, Vec<&ConversationFacts>>| {
        m.into_iter()
            .map(|(k, v)| (k, Figures::of(v)))
            .collect::<Vec<_>>()
    };
    Report {
        range,
        totals: Figures::of(conversations),
        days: range
            .days()
            .map(|day| {
                let list = by_day.remove(&day).unwrap_or_default();
                (day, Figures::of(list))
            })
            .collect(),
        agents: group(by_agent),
        departments: group(by_department),
        online: online_hours(range, initially_accepting, changes, now),
    }
}

/// For each hour of the range up to `now`: the agents accepting at some
/// moment of it (an agent who was on at the hour's start, or came on in it).
fn online_hours(
    range: Range,
    initially_accepting: &[i64],
    changes: &[StatusChange],
    now: f64,
) -> Vec<OnlineHour> {
    let mut on: BTreeMap<i64, bool> = initially_accepting.iter().map(|&a| (a, true)).collect();
    let mut changes = changes.iter().peekable();
    let mut hours = Vec::new();
    for day in range.days() {
        for hour in 0..24 {
            let from = LocalDateTime {
                date: day,
                seconds: hour * 3600,
            }
            .to_unix(range.offset);
            if from > now {
                continue;
            }
            let until = from + 3600.0;
            // Who was on as the hour began, then who came on during it.
            while let Some(c) = changes.next_if(|c| c.at <= from) {
                on.insert(c.agent_id, c.accepting);
            }
            let mut seen: BTreeSet<i64> = on.iter().filter(|(_, &v)| v).map(|(&a, _)| a).collect();
            while let Some(c) = changes.next_if(|c| c.at < until) {
                on.insert(c.agent_id, c.accepting);
                if c.accepting {
                    seen.insert(c.agent_id);
                }
            }
            hours.push(OnlineHour {
                date: day,
                hour,
                agents: seen.len() as i64,
            });
        }
    }
    hours
}

/// Median and p90 by the nearest-rank method (a value that occurred).
fn spread(mut values: Vec<f64>) -> Spread {
    if values.is_empty() {
        return Spread::default();
    }
    values.sort_by(f64::total_cmp);
    let rank = |p: f64| {
        let i = ((p * values.len() as f64).ceil() as usize).clamp(1, values.len()) - 1;
        round2(values[i])
    };
    Spread {
        median: Some(rank(0.5)),
        p90: Some(rank(0.9)),
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHINA: UtcOffset = UtcOffset::CHINA;

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn at(s: &str) -> f64 {
        LocalDateTime::parse(s).unwrap().to_unix(CHINA)
    }

    #[test]
    fn a_range_is_whole_days_in_the_tenants_zone_and_at_most_92() {
        let r = Range::new(date("2026-11-02"), date("2026-11-03"), CHINA).unwrap();
        assert_eq!(
            r.bounds(),
            (at("2026-11-02 00:00:00"), at("2026-11-04 00:00:00"))
        );
        assert_eq!(r.days().count(), 2);
        assert!(Range::new(date("2026-11-03"), date("2026-11-02"), CHINA).is_err());
        assert!(Range::new(date("2026-01-01"), date("2026-04-02"), CHINA).is_ok());
        assert_eq!(
            Range::new(date("2026-01-01"), date("2026-04-03"), CHINA)
                .unwrap_err()
                .0,
            "to"
        );
    }

    #[test]
    fn without_days_a_report_is_the_week_up_to_today_in_the_tenants_zone() {
        // 2026-11-02 23:30 in UTC+8 is still 2026-11-02 15:30 UTC.
        let now = at("2026-11-02 23:30:00");
        let r = Range::requested(None, None, CHINA, now).unwrap();
        assert_eq!((r.from, r.to), (date("2026-10-27"), date("2026-11-02")));
        let utc =
            Range::requested(None, None, UtcOffset::from_minutes(-600).unwrap(), now).unwrap();
        assert_eq!(utc.to, date("2026-11-02"));
        let east =
            Range::requested(None, None, UtcOffset::from_minutes(600).unwrap(), now).unwrap();
        assert_eq!(east.to, date("2026-11-03"), "already tomorrow at UTC+10");
        let r = Range::requested(None, Some(date("2026-11-20")), CHINA, now).unwrap();
        assert_eq!(r.from, date("2026-11-14"));
        let r = Range::requested(Some(date("2026-11-01")), None, CHINA, now).unwrap();
        assert_eq!((r.from, r.to), (date("2026-11-01"), date("2026-11-02")));
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let s = spread(vec![
            10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0,
        ]);
        assert_eq!(
            s,
            Spread {
                median: Some(50.0),
                p90: Some(90.0)
            }
        );
        assert_eq!(
            spread(vec![7.0]),
            Spread {
                median: Some(7.0),
                p90: Some(7.0)
            }
        );
        assert_eq!(spread(vec![]), Spread::default());
    }

    #[test]
    fn conversations_count_on_the_day_they_started_with_their_outcomes() {
        let r = Range::new(date("2026-11-02"), date("2026-11-03"), CHINA).unwrap();
        let served = ConversationFacts {
            started_at: at("2026-11-02 23:59:00"),
            agent_id: Some(7),
            department_id: Some(1),
            assigned_at: Some(at("2026-11-02 23:59:30")),
            first_reply_at: Some(at("2026-11-03 00:00:30")),
            finished_at: Some(at("2026-11-03 00:09:00")),
            customer_messages: 2,
            agent_messages: 3,
            rating: Some(4),
            ..Default::default()
        };
        let timed_out = ConversationFacts {
            started_at: at("2026-11-03 08:00:00"),
            timed_out: true,
            customer_messages: 1,
            ..Default::default()
        };
        let report = compute(
            r,
            &[served.clone(), timed_out],
            &[],
            &[],
            at("2026-11-04 00:00:00"),
        );
        let (day1, f1) = &report.days[0];
        assert_eq!(day1.to_string(), "2026-11-02");
        assert_eq!(
            (f1.started, f1.served, f1.finished, f1.timed_out),
            (1, 1, 1, 0)
        );
        assert_eq!(f1.first_response.median, Some(90.0));
        assert_eq!(f1.queue_wait.median, Some(30.0));
        assert_eq!(f1.resolution.median, Some(600.0));
        assert_eq!(f1.messages(), 5);
        let (_, f2) = &report.days[1];
        assert_eq!((f2.started, f2.served, f2.timed_out), (1, 0, 1));
        assert_eq!(f2.resolution, Spread::default());
        assert_eq!(report.totals.started, 2);
        assert_eq!(report.totals.csat.distribution, [0, 0, 0, 1, 0]);
        assert_eq!(report.totals.csat.average, Some(4.0));
        assert_eq!(report.agents.len(), 1);
        assert_eq!(report.agents[0].0, 7);
        assert_eq!(report.departments[0].1.started, 1);
    }

    #[test]
    fn an_hour_counts_the_agents_on_at_some_moment_of_it() {
        let r = Range::new(date("2026-11-02"), date("2026-11-02"), CHINA).unwrap();
        let changes = [
            // Agent 2 comes on at 9:30 and goes off at 10:10.
            StatusChange {
                agent_id: 2,
                accepting: true,
                at: at("2026-11-02 09:30:00"),
            },
            StatusChange {
                agent_id: 2,
                accepting: false,
                at: at("2026-11-02 10:10:00"),
            },
            // Agent 1 (on since before the range) goes off at 11:00 sharp.
            StatusChange {
                agent_id: 1,
                accepting: false,
                at: at("2026-11-02 11:00:00"),
            },
        ];
        let hours = online_hours(r, &[1], &changes, at("2026-11-02 12:30:00"));
        let count = |h: usize| hours[h].agents;
        assert_eq!(hours.len(), 13, "00:00 to 12:00, none after now");
        assert_eq!(
            (count(8), count(9), count(10), count(11), count(12)),
            (1, 2, 2, 0, 0)
        );
    }
}
