//! The `preflight` command line. Everything else lives in the library.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use preflight::baseline::Baseline;
use preflight::config::SelectLayer;
use preflight::diagnostic::Severity;
use preflight::registry;
use preflight::report::{self, Format};

#[derive(Parser)]
#[command(
    name = "preflight",
    version,
    about = "Checks a Django project's production deployment: settings, env files, Dockerfiles and Compose files."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lint files and folders (default: the current folder).
    Check(CheckArgs),
    /// Record today's findings in FILE, for `check --baseline FILE` to hide them.
    Baseline(BaselineArgs),
    /// Print the rule catalogue.
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Print the deployment model Preflight believes: each project's production services (their
    /// Dockerfile, stage and environment sources), the settings module production loads and why,
    /// and the effective value of every security-relevant setting with its source.
    Deployment(DeploymentArgs),
    /// Print a rule's documentation.
    Explain {
        /// A rule code (`ENV002`) or name (`env-duplicate-key`).
        rule: String,
    },
    /// Run the language server (LSP over stdin and stdout) for editors.
    Server,
}

#[derive(clap::Args)]
struct DeploymentArgs {
    /// The project folder (default: the current folder).
    path: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = DeploymentFormat::Text)]
    format: DeploymentFormat,
    /// Use this config file instead of searching for one.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Ignore every config file.
    #[arg(long)]
    isolated: bool,
    /// The production settings module (`config.settings.production`), instead of discovering it.
    #[arg(long, value_name = "MODULE")]
    settings: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum DeploymentFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum RulesFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Color {
    Auto,
    Always,
    Never,
}

/// What to lint and with which rules: shared by `check` and `baseline`.
#[derive(clap::Args)]
struct InputArgs {
    /// Rules to enable, replacing the defaults (codes, names or prefixes: `ENV`, `ENV1`, `DJ01`).
    #[arg(long, value_delimiter = ',')]
    select: Option<Vec<String>>,
    /// Rules to enable on top of the selection.
    #[arg(long, value_delimiter = ',')]
    extend_select: Vec<String>,
    /// Rules to disable.
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Use this config file instead of searching for one.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Ignore every config file.
    #[arg(long)]
    isolated: bool,
    /// The production settings module (`config.settings.production`), instead of discovering it.
    #[arg(long, value_name = "MODULE")]
    settings: Option<String>,
    /// Also sweep every other text file of the tree (honouring .gitignore) for provider tokens
    /// (SEC002) and passwords in URLs (SEC004), like a secret scanner.
    #[arg(long)]
    secrets_all_files: bool,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or folders to lint.
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    output_format: Format,
    #[command(flatten)]
    input: InputArgs,
    /// Hide the findings recorded in this baseline file (written by `preflight baseline`).
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Exit 1 when a finding of at least this severity remains [default: warning].
    #[arg(long, value_enum)]
    fail_on: Option<Severity>,
    /// Always exit 0 unless Preflight itself fails.
    #[arg(long)]
    exit_zero: bool,
    /// Print the number of findings per rule.
    #[arg(long)]
    statistics: bool,
    /// Print every file seen, its kind, its environment and why.
    #[arg(long)]
    show_files: bool,
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Print diagnostics only (no summary line).
    #[arg(long, short)]
    quiet: bool,
}

#[derive(clap::Args)]
struct BaselineArgs {
    /// The baseline file to write (JSON).
    file: PathBuf,
    /// Files or folders to lint.
    paths: Vec<PathBuf>,
    #[command(flatten)]
    input: InputArgs,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) if !e.use_stderr() => {
            // `--help`, `--version`: printed as clap renders them.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return ExitCode::from(2);
        }
        Err(e) => {
            // A usage error is one line: clap's message and its hints, without the usage block.
            let rendered = e.render().to_string();
            let line = rendered
                .lines()
                .take_while(|l| !l.starts_with("Usage:"))
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with("For more information"))
                .collect::<Vec<_>>()
                .join(" ")
                .replace(" tip: ", "; tip: ");
            eprintln!("{line} (see `preflight --help`)");
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Command::Check(args) => run_check(args),
        Command::Deployment(args) => run_deployment(args),
        Command::Server => ExitCode::from(preflight::lsp::run_stdio()),
        Command::Baseline(args) => run_baseline(args),
        Command::Rules { format } => {
            print_out(&match format {
                RulesFormat::Text => rules_text(),
                RulesFormat::Json => rules_json(),
                RulesFormat::Markdown => preflight::registry::rules_markdown(),
            });
            ExitCode::SUCCESS
        }
        Command::Explain { rule } => match registry::find(&rule).and_then(registry::doc) {
            Some(doc) => {
                print_out(doc);
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("error: no rule `{rule}` (`preflight rules` lists them)");
                ExitCode::from(2)
            }
        },
    }
}

