//! Deploys to S3-compatible stores (AWS S3, Cloudflare R2, Backblaze B2,
//! MinIO, Ceph) through the `object_store` crate, which signs requests and
//! retries throttled and failed ones with backoff.
//!
//! What is there is compared by checksum: an object sent in one part has
//! the MD5 of its bytes as its ETag, which a listing gives for every key.
//! A store that gives other ETags (encryption with KMS keys, objects sent
//! in parts by another tool) gets those files again, never wrong ones.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as Key;
use object_store::{
    Attribute, Attributes, BackoffConfig, ObjectStore, ObjectStoreExt, PutOptions, PutPayload,
    RetryConfig,
};

use super::plan::{self, Plan};
use super::{DeployOptions, LocalFile, Progress, Target};

/// Files sent at once.
const PARALLEL: usize = 32;

/// A bucket and the folder in it that holds the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub bucket: String,
    /// Without leading or trailing `/`; empty for the bucket's root.
    pub prefix: String,
}

impl Location {
    /// `bucket/prefix`, the part of an `s3://` address after the scheme.
    pub fn parse(address: &str) -> Location {
        let (bucket, prefix) = address.split_once('/').unwrap_or((address, ""));
        Location {
            bucket: bucket.to_string(),
            prefix: prefix.trim_matches('/').to_string(),
        }
    }

    /// The store's key of the output file at `key`.
    fn key(&self, key: &str) -> Result<Key, String> {
        let full = if self.prefix.is_empty() {
            key.to_string()
        } else {
            format!("{}/{key}", self.prefix)
        };
        Key::parse(&full).map_err(|e| format!("`{full}` cannot be a key in the store: {e}"))
    }
}

/// Makes the bucket's folder equal to the output folder.
pub fn deploy(
    target: &Target,
    output: &Path,
    options: DeployOptions,
    progress: &dyn Progress,
) -> Result<Plan, String> {
    let super::Remote::S3(location) = &target.remote else {
        return Err(format!("`{}` is not an s3:// address", target.url));
    };
    let local = super::scan_output(output)?;
    let store = connect(target, location)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the network runtime: {e}"))?;
    runtime.block_on(async {
        let remote = list(&store, location, &target.url).await?;
        let checksums = local
            .iter()
            .map(|(key, file)| (key.clone(), file.md5.clone()))
            .collect();
        let plan = plan::plan(&checksums, &remote, !options.no_delete);
        progress.planned(&plan);
        if !options.dry_run {
            send(&store, location, target, &local, &plan, progress).await?;
        }
        Ok(plan)
    })
}

/// A client for the bucket, with the target's endpoint, region and retries
/// and the credentials of the environment.
fn connect(target: &Target, location: &Location) -> Result<AmazonS3, String> {
    let mut builder = AmazonS3Builder::from_env()
        .with_bucket_name(&location.bucket)
        .with_retry(RetryConfig {
            backoff: BackoffConfig {
                init_backoff: Duration::from_millis(100),
                max_backoff: Duration::from_secs(15),
                base: 2.0,
            },
            max_retries: target.retries,
            retry_timeout: Duration::from_secs(180),
        });
    if std::env::var_os("AWS_ACCESS_KEY_ID").is_none()
        && let Some(keys) = shared_credentials()
    {
        builder = builder
            .with_access_key_id(keys.access_key_id)
            .with_secret_access_key(keys.secret_access_key);
        if let Some(token) = keys.session_token {
            builder = builder.with_token(token);
        }
    }
    if let Some(region) = &target.region {
        builder = builder.with_region(region);
    }
    if let Some(endpoint) = &target.endpoint {
        builder = builder
            .with_endpoint(endpoint)
            .with_allow_http(endpoint.starts_with("http://"));
    }
    // The builder's errors name settings, never their values.
    builder
        .build()
        .map_err(|e| format!("cannot set up the connection to {}: {e}", target.url))
}

/// Keys from the AWS shared credentials file (`~/.aws/credentials`, or
/// `AWS_SHARED_CREDENTIALS_FILE`), profile `AWS_PROFILE` or `default`.
struct SharedKeys {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
}

fn shared_credentials() -> Option<SharedKeys> {
    let path = match std::env::var_os("AWS_SHARED_CREDENTIALS_FILE") {
        Some(path) => std::path::PathBuf::from(path),
        None => std::path::PathBuf::from(std::env::var_os("HOME")?).join(".aws/credentials"),
    };
    let text = std::fs::read_to_string(path).ok()?;
    let profile = std::env::var("AWS_PROFILE").unwrap_or_else(|_| "default".into());
    let values = profile_values(&text, &profile);
    Some(SharedKeys {
        access_key_id: values.get("aws_access_key_id")?.clone(),
        secret_access_key: values.get("aws_secret_access_key")?.clone(),
        session_token: values.get("aws_session_token").cloned(),
    })
}

