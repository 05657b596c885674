//! The layout stays readable as features land: the server's top level holds
//! only what wires it together, every source file is small enough to read
//! in one sitting, and the two front documents stay short (the reference
//! lives in `docs/`).

use std::path::{Path, PathBuf};

/// Longest source file, in lines.
const MOST_LINES: usize = 400;
/// Most `.rs` files at the top of `backend/src`.
const MOST_TOP_FILES: usize = 12;
/// Fewest folders in `backend/src`.
const FEWEST_FOLDERS: usize = 6;
/// Largest README.md and ARCHITECTURE.md, in bytes.
const MOST_BYTES: u64 = 16 * 1024;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn sources(folder: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(folder).expect("a source folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn no_source_file_is_longer_than_one_sitting() {
    let mut files = Vec::new();
    for crate_src in ["backend/src", "frontend/src", "shared/src"] {
        sources(&root().join(crate_src), &mut files);
    }
    assert!(files.len() > 100, "the sources were found: {}", files.len());
    let long: Vec<String> = files
        .iter()
        .filter_map(|path| {
            let lines = std::fs::read_to_string(path)
                .expect("a source")
                .lines()
                .count();
            (lines > MOST_LINES).then(|| format!("{} ({lines} lines)", path.display()))
        })
        .collect();
    assert!(long.is_empty(), "over {MOST_LINES} lines: {long:?}");
}

#[test]
fn the_servers_top_level_is_its_wiring_and_the_rest_is_in_folders() {
    let (mut files, mut folders) = (0, 0);
    for entry in std::fs::read_dir(root().join("backend/src")).expect("backend/src") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            folders += 1;
            assert!(
                path.join("mod.rs").is_file(),
                "{} says what it owns in a mod.rs",
                path.display()
            );
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            files += 1;
        }
    }
    assert!(files <= MOST_TOP_FILES, "{files} files at the top");
    assert!(folders >= FEWEST_FOLDERS, "{folders} folders");
}

#[test]
fn the_front_documents_stay_short() {
    for document in ["README.md", "ARCHITECTURE.md"] {
        let bytes = std::fs::metadata(root().join(document))
            .expect(document)
            .len();
        assert!(bytes <= MOST_BYTES, "{document} is {bytes} bytes");
    }
    for reference in ["protocol", "operations", "security"] {
        assert!(root().join(format!("docs/{reference}.md")).is_file());
    }
}
