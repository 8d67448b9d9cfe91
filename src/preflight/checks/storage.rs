//! Storage and size: where a file's data is, and whether it is too big to send.

use super::*;

/// What the file system says about where a file's data is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Storage {
    /// The file's size.
    pub len: u64,
    /// Bytes actually stored on this disk, where the platform tells (Unix).
    pub allocated: Option<u64>,
    /// The platform marks the file as online-only (Windows offline/recall attributes,
    /// macOS dataless files).
    pub online_only: bool,
}

/// Files smaller than this can live inside the file system's own records (ext4 inline data,
/// NTFS resident files) and use no blocks although their data is here.
pub(super) const INLINE_DATA_MAX: u64 = 4096;

/// Storage facts from metadata, on each platform.
pub fn storage(meta: &std::fs::Metadata) -> Storage {
    #[cfg(unix)]
    let allocated = {
        use std::os::unix::fs::MetadataExt;
        Some(meta.blocks().saturating_mul(512))
    };
    #[cfg(not(unix))]
    let allocated = None;

    #[cfg(windows)]
    let online_only = {
        use std::os::windows::fs::MetadataExt;
        const FILE_ATTRIBUTE_OFFLINE: u32 = 0x1000;
        const FILE_ATTRIBUTE_RECALL_ON_OPEN: u32 = 0x4_0000;
        const FILE_ATTRIBUTE_RECALL_ON_DATA_ACCESS: u32 = 0x40_0000;
        meta.file_attributes()
            & (FILE_ATTRIBUTE_OFFLINE
                | FILE_ATTRIBUTE_RECALL_ON_OPEN
                | FILE_ATTRIBUTE_RECALL_ON_DATA_ACCESS)
            != 0
    };
    #[cfg(target_os = "macos")]
    let online_only = {
        use std::os::macos::fs::MetadataExt;
        const SF_DATALESS: u32 = 0x4000_0000;
        meta.st_flags() & SF_DATALESS != 0
    };
    #[cfg(not(any(windows, target_os = "macos")))]
    let online_only = false;

    Storage {
        len: meta.len(),
        allocated,
        online_only,
    }
}

/// A file whose data is not on this computer: online-only, or no blocks at all for its size.
pub fn not_downloaded(s: &Storage) -> Option<Issue> {
    let no_blocks = s.len > INLINE_DATA_MAX && s.allocated == Some(0);
    (s.len > 0 && (s.online_only || no_blocks)).then(|| {
        Issue::fail(
            Check::NotDownloaded,
            "its data is not on this computer (a cloud file that is online-only, or an empty \
             placeholder)",
            DOWNLOAD_FIRST,
        )
    })
}

/// A 0-byte file.
pub fn empty(len: u64) -> Option<Issue> {
    (len == 0).then(|| {
        Issue::fail(
            Check::Empty,
            "the file is empty (0 bytes)",
            "Get the file again from where it came from; if it lives in a cloud folder, download \
             it locally first.",
        )
    })
}

/// The one size limit Procore documents: Direct Costs attachments, 5 GB per file.
pub(super) const DIRECT_COSTS_LIMIT: u64 = 5_000_000_000;

/// A warning (or, on a weak connection, a failure) for a big file.
pub fn size(len: u64, warn_size: u64, network: Network) -> Option<Issue> {
    let shown = human_size(len);
    let mut fix = "Compress it (PDF: reduce file size; photos and video: export smaller) or split \
                   it into parts"
        .to_owned();
    if len > DIRECT_COSTS_LIMIT {
        fix.push_str("; Direct Costs attachments are limited to 5 GB per file");
    }
    match network {
        Network::Weak if len > warn_size => Some(Issue::fail(
            Check::Large,
            format!(
                "{shown}: on a weak connection an upload this big is likely to stall or time out"
            ),
            format!("{fix}, or upload it from a fast, steady connection (office Wi-Fi or wired)."),
        )),
        Network::Weak if len > warn_size / 4 => Some(Issue::warn(
            Check::Large,
            format!(
                "{shown}: slow to upload on a weak connection (over {})",
                human_size(warn_size / 4)
            ),
            format!("{fix}, or upload it from a fast, steady connection."),
        )),
        Network::Good if len > warn_size => Some(Issue::warn(
            Check::Large,
            format!("{shown}: over {}, slow to upload", human_size(warn_size)),
            format!("{fix}, and upload it over a fast, steady connection."),
        )),
        _ => None,
    }
}

