use clap::Parser;

fn main() -> std::process::ExitCode {
    triad::cli::run(triad::cli::Cli::parse())
}
