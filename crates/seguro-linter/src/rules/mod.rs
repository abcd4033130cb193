//! One rule, one file, grouped by catalogue section (`sg3/sg303_pin_apt.rs`). Each
//! file's doc comment is the rule's documentation.

pub mod sg0;
pub mod sg1;
pub mod sg2;
pub mod sg3;
pub mod sg4;
pub mod sg5;
pub mod sg6;
pub mod sg7;
pub mod sg8;
pub mod sg9;

#[cfg(test)]
pub(crate) mod test_support;
