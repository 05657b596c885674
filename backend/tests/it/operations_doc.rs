//! The configuration table in `docs/operations.md` is the flags' reference:
//! every flag `natter --help` shows is in it, with the same environment
//! variable and default, and it lists no flag natter does not have.

use std::collections::BTreeMap;

use clap::CommandFactory;

/// One row of the table: its environment column and its default column.
struct Row {
    environment: String,
    default: String,
}

/// The rows of the table under "## Configuration", by flag (a row naming
/// two flags counts for each).
fn documented() -> BTreeMap<String, Row> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/operations.md");
    let text = std::fs::read_to_string(path).expect("docs/operations.md");
    let section = text
        .split("\n## ")
        .find(|section| section.starts_with("Configuration"))
        .expect("a Configuration section");
    let mut rows = BTreeMap::new();
    for line in section.lines().filter(|line| line.starts_with("| `--")) {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        assert!(cells.len() >= 4, "a row of four columns: {line}");
        for flag in cells[0].split(", ") {
            let flag = flag.trim_matches('`').to_owned();
            let row = Row {
                environment: cells[1].to_owned(),
                default: cells[2].to_owned(),
            };
            assert!(rows.insert(flag.clone(), row).is_none(), "{flag} twice");
        }
    }
    rows
}

#[test]
fn every_flag_is_documented_with_its_environment_variable_and_default() {
    let mut documented = documented();
    let command = backend::Config::command();
    let mut problems = Vec::new();
    for arg in command.get_arguments() {
        let Some(long) = arg.get_long() else { continue };
        if matches!(long, "help" | "version") {
            continue;
        }
        let flag = format!("--{long}");
        let Some(row) = documented.remove(&flag) else {
            problems.push(format!("{flag} is not in the table"));
            continue;
        };
        if let Some(env) = arg.get_env() {
            let env = env.to_string_lossy();
            if !row.environment.contains(&format!("`{env}`")) {
                problems.push(format!(
                    "{flag}: environment {env}, the table says {}",
                    row.environment
                ));
            }
        }
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|value| value.to_string_lossy().into_owned())
            .collect();
        let expected = match defaults.as_slice() {
            [] => "none".to_owned(),
            [one] => format!("`{one}`"),
            many => panic!("{flag} has several defaults: {many:?}"),
        };
        if !row.default.starts_with(&expected) {
            problems.push(format!(
                "{flag}: default {expected}, the table says {}",
                row.default
            ));
        }
    }
    for flag in documented.keys() {
        problems.push(format!(
            "{flag} is in the table but natter has no such flag"
        ));
    }
    assert!(
        problems.is_empty(),
        "docs/operations.md is out of date:\n{}",
        problems.join("\n")
    );
}