/// Writes to stdout, ignoring a closed pipe (`preflight rules | head`).
fn print_out(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

/// Runs the check pipeline; a usage or config error is printed and becomes exit code 2.
fn check_or_exit(opts: &preflight::Options) -> Result<preflight::Report, ExitCode> {
    preflight::check(opts).map_err(|e| {
        match e {
            preflight::CheckError::Usage(m) => eprintln!("error: {m}"),
            preflight::CheckError::Config(e) => eprintln!("{:?}", e.report()),
        }
        ExitCode::from(2)
    })
}

fn run_deployment(args: DeploymentArgs) -> ExitCode {
    let opts = preflight::Options {
        paths: args.path.into_iter().collect(),
        config: args.config,
        isolated: args.isolated,
        settings: args.settings,
        secrets_all_files: false,
        // Every rule on, so that every part of the model is built, whatever the config selects.
        selection: SelectLayer { select: Some(vec!["ALL".into()]), ..Default::default() },
    };
    let report = match check_or_exit(&opts) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let view = report::deployment::view(&report);
    print_out(&match args.format {
        DeploymentFormat::Text => report::deployment::render_text(&view),
        DeploymentFormat::Json => report::deployment::render_json(&view),
    });
    ExitCode::SUCCESS
}

/// Runs the pipeline; on failure, the exit code after the error is printed.
fn run_pipeline(paths: &[PathBuf], input: &InputArgs) -> Result<preflight::Report, ExitCode> {
    for s in input.select.iter().flatten().chain(&input.extend_select).chain(&input.ignore) {
        if !registry::is_valid_selector(s) {
            eprintln!("error: unknown rule code or name `{s}` (`preflight rules` lists them)");
            return Err(ExitCode::from(2));
        }
    }
    let opts = preflight::Options {
        paths: paths.to_vec(),
        config: input.config.clone(),
        isolated: input.isolated,
        settings: input.settings.clone(),
        secrets_all_files: input.secrets_all_files,
        selection: SelectLayer {
            select: input.select.clone(),
            extend_select: input.extend_select.clone(),
            ignore: input.ignore.clone(),
        },
    };
    check_or_exit(&opts)
}

fn run_baseline(args: BaselineArgs) -> ExitCode {
    let report = match run_pipeline(&args.paths, &args.input) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let baseline = Baseline::from_report(&report);
    if let Err(e) = std::fs::write(&args.file, baseline.to_json()) {
        eprintln!("error: cannot write baseline file {}: {e}", args.file.display());
        return ExitCode::from(2);
    }
    eprintln!("Wrote {} findings to {}.", baseline.entries.len(), args.file.display());
    ExitCode::SUCCESS
}

fn run_check(args: CheckArgs) -> ExitCode {
    // A missing or corrupt baseline fails before any linting.
    let baseline = match args.baseline.as_deref().map(Baseline::load).transpose() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{:?}", e.report_as("preflight::baseline"));
            return ExitCode::from(2);
        }
    };
    let mut report = match run_pipeline(&args.paths, &args.input) {
        Ok(r) => r,
        Err(code) => return code,
    };
    // Stale entries are a note, never a failure (like ruff and flake8 baselines): fixing a
    // finding must not break the build.
    if let Some(applied) = baseline.map(|b| b.apply(&mut report)) {
        if !applied.stale.is_empty() && !args.quiet {
            eprintln!(
                "note: {} baseline entries match no finding any more (fixed?); refresh with `preflight baseline {}`",
                applied.stale.len(),
                args.baseline.as_deref().unwrap_or(Path::new("FILE")).display()
            );
        }
    }
    let stdout_tty = std::io::stdout().is_terminal();
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => stdout_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let mut out = String::new();
    if args.show_files {
        for f in &report.seen {
            out.push_str(&format!("{}\t{}\t{}\t{}\n", f.path, f.kind.as_str(), f.environment.as_str(), f.reason));
        }
    }
    out.push_str(&match args.output_format {
        Format::Human => report::human::render(&report, color),
        Format::Concise => report::concise::render(&report),
        Format::Json => report::json::render(&report),
        Format::Sarif => report::sarif::render(&report),
        Format::Github => report::github::render(&report),
        Format::Gitlab => report::gitlab::render(&report),
        Format::Junit => report::junit::render(&report),
    });
    let textual = matches!(args.output_format, Format::Human | Format::Concise);
    if args.statistics && textual {
        out.push_str(&report::statistics(&report));
    }
    if textual && !args.quiet {
        let (e, w, i) = (report.count(Severity::Error), report.count(Severity::Warning), report.count(Severity::Info));
        if e + w + i == 0 {
            out.push_str(&format!("All checks passed ({} files).\n", report.project.files.len()));
        } else {
            out.push_str(&format!(
                "Found {} problems ({e} errors, {w} warnings, {i} infos) in {} files.\n",
                e + w + i,
                report.project.files.len()
            ));
        }
    }
    print_out(&out);
    let threshold = args.fail_on.or(report.config_fail_on).unwrap_or(Severity::Warning);
    if !args.exit_zero && report.diagnostics.iter().any(|d| d.severity >= threshold) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn rules_text() -> String {
    let mut out = String::new();
    for r in registry::all() {
        out.push_str(&format!(
            "{:<7} {:<32} {:<4} {:<8} {}\n",
            r.code,
            r.name,
            r.family.prefix(),
            r.severity.as_str(),
            if r.default_enabled { "on" } else { "off" }
        ));
    }
    out
}

fn rules_json() -> String {
    let rows: Vec<_> = registry::all()
        .map(|r| {
            serde_json::json!({
                "code": r.code, "name": r.name, "family": r.family.prefix(), "severity": r.severity,
                "enabled_by_default": r.default_enabled, "summary": r.summary,
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&rows).expect("serializable");
    s.push('\n');
    s
}
