//! SG307: `gem install` of gems without a version.

use super::{OpAt, PinCheck, report_unpinned, unpinned};
use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_shell::{Action, Manager, Package, PackageKind, Word};

declare_rule! {
    /// ## What it does
    /// Finds gems installed with `gem install` without a version: `rails` instead of
    /// `rails:7.1.3` or `rails -v 7.1.3` (`--version` too, which applies to every gem of
    /// the command). Local `.gem` files and paths are pinned; `bundle install` installs
    /// from the lock file and is not reported.
    ///
    /// Gem names held in a variable are judged by their value when an ARG or ENV in scope,
    /// or an earlier assignment of the script, gives it; names only known at run time are not reported.
    ///
    /// ## Why it matters
    /// Without a version the newest release on rubygems.org is installed at build time:
    /// rebuilds differ (a new `bundler` can refuse an older lock file) and a compromised
    /// release lands silently.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ruby:3.3-slim
    /// RUN gem install bundler
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM ruby:3.3-slim
    /// RUN gem install bundler -v 2.5.10
    /// ```
    ///
    /// ## Fix
    /// None: the version to pin is not known from the Dockerfile.
    ///
    /// ## Aliases
    /// DL3028
    ///
    /// ## References
    /// Chapter 3.1.3.
    pub struct PinGem {
        code: "SG307",
        name: "pin-gem",
        severity: Warning,
        section: "3.1.3",
        aliases: ["DL3028"],
        fixable: None,
    }
}

/// Reads a gem argument a variable stood for (`rails`, `rails:7.1`, `x.gem`).
fn gem(at: &OpAt<'_>, w: &Word) -> Package {
    let v = w.text();
    let flag = at.op.has_flag(&["-v", "--version"]);
    let (name, version, kind, pinned) = if v.ends_with(".gem") || v.contains('/') {
        (v, None, PackageKind::File, true)
    } else {
        match v.split_once(':') {
            Some((n, ver)) => (n, Some(ver.to_string()), PackageKind::Name, !ver.is_empty()),
            None => (v, None, PackageKind::Name, flag),
        }
    };
    Package {
        name: name.to_string(),
        version,
        release: None,
        kind,
        pinned,
        span: w.span,
    }
}

impl Check for PinGem {
    fn run(&self, cx: &mut Checker<'_>) {
        report_unpinned(
            cx,
            &PinCheck {
                select: &|_, at| at.op.manager == Manager::Gem && at.op.action == Action::Install,
                reparse: &gem,
                report: &|_, p| unpinned(p),
                help: "pin with `gem install name -v version` or `name:version`",
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG307",
            &[
                "FROM ruby\nRUN gem install bundler\n",
                "FROM ruby\nRUN gem install --no-document rails:7.1.3 puma\n",
                "FROM ruby\nRUN gem i rake\n",
                "FROM ruby\nARG GEMS=\"rake puma\"\nRUN gem install $GEMS\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG307",
            &[
                "FROM ruby\nRUN gem install bundler -v 2.5.10\n",
                "FROM ruby\nRUN gem install bundler --version '~> 2.5'\n",
                "FROM ruby\nRUN gem install bundler:2.5.10 rails:7.1.3\n",
                "FROM ruby\nRUN gem install ./pkg/app-1.0.gem\n",
                "FROM ruby\nRUN gem install nokogiri:1.16.5 -- --use-system-libraries\n",
                "FROM ruby\nRUN bundle install\n",
                "FROM ruby\nARG BUNDLER_VERSION=2.5.10\nRUN gem install bundler -v \"$BUNDLER_VERSION\"\n",
                "FROM ruby\nARG BUNDLER_VERSION=2.5.10\nRUN gem install \"bundler:$BUNDLER_VERSION\"\n",
                "FROM ruby\nRUN gem update --system 3.5.10\n",
                "FROM ruby\nRUN gem uninstall rake\n",
            ],
        );
    }
}
