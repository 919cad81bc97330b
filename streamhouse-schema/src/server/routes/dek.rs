//! `/dek-registry/v1/keks...`: the DEK registry, with the routes, answers and error codes of
//! Confluent's `DekRegistryResource` (see [`crate::server::dek`] for the rules and what
//! this registry does not do).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::super::dek::{
    algorithm, check_name, check_subject, deks_equivalent, keks_equivalent, normalize_kms_type,
    now_millis, CreateDek, CreateKek, DekBody, KekBody, UpdateKek,
};
use super::super::error::ApiError;
use super::super::extract::ApiPath;
use super::super::response::{ok, JsonBody};
use super::super::state::AppState;
use super::super::store::keys::{DekRecord, KekRecord};
use super::super::store::Store;
use super::super::version::VersionSpec;
use super::{flag, Params};

/// DEKs are created at version 1 unless the request says otherwise (`MIN_VERSION`).
const MIN_VERSION: i64 = 1;

fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// `offset` and `limit` (`-1` or absent: everything) as Confluent pages its lists.
fn page<T>(items: Vec<T>, params: &Params) -> Vec<T> {
    let number = |name: &str, default: i64| {
        params
            .get(name)
            .and_then(|raw| raw.parse::<i64>().ok())
            .unwrap_or(default)
    };
    let offset = usize::try_from(number("offset", 0)).unwrap_or(0);
    let limit = usize::try_from(number("limit", -1)).unwrap_or(usize::MAX);
    items.into_iter().skip(offset).take(limit).collect()
}

/// The KEK called `name` (soft-deleted ones only when `deleted`), else 40470.
async fn kek(store: &Store, name: &str, deleted: bool) -> Result<KekRecord, ApiError> {
    check_name(name)?;
    store
        .kek(name)
        .await?
        .filter(|kek| deleted || !kek.deleted)
        .ok_or_else(|| ApiError::key_not_found(name))
}

/// The DEKs of `subject` under `kek` with the requested algorithm, soft-deleted ones only
/// when `deleted`, oldest version first.
async fn subject_deks(
    store: &Store,
    kek: &str,
    subject: &str,
    params: &Params,
    deleted: bool,
) -> Result<Vec<DekRecord>, ApiError> {
    check_subject(subject)?;
    let algorithm = algorithm(params.get("algorithm").map(String::as_str))?;
    Ok(store
        .deks(kek, Some(subject), Some(algorithm))
        .await?
        .into_iter()
        .filter(|dek| deleted || !dek.deleted)
        .collect())
}

/// One version of `subject`'s DEKs (`latest`: the newest), else 40470 naming the subject.
fn pick(deks: Vec<DekRecord>, subject: &str, spec: VersionSpec) -> Result<DekRecord, ApiError> {
    match spec {
        VersionSpec::Latest => deks.into_iter().max_by_key(|dek| dek.version),
        VersionSpec::Number(number) => deks.into_iter().find(|dek| dek.version == number),
    }
    .ok_or_else(|| ApiError::key_not_found(subject))
}

/// `GET /dek-registry/v1/keks?subjectPrefix=&deleted=&offset=&limit=`: KEK names; with
/// subject prefixes, the KEKs holding DEKs of matching subjects.
pub(crate) async fn list_keks(
    State(state): State<AppState>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let prefixes: Vec<&String> = pairs
        .iter()
        .filter(|(name, value)| name == "subjectPrefix" && !value.is_empty())
        .map(|(_, value)| value)
        .collect();
    let params: Params = pairs.iter().cloned().collect();
    let deleted = flag(&params, "deleted");
    let store = state.store();
    let mut names: Vec<String> = if prefixes.is_empty() {
        store
            .keks()
            .await?
            .into_iter()
            .filter(|kek| deleted || !kek.deleted)
            .map(|kek| kek.name)
            .collect()
    } else {
        store
            .all_deks()
            .await?
            .into_iter()
            .filter(|dek| deleted || !dek.deleted)
            .filter(|dek| prefixes.iter().any(|p| dek.subject.starts_with(p.as_str())))
            .map(|dek| dek.kek_name)
            .collect()
    };
    names.sort();
    names.dedup();
    Ok(ok(&page(names, &params)))
}

