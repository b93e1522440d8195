//! `cargo xtask`: project tasks. `dev` runs the product, `test` runs every check and test,
//! `bench` runs the load benchmarks, `fuzz` the long fuzz run, `install` only installs the
//! toolchain.

mod bench;
mod browser;
mod dev;
mod run;
mod services;
mod test;
mod tools;
mod web_dist;

use anyhow::bail;

const USAGE: &str = "usage: cargo xtask <dev | test [--ci] | bench [analytics] | fuzz | install | build-web | browser>";

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("dev") => dev::run(),
        Some("test") => test::run(args.iter().any(|a| a == "--ci")),
        Some("bench") if args.get(1).map(String::as_str) == Some("analytics") => bench::analytics(),
        Some("bench") => bench::run(),
        Some("fuzz") => test::fuzz(),
        Some("install") => tools::Tools::ensure().map(drop),
        Some("browser") => {
            let tools = tools::Tools::ensure()?;
            dev::build_web(&tools)?;
            browser::run(&tools)
        }
        Some("build-web") => {
            let tools = tools::Tools::ensure()?;
            dev::build_web(&tools).map(drop)
        }
        _ => bail!("{USAGE}"),
    }
}
