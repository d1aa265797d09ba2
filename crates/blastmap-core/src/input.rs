//! Reading a file a user named without trusting it to end or to be what it says:
//! its start is read first, so that `/dev/zero` or a sparse 2 GB file is refused on
//! its first bytes, and whatever is not a regular file (a pipe, a device) is read up
//! to a limit only (`docs/snapshot.md`, "Reading").

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// How much of the start of a file is read before deciding to read the rest.
pub(crate) const HEAD: usize = 4096;

/// A file opened for reading, with its first bytes already read.
pub(crate) struct Opened {
    file: File,
    /// The length of a regular file (`None`: a pipe, a device, …).
    pub regular_len: Option<u64>,
    /// Up to [`HEAD`] bytes from the start.
    pub head: Vec<u8>,
    /// Whether `head` is the whole file.
    pub ended: bool,
}

/// The rest of a file would go past the limit.
#[derive(Debug)]
pub(crate) struct TooLarge;

/// Opens `path` and reads its first bytes. A directory is an error here, not later.
pub(crate) fn open(path: &Path) -> io::Result<Opened> {
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "it is a directory, not a file",
        ));
    }
    let mut opened = Opened {
        file,
        regular_len: meta.is_file().then_some(meta.len()),
        head: Vec::with_capacity(HEAD),
        ended: false,
    };
    // A pipe hands over what it has: read until the head is full or the file ends.
    let mut taken = (&mut opened.file).take(HEAD as u64);
    taken.read_to_end(&mut opened.head)?;
    opened.ended = opened.head.len() < HEAD;
    Ok(opened)
}

impl Opened {
    /// The whole file, the head included, if it holds at most `limit` bytes.
    pub fn read_all(mut self, limit: u64) -> io::Result<Result<Vec<u8>, TooLarge>> {
        if self.ended {
            return Ok(Ok(self.head));
        }
        if self.regular_len.is_some_and(|n| n > limit) {
            return Ok(Err(TooLarge));
        }
        let mut bytes = self.head;
        let expected = self.regular_len.unwrap_or(0).min(limit) as usize;
        bytes.reserve(expected.saturating_sub(bytes.len()) + 1);
        // One byte past the limit says the file goes on (a regular file may grow too).
        let room = (limit + 1).saturating_sub(bytes.len() as u64);
        (&mut self.file).take(room).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            return Ok(Err(TooLarge));
        }
        Ok(Ok(bytes))
    }

    /// The whole regular file, mapped; `None` where the file system cannot map.
    pub fn map(&self) -> Option<memmap2::Mmap> {
        // SAFETY: the map is only read, and dropped before the caller returns (the
        // estate copies what it keeps). blastmap replaces snapshots by rename, never
        // in place; another program truncating the file during the parse could fault
        // the process (as it could ripgrep's), not make it read outside the map.
        unsafe { memmap2::MmapOptions::new().populate().map(&self.file) }.ok()
    }
}

/// `1 GiB`, `16 MiB`: a limit as people say it.
pub(crate) fn size_text(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b => format!("{b} bytes"),
    }
}

#[cfg(all(test, unix))]
pub(crate) mod tests {
    use std::io::Write;
    use std::path::{Path, PathBuf};
    use std::sync::mpsc;
    use std::time::Duration;

    /// A FIFO in `dir` that a thread feeds with `start`, then with `then` repeated
    /// for ever (or, for an empty `then`, holds open without writing more): a file
    /// that never ends.
    pub fn endless_fifo(dir: &Path, start: &'static [u8], then: &'static [u8]) -> PathBuf {
        static MADE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let fifo = dir.join(format!("endless-{n}"));
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        let path = fifo.clone();
        std::thread::spawn(move || {
            let Ok(mut w) = std::fs::OpenOptions::new().write(true).open(&path) else {
                return;
            };
            if w.write_all(start).is_err() {
                return;
            }
            loop {
                if then.is_empty() {
                    std::thread::sleep(Duration::from_secs(3600));
                } else if w.write_all(then).is_err() {
                    // The reader went away.
                    return;
                }
            }
        });
        fifo
    }

    /// `work`'s answer, if it comes within ten seconds.
    pub fn within_seconds<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(work());
        });
        rx.recv_timeout(Duration::from_secs(10))
            .expect("no answer within 10 s: the file was read without bound")
    }

    #[test]
    fn a_pipe_is_read_up_to_the_limit_and_no_further() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = endless_fifo(dir.path(), b"{", b"                ");
        let result = within_seconds(move || {
            let opened = super::open(&fifo).unwrap();
            assert_eq!(opened.head.len(), super::HEAD);
            assert!(opened.regular_len.is_none() && !opened.ended);
            opened.read_all(1 << 20).unwrap()
        });
        assert!(result.is_err(), "more than the limit");
    }

    #[test]
    fn a_short_pipe_and_a_small_file_are_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        let text = "x".repeat(10_000);
        std::fs::write(&file, &text).unwrap();
        let opened = super::open(&file).unwrap();
        assert_eq!(opened.regular_len, Some(10_000));
        assert_eq!(opened.read_all(1 << 20).unwrap().unwrap(), text.as_bytes());
        let opened = super::open(&file).unwrap();
        assert!(opened.read_all(9_999).unwrap().is_err());
        let err = super::open(dir.path()).err().unwrap();
        assert!(err.to_string().contains("directory"), "{err}");
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(super::size_text(1 << 30), "1 GiB");
        assert_eq!(super::size_text(16 << 20), "16 MiB");
        assert_eq!(super::size_text(1000), "1000 bytes");
    }
}
