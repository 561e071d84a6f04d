//! Facts about the machine, reported once with every result: figures mean
//! little without the hardware they were taken on.

use serde_json::{json, Value};

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

pub fn facts() -> Value {
    let cpuinfo = read("/proc/cpuinfo");
    let cpu_model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, model)| model.trim().to_owned());
    let cpus = cpuinfo
        .lines()
        .filter(|l| l.starts_with("processor"))
        .count();
    let memory_mib = read("/proc/meminfo")
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kib| kib / 1024);
    json!({
        "hostname": read("/proc/sys/kernel/hostname").trim(),
        "cpu_model": cpu_model,
        "cpus": cpus,
        "memory_mib": memory_mib,
        "kernel": read("/proc/sys/kernel/osrelease").trim(),
    })
}

/// One line for the top of the table.
pub fn describe(facts: &Value) -> String {
    format!(
        "{}: {} x {}, {} MiB, Linux {}",
        facts["hostname"].as_str().unwrap_or("?"),
        facts["cpus"],
        facts["cpu_model"].as_str().unwrap_or("unknown CPU"),
        facts["memory_mib"],
        facts["kernel"].as_str().unwrap_or("?"),
    )
}
