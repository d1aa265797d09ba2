use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::ser::SerializeMap;

use crate::model::{Estate, Resource};

use super::{SCHEMA, SnapshotError, VERSION};

/// The estate as snapshot JSON: one resource per line, so that files diff well.
pub fn to_string(estate: &Estate) -> String {
    let mut out = String::with_capacity(estate.resources().len() * 256 + 1024);
    let json = |v: &dyn erased::Json| v.to_json();
    out.push_str("{\n");
    out.push_str(&format!("\"schema\": {},\n", json(&SCHEMA)));
    out.push_str(&format!("\"version\": {VERSION},\n"));
    out.push_str(&format!("\"source\": {},\n", json(&estate.meta.source)));
    if let Some(t) = &estate.meta.captured_at {
        out.push_str(&format!("\"captured_at\": {},\n", json(t)));
    }
    if let Some(d) = &estate.meta.description {
        out.push_str(&format!("\"description\": {},\n", json(d)));
    }
    let accounts: Vec<String> = estate
        .accounts()
        .iter()
        .map(|a| {
            let mut zones: BTreeMap<&str, BTreeMap<&str, &str>> = BTreeMap::new();
            for (az, name) in &a.az_names {
                let info = estate.az(*az);
                zones
                    .entry(estate.region_name(info.region))
                    .or_default()
                    .insert(name, &info.id);
            }
            #[derive(Serialize)]
            struct AccountOut<'a> {
                id: &'a str,
                name: &'a str,
                zones: BTreeMap<&'a str, BTreeMap<&'a str, &'a str>>,
            }
            json(&AccountOut {
                id: &a.id,
                name: &a.name,
                zones,
            })
        })
        .collect();
    push_list(&mut out, "accounts", &accounts);
    let coverage: Vec<String> = estate.coverage.iter().map(|c| json(c)).collect();
    push_list(&mut out, "coverage", &coverage);
    out.push_str(&format!("\"declared\": {},\n", json(&estate.declared)));
    let resources: Vec<String> = estate
        .resources()
        .iter()
        .map(|r| json(&ResourceOut { estate, r }))
        .collect();
    out.push_str("\"resources\": [\n");
    out.push_str(&resources.join(",\n"));
    out.push_str("\n]\n}\n");
    // `--out -` prints it: no raw control or bidirectional character in a name.
    crate::text::json_escape_unsafe(out)
}

fn push_list(out: &mut String, key: &str, items: &[String]) {
    out.push_str(&format!("\"{key}\": [\n"));
    out.push_str(&items.join(",\n"));
    out.push_str("\n],\n");
}

mod erased {
    /// Object-safe JSON encoding, so one closure serves every type.
    pub trait Json {
        fn to_json(&self) -> String;
    }
    impl<T: serde::Serialize + ?Sized> Json for T {
        fn to_json(&self) -> String {
            serde_json::to_string(self).expect("snapshot values always serialize")
        }
    }
}

struct ResourceOut<'a> {
    estate: &'a Estate,
    r: &'a Resource,
}

impl Serialize for ResourceOut<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (e, r) = (self.estate, self.r);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("kind", &r.kind())?;
        m.serialize_entry("id", &r.id)?;
        m.serialize_entry("name", &r.name)?;
        m.serialize_entry("account", &e.account(r.account).id)?;
        m.serialize_entry("region", e.region_name(r.region))?;
        if let Some(az) = r.az {
            m.serialize_entry("az", e.az_id(az))?;
        }
        if !r.tags.is_empty() {
            m.serialize_entry("tags", &r.tags)?;
        }
        r.facts.serialize_entry(&mut m)?;
        m.end()
    }
}

