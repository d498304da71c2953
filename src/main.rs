//! The `unspace` binary: parse the command line, run, map the outcome to an exit
//! code — 0 hits, 1 no hits, 2 error.

use std::process::ExitCode;

use clap::Parser;
use unspace::app::{self, Outcome};
use unspace::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse_from(unspace::cli::exclusions_as_not(std::env::args_os()));
    match app::run(cli) {
        Ok(Outcome::Found) => ExitCode::from(0),
        Ok(Outcome::NothingFound) => ExitCode::from(1),
        Err(err) => {
            let broken_pipe = err
                .chain()
                .filter_map(|e| e.downcast_ref::<std::io::Error>())
                .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe);
            if broken_pipe {
                return ExitCode::from(0);
            }
            eprintln!("unspace: {err:#}");
            ExitCode::from(2)
        }
    }
}
