//! MD5 checksums of files, as the reference records them in `checksums.yaml`: streamed in
//! fixed-size blocks (constant memory whatever the file size) and computed for many files
//! in parallel.

use md5::{Digest, Md5};
use rayon::prelude::*;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

const BLOCK: usize = 1 << 20;

/// The lowercase hex MD5 of a file; `on_bytes` is told how many bytes were read after each block.
pub fn md5_file(path: &Path, on_bytes: &(dyn Fn(u64) + Sync)) -> Result<String, String> {
    let mut file = File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut hasher = Md5::new();
    let mut buf = vec![0u8; BLOCK];
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        on_bytes(n as u64);
    }
    Ok(hex(&hasher.finalize()))
}

/// The MD5 of each path, in the given order, computed in parallel.
pub fn md5_files(
    paths: &[PathBuf],
    on_bytes: &(dyn Fn(u64) + Sync),
) -> Result<Vec<String>, String> {
    paths.par_iter().map(|p| md5_file(p, on_bytes)).collect()
}

pub fn md5_bytes(bytes: &[u8]) -> String {
    hex(&Md5::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        assert_eq!(md5_bytes(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(
            md5_bytes(b"The quick brown fox jumps over the lazy dog"),
            "9e107d9d372bb6826bd81d3542a419d6"
        );
    }

    #[test]
    fn files_stream_across_blocks() {
        let dir = std::env::temp_dir().join(format!("mlebench-md5-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let big: Vec<u8> = (0..(BLOCK * 2 + 123)).map(|i| (i % 251) as u8).collect();
        let (a, b) = (dir.join("a.bin"), dir.join("b.bin"));
        std::fs::write(&a, &big).unwrap();
        std::fs::write(&b, b"abc").unwrap();
        let total = std::sync::atomic::AtomicU64::new(0);
        let sums = md5_files(&[a.clone(), b], &|n| {
            total.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        })
        .unwrap();
        assert_eq!(sums[0], md5_bytes(&big));
        assert_eq!(sums[1], "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(total.into_inner(), big.len() as u64 + 3);
        assert!(md5_file(&dir.join("missing"), &|_| {}).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
