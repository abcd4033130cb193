//! The `seguro` command line.
fn main() {}
