//! Opening the files casefile builds from (`site.yaml`, content files, templates, static
//! files) the same way everywhere: only regular files are opened (a FIFO would hang the
//! build, a device would never end), never more than a given size is read, and text is
//! UTF-8, read without a byte-order mark and with LF line ends.
//!
//! It also owns [`Location`], a line and column in such a text.
//!
//! It reports what went wrong as a [`FileError`]; each stage words that for its own
//! files. It never writes, and it does not interpret the text.

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FileError {
    /// The operating system refused: the message it gave.
    Unreadable(String),
    /// Not a regular file: what it is instead (`a named pipe`, `a folder`).
    NotAFile(&'static str),
    /// More than `limit` bytes (`size` as far as it is known).
    TooLarge {
        /// The file's size.
        size: u64,
        /// The most that is read.
        limit: u64,
    },
    /// Not UTF-8; the location of the first byte that is not.
    NotUtf8(Location),
}

/// What a file is, in words, when it is not a regular file.
pub(crate) fn kind_of(metadata: &Metadata) -> Option<&'static str> {
    let kind = metadata.file_type();
    if kind.is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some("a device");
        }
    }
    if kind.is_dir() {
        return Some("a folder");
    }
    if kind.is_symlink() {
        return Some("a symbolic link");
    }
    Some("not a regular file")
}

/// Opens `path` for reading if it is a regular file, without blocking on a FIFO.
fn open_regular(path: &Path) -> Result<File, FileError> {
    let unreadable = |e: std::io::Error| FileError::Unreadable(e.to_string());
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A FIFO with no writer would block `open` itself; with O_NONBLOCK it opens at
        // once and is refused below by its type.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(unreadable)?;
    let metadata = file.metadata().map_err(unreadable)?;
    if let Some(kind) = kind_of(&metadata) {
        return Err(FileError::NotAFile(kind));
    }
    Ok(file)
}

/// The bytes of the regular file at `path`, at most `limit` of them (the file may grow
/// while it is read; nothing past the limit is read).
pub(crate) fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let file = open_regular(path)?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > limit {
        return Err(FileError::TooLarge { size, limit });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| FileError::Unreadable(e.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(FileError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// The text of the regular file at `path` (at most `limit` bytes), [`normalise`]d.
pub(crate) fn read_text(path: &Path, limit: u64) -> Result<String, FileError> {
    let bytes = read_bytes(path, limit)?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(normalise(text)),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
            Err(FileError::NotUtf8(Location::of_offset(&prefix, valid)))
        }
    }
}

/// Drops a byte-order mark and turns CRLF (and a lone CR, the old Mac line end, which
/// YAML and Markdown also read as a line end) into LF, so all give the same output and
/// every stage counts the same lines and bytes.
pub(crate) fn normalise(text: String) -> String {
    let text = text
        .strip_prefix('\u{feff}')
        .map(String::from)
        .unwrap_or(text);
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

/// A 1-based line and column in a source file (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
}

impl Location {
    /// A location at `line`, `col` (both 1-based).
    pub fn new(line: usize, col: usize) -> Self {
        Location { line, col }
    }

    /// The start of a file.
    pub fn start() -> Self {
        Location { line: 1, col: 1 }
    }

    /// The location of byte `offset` within `text`, with columns counted in characters.
    pub fn of_offset(text: &str, offset: usize) -> Self {
        let offset = offset.min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        Location { line, col }
    }

    /// This location moved down by `lines` lines (for text embedded in a larger file).
    pub fn shifted(self, lines: usize) -> Self {
        Location {
            line: self.line + lines,
            col: self.col,
        }
    }
}

/// The largest char boundary of `text` at or before `offset`.
pub(crate) fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_bom_are_normalised() {
        assert_eq!(normalise("\u{feff}a\r\nb".to_string()), "a\nb");
        assert_eq!(normalise("a\rb".to_string()), "a\nb");
    }

    #[test]
    fn limits_and_utf8_are_checked() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a.txt");
        std::fs::write(&path, b"ab\n\xffc").unwrap();
        assert_eq!(
            read_text(&path, 100),
            Err(FileError::NotUtf8(Location::new(2, 1)))
        );
        assert_eq!(
            read_bytes(&path, 2),
            Err(FileError::TooLarge { size: 5, limit: 2 })
        );
        assert_eq!(
            read_text(tmp.path(), 100),
            Err(FileError::NotAFile("a folder"))
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_refused_without_waiting_for_a_writer() {
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join("site.yaml");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid, NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert_eq!(
            read_text(&fifo, 100),
            Err(FileError::NotAFile("a named pipe (FIFO)"))
        );
    }
}
