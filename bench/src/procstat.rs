//! CPU time and memory of a process, from /proc.

use anyhow::{Context, Result};

/// One reading.
#[derive(Debug, Clone, Copy, Default)]
pub struct Usage {
    /// User plus system CPU seconds since the process started.
    pub cpu_seconds: f64,
    /// Resident memory now, in KiB.
    pub rss_kib: u64,
    /// The most resident memory so far, in KiB.
    pub peak_rss_kib: u64,
}

/// Reads `pid`'s usage.
pub fn usage(pid: u32) -> Result<Usage> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let after_name = stat.rsplit_once(')').context("stat format")?.1;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the full line: 12 and 13 here.
    let ticks: f64 = fields[11].parse::<f64>()? + fields[12].parse::<f64>()?;
    let ticks_per_second =
        nix::unistd::sysconf(nix::unistd::SysconfVar::CLK_TCK)?.unwrap_or(100) as f64;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kib = |key: &str| -> u64 {
        status
            .lines()
            .find_map(|line| line.strip_prefix(key))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    Ok(Usage {
        cpu_seconds: ticks / ticks_per_second,
        rss_kib: kib("VmRSS:"),
        peak_rss_kib: kib("VmHWM:"),
    })
}

/// How many more files `pid` may open: its soft open-file limit minus the
/// files it holds now. Every connection costs one on each side.
pub fn open_file_headroom(pid: u32) -> Result<usize> {
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits"))?;
    // "Max open files            20000                20000                files"
    let soft: usize = limits
        .lines()
        .find_map(|line| line.strip_prefix("Max open files"))
        .and_then(|rest| rest.split_whitespace().next())
        .context("no open-file limit in /proc limits")?
        .parse()?;
    let open = std::fs::read_dir(format!("/proc/{pid}/fd"))?.count();
    Ok(soft.saturating_sub(open))
}
