//! Rules SG8xx (see design/rules.md). One rule per file; add a rule with one `mod`
//! line and one entry in `RULES`.

use crate::rule::Rule;

pub mod sg801_secret_in_arg_env;
pub mod sg802_secret_file_copied;
pub mod sg803_secret_value_hardcoded;
pub mod sg804_ssh_without_ssh_mount;
pub mod sg805_secret_mount_persisted;
pub mod sg806_cred_setup_without_secret_mount;

/// The rules of this family.
pub static RULES: &[&dyn Rule] = &[
    &sg801_secret_in_arg_env::SecretInArgEnv,
    &sg802_secret_file_copied::SecretFileCopied,
    &sg803_secret_value_hardcoded::SecretValueHardcoded,
    &sg804_ssh_without_ssh_mount::SshWithoutSshMount,
    &sg805_secret_mount_persisted::SecretMountPersisted,
    &sg806_cred_setup_without_secret_mount::CredSetupWithoutSecretMount,
];

#[cfg(test)]
mod tests {
    use crate::rules::test_support::check;

    /// Odd inputs never panic any SG4/SG8 rule.
    #[test]
    fn odd_inputs() {
        let inputs = [
            "",
            "FROM a\nRUN curl |\n",
            "FROM a\nRUN | sh\n",
            "FROM a\nADD\nADD a\nADD [\"a\"]\nCOPY\nCOPY a\n",
            "FROM a\nENV\nARG\nARG =\nENV A\nARG é=é\n",
            "FROM a\nCOPY --from= a b\nCOPY --from=é ☃ /\n",
            "FROM a\nRUN --mount=type=secret,id= cp /run/secrets/ /x\n",
            "FROM a\nRUN --mount=type cat /run/secrets/é > é\n",
            "FROM a\nRUN git clone\nRUN git config\nRUN aws configure set\nRUN npm config set\n",
            "FROM a\nRUN gpg --recv-keys\nRUN gpg --recv-keys $\nRUN gpg --recv-keys ${\n",
            "FROM a\nRUN curl -k\nRUN wget -O\nRUN curl -o\n",
            "FROM a\nRUN pip install --extra-index-url\nRUN pip install -i\n",
            "FROM a\nRUN echo 'deb [trusted=yes' > x\nRUN echo 'gpgcheck=' > x\n",
            "FROM a\nRUN <<EOF\ncurl x | sh\nEOF\n",
            "FROM a\nRUN cat <<EOF | sh\necho hi\nEOF\n",
            "FROM a\nADD git@ /x\nADD https://x.git#  /y\nADD https://x.git?ref= /z\n",
            "FROM a\nRUN X=$(cat /run/secrets/t) Y=$X && echo $Y > $Z\n",
            "FROM a\nRUN echo \"-----BEGIN RSA PRIVATE KEY-----\"\n",
            "# escape=`\nFROM a\nRUN curl x `\n | tar x\n",
        ];
        let codes = [
            "SG401", "SG402", "SG403", "SG404", "SG405", "SG406", "SG407", "SG408", "SG409",
            "SG801", "SG802", "SG803", "SG804", "SG805", "SG806",
        ];
        for src in inputs {
            for code in codes {
                let _ = check(code, src);
            }
        }
    }

    /// False-positive survey of the SG8 rules on the dev corpus.
    #[test]
    #[ignore]
    fn corpus() {
        crate::rules::test_support::corpus_survey(&[
            "SG801", "SG802", "SG803", "SG804", "SG805", "SG806",
        ]);
    }
}
