use std::process::ExitCode;

fn main() -> ExitCode {
    daybook::cli::main()
}
