use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = ctxlint::cli::Cli::parse();
    match ctxlint::command::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            // Not `eprintln!`: it panics when stderr itself cannot be written.
            let message = format!("ctxlint: {:#}\n", anyhow::Error::from(error));
            let _ = std::io::Write::write_all(&mut std::io::stderr(), message.as_bytes());
            ExitCode::from(2)
        }
    }
}
