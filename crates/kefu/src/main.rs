//! The `kefu` binary: see [`kefu::cli`].

#[global_allocator]
static GLOBAL: kefu::Allocator = kefu::Allocator;

fn main() -> std::process::ExitCode {
    kefu::cli::main(std::env::args_os())
}