/// Writes the estate as a snapshot, atomically, readable by the owner only
/// (a snapshot describes infrastructure).
pub fn write_estate(path: &Path, estate: &Estate) -> Result<(), SnapshotError> {
    write_atomic(path, to_string(estate).as_bytes(), true)
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a
/// rename, so that `path` is either untouched or complete. `private` sets mode 0600.
/// A path that is a device, FIFO or socket is written to in place instead (see
/// [`write_in_place`]).
pub fn write_atomic(path: &Path, bytes: &[u8], private: bool) -> Result<(), SnapshotError> {
    let err = |error: std::io::Error| SnapshotError::Write {
        path: path.to_path_buf(),
        error,
    };
    // Asked of the path itself, which the kernel follows: `/dev/stdout` leads through
    // `/proc/self/fd/1` to a pipe that no path names.
    if let Ok(m) = std::fs::metadata(path)
        && !m.is_file()
        && !m.is_dir()
    {
        return write_in_place(path, bytes).map_err(err);
    }
    // A symlink stays a symlink: the file it points at is what gets replaced (or
    // created, when the link dangles).
    let resolved = follow_links(path).map_err(err)?;
    let path = resolved.as_path();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // Errors name the user's path and its directory, never the temporary file's
    // random name, which the user has not heard of and which no longer exists.
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(err(io::Error::new(
                io::ErrorKind::NotADirectory,
                format!("{} is not a directory", dir.display()),
            )));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("directory {} does not exist", dir.display()),
            )));
        }
        Err(e) => return Err(err(e)),
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".blastmap-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| {
            err(io::Error::new(
                e.kind(),
                format!("cannot create a file in {}: {}", dir.display(), e.kind()),
            ))
        })?;
    #[cfg(unix)]
    if !private {
        use std::os::unix::fs::PermissionsExt;
        // tempfile creates 0600; ordinary outputs get the usual 0644.
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(err)?;
    }
    // Through the File: NamedTempFile's own Write adds the temporary path to errors.
    tmp.as_file_mut().write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    // The rename is durable once the directory is synced too; a failure here
    // (some filesystems refuse) leaves a complete file all the same.
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Writes to a file that is not a regular file (`/dev/null`, `/dev/stdout`, a FIFO, a
/// terminal) as any Unix tool would: renaming a regular file over it would replace
/// `/dev/null` for every program on the machine, and hide a write error (`/dev/full`).
fn write_in_place(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
    file.write_all(bytes)?;
    file.flush()
}

/// Where writing to `path` lands: `path` itself, or the file its symlinks lead to
/// (each relative target taken from its link's directory), whether or not it exists.
fn follow_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    // As many links as Linux follows before giving up with ELOOP.
    for _ in 0..40 {
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&path)?;
                // An absolute target replaces the directory; a relative one is under it.
                path = match path.parent() {
                    Some(dir) => dir.join(target),
                    None => target,
                };
            }
            _ => return Ok(path),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

#[cfg(test)]
mod tests {
    use super::write_atomic;

