//! SG306: `npm`/`yarn`/`pnpm` installs of packages without a version.

use super::{PinCheck, report_unpinned, unpinned};
use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_shell::programs::node;
use seguro_shell::{Action, Manager};

declare_rule! {
    /// ## What it does
    /// Finds packages named in `npm install`/`npm i`, `yarn add`, `yarn global add`,
    /// `pnpm add`/`install` and `bun add` without a version: `pm2` instead of `pm2@5.4.2`.
    /// A version or range (`@5`, `@^5.4`) counts as pinned; a dist-tag (`@latest`,
    /// `@next`) does not. Installs from the project's lock file (`npm ci`, bare
    /// `npm install`, `yarn install`, `pnpm install`), local paths, tarballs, URLs and git
    /// sources with a `#ref` are not reported, nor are the package managers themselves
    /// (`npm install -g npm`, `yarn`, `pnpm`, `corepack`).
    ///
    /// Package names held in a variable are judged by their value when an ARG or ENV in
    /// scope, or an earlier assignment of the script, gives it; names only known at run time are not reported.
    ///
    /// ## Why it matters
    /// Without a version the newest release on the registry is installed at build time:
    /// rebuilds differ, and a hijacked release (a common npm supply-chain attack) lands
    /// silently. Prefer installing from a lock file with `npm ci`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// RUN npm install -g pm2
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:20-slim
    /// RUN npm install -g pm2@5.4.2
    /// ```
    ///
    /// ## Fix
    /// None: the version to pin is not known from the Dockerfile.
    ///
    /// ## Aliases
    /// DL3016
    ///
    /// ## References
    /// Chapter 3.1.3.
    pub struct PinNpm {
        code: "SG306",
        name: "pin-npm",
        severity: Warning,
        section: "3.1.3",
        aliases: ["DL3016"],
        fixable: None,
    }
}

impl Check for PinNpm {
    fn run(&self, cx: &mut Checker<'_>) {
        report_unpinned(
            cx,
            &PinCheck {
                select: &|_, at| {
                    matches!(
                        at.op.manager,
                        Manager::Npm | Manager::Yarn | Manager::Pnpm | Manager::Bun
                    ) && at.op.action == Action::Install
                        && !at.op.from_manifest
                },
                reparse: &|_, w| node::package(w),
                report: &|_, p| {
                    let tooling = matches!(p.name.as_str(), "npm" | "yarn" | "pnpm" | "corepack");
                    unpinned(p) && !tooling
                },
                help: "pin with `name@version`, or install from the lock file with `npm ci`",
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
            "SG306",
            &[
                "FROM node\nRUN npm install -g pm2\n",
                "FROM node\nRUN npm i express@4.19.2 lodash\n",
                "FROM node\nRUN npm install -g typescript@latest\n",
                "FROM node\nRUN yarn add left-pad\n",
                "FROM node\nRUN yarn global add serve\n",
                "FROM node\nRUN pnpm add -g @angular/cli\n",
                "FROM node\nRUN npm install --save-dev @types/node\n",
                "FROM node\nRUN npm install github:user/repo\n",
                "FROM node\nARG TOOLS=\"pm2 serve\"\nRUN npm install -g $TOOLS\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG306",
            &[
                "FROM node\nRUN npm ci\n",
                "FROM node\nRUN npm ci --omit=dev\n",
                "FROM node\nRUN npm install\n",
                "FROM node\nRUN npm install --production\n",
                "FROM node\nRUN npm install --prefix /app --omit=dev\n",
                "FROM node\nRUN yarn --version && npm --version\n",
                "FROM node\nRUN yarn install --frozen-lockfile\n",
                "FROM node\nRUN yarn\n",
                "FROM node\nRUN pnpm install --frozen-lockfile\n",
                "FROM node\nRUN npm install -g pm2@5.4.2\n",
                "FROM node\nRUN npm install -g @angular/cli@17 'typescript@^5.4'\n",
                "FROM node\nRUN npm install ./local-pkg /tmp/pkg.tgz\n",
                "FROM node\nRUN npm install github:user/repo#v1.0.0\n",
                "FROM node\nRUN npm install -g npm@latest\n",
                "FROM node\nRUN npm install -g yarn pnpm corepack\n",
                "FROM node\nARG PM2_VERSION=5.4.2\nRUN npm install -g pm2@$PM2_VERSION\n",
                "FROM node\nRUN npm uninstall lodash\n",
                "FROM node\nRUN npm update\n",
            ],
        );
    }
}
