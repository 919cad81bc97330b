//! Client configuration: what `SchemaRegistryClient::new` and the builder accept and
//! reject (no network involved).

use std::time::Duration;

use streamhouse_schema::error::ClientError;
use streamhouse_schema::registry::{Schema, SchemaRegistryClient};
use streamhouse_schema::SchemaFormat;

/// A throwaway self-signed CA (generated with openssl for this test; no private key kept).
const TEST_CA_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIDHzCCAgegAwIBAgIUPQATaeE98o9q41UCGvD8an8m0fUwDQYJKoZIhvcNAQEL
BQAwHjEcMBoGA1UEAwwTc3RyZWFtaG91c2UgdGVzdCBDQTAgFw0yNjExMjcwNDEz
MThaGA8yMTI2MTEwMzA0MTMxOFowHjEcMBoGA1UEAwwTc3RyZWFtaG91c2UgdGVz
dCBDQTCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBANIloRaqQb5ix/sC
tiQJdVOPXEaaMfL0cAcZ9kAl4h5qxM5ryNNTZW2736eJAsANE40AFADffcWXs/Vg
bBg0Pa+X12EQifEo2wS0CnN8Q75l5bcTLX8sSol9FllZQJVutS4x5MkAIsjdPVd7
isPI++9a89nAaoHkjXm+iNSRRLSIuKaEkK4QBZhlbJgAd94eYEiugDVBGKDq9CBy
9/8aKWjCEk9I/3tVfRdkuc6Ogc4J/Caqm/TP2JdMG+/DlEV51OrNdCVc4g4u/QZp
bEPNTZqJ42CQPBoBqQverbCm510KIpMvH0U97chMAwohvNY3OdQ9gyyRl2JiXj2H
Jgb0sfkCAwEAAaNTMFEwHQYDVR0OBBYEFLJ9+K4xonGBBMfYo2ycZvgUByWPMB8G
A1UdIwQYMBaAFLJ9+K4xonGBBMfYo2ycZvgUByWPMA8GA1UdEwEB/wQFMAMBAf8w
DQYJKoZIhvcNAQELBQADggEBABY10vM38UwGxCuTi5H2u804sbVM7l9coliI5AL3
6Ldv7pUoENtPxl1mfh3/nnfAcJLqVi5qjSsupqTtKtpUM0DZsVD2YCuLDxkZIFQH
N8BpCon4GjwI9WkWtiWuxAd2/lhUDS0BuNF7nCJqnQmzWY++7KkThCy4yju+oKwv
OPvlNa8dbmrx1gHW4a5IEA13eidLwF8ZJaEYP5S7dzBT4oskC4eRyK9ysNlLZT1N
QwqNNLBb979W6Varl+mr8XiegwrjgUwUS1mm8kK6USDfsg34F6/C/x/78Ycfn5hi
zDxv7HJy0QR7W2CNfSNuoFbDBqe8p1VpYi0IREqYFVVDBxg=
-----END CERTIFICATE-----
";

fn config_error(result: Result<SchemaRegistryClient, ClientError>) -> String {
    match result {
        Err(ClientError::ConfigError(message)) => message,
        other => panic!("expected a config error, got {other:?}"),
    }
}

#[test]
fn accepts_urls_lists_prefixes_and_mock_scopes() {
    for url in [
        "http://localhost:8081",
        "https://registry.example/schemas",
        "http://a:8081, http://b:8081/prefix/",
        "http://key:secret@registry:8081",
        "mock://unit",
        "mock://",
    ] {
        assert!(SchemaRegistryClient::try_new(url).is_ok(), "{url}");
    }
}

#[test]
fn rejects_missing_and_unusable_urls() {
    assert!(config_error(SchemaRegistryClient::builder().build()).contains("no URL"));
    assert!(config_error(SchemaRegistryClient::try_new("")).contains("no URL"));
    assert!(
        config_error(SchemaRegistryClient::try_new("mock://a,http://b:8081")).contains("mock://")
    );
    assert!(config_error(SchemaRegistryClient::try_new("ftp://host")).contains("scheme"));
    assert!(config_error(SchemaRegistryClient::try_new("http://host:8081?x=1")).contains("query"));
    assert!(
        config_error(SchemaRegistryClient::try_new("localhost:8081"))
            .contains("invalid schema registry URL")
    );
}

/// The original design's `SchemaRegistryClient::new(base_url: String) -> Self`: an invalid URL
/// makes a client anyway, and every call reports the `ConfigError` that `try_new` gives at once.
#[tokio::test]
async fn new_never_fails_and_its_calls_report_an_invalid_url() {
    let expected = config_error(SchemaRegistryClient::try_new("localhost:8081"));
    let client = SchemaRegistryClient::new("localhost:8081".to_string());
    let register = client
        .register_schema("orders-value", "\"string\"", SchemaFormat::Avro)
        .await;
    assert!(
        matches!(&register, Err(ClientError::ConfigError(m)) if *m == expected),
        "{register:?}"
    );
    let by_id = client.get_schema_by_id(1).await;
    assert!(
        matches!(&by_id, Err(ClientError::ConfigError(m)) if *m == expected),
        "{by_id:?}"
    );
    let check = client
        .test_compatibility("orders-value", &Schema::avro("\"string\""), "latest")
        .await;
    assert!(
        matches!(&check, Err(ClientError::ConfigError(m)) if *m == expected),
        "{check:?}"
    );
    // A valid URL gives a working client through `new` too.
    let client = SchemaRegistryClient::new(String::from("mock://client-builder-new"));
    let id = client
        .register_schema("orders-value", "\"string\"", SchemaFormat::Avro)
        .await;
    assert_eq!(id.ok(), Some(1));
}

#[test]
fn rejects_zero_capacity_and_zero_timeout() {
    let base = || SchemaRegistryClient::builder().url("http://h");
    assert!(config_error(base().cache_capacity(0).build()).contains("capacity"));
    assert!(config_error(base().timeout(Duration::ZERO).build()).contains("timeout"));
}

#[test]
fn root_certificates_must_be_real_pem_certificates() {
    let base = || SchemaRegistryClient::builder().url("https://h");
    assert!(base().add_root_certificate_pem(TEST_CA_PEM).build().is_ok());
    let garbage = config_error(base().add_root_certificate_pem("not a pem").build());
    assert_eq!(
        garbage,
        "schema registry: invalid root certificate PEM: no certificate found"
    );
    let with_client = base()
        .add_root_certificate_pem(TEST_CA_PEM)
        .http_client(reqwest::Client::new())
        .build();
    assert!(config_error(with_client).contains("custom reqwest::Client"));
}

#[test]
fn a_custom_http_client_is_accepted() {
    let client = SchemaRegistryClient::builder()
        .url("http://h:8081")
        .http_client(reqwest::Client::new())
        .build();
    assert!(client.is_ok());
}
