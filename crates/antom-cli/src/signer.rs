//! Running an external signing command (`antom sign --signer-command`): the bytes to sign go
//! to its stdin, the raw signature comes from its stdout. The core checks the result.

use std::io::Write;
use std::process::{Command, Stdio};

/// Largest output accepted from a signer (an RSA-8192 signature is 1024 bytes).
const MAX_SIGNATURE_OUTPUT: usize = 4096;

/// Runs `command` with `sh -c`, writes `input` to its stdin, returns its stdout.
///
/// # Errors
/// A message when the command cannot start, fails, or prints too much; its stderr is shown,
/// its stdout never is.
pub fn run(command: &str, input: &[u8]) -> Result<Vec<u8>, String> {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("SIGNING_FAILED: cannot run the signer command: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(input)
            .map_err(|e| format!("SIGNING_FAILED: cannot write to the signer command: {e}"))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|e| format!("SIGNING_FAILED: the signer command failed: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "SIGNING_FAILED: the signer command exited with {}",
            output.status
        ));
    }
    if output.stdout.len() > MAX_SIGNATURE_OUTPUT {
        return Err(format!(
            "SIGNING_FAILED: the signer command printed {} bytes; a raw RSA signature has at \
             most 1024",
            output.stdout.len()
        ));
    }
    Ok(output.stdout)
}
