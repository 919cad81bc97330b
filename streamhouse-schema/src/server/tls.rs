//! TLS for the listener: a certificate chain and private key from PEM files and, for mutual
//! TLS, a CA whose certificates clients must present. Uses rustls with the ring provider
//! (the one reqwest's `rustls-tls` uses), chosen explicitly so that no process-wide default
//! provider is needed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};

use super::error::ServerError;

/// Where the listener's TLS material lives (all PEM files).
///
/// ```
/// use streamhouse_schema::server::{RegistryConfig, TlsConfig};
///
/// let config = RegistryConfig::in_memory().with_tls(
///     TlsConfig::new("/etc/registry/cert.pem", "/etc/registry/key.pem")
///         .with_client_ca("/etc/registry/clients-ca.pem"), // mTLS
/// );
/// assert!(config.tls.is_some());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsConfig {
    /// The server's certificate chain, leaf first.
    pub cert_path: PathBuf,
    /// The server's private key (PKCS#8, PKCS#1 or SEC1).
    pub key_path: PathBuf,
    /// When set, every client must present a certificate signed by one of these CAs
    /// (mutual TLS); connections without one fail the handshake.
    pub client_ca_path: Option<PathBuf>,
}

impl TlsConfig {
    /// Serve TLS with this certificate chain and key, without client certificates.
    pub fn new(cert_path: impl Into<PathBuf>, key_path: impl Into<PathBuf>) -> Self {
        TlsConfig {
            cert_path: cert_path.into(),
            key_path: key_path.into(),
            client_ca_path: None,
        }
    }

    /// Requires client certificates signed by the CAs in this PEM file (mutual TLS).
    pub fn with_client_ca(mut self, client_ca_path: impl Into<PathBuf>) -> Self {
        self.client_ca_path = Some(client_ca_path.into());
        self
    }

    /// Reads the files and builds the rustls configuration (HTTP/1.1 over ALPN).
    ///
    /// # Errors
    /// [`ServerError::Tls`] naming the file that is missing, empty or invalid.
    pub(crate) fn server_config(&self) -> Result<Arc<ServerConfig>, ServerError> {
        let certs = read_certs(&self.cert_path)?;
        let key = PrivateKeyDer::from_pem_file(&self.key_path).map_err(|error| {
            tls_error(&self.key_path, format!("no usable private key: {error}"))
        })?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|error| tls_error(&self.cert_path, error.to_string()))?;
        let builder = match &self.client_ca_path {
            None => builder.with_no_client_auth(),
            Some(path) => {
                let mut roots = RootCertStore::empty();
                for cert in read_certs(path)? {
                    roots
                        .add(cert)
                        .map_err(|error| tls_error(path, format!("invalid CA: {error}")))?;
                }
                let verifier =
                    WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                        .build()
                        .map_err(|error| tls_error(path, error.to_string()))?;
                builder.with_client_cert_verifier(verifier)
            }
        };
        let mut config = builder
            .with_single_cert(certs, key)
            .map_err(|error| tls_error(&self.cert_path, error.to_string()))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, ServerError> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|iter| iter.collect::<Result<Vec<_>, _>>())
        .map_err(|error| tls_error(path, format!("cannot read certificates: {error}")))?;
    if certs.is_empty() {
        return Err(tls_error(path, "no certificate found".to_string()));
    }
    Ok(certs)
}

fn tls_error(path: &Path, message: String) -> ServerError {
    ServerError::Tls {
        path: path.to_path_buf(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_and_empty_files_are_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.pem");
        let error = TlsConfig::new(&missing, &missing)
            .server_config()
            .unwrap_err();
        assert!(
            matches!(&error, ServerError::Tls { path, .. } if path == &missing),
            "{error}"
        );

        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not pem at all").unwrap();
        let error = TlsConfig::new(&empty, &empty).server_config().unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "TLS setup failed for {}: no certificate found",
                empty.display()
            )
        );
    }
}
