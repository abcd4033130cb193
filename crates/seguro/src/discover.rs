//! Finding the Dockerfiles to lint: explicit files as given, directories searched
//! recursively (honouring `.gitignore`, `.ignore` and git's excludes).

use std::path::{Path, PathBuf};

/// Whether a file name is a Dockerfile's: `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`,
/// `*.dockerfile`, `Containerfile` (and `Containerfile.*`), not `*.dockerignore`.
pub fn is_dockerfile_name(name: &str) -> bool {
    // `Dockerfile.dockerignore` is the ignore file of `Dockerfile`, not a Dockerfile.
    if name.ends_with(".dockerignore") {
        return false;
    }
    name == "Dockerfile"
        || name == "Containerfile"
        || name.starts_with("Dockerfile.")
        || name.starts_with("Containerfile.")
        || name.ends_with(".Dockerfile")
        || name.ends_with(".dockerfile")
}

/// An input: a path on disk or standard input.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    File(PathBuf),
    Stdin,
}

/// The inputs named by `paths` (none: the current directory), sorted by path and without
/// duplicates, stdin last. Errors are paths that do not exist or a walk that failed.
pub fn inputs(paths: &[PathBuf]) -> (Vec<Input>, Vec<String>) {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut stdin = false;
    for path in paths {
        if path.as_os_str() == "-" {
            stdin = true;
            continue;
        }
        // One `stat` per path (`is_dir` then `exists` made two, on the serial path).
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, &mut files, &mut errors),
            Ok(_) => files.push(path.clone()),
            Err(_) => errors.push(format!("{}: no such file or directory", path.display())),
        }
    }
    files.sort();
    files.dedup();
    let mut out: Vec<Input> = files.into_iter().map(Input::File).collect();
    if stdin {
        out.push(Input::Stdin);
    }
    (out, errors)
}

fn walk(root: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<String>) {
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    for entry in walker {
        match entry {
            Ok(e) => {
                let is_file = e.file_type().is_some_and(|t| t.is_file());
                let named = e.file_name().to_str().is_some_and(is_dockerfile_name);
                if is_file && named {
                    let p = e.path();
                    files.push(p.strip_prefix("./").unwrap_or(p).to_path_buf());
                }
            }
            Err(err) => errors.push(err.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_dockerfile_name;

    #[test]
    fn names() {
        for yes in [
            "Dockerfile",
            "Dockerfile.dev",
            "api.Dockerfile",
            "api.dockerfile",
            "Containerfile",
        ] {
            assert!(is_dockerfile_name(yes), "{yes}");
        }
        for no in [
            "Dockerfile.dockerignore",
            "dockerfile",
            "Dockerfile~",
            "Dockerfiles",
            "x.txt",
            ".dockerignore",
        ] {
            assert!(!is_dockerfile_name(no), "{no}");
        }
    }
}
