//! The `unspace` binary: parse the command line, run, map the outcome to an exit
//! code — 0 hits, 1 no hits, 2 error. No panic reaches the user as a Rust backtrace:
//! it is reported in one line, exit 2.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::ExitCode;

use clap::Parser;
use unspace::cli::{self, Cli, Outcome, say};

fn main() -> ExitCode {
    // Started by unspace itself to read one PDF apart (see parse::pdf_worker).
    unspace::parse::pdf_worker::serve_if_worker();
    // Panics are reported once, below, not by the default hook.
    std::panic::set_hook(Box::new(|_| {}));
    let cli = Cli::parse();
    let outcome = match catch_unwind(AssertUnwindSafe(|| cli::run(cli))) {
        Ok(outcome) => outcome,
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            say(&format!("internal error, please report it: {message}"));
            return ExitCode::from(2);
        }
    };
    match outcome {
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
            say(&format!("{err:#}"));
            ExitCode::from(2)
        }
    }
}