/// `POST /dek-registry/v1/keks`: creates a KEK (42271 without name, `kmsType` or
/// `kmsKeyId`; 40971 when it exists, unless this undeletes an equal soft-deleted one).
pub(crate) async fn create_kek(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<CreateKek>,
) -> Result<Response, ApiError> {
    let name = request.name.unwrap_or_default();
    check_name(&name)?;
    let kms_key_id = request
        .kms_key_id
        .filter(|id| !id.is_empty())
        .ok_or_else(|| ApiError::invalid_key("kmsKeyId"))?;
    let kms_type = request
        .kms_type
        .ok_or_else(|| ApiError::invalid_key("kmsType"))?;
    let new = KekRecord {
        name,
        kms_type: normalize_kms_type(&kms_type),
        kms_key_id,
        kms_props: request.kms_props.unwrap_or_default(),
        doc: request.doc,
        shared: request.shared,
        ts: now_millis(),
        deleted: request.deleted,
    };
    let store = state.store();
    if let Some(old) = store.kek(&new.name).await? {
        if new.deleted == old.deleted || !keks_equivalent(&old, &new) {
            return Err(ApiError::key_exists(&new.name));
        }
    }
    store.put_kek(&new).await?;
    Ok(ok(&KekBody::from(&new)))
}

/// `GET /dek-registry/v1/keks/{name}?deleted=`.
pub(crate) async fn get_kek(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let kek = kek(state.store(), &name, flag(&params, "deleted")).await?;
    Ok(ok(&KekBody::from(&kek)))
}

/// `PUT /dek-registry/v1/keks/{name}`: updates `kmsProps`, `doc`, `shared` of a live KEK.
pub(crate) async fn put_kek(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
    JsonBody(request): JsonBody<UpdateKek>,
) -> Result<Response, ApiError> {
    let store = state.store();
    let old = kek(store, &name, false).await?;
    let new = KekRecord {
        kms_props: match request.kms_props {
            Some(props) => props.unwrap_or_default(),
            None => old.kms_props.clone(),
        },
        doc: match request.doc {
            Some(doc) => doc,
            None => old.doc.clone(),
        },
        shared: request.shared.unwrap_or(old.shared),
        ts: now_millis(),
        deleted: false,
        ..old.clone()
    };
    if keks_equivalent(&old, &new) {
        return Ok(ok(&KekBody::from(&old)));
    }
    store.put_kek(&new).await?;
    Ok(ok(&KekBody::from(&new)))
}

/// `DELETE /dek-registry/v1/keks/{name}?permanent=`: 204; 42272 while DEKs use it (live
/// ones for a soft delete, any for a permanent one); 40471 for a permanent delete of a
/// live KEK.
pub(crate) async fn delete_kek(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let store = state.store();
    let permanent = flag(&params, "permanent");
    let old = kek(store, &name, true).await?;
    let referenced = store
        .deks(&name, None, None)
        .await?
        .iter()
        .any(|dek| permanent || !dek.deleted);
    if referenced {
        return Err(ApiError::key_referenced(&name));
    }
    if permanent {
        if !old.deleted {
            return Err(ApiError::key_not_soft_deleted(&name));
        }
        store.remove_kek(&name).await?;
    } else if !old.deleted {
        store
            .put_kek(&KekRecord {
                ts: now_millis(),
                deleted: true,
                ..old
            })
            .await?;
    }
    Ok(no_content())
}

/// `POST /dek-registry/v1/keks/{name}/undelete`: 204.
pub(crate) async fn undelete_kek(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
) -> Result<Response, ApiError> {
    let store = state.store();
    let old = kek(store, &name, true).await?;
    if old.deleted {
        store
            .put_kek(&KekRecord {
                ts: now_millis(),
                deleted: false,
                ..old
            })
            .await?;
    }
    Ok(no_content())
}

/// `GET /dek-registry/v1/keks/{name}/deks?deleted=&offset=&limit=`: the subjects with DEKs.
pub(crate) async fn list_dek_subjects(
    State(state): State<AppState>,
    ApiPath(name): ApiPath<String>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let deleted = flag(&params, "deleted");
    let store = state.store();
    kek(store, &name, deleted).await?;
    let mut subjects: Vec<String> = store
        .deks(&name, None, None)
        .await?
        .into_iter()
        .filter(|dek| deleted || !dek.deleted)
        .map(|dek| dek.subject)
        .collect();
    subjects.sort();
    subjects.dedup();
    Ok(ok(&page(subjects, &params)))
}

