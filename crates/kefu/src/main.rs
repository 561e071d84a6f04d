//! The `kefu` binary: see [`kefu::cli`].

fn main() -> std::process::ExitCode {
    kefu::cli::main(std::env::args_os())
}
