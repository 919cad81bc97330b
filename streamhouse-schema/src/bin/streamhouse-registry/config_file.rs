//! `--config FILE`: the registry's settings from a TOML file, besides flags and environment
//! variables.
//!
//! Every key is a flag's long name (`listen`, `database`, `basic-auth`, `bearer-token`, ...;
//! `_` and `-` alike), with a string, integer or boolean value, or an array for repeatable
//! flags. Precedence, highest first: the command line, the environment, the file, the
//! defaults. The file's entries become command-line arguments placed before the real ones,
//! except for flags the command line or the environment already set, so that clap validates
//! them exactly as it validates flags. An unknown key or a value of the wrong shape is an
//! error naming the key.

use std::ffi::OsString;

use clap::Command;

/// The flag naming the file, and its environment variable.
pub const CONFIG_FLAG: &str = "--config";
/// The environment variable naming the file when `--config` is not given.
pub const CONFIG_ENV: &str = "STREAMHOUSE_REGISTRY_CONFIG";

/// `argv` with the settings of the config file (if one is named) spliced in after the
/// program name.
pub fn with_config_file(command: &Command, argv: Vec<OsString>) -> Result<Vec<OsString>, String> {
    let Some(path) = config_path(&argv) else {
        return Ok(argv);
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|error| format!("cannot read the config file {}: {error}", path.display()))?;
    let table: toml::Table = toml::from_str(&text).map_err(|error| {
        format!(
            "the config file {} is not valid TOML: {error}",
            path.display()
        )
    })?;
    let given = |long: &str| {
        argv.iter().skip(1).any(|arg| {
            let arg = arg.to_string_lossy();
            arg == format!("--{long}") || arg.starts_with(&format!("--{long}="))
        })
    };
    let mut from_file = Vec::new();
    for (key, value) in &table {
        let wanted = key.replace('_', "-");
        let Some(arg) = command
            .get_arguments()
            .find(|arg| arg.get_long() == Some(wanted.as_str()) && wanted != "config")
        else {
            return Err(format!(
                "unknown key {key:?} in the config file {}: keys are the flags' long names (see --help)",
                path.display()
            ));
        };
        let Some(long) = arg.get_long() else {
            continue;
        };
        let env_set = arg
            .get_env()
            .is_some_and(|env| std::env::var_os(env).is_some());
        if given(long) || env_set {
            continue;
        }
        let flag = format!("--{long}");
        let takes_value = arg.get_num_args().is_some_and(|n| n.takes_values());
        match value {
            toml::Value::Boolean(enabled) if !takes_value => {
                if *enabled {
                    from_file.push(OsString::from(&flag));
                }
            }
            toml::Value::Array(items) if takes_value => {
                for item in items {
                    from_file.push(OsString::from(&flag));
                    from_file.push(scalar(key, item)?);
                }
            }
            value if takes_value => {
                from_file.push(OsString::from(&flag));
                from_file.push(scalar(key, value)?);
            }
            _ => {
                return Err(format!(
                    "key {key:?} in the config file is a switch: write {key} = true"
                ))
            }
        }
    }
    let mut spliced = Vec::with_capacity(argv.len() + from_file.len());
    let mut argv = argv.into_iter();
    spliced.extend(argv.next());
    spliced.extend(from_file);
    spliced.extend(argv);
    Ok(spliced)
}

/// One value as a command-line argument.
fn scalar(key: &str, value: &toml::Value) -> Result<OsString, String> {
    match value {
        toml::Value::String(text) => Ok(OsString::from(text)),
        toml::Value::Integer(number) => Ok(OsString::from(number.to_string())),
        toml::Value::Boolean(enabled) => Ok(OsString::from(enabled.to_string())),
        other => Err(format!(
            "key {key:?} in the config file must be a string, an integer or a boolean, not {}",
            other.type_str()
        )),
    }
}

/// The file named by `--config FILE`, `--config=FILE` or the environment.
fn config_path(argv: &[OsString]) -> Option<std::path::PathBuf> {
    let mut args = argv.iter().skip(1);
    while let Some(arg) = args.next() {
        let text = arg.to_string_lossy();
        if text == CONFIG_FLAG {
            return args.next().map(Into::into);
        }
        if let Some(path) = text.strip_prefix("--config=") {
            return Some(path.into());
        }
    }
    std::env::var_os(CONFIG_ENV).map(Into::into)
}