/// A size as people read it: `312.5 MB`.
pub fn human_size(bytes: u64) -> String {
    bytesize::ByteSize(bytes).display().si().to_string()
}

/// Parses a size such as `50MB`, `1.5 GB`, `200MiB` or `1000000` (bytes).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let trimmed = s.trim();
    let parsed = trimmed
        .parse::<bytesize::ByteSize>()
        .map_err(|_| format!("expected a size like 50MB, 1.5GB or 200MiB, got `{s}`"))?;
    if parsed.as_u64() == 0 {
        return Err(format!("the size must be more than 0, got `{s}`"));
    }
    Ok(parsed.as_u64())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_without_data_is_not_downloaded() {
        let at = |len, allocated, online_only| {
            not_downloaded(&Storage {
                len,
                allocated,
                online_only,
            })
            .map(|i| i.check)
        };
        assert_eq!(at(1_000_000, Some(0), false), Some(Check::NotDownloaded));
        assert_eq!(at(10, Some(0), true), Some(Check::NotDownloaded));
        // Small files can be stored inline; files with blocks and unknown platforms are fine.
        assert_eq!(at(100, Some(0), false), None);
        assert_eq!(at(1_000_000, Some(4096), false), None);
        assert_eq!(at(1_000_000, None, false), None);
        assert_eq!(at(0, Some(0), true), None);
    }

    #[test]
    fn empty_files_fail() {
        assert_eq!(empty(0).map(|i| i.severity), Some(Severity::Fail));
        assert_eq!(empty(1), None);
    }

    #[test]
    fn sizes_warn_and_fail_on_a_weak_network() {
        let mb = 1_000_000;
        assert_eq!(size(100 * mb, 100 * mb, Network::Good), None);
        let good = size(150 * mb, 100 * mb, Network::Good).expect("large");
        assert_eq!((good.check, good.severity), (Check::Large, Severity::Warn));
        assert!(good.problem.starts_with("150.0 MB"), "{}", good.problem);
        assert!(!good.fix.contains("5 GB"));
        let weak = size(150 * mb, 100 * mb, Network::Weak).expect("large");
        assert_eq!(weak.severity, Severity::Fail);
        let quarter = size(30 * mb, 100 * mb, Network::Weak).expect("over a quarter");
        assert_eq!(quarter.severity, Severity::Warn);
        assert_eq!(size(30 * mb, 100 * mb, Network::Good), None);
        assert_eq!(size(20 * mb, 100 * mb, Network::Weak), None);
        let huge = size(6_000 * mb, 100 * mb, Network::Good).expect("huge");
        assert!(
            huge.fix
                .contains("Direct Costs attachments are limited to 5 GB")
        );
    }

    #[test]
    fn sizes_parse_from_human_text() {
        assert_eq!(parse_size("50MB"), Ok(50_000_000));
        assert_eq!(parse_size("1.5 GB"), Ok(1_500_000_000));
        assert_eq!(parse_size("200MiB"), Ok(200 * 1024 * 1024));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("0").is_err());
        assert!(parse_size("-5MB").is_err());
    }

    /// SI units, including the sizes at a unit's edge.
    #[test]
    fn sizes_show_in_si_units_with_one_decimal() {
        let cases = [
            (0, "0 B"),
            (999, "999 B"),
            (1_000, "1.0 kB"),
            (1_500, "1.5 kB"),
            (999_999, "1000.0 kB"),
            (1_000_000, "1.0 MB"),
            (3_000_000, "3.0 MB"),
            (312_500_000, "312.5 MB"),
            (1_000_000_000, "1.0 GB"),
            (5_000_000_000_000, "5.0 TB"),
        ];
        for (bytes, shown) in cases {
            assert_eq!(human_size(bytes), shown, "{bytes} bytes");
        }
    }
}