/// The `key = value` lines of section `[profile]` of an INI file.
fn profile_values(text: &str, profile: &str) -> HashMap<String, String> {
    let mut current = None;
    let mut values = HashMap::new();
    for line in text.lines().map(str::trim) {
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = Some(section.trim().to_string());
        } else if current.as_deref() == Some(profile)
            && let Some((key, value)) = line.split_once('=')
        {
            values.insert(key.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }
    values
}

/// Every key under the location's folder, with the MD5 its ETag gives.
/// A store whose listings carry no ETags is asked for each file's.
async fn list(
    store: &AmazonS3,
    location: &Location,
    url: &str,
) -> Result<HashMap<String, Option<String>>, String> {
    let prefix = (!location.prefix.is_empty())
        .then(|| Key::parse(&location.prefix))
        .transpose()
        .map_err(|e| format!("`{}` cannot be a folder in the store: {e}", location.prefix))?;
    let strip = if location.prefix.is_empty() {
        String::new()
    } else {
        format!("{}/", location.prefix)
    };
    let listed: Vec<(String, Option<String>)> = store
        .list(prefix.as_ref())
        .map_err(|e| format!("cannot list {url}: {e}"))
        .try_filter_map(|meta| {
            let key = meta
                .location
                .as_ref()
                .strip_prefix(&strip)
                .map(|key| (key.to_string(), meta.e_tag));
            futures::future::ready(Ok(key))
        })
        .try_collect()
        .await?;
    futures::stream::iter(listed)
        .map(|(key, etag)| async move {
            let etag = match etag {
                Some(etag) => Some(etag),
                None => {
                    let meta = store
                        .head(&location.key(&key)?)
                        .await
                        .map_err(|e| format!("cannot read {key} in {url}: {e}"))?;
                    meta.e_tag
                }
            };
            let md5 = etag.as_deref().and_then(etag_md5);
            Ok::<_, String>((key, md5))
        })
        .buffer_unordered(PARALLEL)
        .try_collect()
        .await
}

/// The MD5 an ETag holds, if it is one: `"9e107d9d372bb6826bd81d3542a419d6"`.
/// ETags of objects sent in parts (`"...-3"`) are not.
fn etag_md5(etag: &str) -> Option<String> {
    let etag = etag.trim_start_matches("W/").trim_matches('"');
    (etag.len() == 32 && etag.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| etag.to_ascii_lowercase())
}

/// Sends the plan's files stage by stage, then deletes; the first failure
/// (after the client's retries) stops it before anything is deleted.
async fn send(
    store: &AmazonS3,
    location: &Location,
    target: &Target,
    local: &BTreeMap<String, LocalFile>,
    plan: &Plan,
    progress: &dyn Progress,
) -> Result<(), String> {
    let mut sent = 0;
    for (_, batch) in plan.stages() {
        let result = futures::stream::iter(batch)
            .map(|upload| put(store, location, target, local, &upload.key))
            .buffer_unordered(PARALLEL)
            .try_for_each(|key| {
                progress.done(key);
                sent += 1;
                futures::future::ready(Ok(()))
            })
            .await;
        if let Err(e) = result {
            return Err(format!(
                "{e}\n{sent} of {} files were sent and nothing was deleted: every page that was live still works; deploy again to send the rest",
                plan.uploads.len()
            ));
        }
    }
    let keys = plan
        .deletes
        .iter()
        .map(|key| location.key(key))
        .collect::<Result<Vec<_>, _>>()?;
    store
        .delete_stream(futures::stream::iter(keys.into_iter().map(Ok)).boxed())
        .map_err(|e| {
            format!(
                "deleting old files failed: {e}\nevery new file was sent; deploy again to delete the rest"
            )
        })
        .try_for_each(|key| {
            let key = key.as_ref();
            progress.done(key.strip_prefix(&location.prefix).unwrap_or(key).trim_start_matches('/'));
            futures::future::ready(Ok(()))
        })
        .await
}

/// Sends one output file with its type and cache rule; gives back its key.
async fn put<'a>(
    store: &AmazonS3,
    location: &Location,
    target: &Target,
    local: &BTreeMap<String, LocalFile>,
    key: &'a str,
) -> Result<&'a str, String> {
    let file = &local[key];
    let bytes = std::fs::read(&file.path)
        .map_err(|e| format!("cannot read {}: {e}", file.path.display()))?;
    let mut attributes = Attributes::new();
    attributes.insert(
        Attribute::ContentType,
        super::media::content_type(key).into(),
    );
    attributes.insert(
        Attribute::CacheControl,
        target.cache.cache_control(key).to_string().into(),
    );
    let options = PutOptions {
        attributes,
        ..Default::default()
    };
    store
        .put_opts(&location.key(key)?, PutPayload::from(bytes), options)
        .await
        .map_err(|e| format!("sending {key} to {} failed: {e}", target.url))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_split_bucket_and_folder() {
        assert_eq!(
            Location::parse("bucket/site/"),
            Location {
                bucket: "bucket".into(),
                prefix: "site".into()
            }
        );
        assert_eq!(Location::parse("bucket").prefix, "");
    }

    #[test]
    fn etags_give_md5s_only_for_single_part_objects() {
        assert_eq!(
            etag_md5("\"9E107D9D372BB6826BD81D3542A419D6\"").as_deref(),
            Some("9e107d9d372bb6826bd81d3542a419d6")
        );
        assert_eq!(etag_md5("\"9e107d9d372bb6826bd81d3542a419d6-2\""), None);
    }

    #[test]
    fn shared_credentials_come_from_the_profile_asked_for() {
        let text = "[default]\naws_access_key_id = A\naws_secret_access_key = B\n\n[other]\naws_access_key_id = C\n";
        let values = profile_values(text, "default");
        assert_eq!(values["aws_access_key_id"], "A");
        assert_eq!(values["aws_secret_access_key"], "B");
        assert_eq!(profile_values(text, "other")["aws_access_key_id"], "C");
    }
}
