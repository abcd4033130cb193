//! SG304: `apk add` of packages without a version.

use super::{PinCheck, report_unpinned, unpinned};
use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_shell::programs::apk;
use seguro_shell::{Action, Manager};

declare_rule! {
    /// ## What it does
    /// Finds packages installed with `apk add` without a version constraint: `curl`
    /// instead of `curl=8.5.0-r0` or `curl~8.5`. Any of `=`, `~`, `<`, `>` counts as a pin;
    /// local `.apk` files, paths and URLs are pinned. The name given to `--virtual`/`-t`
    /// is a label for the group, not a package, and is never reported; a repository tag
    /// (`curl@edge`) is not a version.
    ///
    /// Package names held in a variable are judged by their value when an ARG or ENV in
    /// scope, or an earlier assignment of the script, gives it; names only known at run time are not reported. One finding is
    /// given per `apk add`, naming its unpinned packages.
    ///
    /// ## Why it matters
    /// Without a version the package is whatever the Alpine mirror serves on the day of
    /// the build: rebuilding gives a different image and upstream changes land without
    /// review. `~` pins to a release series (`curl~8.5`) and keeps receiving its fixes.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl~8.9
    /// ```
    ///
    /// ## Fix
    /// None: the version to pin is not known from the Dockerfile.
    ///
    /// ## Aliases
    /// DL3018
    ///
    /// ## References
    /// Chapter 3.1.3.
    pub struct PinApk {
        code: "SG304",
        name: "pin-apk",
        severity: Warning,
        section: "3.1.3",
        aliases: ["DL3018"],
        fixable: None,
    }
}

impl Check for PinApk {
    fn run(&self, cx: &mut Checker<'_>) {
        report_unpinned(
            cx,
            &PinCheck {
                select: &|_, at| {
                    at.op.manager == Manager::Apk
                        && at.op.action == Action::Install
                        && at.sub_is(&["add"])
                },
                reparse: &|_, w| apk::package(w),
                report: &|_, p| unpinned(p),
                help: "pin each package with `name=version`, or `name~x.y` to follow a release series",
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG304",
            &[
                "FROM alpine\nRUN apk add --no-cache curl\n",
                "FROM alpine\nRUN apk --no-cache add curl=8.5.0-r0 git\n",
                "FROM alpine\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev\n",
                "FROM alpine\nRUN apk add -t .deps gcc\n",
                "FROM alpine\nRUN apk add --no-cache curl@edge\n",
                "FROM alpine\nARG PKGS=\"curl git\"\nRUN apk add --no-cache $PKGS\n",
                "FROM alpine\nRUN <<EOF\napk add --no-cache bash\nEOF\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG304",
            &[
                "FROM alpine\nRUN apk add --no-cache curl=8.5.0-r0\n",
                "FROM alpine\nRUN apk add --no-cache 'curl~8.5' 'git>2.40' 'bash<6'\n",
                "FROM alpine\nRUN apk add --no-cache --virtual .build-deps gcc=13.2.1-r0\n",
                "FROM alpine\nRUN apk add --allow-untrusted /tmp/pkg.apk\n",
                "FROM alpine\nRUN apk add --no-cache --repository http://x/edge/main curl=8.5.0-r0\n",
                "FROM alpine\nARG PKGS\nRUN apk add --no-cache $PKGS\n",
                "FROM alpine\nRUN apk add --no-cache $(cat /tmp/pkgs)\n",
                "FROM alpine\nRUN apk del curl\n",
                "FROM alpine\nRUN apk upgrade\n",
            ],
        );
    }

    #[test]
    fn virtual_name_is_not_a_package() {
        let d = check(
            "SG304",
            "FROM alpine\nRUN apk add --virtual .build-deps gcc musl-dev\n",
        );
        assert_eq!(d.len(), 1);
        assert!(!d[0].message.contains(".build-deps"), "{}", d[0].message);
    }
}