/// `POST /dek-registry/v1/keks/{name}/deks` (subject in the body, Confluent's deprecated
/// form).
pub(crate) async fn create_dek_in_body(
    state: State<AppState>,
    ApiPath(name): ApiPath<String>,
    params: Query<Params>,
    JsonBody(request): JsonBody<CreateDek>,
) -> Result<Response, ApiError> {
    let subject = request.subject.clone().unwrap_or_default();
    create(state, name, subject, params, request).await
}

/// `POST /dek-registry/v1/keks/{name}/deks/{subject}?rewrap=`.
pub(crate) async fn create_dek(
    state: State<AppState>,
    ApiPath((name, subject)): ApiPath<(String, String)>,
    params: Query<Params>,
    JsonBody(request): JsonBody<CreateDek>,
) -> Result<Response, ApiError> {
    create(state, name, subject, params, request).await
}

/// Creates a DEK: 40470 without the KEK, 40971 when that version exists (unless this
/// undeletes an equal one, or `rewrap`), 42271 without `encryptedKeyMaterial`.
async fn create(
    State(state): State<AppState>,
    name: String,
    subject: String,
    Query(params): Query<Params>,
    request: CreateDek,
) -> Result<Response, ApiError> {
    let store = state.store();
    check_name(&name)?;
    check_subject(&subject)?;
    let kek = kek(store, &name, request.deleted).await?;
    let algorithm = algorithm(request.algorithm.as_deref())?;
    let version = request.version.unwrap_or(MIN_VERSION);
    if !(1..=i64::from(i32::MAX)).contains(&version) {
        return Err(ApiError::invalid_key("version"));
    }
    let new = DekRecord {
        kek_name: name,
        subject,
        algorithm: algorithm.to_string(),
        version,
        encrypted_key_material: request.encrypted_key_material,
        ts: now_millis(),
        deleted: request.deleted,
    };
    let old = store
        .deks(&new.kek_name, Some(&new.subject), Some(algorithm))
        .await?
        .into_iter()
        .find(|dek| dek.version == version);
    if let Some(old) = &old {
        let rewrap = flag(&params, "rewrap");
        if !rewrap && (new.deleted == old.deleted || !deks_equivalent(old, &new)) {
            return Err(ApiError::key_exists(&new.subject));
        }
    }
    match &new.encrypted_key_material {
        Some(_) if kek.shared && old.is_some() => return Err(ApiError::key_exists(&new.subject)),
        Some(_) => {}
        // Generating the material needs the KEK's KMS, which this registry cannot reach.
        None => return Err(ApiError::invalid_key("encryptedKeyMaterial")),
    }
    store.put_dek(&new).await?;
    Ok(ok(&DekBody::from(&new)))
}

/// `GET /dek-registry/v1/keks/{name}/deks/{subject}?algorithm=&deleted=`: version 1.
pub(crate) async fn get_dek(
    State(state): State<AppState>,
    ApiPath((name, subject)): ApiPath<(String, String)>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let deleted = flag(&params, "deleted");
    let store = state.store();
    kek(store, &name, deleted).await?;
    let deks = subject_deks(store, &name, &subject, &params, deleted).await?;
    let dek = pick(deks, &subject, VersionSpec::Number(MIN_VERSION))?;
    Ok(ok(&DekBody::from(&dek)))
}

/// `GET /dek-registry/v1/keks/{name}/deks/{subject}/versions?algorithm=&deleted=`.
pub(crate) async fn list_dek_versions(
    State(state): State<AppState>,
    ApiPath((name, subject)): ApiPath<(String, String)>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let deleted = flag(&params, "deleted");
    let store = state.store();
    kek(store, &name, deleted).await?;
    let versions: Vec<i64> = subject_deks(store, &name, &subject, &params, deleted)
        .await?
        .iter()
        .map(|dek| dek.version)
        .collect();
    Ok(ok(&page(versions, &params)))
}

