//! Reads a video's container (MP4/MOV, ISO base media) for duration, size, frame rate and codec.

use std::io::{BufReader, Read, Seek};

use mp4::{MediaType, TrackType};
use multitok_shared::media_rules::VideoProperties;

/// Reads and seeks the reader may make before the file is refused. A real file's header takes
/// a few hundred; the mp4 crate loops forever on a nested box of size 0, and this ends it.
const OPERATIONS: u32 = 1_000_000;

/// A reader that fails once it has been read from or sought `OPERATIONS` times.
struct Budget<R> {
    inner: R,
    left: u32,
}

impl<R> Budget<R> {
    fn spend(&mut self) -> std::io::Result<()> {
        self.left = self
            .left
            .checked_sub(1)
            .ok_or_else(|| std::io::Error::other("the container's boxes never end"))?;
        Ok(())
    }
}

impl<R: Read> Read for Budget<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.spend()?;
        self.inner.read(buf)
    }
}

impl<R: Seek> Seek for Budget<R> {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.spend()?;
        self.inner.seek(pos)
    }
}

/// Properties of the first video track, or why the file cannot be read.
pub fn probe<R: Read + Seek>(reader: R, size: u64) -> Result<VideoProperties, String> {
    let budget = Budget {
        inner: reader,
        left: OPERATIONS,
    };
    let mp4 = mp4::Mp4Reader::read_header(BufReader::new(budget), size)
        .map_err(|_| "is not a readable MP4 or MOV file".to_owned())?;
    let track = mp4
        .tracks()
        .values()
        .find(|t| matches!(t.track_type(), Ok(TrackType::Video)))
        .ok_or_else(|| "has no video track".to_owned())?;
    let codec = match track.media_type() {
        Ok(MediaType::H264) => "H264",
        Ok(MediaType::H265) => "H265",
        Ok(MediaType::VP9) => "VP9",
        _ => "unknown",
    };
    let duration = track.duration();
    let seconds = duration.as_secs_f64();
    let frame_rate = if seconds > 0.0 {
        f64::from(track.sample_count()) / seconds
    } else {
        0.0
    };
    Ok(VideoProperties {
        duration_ms: u64::try_from(duration.as_millis()).unwrap_or(u64::MAX),
        width: u32::from(track.width()),
        height: u32::from(track.height()),
        frame_rate: (frame_rate * 100.0).round() / 100.0,
        codec: codec.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use proptest::prelude::*;

    use super::*;

    /// A real two-second H.264 MP4 written by the mp4 crate.
    fn real_file() -> Vec<u8> {
        let config = mp4::Mp4Config {
            major_brand: str::parse("isom").unwrap(),
            minor_version: 512,
            compatible_brands: vec![str::parse("isom").unwrap()],
            timescale: 1000,
        };
        let mut w = mp4::Mp4Writer::write_start(Cursor::new(Vec::new()), &config).unwrap();
        w.add_track(&mp4::TrackConfig {
            track_type: TrackType::Video,
            timescale: 30_000,
            language: "und".into(),
            media_conf: mp4::MediaConfig::AvcConfig(mp4::AvcConfig {
                width: 720,
                height: 1280,
                seq_param_set: vec![0x67, 0x64, 0x00, 0x1f],
                pic_param_set: vec![0x68, 0xeb],
            }),
        })
        .unwrap();
        for i in 0..60u64 {
            let bytes = mp4::Bytes::from(vec![7u8; 32]);
            let sample = mp4::Mp4Sample {
                start_time: i * 1000,
                duration: 1000,
                rendering_offset: 0,
                is_sync: i == 0,
                bytes,
            };
            w.write_sample(1, &sample).unwrap();
        }
        w.write_end().unwrap();
        w.into_writer().into_inner()
    }

    #[test]
    fn the_real_file_is_read() {
        let file = real_file();
        let size = file.len() as u64;
        let video = probe(Cursor::new(file), size).unwrap();
        assert_eq!(
            (video.width, video.height, video.codec.as_str()),
            (720, 1280, "H264")
        );
    }

    #[test]
    fn a_nested_box_of_size_zero_is_refused_instead_of_looping() {
        let mut file = real_file();
        let stbl = file.windows(4).position(|w| w == b"stbl").unwrap();
        // The first box inside `stbl` claims a size of 0.
        file[stbl + 4..stbl + 8].copy_from_slice(&[0, 0, 0, 0]);
        let size = file.len() as u64;
        assert!(probe(Cursor::new(file), size).is_err());
    }

    proptest! {
        /// A real file with bytes changed or cut, or any bytes at all, is read or refused; the
        /// reader never panics (uploads are probed with it).
        #[test]
        fn any_file_is_read_or_refused(
            changes in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
            cut in any::<prop::sample::Index>(),
            raw in proptest::collection::vec(any::<u8>(), 0..256),
        ) {
            let mut file = real_file();
            for (at, byte) in changes {
                let i = at.index(file.len());
                file[i] = byte;
            }
            let keep = cut.index(file.len() + 1).max(file.len() / 2);
            file.truncate(keep);
            for bytes in [file, raw] {
                let (tx, rx) = std::sync::mpsc::channel();
                let input = bytes.clone();
                std::thread::spawn(move || {
                    let size = input.len() as u64;
                    let _ = probe(Cursor::new(input), size);
                    let _ = tx.send(());
                });
                if rx.recv_timeout(std::time::Duration::from_secs(5)).is_err() {
                    let path = std::env::temp_dir().join("probe-hang.mp4");
                    std::fs::write(&path, &bytes).unwrap();
                    panic!("probe did not finish on {}", path.display());
                }
            }
        }
    }
}