    #[cfg(unix)]
    #[test]
    fn a_dangling_symlink_gets_its_target_created_and_stays_a_link() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("sub")).unwrap();
        // Relative targets are taken from the link's directory, not the current one.
        symlink("target.md", d.join("sub/dl")).unwrap();
        write_atomic(&d.join("sub/dl"), b"one", false).unwrap();
        assert_eq!(std::fs::read(d.join("sub/target.md")).unwrap(), b"one");
        assert!(
            std::fs::symlink_metadata(d.join("sub/dl"))
                .unwrap()
                .is_symlink()
        );
        // A chain of links, the last one dangling and absolute.
        symlink("sub/dl2", d.join("first")).unwrap();
        symlink(d.join("end.md"), d.join("sub/dl2")).unwrap();
        write_atomic(&d.join("first"), b"two", true).unwrap();
        assert_eq!(std::fs::read(d.join("end.md")).unwrap(), b"two");
        assert!(
            std::fs::symlink_metadata(d.join("first"))
                .unwrap()
                .is_symlink()
        );
        // A link that exists is replaced through, as before.
        write_atomic(&d.join("sub/dl"), b"three", false).unwrap();
        assert_eq!(std::fs::read(d.join("sub/target.md")).unwrap(), b"three");
        // A loop is an error, not a hang.
        symlink("loop-b", d.join("loop-a")).unwrap();
        symlink("loop-a", d.join("loop-b")).unwrap();
        let err = write_atomic(&d.join("loop-a"), b"x", false).unwrap_err();
        assert!(
            err.to_string()
                .contains("too many levels of symbolic links"),
            "{err}"
        );
    }

    /// Runs `read` on another thread; the answer is waited for at most ten seconds,
    /// as a writer that misses the FIFO leaves the reader waiting forever.
    #[cfg(unix)]
    fn on_another_thread<T: Send + 'static>(
        read: impl FnOnce() -> T + Send + 'static,
    ) -> impl FnOnce() -> Option<T> {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(read());
        });
        move || rx.recv_timeout(std::time::Duration::from_secs(10)).ok()
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_written_through_and_stays_a_fifo() {
        use std::io::Read;
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        // Opened for reading and writing, the FIFO has a reader at once (Linux).
        let mut end = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&fifo)
            .unwrap();
        let reader = on_another_thread(move || {
            let mut got = vec![0; 5];
            end.read_exact(&mut got).map(|()| got)
        });
        write_atomic(&fifo, b"piped", false).unwrap();
        let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
        assert!(kind.is_fifo(), "the FIFO was replaced by {kind:?}");
        let got = reader()
            .expect("the reader got nothing within 10 s")
            .unwrap();
        assert_eq!(got, b"piped");
    }

    /// A "full" device (major 1, minor 7) to write to. Made in `dir` when this process
    /// may make device nodes, so that a regression replaces that node and never
    /// /dev/full itself; otherwise /dev/full, which such a process cannot replace.
    #[cfg(unix)]
    fn full_device(dir: &std::path::Path) -> Option<std::path::PathBuf> {
        let node = dir.join("full");
        let made = std::process::Command::new("mknod")
            .arg(&node)
            .args(["c", "1", "7"])
            .stderr(std::process::Stdio::null())
            .status();
        if made.is_ok_and(|s| s.success()) {
            return Some(node);
        }
        let dev_writable = tempfile::tempfile_in("/dev").is_ok();
        (!dev_writable).then(|| "/dev/full".into())
    }

    #[cfg(unix)]
    #[test]
    fn a_full_device_is_a_write_error_and_stays_a_device() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let Some(full) = full_device(dir.path()) else {
            return;
        };
        let err = write_atomic(&full, b"nowhere to go", true)
            .expect_err("a full device takes nothing")
            .to_string();
        assert!(err.contains("No space left on device"), "{err}");
        assert!(
            err.starts_with(&format!("cannot write {}", full.display())),
            "{err}"
        );
        let meta = std::fs::symlink_metadata(&full).unwrap();
        assert!(meta.file_type().is_char_device(), "{:?}", meta.file_type());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_link_to_a_pipe_writes_into_the_pipe() {
        use std::io::Read;
        use std::os::fd::AsRawFd;
        // `/dev/fd/N` and `/dev/stdout` are links the kernel resolves to a pipe: a link
        // whose target no path names (`pipe:[1234]`).
        let (mut reader, writer) = std::io::pipe().unwrap();
        let through = format!("/proc/self/fd/{}", writer.as_raw_fd());
        let read = on_another_thread(move || {
            let mut got = vec![0; 4];
            reader.read_exact(&mut got).map(|()| got)
        });
        write_atomic(std::path::Path::new(&through), b"pipe", false).unwrap();
        assert_eq!(read().expect("the reader got nothing").unwrap(), b"pipe");
        drop(writer);
    }

    #[test]
    fn a_missing_directory_is_named_and_the_temporary_file_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("d/x.md");
        let err = write_atomic(&out, b"x", false).unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "cannot write {}: directory {} does not exist",
                out.display(),
                dir.path().join("d").display()
            )
        );
        std::fs::write(dir.path().join("f"), "").unwrap();
        let out = dir.path().join("f/x.md");
        let err = write_atomic(&out, b"x", false).unwrap_err().to_string();
        assert!(err.ends_with("/f is not a directory"), "{err}");
        assert!(!err.contains(".blastmap-"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn an_unwritable_directory_is_named_and_the_temporary_file_is_not() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let ro = dir.path().join("ro");
        std::fs::create_dir(&ro).unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o500)).unwrap();
        let result = write_atomic(&ro.join("x.md"), b"x", false);
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o700)).unwrap();
        // Root writes anywhere: then there is nothing to report.
        if let Err(err) = result {
            let err = err.to_string();
            assert!(
                err.contains(&format!("cannot create a file in {}", ro.display())),
                "{err}"
            );
            assert!(!err.contains(".blastmap-"), "{err}");
        }
    }
}
