//! Rules SG2xx (see design/rules.md). One rule per file; add a rule with one `mod`
//! line and one entry in `RULES`.

use crate::rule::Rule;

pub mod sg201_root_final_user;
pub mod sg202_sudo;
pub mod sg203_world_writable;
pub mod sg204_useradd_no_log_init;
pub mod sg205_password_set;
pub mod sg206_run_security_insecure;
pub mod sg207_sensitive_mount_point;

/// The rules of this family.
pub static RULES: &[&dyn Rule] = &[
    &sg201_root_final_user::RootFinalUser,
    &sg202_sudo::Sudo,
    &sg203_world_writable::WorldWritable,
    &sg204_useradd_no_log_init::UseraddNoLogInit,
    &sg205_password_set::PasswordSet,
    &sg206_run_security_insecure::RunSecurityInsecure,
    &sg207_sensitive_mount_point::SensitiveMountPoint,
];

#[cfg(test)]
mod tests {
    #[test]
    #[ignore = "reads the shared corpus; run with --ignored --nocapture"]
    fn corpus_sg2() {
        crate::rules::test_support::corpus_survey(&[
            "SG201", "SG203", "SG204", "SG205", "SG206", "SG207",
        ]);
    }
}