/// `GET /dek-registry/v1/keks/{name}/deks/{subject}/versions/{version}` (`latest` too).
pub(crate) async fn get_dek_version(
    State(state): State<AppState>,
    ApiPath((name, subject, version)): ApiPath<(String, String, String)>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let spec = VersionSpec::parse(&version)?;
    let deleted = flag(&params, "deleted");
    let store = state.store();
    kek(store, &name, deleted).await?;
    let deks = subject_deks(store, &name, &subject, &params, deleted).await?;
    let dek = pick(deks, &subject, spec)?;
    Ok(ok(&DekBody::from(&dek)))
}

/// Soft-deletes (`permanent=false`) or removes the DEKs chosen by `spec` (`None`: every
/// version of the subject): 40471 when a permanent delete meets a live one.
async fn delete_deks(
    store: &Store,
    name: &str,
    subject: &str,
    spec: Option<VersionSpec>,
    params: &Params,
) -> Result<Response, ApiError> {
    let permanent = flag(params, "permanent");
    kek(store, name, true).await?;
    let all = subject_deks(store, name, subject, params, true).await?;
    let chosen: Vec<DekRecord> = match spec {
        Some(spec) => vec![pick(all, subject, spec)?],
        None if all.is_empty() => return Err(ApiError::key_not_found(subject)),
        // A soft delete of the subject touches its live versions, a permanent one all.
        None => all
            .into_iter()
            .filter(|dek| permanent || !dek.deleted)
            .collect(),
    };
    if permanent {
        if chosen.iter().any(|dek| !dek.deleted) {
            return Err(ApiError::key_not_soft_deleted(subject));
        }
        for dek in &chosen {
            store.remove_dek(dek).await?;
        }
    } else {
        for dek in chosen.into_iter().filter(|dek| !dek.deleted) {
            store
                .put_dek(&DekRecord {
                    ts: now_millis(),
                    deleted: true,
                    ..dek
                })
                .await?;
        }
    }
    Ok(no_content())
}

/// `DELETE /dek-registry/v1/keks/{name}/deks/{subject}?algorithm=&permanent=`: 204.
pub(crate) async fn delete_subject_deks(
    State(state): State<AppState>,
    ApiPath((name, subject)): ApiPath<(String, String)>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    delete_deks(state.store(), &name, &subject, None, &params).await
}

/// `DELETE /dek-registry/v1/keks/{name}/deks/{subject}/versions/{version}`: 204.
pub(crate) async fn delete_dek_version(
    State(state): State<AppState>,
    ApiPath((name, subject, version)): ApiPath<(String, String, String)>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let spec = VersionSpec::parse(&version)?;
    delete_deks(state.store(), &name, &subject, Some(spec), &params).await
}

/// Undeletes the DEKs chosen by `spec` (`None`: every version): 40472 while the KEK is
/// soft-deleted.
async fn undelete_deks(
    store: &Store,
    name: &str,
    subject: &str,
    spec: Option<VersionSpec>,
    params: &Params,
) -> Result<Response, ApiError> {
    let kek = kek(store, name, true).await?;
    let all = subject_deks(store, name, subject, params, true).await?;
    let chosen = match spec {
        Some(spec) => vec![pick(all, subject, spec)?],
        None if all.is_empty() => return Err(ApiError::key_not_found(subject)),
        None => all,
    };
    if kek.deleted {
        return Err(ApiError::key_soft_deleted(name));
    }
    for dek in chosen.into_iter().filter(|dek| dek.deleted) {
        store
            .put_dek(&DekRecord {
                ts: now_millis(),
                deleted: false,
                ..dek
            })
            .await?;
    }
    Ok(no_content())
}

/// `POST /dek-registry/v1/keks/{name}/deks/{subject}/undelete?algorithm=`: 204.
pub(crate) async fn undelete_subject_deks(
    State(state): State<AppState>,
    ApiPath((name, subject)): ApiPath<(String, String)>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    undelete_deks(state.store(), &name, &subject, None, &params).await
}

/// `POST /dek-registry/v1/keks/{name}/deks/{subject}/versions/{version}/undelete`: 204.
pub(crate) async fn undelete_dek_version(
    State(state): State<AppState>,
    ApiPath((name, subject, version)): ApiPath<(String, String, String)>,
    Query(params): Query<Params>,
) -> Result<Response, ApiError> {
    let spec = VersionSpec::parse(&version)?;
    undelete_deks(state.store(), &name, &subject, Some(spec), &params).await
}
