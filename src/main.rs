use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = ctxlint::cli::Cli::parse();
    match ctxlint::command::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("ctxlint: {:#}", anyhow::Error::from(error));
            ExitCode::from(2)
        }
    }
}
